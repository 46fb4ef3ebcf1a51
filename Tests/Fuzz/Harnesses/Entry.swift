// The fuzz harness executable, built two ways from the same sources:
// - normally (`swift build`): a deterministic corpus replayer that `make test` runs, so every
//   input the fuzzers ever kept or crashed on is re-run on every change;
// - with `-sanitize=fuzzer,address -parse-as-library -DFUZZING` (`make fuzz`): a libFuzzer
//   binary whose target is chosen by `CX_FUZZ_TARGET`; libFuzzer supplies `main`.
import Foundation

#if FUZZING
    /// libFuzzer's driver (compiler-rt): runs the fuzzing loop with our callback.
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// SwiftPM links an executable's entry point under this name; under `make fuzz` it starts the
    /// libFuzzer driver on the harness named by `CX_FUZZ_TARGET`.
    @_cdecl("FuzzHarnesses_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments, fuzzOneInput)
    }

    /// libFuzzer's per-input callback (also what its own `main` calls, when that one is linked).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        FuzzTargets.selected(bytes)
        return 0
    }
#else
    @main
    enum FuzzHarnessesMain {
        static func main() {
            exit(CorpusReplay.main(CommandLine.arguments))
        }
    }
#endif
