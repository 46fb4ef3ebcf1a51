/// A structural pass over a JSON body before Foundation decodes it, for what Foundation does
/// not refuse safely:
/// - nesting depth: Foundation's scanner traps on some inputs nested past its own limit of
///   512 (`[` × 513 then end of input crashes the process), so depth is bounded here, far
///   below that, at a depth no request body of this API comes near;
/// - duplicate member names (RFC 8259 §4 leaves them undefined; Foundation keeps one silently):
///   a body whose meaning depends on which duplicate wins is refused.
///
/// Syntax errors are left to the decoder, which reports them; this pass only has to be safe on
/// any bytes: it never traps and runs in linear time.
public enum JSONStructure {
    public enum Problem: Error, Equatable, Sendable {
        case tooDeep(limit: Int)
        case duplicateMember(String)
    }

    /// The first structural problem of `bytes`, or nil.
    public static func check(_ bytes: [UInt8], maxDepth: Int = 32) -> Problem? {
        bytes.withUnsafeBufferPointer { check($0, maxDepth: maxDepth) }
    }

    static func check(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Problem? {
        // One entry per open container: whether it is an object, and the member names seen
        // (kept apart so a name is inserted in place, never copying the set).
        var isObject: [Bool] = []
        var names: [Set<[UInt8]>] = []
        // In an object, whether the next string is a member name.
        var expectingName = false
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if isObject.count >= maxDepth { return .tooDeep(limit: maxDepth) }
                isObject.append(b == UInt8(ascii: "{"))
                names.append([])
                expectingName = b == UInt8(ascii: "{")
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !isObject.isEmpty {
                    isObject.removeLast()
                    names.removeLast()
                }
                expectingName = false
                i += 1
            case UInt8(ascii: ","):
                // After a comma inside an object comes a member name.
                if isObject.last == true { expectingName = true }
                i += 1
            case UInt8(ascii: "\""):
                let (name, next) = scanString(bytes, from: i + 1)
                if expectingName, isObject.last == true, !names[names.count - 1].insert(name).inserted {
                    return .duplicateMember(String(decoding: name, as: UTF8.self))
                }
                expectingName = false
                i = next
            default:
                i += 1
            }
        }
        return nil
    }

    /// The unescaped bytes of the string starting after its opening quote, and the index after
    /// its closing quote (or the end). Malformed escapes are kept as written: the decoder will
    /// refuse the document anyway.
    static func scanString(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> ([UInt8], Int) {
        var out: [UInt8] = []
        var i = start
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { return (out, i + 1) }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                i += 1
                continue
            }
            guard i + 1 < n else { return (out, n) }
            let e = bytes[i + 1]
            switch e {
            case UInt8(ascii: "u"):
                guard let unit = hex4(bytes, at: i + 2) else {
                    out.append(e)
                    i += 2
                    continue
                }
                i += 6
                var scalar = UInt32(unit)
                if (0xD800..<0xDC00).contains(unit), i + 1 < n, bytes[i] == UInt8(ascii: "\\"),
                   bytes[i + 1] == UInt8(ascii: "u"), let low = hex4(bytes, at: i + 2), (0xDC00..<0xE000).contains(low) {
                    scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    i += 6
                }
                appendUTF8(scalar, to: &out)
            case UInt8(ascii: "b"): out.append(0x08); i += 2
            case UInt8(ascii: "f"): out.append(0x0C); i += 2
            case UInt8(ascii: "n"): out.append(0x0A); i += 2
            case UInt8(ascii: "r"): out.append(0x0D); i += 2
            case UInt8(ascii: "t"): out.append(0x09); i += 2
            default: out.append(e); i += 2
            }
        }
        return (out, n)
    }

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> UInt16? {
        guard start >= 0, start + 4 <= bytes.count else { return nil }
        var value: UInt16 = 0
        for k in start..<(start + 4) {
            guard let h = RequestTarget.hexValue(bytes[k]) else { return nil }
            value = value << 4 | UInt16(h)
        }
        return value
    }

    /// A lone surrogate has no UTF-8 form; it is written as U+FFFD, as the decoder would.
    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
        out.append(contentsOf: Array(String(Character(value)).utf8))
    }
}
