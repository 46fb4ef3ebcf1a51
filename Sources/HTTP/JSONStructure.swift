/// A pass over a JSON body before Foundation decodes it, for what Foundation does not refuse
/// safely: nesting depth. Foundation's scanner traps on some inputs nested past its own limit
/// of 512 (`[` × 513 then the end of the body crashed the whole process; found by the
/// `json-bodies` fuzzer), so depth is bounded here, far below that and far above any request
/// body of this API. (Duplicate members are the strict decoder's concern, in Grants.)
///
/// Syntax errors are left to the decoder, which reports them; this pass only has to be safe on
/// any bytes: it never traps, never recurses and runs in linear time.
public enum JSONStructure {
    /// Whether `bytes` opens more than `limit` arrays or objects at once (outside strings).
    public static func nestsDeeper(than limit: Int, _ bytes: [UInt8]) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for b in bytes {
            if inString {
                if escaped { escaped = false }
                else if b == UInt8(ascii: "\\") { escaped = true }
                else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth > 0 { depth -= 1 }
            default:
                break
            }
        }
        return false
    }
}
