import Foundation
import HTTP

/// A request body type that lists its members, so unknown ones can be refused by name.
public protocol RequestBody: Decodable, Sendable {
    /// Allowed members in snake_case; nested objects as `parent.child`.
    static var members: [String] { get }
}

/// The strict decoder of request bodies: unknown members are refused (422) and so are duplicate
/// members (400 `malformed_json`). Foundation's decoders keep one of two same-named members
/// silently, so `{"iban":"A","iban":"B"}` would mean different things to different readers.
enum StrictJSON {
    static func decode<T: RequestBody>(_ type: T.Type, from request: HTTPRequest) throws -> T {
        let value: T
        do {
            value = try request.decode(type)
        } catch let problem as ProblemDetails where problem.status == 422 {
            // A shape error in a body that also repeats a member: the repetition is the first thing to fix.
            if let duplicate = duplicateMember(in: request.body) { throw duplicateProblem(duplicate) }
            throw problem
        }
        if let duplicate = duplicateMember(in: request.body) { throw duplicateProblem(duplicate) }
        // Decoding succeeded, so the body is a valid JSON document; walk it for unknown members.
        if let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] {
            let allowed = Set(T.members)
            var unknown: [RuleViolation] = []
            walk(object, prefix: "", allowed: allowed, unknown: &unknown)
            if !unknown.isEmpty { throw GrantsError.validation(unknown) }
        }
        return value
    }

    static func duplicateProblem(_ path: String) -> ProblemDetails {
        .malformedJSON("the member '\(path)' appears more than once; send each member once")
    }

    private static func walk(_ object: [String: Any], prefix: String, allowed: Set<String>, unknown: inout [RuleViolation]) {
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            guard allowed.contains(path) else {
                unknown.append(RuleViolation(field: path, rule: "unknown_field", message: "unknown member '\(path)'"))
                continue
            }
            if let nested = value as? [String: Any], allowed.contains(where: { $0.hasPrefix(path + ".") }) {
                walk(nested, prefix: path, allowed: allowed, unknown: &unknown)
            }
        }
    }

    // MARK: duplicate members

    /// One open container while scanning: an object remembers its member names and the member
    /// whose value is being read, an array the index. Paths are built only for the answer, from
    /// the stack: building one per container would be quadratic in the nesting depth.
    private enum Frame {
        case object(names: Set<String>, current: String?, expectingName: Bool)
        case array(index: Int)
    }

    /// The path (`a.b[2].c`) of the first member that repeats a name within its object, at any
    /// depth, or nil. Names are compared after unescaping (`"a"` and `"\u0061"` are the same).
    /// Iterative and linear, so deep nesting can neither exhaust the stack nor stall; bytes that
    /// are not JSON give nil (the decoder reports those).
    static func duplicateMember(in bytes: [UInt8]) -> String? {
        var stack: [Frame] = []
        var i = 0
        let n = bytes.count

        func path(ending name: String) -> String {
            var out = ""
            for frame in stack.dropLast() {
                switch frame {
                case .object(_, let current, _): out += out.isEmpty ? (current ?? "") : ".\(current ?? "")"
                case .array(let index): out += "[\(index)]"
                }
            }
            return out.isEmpty ? name : "\(out).\(name)"
        }
        /// After a value inside an object, the next thing is a comma then a name.
        func valueEnded() {
            if case .object(let names, let current, _)? = stack.last {
                stack[stack.count - 1] = .object(names: names, current: current, expectingName: false)
            }
        }

        while i < n {
            let c = bytes[i]
            switch c {
            case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ":"):
                i += 1
            case UInt8(ascii: ","):
                switch stack.last {
                case .object(let names, let current, _)?:
                    stack[stack.count - 1] = .object(names: names, current: current, expectingName: true)
                case .array(let index)?:
                    stack[stack.count - 1] = .array(index: index + 1)
                case nil: return nil
                }
                i += 1
            case UInt8(ascii: "{"):
                stack.append(.object(names: [], current: nil, expectingName: true))
                i += 1
            case UInt8(ascii: "["):
                stack.append(.array(index: 0))
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard !stack.isEmpty else { return nil }
                stack.removeLast()
                valueEnded()
                i += 1
            case UInt8(ascii: "\""):
                guard let (text, next) = string(bytes, from: i) else { return nil }
                i = next
                if case .object(var names, _, true)? = stack.last {
                    if !names.insert(text).inserted { return path(ending: text) }
                    stack[stack.count - 1] = .object(names: names, current: text, expectingName: false)
                } else {
                    valueEnded()
                }
            default:
                // A number, true, false or null: runs to the next delimiter.
                let delimiters: [UInt8] = [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")]
                while i < n, !delimiters.contains(bytes[i]) { i += 1 }
                valueEnded()
            }
        }
        return nil
    }

    /// The unescaped text of the JSON string starting at `start` (its opening quote) and the
    /// index after its closing quote; nil when the string is not terminated or escapes are bad.
    private static func string(_ bytes: [UInt8], from start: Int) -> (String, Int)? {
        var i = start + 1
        var out = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            guard !run.isEmpty else { return }
            out.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
            run.removeAll(keepingCapacity: true)
        }
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for k in at..<(at + 4) {
                let h = bytes[k]
                let d: UInt8
                switch h {
                case 48...57: d = h - 48
                case 65...70: d = h - 55
                case 97...102: d = h - 87
                default: return nil
                }
                v = v << 4 | UInt32(d)
            }
            return v
        }
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { flush(); return (String(out), i + 1) }
            guard c == UInt8(ascii: "\\") else { run.append(c); i += 1; continue }
            guard i + 1 < bytes.count else { return nil }
            flush()
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): out.append("\"")
            case UInt8(ascii: "\\"): out.append("\\")
            case UInt8(ascii: "/"): out.append("/")
            case UInt8(ascii: "b"): out.append("\u{08}")
            case UInt8(ascii: "f"): out.append("\u{0C}")
            case UInt8(ascii: "n"): out.append("\n")
            case UInt8(ascii: "r"): out.append("\r")
            case UInt8(ascii: "t"): out.append("\t")
            case UInt8(ascii: "u"):
                guard let unit = hex4(i) else { return nil }
                i += 4
                var scalar = Unicode.Scalar(unit)
                if (0xD800...0xDBFF).contains(unit), i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"),
                   bytes[i + 1] == UInt8(ascii: "u"), let low = hex4(i + 2), (0xDC00...0xDFFF).contains(low) {
                    scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    i += 6
                }
                out.append(scalar ?? "\u{FFFD}")
            default: return nil
            }
        }
        return nil
    }
}
