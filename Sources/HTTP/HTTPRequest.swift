import Foundation

/// A fully received request as handlers see it: the body is already complete
/// and within its size limit, so handlers never deal with streaming or limits.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The raw request-target exactly as sent.
    public var target: String
    /// The path without the query, still percent-encoded: the router decodes
    /// each segment separately so an encoded `/` (`%2F`) stays inside its
    /// segment instead of creating a new one. Decoded values are in `pathParameters`.
    public var path: String
    /// Query parameters, percent-decoded with `+` as space; the last value wins.
    public var query: [String: String]
    /// Every query parameter in order, for repeated names.
    public var queryItems: [(name: String, value: String)]
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Decoded values of the `:name` segments of the matched route.
    public var pathParameters: [String: String]
    /// The client's IP address ("127.0.0.1", "::1"): the TCP peer, or, when that peer is a
    /// trusted proxy, the client its forwarding headers name (see `ClientAddressResolver`).
    public var remoteAddress: String
    /// The TCP peer itself (the proxy, when there is one).
    public var peerAddress: String
    /// The client's `X-Request-Id` when sane (at most 128 of `[A-Za-z0-9._-]`),
    /// otherwise generated; echoed on the response and in every log line.
    public var requestID: String
    /// The matched route pattern (e.g. "/v1/applications/:id"), a bounded label
    /// for metrics and logs where the raw path would explode cardinality.
    public var route: String?

    public init(
        method: HTTPMethod,
        target: String,
        version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = [:],
        body: [UInt8] = [],
        pathParameters: [String: String] = [:],
        remoteAddress: String = "127.0.0.1",
        requestID: String? = nil,
        route: String? = nil
    ) {
        self.method = method
        self.target = target
        let (path, rawQuery) = RequestTarget.split(target)
        self.path = path
        self.queryItems = rawQuery.map(RequestTarget.parseQuery) ?? []
        var query: [String: String] = [:]
        for item in queryItems { query[item.name] = item.value }
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.pathParameters = pathParameters
        self.remoteAddress = remoteAddress
        self.peerAddress = remoteAddress
        self.requestID = requestID.flatMap { RequestID.isSane($0) ? $0 : nil } ?? RequestID.generateStandalone()
        self.route = route
    }

    /// Decodes a JSON body with the API's conventions, throwing the
    /// `ProblemDetails` the client should see (415, 400 or 422) on failure.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if !body.isEmpty {
            guard let contentType = headers["Content-Type"], Self.isJSONMediaType(contentType) else {
                throw ProblemDetails.unsupportedMediaType(
                    "Content-Type must be application/json, got \(headers["Content-Type"] ?? "none").")
            }
        } else {
            throw ProblemDetails.malformedJSON("The request body is empty.")
        }
        // Foundation's scanner accepts some invalid UTF-8; check it first so
        // the client gets 400 rather than mangled strings in the database.
        guard String(validating: body, as: UTF8.self) != nil else {
            throw ProblemDetails.malformedJSON("The request body is not valid UTF-8.")
        }
        switch JSONStructure.check(body) {
        case .tooDeep(let limit)?:
            throw ProblemDetails.malformedJSON("The JSON document nests deeper than \(limit) levels.")
        case .duplicateMember(let path)?:
            throw ProblemDetails.malformedJSON("the member '\(path.prefix(200))' appears more than once; send each member once")
        case nil:
            break
        }
        do {
            return try JSON.decoder.decode(T.self, from: Data(body))
        } catch {
            throw JSON.problem(for: error)
        }
    }

    /// `application/json`, `application/*+json`, parameters allowed.
    static func isJSONMediaType(_ value: String) -> Bool {
        let mediaType =
            value.split(separator: ";", maxSplits: 1).first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            } ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}

/// Request-target helpers shared by the server and `HTTPRequest.init`.
enum RequestTarget {
    /// Splits origin-form or absolute-form into path and raw query.
    static func split(_ target: String) -> (path: String, query: Substring?) {
        var rest = Substring(target)
        if !rest.hasPrefix("/") {
            // absolute-form (proxies): drop scheme and authority.
            if let schemeEnd = rest.range(of: "://") {
                rest = rest[schemeEnd.upperBound...]
                if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                    rest = rest[slash...]
                } else {
                    rest = "/"
                }
            }
        }
        if let q = rest.firstIndex(of: "?") {
            let path = rest[..<q]
            return (path.isEmpty ? "/" : String(path), rest[rest.index(after: q)...])
        }
        return (String(rest), nil)
    }

    static func parseQuery(_ raw: Substring) -> [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            if let eq = pair.firstIndex(of: "=") {
                items.append(
                    (
                        name: decodeComponent(pair[..<eq], plusAsSpace: true),
                        value: decodeComponent(pair[pair.index(after: eq)...], plusAsSpace: true)
                    ))
            } else {
                items.append((name: decodeComponent(pair, plusAsSpace: true), value: ""))
            }
        }
        return items
    }

    /// Percent-decodes. The parser already refused malformed escapes, encoded
    /// control bytes and invalid UTF-8 in request targets (400), so for served
    /// requests this never falls back; for hand-built requests invalid input is
    /// left as sent rather than trapping.
    static func decodeComponent(_ s: Substring, plusAsSpace: Bool) -> String {
        let utf8 = s.utf8
        if !utf8.contains(UInt8(ascii: "%")) && !(plusAsSpace && utf8.contains(UInt8(ascii: "+"))) {
            return String(s)
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var it = Array(utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%"), it.count >= 2, let hi = hexValue(it[it.startIndex]), let lo = hexValue(it[it.startIndex + 1]) {
                out.append(hi << 4 | lo)
                it = it.dropFirst(2)
            } else if plusAsSpace && b == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else {
                out.append(b)
            }
        }
        return String(validating: out, as: UTF8.self) ?? String(s)
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Request id rules. Client ids are echoed only when harmless in logs and
/// headers; otherwise a cheap unique id is generated (no UUID/RNG per request).
enum RequestID {
    static func isSane(_ id: String) -> Bool {
        let utf8 = id.utf8
        guard !utf8.isEmpty, utf8.count <= 128 else { return false }
        for b in utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                continue
            default:
                return false
            }
        }
        return true
    }

    /// A random prefix per generator plus a counter: unique across restarts
    /// and instances with overwhelming probability, and free to produce.
    struct Generator {
        private let prefix: String
        private var counter: UInt64 = 0

        init() {
            var rng = SystemRandomNumberGenerator()
            prefix = String(rng.next() as UInt64, radix: 16)
        }

        mutating func next() -> String {
            counter &+= 1
            return prefix + "-" + String(counter, radix: 16)
        }
    }

    static func generateStandalone() -> String {
        var rng = SystemRandomNumberGenerator()
        return String(rng.next() as UInt64, radix: 16) + "-" + String(rng.next() as UInt32, radix: 16)
    }
}
