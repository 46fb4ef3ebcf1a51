/// One invalid input field, reported inside a problem's `errors` array so
/// clients can put the message next to the right form control.
public struct FieldError: Sendable, Codable, Hashable {
    /// The snake_case path of the field, e.g. `organisation.country` or `items[2].name`.
    public var field: String
    public var message: String
    /// A stable machine word for the broken rule (e.g. `too_short`), when the caller has one.
    public var rule: String?

    public init(field: String, message: String, rule: String? = nil) {
        self.field = field
        self.message = message
        self.rule = rule
    }
}

/// A JSON value for problem extension members. A closed enum rather than
/// `any Encodable` so problems stay `Sendable` and serialise without a JSONEncoder. Arrays
/// and objects carry what a client needs to act, such as the steps allowed next.
public indirect enum ProblemValue: Sendable, Hashable {
    case int(Int)
    case string(String)
    case bool(Bool)
    case double(Double)
    case array([ProblemValue])
    /// Members are written in key order, so an answer's bytes are stable.
    case object([String: ProblemValue])

    func write(into out: inout JSONWriter) {
        switch self {
        case .int(let v): out.raw(String(v))
        case .bool(let v): out.raw(v ? "true" : "false")
        case .string(let v): out.string(v)
        case .double(let v): out.raw(v.isFinite ? String(v) : "null")
        case .array(let items):
            out.raw("[")
            for (i, item) in items.enumerated() {
                if i > 0 { out.raw(",") }
                item.write(into: &out)
            }
            out.raw("]")
        case .object(let members):
            out.raw("{")
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out.raw(",") }
                out.string(key)
                out.raw(":")
                members[key]?.write(into: &out)
            }
            out.raw("}")
        }
    }
}

/// Errors of other modules map themselves to a problem, so handlers can just
/// `throw` a domain error and the server renders the right status.
public protocol ProblemConvertible: Error {
    var problem: ProblemDetails { get }
}

