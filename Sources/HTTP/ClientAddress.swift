#if canImport(Glibc)
    import Glibc
#endif

/// An IPv4 or IPv6 address as 4 or 16 bytes, parsed strictly (inet_pton): header values and
/// settings are outside input, and anything that is not an address is simply not one.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(_ text: some StringProtocol) {
        var s = String(text)
        // `[::1]` as written in URLs and in `Forwarded: for="[::1]:80"`.
        if s.hasPrefix("["), let close = s.firstIndex(of: "]") {
            s = String(s[s.index(after: s.startIndex)..<close])
        }
        guard !s.isEmpty, s.utf8.count <= 64 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, s, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        if let raw = Self.ipv6Bytes(s) {
            // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is that IPv4 address.
            if raw[0..<10].allSatisfy({ $0 == 0 }) && raw[10] == 0xFF && raw[11] == 0xFF {
                bytes = Array(raw[12..<16])
            } else {
                bytes = raw
            }
            return
        }
        return nil
    }

    /// The 16 bytes of an IPv6 address in text form (RFC 4291 §2.2, as inet_pton reads it), or nil.
    static func ipv6Bytes(_ text: String) -> [UInt8]? {
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        return withUnsafeBytes(of: &v6) { Array($0) }
    }

    /// Whether the bytes inside a Host's brackets are an IPv6 address (the one address parser,
    /// shared with `TRUSTED_PROXIES` and the forwarding headers).
    static func isIPv6Literal(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count <= 64 && ipv6Bytes(String(decoding: bytes, as: UTF8.self)) != nil
    }

    /// What per-client limits count: an IPv4 address, or an IPv6 address's /64, since one host
    /// is normally given a whole /64 and could otherwise be any number of clients.
    public var limitKey: String {
        guard bytes.count == 16 else { return description }
        return IPAddress(bytes: Array(bytes[0..<8]) + Array(repeating: 0, count: 8)).description + "/64"
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: 64)
        var copy = bytes
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = copy.withUnsafeMutableBytes { raw in
            buffer.withUnsafeMutableBufferPointer { inet_ntop(family, raw.baseAddress, $0.baseAddress, 64) != nil }
        }
        guard ok else { return "-" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An address range (`10.0.0.0/8`, `fd00::/8`, or one address) from `TRUSTED_PROXIES`.
public struct IPNetwork: Sendable, Hashable {
    public let address: IPAddress
    public let prefixLength: Int

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0].trimmingASCIIWhitespace()) else { return nil }
        let maxBits = address.bytes.count * 8
        var prefix = maxBits
        if parts.count == 2 {
            guard let p = Int(parts[1].trimmingASCIIWhitespace()), (0...maxBits).contains(p) else { return nil }
            prefix = p
        }
        self.address = address
        self.prefixLength = prefix
    }

    public func contains(_ other: IPAddress) -> Bool {
        guard other.bytes.count == address.bytes.count else { return false }
        var bits = prefixLength
        for (a, b) in zip(address.bytes, other.bytes) {
            if bits <= 0 { return true }
            let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if a & mask != b & mask { return false }
            bits -= 8
        }
        return true
    }

    /// A comma-separated list; nil (with the offending entry) when any entry is not a network.
    public static func list(_ text: String) -> Result<[IPNetwork], InvalidEntry> {
        var out: [IPNetwork] = []
        for entry in text.split(separator: ",") {
            let trimmed = entry.trimmingASCIIWhitespace()
            if trimmed.isEmpty { continue }
            guard let network = IPNetwork(trimmed) else { return .failure(InvalidEntry(entry: String(trimmed.prefix(80)))) }
            out.append(network)
        }
        return .success(out)
    }

    public struct InvalidEntry: Error, Sendable, Equatable {
        public var entry: String
    }
}

/// Which address a request comes from. Behind a reverse proxy every TCP peer is the proxy, so
/// per-client limits (login throttling, registration limits) would lump every user together;
/// the forwarding headers say who the client is, but anyone can send them, so they are read
/// only when the TCP peer is a configured trusted proxy, and then from the right: the
/// right-most address that is not itself a trusted proxy is the first one no trusted party
/// could have forged.
public struct ClientAddressResolver: Sendable {
    /// The one header the trusted proxies write. Only that one is read: a proxy that writes
    /// `Forwarded` and passes a client's own `X-Forwarded-For` through would otherwise let the
    /// client name itself.
    public enum Header: String, Sendable {
        case xForwardedFor = "x-forwarded-for"
        case forwarded
    }

    public let trustedProxies: [IPNetwork]
    public let header: Header

    public init(trustedProxies: [IPNetwork], header: Header = .xForwardedFor) {
        self.trustedProxies = trustedProxies
        self.header = header
    }

    public func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    public func isTrusted(_ text: String) -> Bool {
        guard !trustedProxies.isEmpty, let address = IPAddress(text) else { return false }
        return isTrusted(address)
    }

    /// The client address for a request from `peer` with `headers`; the peer when the
    /// headers cannot be trusted or say nothing usable.
    public func resolve(peer: String, headers: HTTPHeaders) -> String {
        guard !trustedProxies.isEmpty, let peerAddress = IPAddress(peer), isTrusted(peerAddress) else { return peer }
        var chain: [Substring] = []
        switch header {
        case .xForwardedFor:
            for value in headers.values("X-Forwarded-For") { chain.append(contentsOf: value.split(separator: ",")) }
        case .forwarded:
            for value in headers.values("Forwarded") { chain.append(contentsOf: Self.forwardedFor(value)) }
        }
        // Walk from the nearest hop outwards.
        for hop in chain.reversed().prefix(32) {
            guard let address = IPAddress(hop.trimmingASCIIWhitespace()) else { return peer }
            if !isTrusted(address) { return address.description }
        }
        return peer
    }

    /// The `for=` values of an RFC 7239 `Forwarded` field, in order, without quotes or ports.
    static func forwardedFor(_ value: String) -> [Substring] {
        var out: [Substring] = []
        for element in value.split(separator: ",") {
            for pair in element.split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                guard kv.count == 2, kv[0].trimmingASCIIWhitespace().lowercased() == "for" else { continue }
                var v = kv[1].trimmingASCIIWhitespace()
                if v.hasPrefix("\"") && v.hasSuffix("\"") && v.count >= 2 { v = v.dropFirst().dropLast() }
                if v.hasPrefix("[") {
                    if let close = v.firstIndex(of: "]") { v = v[...close] }
                } else if let colon = v.firstIndex(of: ":"), v.firstIndex(of: ":") == v.lastIndex(of: ":") {
                    v = v[..<colon]  // IPv4 with a port
                }
                out.append(v)
            }
        }
        return out
    }
}
