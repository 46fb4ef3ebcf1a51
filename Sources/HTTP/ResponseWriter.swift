#if canImport(Glibc)
    import Glibc
#endif

/// The IMF-fixdate for the `Date` header, re-rendered only when the second
/// changes. One per event loop, so it needs no lock.
struct HTTPDateCache {
    private var second: Int = -1
    private(set) var bytes: [UInt8] = []

    mutating func current() -> [UInt8] {
        let now = time(nil)
        if now != second {
            second = now
            bytes = Array(Self.format(now).utf8)
        }
        return bytes
    }

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT`
    static func format(_ seconds: Int) -> String {
        var t = time_t(seconds)
        var tm = tm()
        gmtime_r(&t, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return
            "\(days[Int(tm.tm_wday)]), \(two(tm.tm_mday)) \(months[Int(tm.tm_mon)]) \(tm.tm_year + 1900) \(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) GMT"
    }
}

/// Renders status line and headers. The server owns the framing headers, so
/// handler-supplied copies of them are dropped rather than trusted.
enum ResponseWriter {
    static let interimContinue: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private static let statusLines: [Int: [UInt8]] = {
        var table: [Int: [UInt8]] = [:]
        for (code, reason) in reasonPhrases { table[code] = Array("HTTP/1.1 \(code) \(reason)\r\n".utf8) }
        return table
    }()

    static let reasonPhrases: [Int: String] = [
        100: "Continue", 200: "OK", 201: "Created", 202: "Accepted", 204: "No Content",
        301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect",
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
        406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict", 410: "Gone", 411: "Length Required",
        412: "Precondition Failed", 413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
        417: "Expectation Failed", 422: "Unprocessable Content", 428: "Precondition Required", 429: "Too Many Requests",
        431: "Request Header Fields Too Large", 500: "Internal Server Error", 501: "Not Implemented",
        502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
    ]

    /// Serialises `response` into `out` (cleared first).
    ///
    /// - `isHead`: the body is dropped but `Content-Length` still describes it.
    /// - 1xx/204/304 carry no body and (1xx/204) no `Content-Length` (RFC 9110 §8.6).
    /// - `streamed`: the body follows in pieces (`HTTPBodyStream`): `Transfer-Encoding: chunked`
    ///   for HTTP/1.1, neither framing header for HTTP/1.0 (the close ends it).
    static func write(
        _ response: HTTPResponse, requestID: String, date: [UInt8], keepAlive: Bool,
        http10: Bool, isHead: Bool, streamed: Bool = false, into out: inout [UInt8]
    ) {
        out.removeAll(keepingCapacity: true)
        let status = response.status
        let bodyAllowed = bodyAllowed(status)
        out.reserveCapacity(160 + response.body.count + response.headers.count * 40)
        if let line = statusLines[status] {
            out.append(contentsOf: line)
        } else {
            out.append(contentsOf: "HTTP/1.1 \(status) \(status / 100 == 2 ? "OK" : "Unknown")\r\n".utf8)
        }
        out.append(contentsOf: "Date: ".utf8)
        out.append(contentsOf: date)
        out.append(contentsOf: "\r\n".utf8)
        for field in response.headers {
            if isServerOwned(field.name) { continue }
            appendField(&out, field.name, field.value)
        }
        appendField(&out, "X-Request-Id", requestID)
        if streamed {
            if !http10 { out.append(contentsOf: "Transfer-Encoding: chunked\r\n".utf8) }
        } else if status >= 200 && status != 204 {
            out.append(contentsOf: "Content-Length: ".utf8)
            out.append(contentsOf: String(bodyAllowed ? response.body.count : 0).utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        if !keepAlive {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if http10 {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        if bodyAllowed && !isHead && !streamed { out.append(contentsOf: response.body) }
    }

    /// 1xx, 204 and 304 answers never carry a body (RFC 9110 §6.4.1).
    static func bodyAllowed(_ status: Int) -> Bool {
        !(status < 200 || status == 204 || status == 304)
    }

    private static func isServerOwned(_ name: String) -> Bool {
        HTTPHeaders.equalsIgnoringCase(name, "Content-Length") || HTTPHeaders.equalsIgnoringCase(name, "Transfer-Encoding")
            || HTTPHeaders.equalsIgnoringCase(name, "Connection") || HTTPHeaders.equalsIgnoringCase(name, "Date")
            || HTTPHeaders.equalsIgnoringCase(name, "X-Request-Id")
    }

    /// CR, LF and NUL are replaced so a handler echoing user input into a
    /// header can never split the response.
    private static func appendField(_ out: inout [UInt8], _ name: String, _ value: String) {
        for b in name.utf8 where isTchar(b) { out.append(b) }
        out.append(UInt8(ascii: ":"))
        out.append(UInt8(ascii: " "))
        for b in value.utf8 { out.append(b == 0x0D || b == 0x0A || b == 0 ? 0x20 : b) }
        out.append(0x0D)
        out.append(0x0A)
    }
}
