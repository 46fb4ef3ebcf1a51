import Foundation

/// A response as handlers build it. The server adds the framing headers
/// (`Date`, `Content-Length`, `Connection`, `X-Request-Id`) itself, so a handler
/// can never produce a response whose length disagrees with its body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// When set, the body is produced while it is sent (chunked transfer coding) and `body` is
    /// ignored: a large export never exists whole in memory.
    public var stream: HTTPBodyStream?

    public init(status: Int = 200, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A 200 whose body `produce` writes piece by piece (see `HTTPBodyWriter`).
    public static func streaming(
        contentType: String, headers: HTTPHeaders = [:], _ produce: @escaping @Sendable (HTTPBodyWriter) async throws -> Void
    ) -> HTTPResponse {
        var r = HTTPResponse(status: 200, headers: headers)
        r.headers.set("Content-Type", contentType)
        r.stream = HTTPBodyStream(produce: produce)
        return r
    }

    /// `application/json; charset=utf-8` with the shared snake_case encoder.
    /// Written by `JSONBytes` (straight to bytes, no tree; the stock encoder where it must).
    public static func json<T: Encodable>(_ value: T, status: Int = 200) throws -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: ["Content-Type": "application/json; charset=utf-8"],
            body: try JSONBytes.encode(value))
    }

    public static func text(_ s: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Array(s.utf8))
    }

    public static func noContent() -> HTTPResponse {
        HTTPResponse(status: 204)
    }
}