/// RFC 9457 problem details, thrown by handlers or built directly.
///
/// `code` is the stable, machine-readable identifier clients switch on; `title`
/// and `detail` are for humans and may change wording at any time.
public struct ProblemDetails: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var title: String
    public var detail: String?
    public var errors: [FieldError]
    public var extensions: [String: ProblemValue]
    /// Extra response headers (Retry-After, Allow, ...).
    public var headers: HTTPHeaders

    public init(
        status: Int,
        code: String,
        title: String,
        detail: String? = nil,
        errors: [FieldError] = [],
        extensions: [String: ProblemValue] = [:],
        headers: HTTPHeaders = [:]
    ) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors
        self.extensions = extensions
        self.headers = headers
    }

    /// The URI namespace of `type`; one URI per code so the type is stable too.
    public static let typeBase = "https://clusterxchange.eu/problems/"

    public var description: String {
        "\(status) \(code): \(detail ?? title)"
    }

    /// The serialised `application/problem+json` response.
    ///
    /// Written by hand instead of through JSONEncoder: error paths (413, 431,
    /// 408, 503) must stay cheap under abuse and must never fail to encode.
    public var response: HTTPResponse {
        var out = JSONWriter()
        out.raw("{\"type\":")
        out.string(Self.typeBase + code)
        out.raw(",\"title\":")
        out.string(title)
        out.raw(",\"status\":\(status),\"code\":")
        out.string(code)
        if let detail {
            out.raw(",\"detail\":")
            out.string(detail)
        }
        out.raw(",\"errors\":[")
        for (i, error) in errors.enumerated() {
            if i > 0 { out.raw(",") }
            out.raw("{\"field\":")
            out.string(error.field)
            out.raw(",\"message\":")
            out.string(error.message)
            if let rule = error.rule {
                out.raw(",\"rule\":")
                out.string(rule)
            }
            out.raw("}")
        }
        out.raw("]")
        let reserved: Set<String> = ["type", "title", "status", "code", "detail", "errors"]
        for key in extensions.keys.sorted() where !reserved.contains(key) {
            out.raw(",")
            out.string(key)
            out.raw(":")
            extensions[key]?.write(into: &out)
        }
        out.raw("}")
        var headers = self.headers
        headers.set("Content-Type", "application/problem+json")
        return HTTPResponse(status: status, headers: headers, body: out.bytes)
    }

    // MARK: Convenience constructors (one per stable code the HTTP layer emits)

    public static func badRequest(_ detail: String? = nil) -> ProblemDetails {
        ProblemDetails(status: 400, code: "bad_request", title: "Bad Request", detail: detail)
    }

    public static func malformedJSON(_ detail: String? = nil) -> ProblemDetails {
        ProblemDetails(
            status: 400, code: "malformed_json", title: "Malformed JSON", detail: detail ?? "The request body is not valid JSON.")
    }

    public static func validationFailed(_ errors: [FieldError], detail: String? = nil) -> ProblemDetails {
        ProblemDetails(
            status: 422, code: "validation_failed", title: "Validation Failed",
            detail: detail ?? "One or more fields are invalid.", errors: errors)
    }

    public static func notFound(_ detail: String? = nil) -> ProblemDetails {
        ProblemDetails(status: 404, code: "not_found", title: "Not Found", detail: detail ?? "No resource at this path.")
    }

    public static func methodNotAllowed(allow: [HTTPMethod]) -> ProblemDetails {
        let list = allow.map(\.rawValue).joined(separator: ", ")
        return ProblemDetails(
            status: 405, code: "method_not_allowed", title: "Method Not Allowed",
            detail: "Allowed methods: \(list).", headers: ["Allow": list])
    }

    public static func payloadTooLarge(_ limit: Int) -> ProblemDetails {
        ProblemDetails(
            status: 413, code: "payload_too_large", title: "Payload Too Large",
            detail: "The request body exceeds \(limit) bytes.", extensions: ["limit_bytes": .int(limit)])
    }

    public static func unsupportedMediaType(_ detail: String? = nil) -> ProblemDetails {
        ProblemDetails(
            status: 415, code: "unsupported_media_type", title: "Unsupported Media Type",
            detail: detail ?? "Content-Type must be application/json.")
    }

    public static func uriTooLong(_ limit: Int? = nil) -> ProblemDetails {
        ProblemDetails(
            status: 414, code: "uri_too_long", title: "URI Too Long",
            detail: limit.map { "The request target exceeds \($0) bytes." })
    }

    public static func headerFieldsTooLarge(_ detail: String? = nil) -> ProblemDetails {
        ProblemDetails(status: 431, code: "header_fields_too_large", title: "Request Header Fields Too Large", detail: detail)
    }

    public static func notImplemented(_ detail: String? = nil) -> ProblemDetails {
        ProblemDetails(status: 501, code: "not_implemented", title: "Not Implemented", detail: detail)
    }

    public static func httpVersionNotSupported() -> ProblemDetails {
        ProblemDetails(
            status: 505, code: "http_version_not_supported", title: "HTTP Version Not Supported",
            detail: "Only HTTP/1.0 and HTTP/1.1 are supported.")
    }

    public static func requestTimeout() -> ProblemDetails {
        ProblemDetails(
            status: 408, code: "request_timeout", title: "Request Timeout",
            detail: "The request was not received in time.")
    }

    public static func serviceUnavailable(_ detail: String? = nil, retryAfter: Int? = 1) -> ProblemDetails {
        var headers: HTTPHeaders = [:]
        if let retryAfter { headers.set("Retry-After", String(retryAfter)) }
        return ProblemDetails(
            status: 503, code: "service_unavailable", title: "Service Unavailable",
            detail: detail ?? "The server is at capacity; retry later.", headers: headers)
    }

    /// The handler did not finish within `handlerDeadline`; its effect may still happen.
    public static func handlerTimeout(seconds: Int) -> ProblemDetails {
        var headers: HTTPHeaders = [:]
        headers.set("Retry-After", "5")
        return ProblemDetails(
            status: 503, code: "handler_timeout", title: "Request not finished in time",
            detail: "The service did not finish this request within \(seconds) s and it may still complete: check its result "
                + "(read the resource) before retrying; routes that decide or move money take an Idempotency-Key for safe retries.",
            headers: headers)
    }

    /// One client address holds `maxConnectionsPerAddress` connections already.
    public static func tooManyConnections(limit: Int) -> ProblemDetails {
        var headers: HTTPHeaders = [:]
        headers.set("Retry-After", "5")
        return ProblemDetails(
            status: 503, code: "too_many_connections", title: "Too many connections",
            detail: "This address already holds \(limit) open connections; reuse one (keep-alive) or close some, then retry.",
            headers: headers)
    }

    /// The generic 500: the real error is logged, never sent, because its text
    /// may contain SQL, file paths or personal data.
    public static func `internal`() -> ProblemDetails {
        ProblemDetails(
            status: 500, code: "internal_error", title: "Internal Server Error",
            detail: "An unexpected error occurred. Quote the request id when reporting it.")
    }
}

/// Minimal JSON text builder for the few documents the HTTP layer writes itself
/// (problems, log lines), where a JSONEncoder round-trip would be pure overhead.
struct JSONWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(b)
            case UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(b)
            case 0x0A:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "n"))
            case 0x0D:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "r"))
            case 0x09:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "t"))
            case 0..<0x20, 0x7F:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 0xF)],
                ])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
