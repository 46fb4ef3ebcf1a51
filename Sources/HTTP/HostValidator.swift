/// `Host = uri-host [ ":" port ]` (RFC 9112 §3.2, RFC 3986 §3.2.2): a reg-name
/// (which also covers every IPv4 address), or an IP-literal in brackets; the
/// port is at most 5 digits and at most 65535. A garbage Host is a 400 because
/// anything that builds links or picks a tenant from it would trust it.
enum HostValidator {
    /// True for a valid field value; the empty value is valid (RFC 9110 §7.2).
    static func isValid(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        if v.isEmpty { return true }
        var i = 0
        if v[0] == UInt8(ascii: "[") {
            guard let close = v.firstIndex(of: UInt8(ascii: "]")) else { return false }
            let literal = UnsafeBufferPointer(rebasing: v[1..<close])
            guard IPAddress.isIPv6Literal(literal) || isIPvFuture(literal) else { return false }
            i = close + 1
        } else {
            while i < v.count && v[i] != UInt8(ascii: ":") {
                let b = v[i]
                if b == UInt8(ascii: "%") {
                    // pct-encoded, but never an encoded control byte.
                    guard i + 2 < v.count, let hi = RequestTarget.hexValue(v[i + 1]), let lo = RequestTarget.hexValue(v[i + 2]),
                        (hi << 4 | lo) >= 0x20, (hi << 4 | lo) != 0x7F
                    else { return false }
                    i += 3
                    continue
                }
                guard isUnreserved(b) || isSubDelim(b) else { return false }
                i += 1
            }
            if i == 0 { return false }  // a port without a host
        }
        if i == v.count { return true }
        guard v[i] == UInt8(ascii: ":"), v.count - i - 1 <= 5 else { return false }
        var port = 0
        for b in v[(i + 1)...] {
            guard isDigit(b) else { return false }
            port = port * 10 + Int(b - 0x30)
        }
        return port <= 65535
    }

    /// IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
    static func isIPvFuture(_ a: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count >= 4, a[0] | 0x20 == UInt8(ascii: "v") else { return false }
        var i = 1
        while i < a.count && RequestTarget.hexValue(a[i]) != nil { i += 1 }
        guard i > 1, i < a.count, a[i] == UInt8(ascii: ".") else { return false }
        i += 1
        guard i < a.count else { return false }
        return a[i...].allSatisfy { isUnreserved($0) || isSubDelim($0) || $0 == UInt8(ascii: ":") }
    }

    @inline(__always)
    static func isUnreserved(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    @inline(__always)
    static func isSubDelim(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }
}
