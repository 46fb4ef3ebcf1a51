/// One structural pass over a JSON body before Foundation decodes it, for what Foundation does
/// not refuse safely:
/// - nesting depth: Foundation's scanner traps on some inputs nested past its own limit of 512
///   (`[` × 513 then the end of the body crashed the whole process; found by the `json-bodies`
///   fuzzer), so depth is bounded here, far below that and far above any request body here;
/// - duplicate member names (RFC 8259 §4 leaves them undefined; Foundation keeps one silently),
///   so `{"iban":"A","iban":"B"}` cannot mean different things to different readers. Names are
///   compared after unescaping (`"a"` and `"\u0061"` are the same).
///
/// Syntax errors are left to the decoder, which reports them; this pass only has to be safe on
/// any bytes: it never traps, never recurses, and is linear (each name is inserted in place into
/// its object's set, and a path is built only for the answer).
public enum JSONStructure {
    public enum Problem: Error, Equatable, Sendable {
        case tooDeep(limit: Int)
        /// The path (`a.b[2].c`) of the first member that repeats a name within its object.
        case duplicateMember(String)
    }

    /// The first structural problem of `bytes`, or nil.
    public static func check(_ bytes: [UInt8], maxDepth: Int = 32) -> Problem? {
        bytes.withUnsafeBufferPointer { check($0, maxDepth: maxDepth) }
    }

    /// Open containers, innermost last, as parallel arrays so a name set is mutated in place.
    private struct Frames {
        var isObject: [Bool] = []
        var names: [Set<[UInt8]>] = []
        /// The member whose value is being read (objects) or the element index (arrays).
        var member: [[UInt8]] = []
        var index: [Int] = []
        var expectingName: [Bool] = []

        var depth: Int { isObject.count }

        mutating func push(object: Bool) {
            isObject.append(object)
            names.append([])
            member.append([])
            index.append(0)
            expectingName.append(object)
        }

        mutating func pop() {
            isObject.removeLast()
            names.removeLast()
            member.removeLast()
            index.removeLast()
            expectingName.removeLast()
        }

        func path(ending name: [UInt8]) -> String {
            var out = ""
            for k in 0..<(depth - 1) {
                if isObject[k] {
                    let m = String(decoding: member[k], as: UTF8.self)
                    out += out.isEmpty ? m : "." + m
                } else {
                    out += "[\(index[k])]"
                }
            }
            let last = String(decoding: name, as: UTF8.self)
            return out.isEmpty ? last : out + "." + last
        }
    }

    static func check(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Problem? {
        var frames = Frames()
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if frames.depth >= maxDepth { return .tooDeep(limit: maxDepth) }
                frames.push(object: bytes[i] == UInt8(ascii: "{"))
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if frames.depth > 0 { frames.pop() }
                i += 1
            case UInt8(ascii: ","):
                if let top = frames.isObject.indices.last {
                    if frames.isObject[top] { frames.expectingName[top] = true } else { frames.index[top] += 1 }
                }
                i += 1
            case UInt8(ascii: "\""):
                let (text, next) = scanString(bytes, from: i + 1)
                i = next
                if let top = frames.isObject.indices.last, frames.isObject[top], frames.expectingName[top] {
                    if !frames.names[top].insert(text).inserted { return .duplicateMember(frames.path(ending: text)) }
                    frames.member[top] = text
                    frames.expectingName[top] = false
                }
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
            i += 2
            switch e {
            case UInt8(ascii: "u"):
                guard let unit = hex4(bytes, at: i) else {
                    out.append(e)
                    continue
                }
                i += 4
                var scalar = UInt32(unit)
                if (0xD800..<0xDC00).contains(unit), i + 1 < n, bytes[i] == UInt8(ascii: "\\"),
                    bytes[i + 1] == UInt8(ascii: "u"), let low = hex4(bytes, at: i + 2), (0xDC00..<0xE000).contains(low)
                {
                    scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    i += 6
                }
                // A lone surrogate has no UTF-8 form; U+FFFD, as the decoder would.
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            default: out.append(e)
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
}
