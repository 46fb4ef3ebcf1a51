/// Where mail goes: `smtp://[user[:password]@]host[:port]` (`SMTP_URL`; port 25 by default;
/// user and password percent-decoded, for AUTH PLAIN or LOGIN). There is no TLS library on the
/// platform: the relay must be local or on a private network (README, "E-mail").
public struct SMTPConfiguration: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?

    public init(host: String, port: Int = 25, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// nil with the reason for anything but a well-formed `smtp://` URL.
    public static func parse(_ raw: String) -> Result<SMTPConfiguration, ParseError> {
        guard raw.utf8.count <= 1000 else { return .failure(ParseError("is longer than 1000 characters")) }
        guard raw.hasPrefix("smtp://") else {
            return .failure(
                ParseError(
                    raw.hasPrefix("smtps://")
                        ? "smtps:// needs TLS, which this build has not: use a local relay over smtp://" : "must start with smtp://"))
        }
        var rest = Substring(raw.dropFirst("smtp://".count))
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            guard rest[slash...].allSatisfy({ $0 == "/" }) else { return .failure(ParseError("takes no path, query or fragment")) }
            rest = rest[..<slash]
        }
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let parts = userinfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let u = percentDecoded(parts[0]), !u.isEmpty else { return .failure(ParseError("has a malformed user name")) }
            username = u
            if parts.count == 2 {
                guard let p = percentDecoded(parts[1]) else { return .failure(ParseError("has a malformed password")) }
                password = p
            }
        }
        var host = rest
        var port = 25
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return .failure(ParseError("has an unclosed [ in its host")) }
            let after = host[host.index(after: close)...]
            let inner = host[host.index(after: host.startIndex)..<close]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()), (1...65_535).contains(p) else {
                    return .failure(ParseError("has a port outside 1-65535"))
                }
                port = p
            }
            host = inner
        } else if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]), (1...65_535).contains(p) else {
                return .failure(ParseError("has a port outside 1-65535"))
            }
            port = p
            host = host[..<colon]
        }
        guard !host.isEmpty, host.utf8.count <= 253,
            host.utf8.allSatisfy({ b in
                (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                    || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
                    || b == UInt8(ascii: ":")
            })
        else { return .failure(ParseError("has no valid host name")) }
        return .success(SMTPConfiguration(host: String(host), port: port, username: username, password: password))
    }

    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }

    /// RFC 3986 percent-decoding; nil for a malformed escape, invalid UTF-8 or a control character.
    static func percentDecoded(_ s: Substring) -> String? {
        var out: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%") {
                guard let h = it.popFirst(), let l = it.popFirst(), let hi = hexValue(h), let lo = hexValue(l) else { return nil }
                out.append(hi << 4 | lo)
            } else {
                out.append(b)
            }
        }
        guard let decoded = String(validating: out, as: UTF8.self),
            !decoded.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return decoded
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
