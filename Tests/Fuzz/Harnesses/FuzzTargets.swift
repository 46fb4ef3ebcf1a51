import Foundation

/// Every harness by name. A harness takes arbitrary bytes and must return normally: a trap,
/// a sanitizer report or a failed `FuzzCheck` is a finding.
enum FuzzTargets {
    static let all: [(name: String, run: @Sendable ([UInt8]) -> Void)] = [
        ("http-parser", HTTPParserHarness.run),
        ("json-bodies", JSONBodyHarness.run),
        ("query-strings", QueryHarness.run),
        ("csv", CSVHarness.run),
        ("csv-import", CSVImportHarness.run),
        ("svg-chart", SVGChartHarness.run),
        ("iban-dates", IBANDateHarness.run),
        ("report-cells", ReportCellsHarness.run),
        ("smtp", SMTPHarness.run),
        ("icalendar", ICalendarHarness.run),
    ]

    static func named(_ name: String) -> (@Sendable ([UInt8]) -> Void)? {
        all.first { $0.name == name }?.run
    }

    /// The harness of `CX_FUZZ_TARGET`, looked up once per process.
    static let selected: @Sendable ([UInt8]) -> Void = {
        let name = ProcessInfo.processInfo.environment["CX_FUZZ_TARGET"] ?? ""
        guard let run = named(name) else {
            let names = all.map(\.name).joined(separator: ", ")
            FileHandle.standardError.write(Data("CX_FUZZ_TARGET must be one of: \(names)\n".utf8))
            exit(2)
        }
        return run
    }()
}

/// A property a harness checks beyond "does not crash". A violation aborts, which libFuzzer and
/// the replayer both report with the input that caused it.
enum FuzzCheck {
    static func that(
        _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
        file: StaticString = #fileID, line: UInt = #line
    ) {
        if !condition() {
            FileHandle.standardError.write(Data("FuzzCheck failed at \(file):\(line): \(message())\n".utf8))
            abort()
        }
    }
}

/// Reads values out of fuzz input deterministically (the input is the only source of choices).
struct FuzzInput {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isEmpty: Bool { index >= bytes.count }
    var remaining: [UInt8] { index < bytes.count ? Array(bytes[index...]) : [] }

    mutating func byte() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func int64() -> Int64 {
        var v: UInt64 = 0
        for _ in 0..<8 { v = v << 8 | UInt64(byte()) }
        return Int64(bitPattern: v)
    }

    mutating func double() -> Double { Double(bitPattern: UInt64(bitPattern: int64())) }

    /// A length-prefixed slice of at most 255 bytes.
    mutating func chunk() -> [UInt8] {
        let n = Int(byte())
        var out: [UInt8] = []
        out.reserveCapacity(n)
        for _ in 0..<n where !isEmpty { out.append(byte()) }
        return out
    }

    mutating func string() -> String { String(decoding: chunk(), as: UTF8.self) }
}
