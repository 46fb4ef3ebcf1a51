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
            guard isIPv6(literal) || isIPvFuture(literal) else { return false }
            i = close + 1
        } else {
            while i < v.count && v[i] != UInt8(ascii: ":") {
                let b = v[i]
                if b == UInt8(ascii: "%") {
                    // pct-encoded, but never an encoded control byte.
                    guard i + 2 < v.count, let hi = RequestTarget.hexValue(v[i + 1]), let lo = RequestTarget.hexValue(v[i + 2]),
                          (hi << 4 | lo) >= 0x20, (hi << 4 | lo) != 0x7F else { return false }
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

    /// RFC 3986 IPv6address: eight h16 groups, one `::` for a run of zero
    /// groups, optionally an IPv4 address as the last 32 bits.
    static func isIPv6(_ a: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.count
        var i = 0
        var groups = 0
        var compressed = false
        if n >= 2 && a[0] == UInt8(ascii: ":") && a[1] == UInt8(ascii: ":") {
            compressed = true
            i = 2
        }
        while i < n {
            let start = i
            while i < n && RequestTarget.hexValue(a[i]) != nil { i += 1 }
            if i < n && a[i] == UInt8(ascii: ".") {
                guard isIPv4(UnsafeBufferPointer(rebasing: a[start..<n])) else { return false }
                groups += 2
                break
            }
            guard i - start >= 1 && i - start <= 4 else { return false }
            groups += 1
            if i == n { break }
            guard a[i] == UInt8(ascii: ":") else { return false }
            i += 1
            if i < n && a[i] == UInt8(ascii: ":") {
                if compressed { return false }
                compressed = true
                i += 1
            } else if i == n {
                return false  // a trailing single colon
            }
        }
        return compressed ? groups <= 7 : groups == 8
    }

    /// Four dec-octets, no leading zeros.
    static func isIPv4(_ a: UnsafeBufferPointer<UInt8>) -> Bool {
        var octets = 0
        var i = 0
        while true {
            let start = i
            var value = 0
            while i < a.count && isDigit(a[i]) && i - start < 3 {
                value = value * 10 + Int(a[i] - 0x30)
                i += 1
            }
            let length = i - start
            guard length >= 1, value <= 255, length == 1 || a[start] != UInt8(ascii: "0") else { return false }
            octets += 1
            if octets == 4 { return i == a.count }
            guard i < a.count, a[i] == UInt8(ascii: ".") else { return false }
            i += 1
        }
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
