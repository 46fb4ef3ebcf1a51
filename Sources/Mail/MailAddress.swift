/// An e-mail address as SMTP carries it (`local@domain`, RFC 5321 §4.1.2), with an optional
/// display name for the header. Addresses come from stored user data, so they are checked here:
/// a CR, LF, angle bracket or space would let a stored value inject SMTP commands or headers.
public struct MailAddress: Sendable, Hashable {
    public let address: String
    public let displayName: String?

    /// nil unless `address` is printable ASCII `local@domain` of at most 254 bytes with no
    /// space, angle bracket, comma, quote or control character.
    public init?(_ address: String, displayName: String? = nil) {
        let bytes = Array(address.utf8)
        guard (3...254).contains(bytes.count), let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1,
            bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !Self.forbidden.contains($0) }),
            bytes.filter({ $0 == UInt8(ascii: "@") }).count == 1
        else { return nil }
        self.address = address
        self.displayName = displayName.flatMap { $0.isEmpty ? nil : $0 }
    }

    private static let forbidden: Set<UInt8> = Set("<>,;\"()[]\\".utf8)

    /// The domain part (for Message-IDs and EHLO).
    public var domain: Substring { address[address.index(after: address.lastIndex(of: "@")!)...] }

    /// Parses `Name <address>` or a bare address (the `SMTP_FROM` setting).
    public static func parse(_ raw: String) -> MailAddress? {
        let s = raw.trimmingSpaces
        if s.hasSuffix(">"), let open = s.lastIndex(of: "<") {
            let name = String(s[..<open]).trimmingSpaces
            let addr = String(s[s.index(after: open)..<s.index(before: s.endIndex)])
            let unquoted = name.count >= 2 && name.hasPrefix("\"") && name.hasSuffix("\"") ? String(name.dropFirst().dropLast()) : name
            return MailAddress(addr, displayName: unquoted)
        }
        return MailAddress(s)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
