/// Why a request could not be parsed. Every case maps to the problem response
/// the server sends before closing the connection (the byte stream can no
/// longer be trusted to be in sync, so it is never reused after an error).
public enum HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case badRequest(String)
    case uriTooLong(limit: Int)
    case headerFieldsTooLarge(String)
    case payloadTooLarge(limit: Int)
    case notImplemented(String)
    case versionNotSupported

    public var problem: ProblemDetails {
        switch self {
        case .badRequest(let detail): return .badRequest(detail)
        case .uriTooLong(let limit): return .uriTooLong(limit)
        case .headerFieldsTooLarge(let detail): return .headerFieldsTooLarge(detail)
        case .payloadTooLarge(let limit): return .payloadTooLarge(limit)
        case .notImplemented(let detail): return .notImplemented(detail)
        case .versionNotSupported: return .httpVersionNotSupported()
        }
    }

    public var status: Int { problem.status }
    public var description: String { problem.description }
}

/// How the body of a request is delimited.
public enum BodyFraming: Sendable, Equatable {
    case none
    case length(Int)
    case chunked
}

/// The request line and header section, available before the body so the
/// server can pick the body limit and answer `Expect: 100-continue`.
public struct RequestHead: Sendable {
    public var method: HTTPMethod
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// Whether the connection may be reused after this request (version
    /// default, overridden by `Connection: close` / `keep-alive`).
    public var keepAlive: Bool
    /// `Expect: 100-continue` on an HTTP/1.1 request.
    public var expectsContinue: Bool
    public var framing: BodyFraming
}

/// What the parser produced from the buffered bytes.
public enum ParserEvent: Sendable {
    /// The head is complete; the body (if any) follows.
    case head(RequestHead)
    /// The whole request is complete.
    case message(RequestHead, body: [UInt8])
}

/// The limits the parser enforces while bytes arrive, so oversized input is
/// refused before it is buffered rather than after.
public struct ParserLimits: Sendable, Equatable {
    public var maxRequestTargetBytes: Int
    public var maxHeaderBytes: Int
    public var maxHeaderCount: Int
    public var maxBodyBytes: Int

    public init(maxRequestTargetBytes: Int = 8192, maxHeaderBytes: Int = 65536, maxHeaderCount: Int = 100, maxBodyBytes: Int = 1_048_576) {
        self.maxRequestTargetBytes = maxRequestTargetBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}

/// An incremental HTTP/1.x request parser: a plain value with no I/O, so every
/// edge case is testable from string literals and the event loop owns it
/// without locks.
///
/// Feed bytes with `append`, then call `next` until it returns nil (needs more
/// bytes). Requests are produced one at a time; bytes of pipelined requests
/// stay buffered until the caller asks for the next one, which is how the
/// server answers pipelined requests strictly in order.
///
/// Strict on purpose (RFC 9112 allows leniency; every leniency is a way for a
/// front end and us to see different message boundaries, i.e. request smuggling):
/// - Lines end with CRLF only: a bare LF or bare CR anywhere in the head or the
///   chunked framing is 400. Only CRLF empty lines may precede the request line (at most 16).
/// - No obs-fold, no whitespace before the colon, field names are tokens, field
///   values have no control bytes (HTAB and obs-text allowed), NUL is refused everywhere.
/// - `Content-Length`: digits only (leading zeros fine), one field, at most one
///   space before and none after; a value over the body limit (or over Int) is 413.
///   `Transfer-Encoding`: HTTP/1.1 only, never with `Content-Length`, `chunked`
///   exactly once and last (else 400), other codings before it 501, no trailing whitespace.
/// - Chunk sizes: hex with checked arithmetic (leading zeros fine, over the limit 413);
///   extensions must match RFC 9112 §7.1.1 and total at most 16 KiB per message;
///   trailer fields are validated like header fields, then dropped.
/// - Host (RFC 9112 §3.2): exactly one valid `Host` on HTTP/1.1, at most one on
///   HTTP/1.0; in absolute-form the target's authority replaces it.
/// - Targets: origin-form; absolute-form (`http`/`https`, no userinfo); `*` only
///   with OPTIONS; CONNECT (authority-form) is 501 because we are no proxy. No
///   fragment, well-formed percent escapes, the percent-decoded path and query
///   must be UTF-8, and the path has no encoded control bytes (query values are
///   validated by the handlers, which name the parameter in a 422).
/// - HTTP/0.9 (no version) is 400, a major version other than 1 is 505 (so is the
///   HTTP/2 preface), 1.x with x > 1 is handled as 1.1. The request line is
///   checked as soon as it ends, so none of these waits for a header section.
public struct RequestParser: Sendable {
    public let limits: ParserLimits

    private var buffer: [UInt8] = []
    /// Bytes before this index are consumed.
    private var readIndex = 0
    private var phase: Phase = .head
    // Head scanning state (absolute indices into `buffer`).
    private var scanIndex = 0
    private var lineStart = 0
    private var requestLineEnd: Int?
    /// The request line, parsed as soon as its CRLF arrived.
    private var requestLine: RequestLine?
    private var emptyLinesSkipped = 0
    // Body state.
    private var head: RequestHead?
    private var body: [UInt8] = []
    private var bodyLimit = 0
    private var trailerBytes = 0
    private var trailerCount = 0
    private var extensionBytes = 0
    /// Resume point of the scan for the current chunk-size or trailer line, so a
    /// trickled line costs linear work.
    private var lineScan = 0

    private enum Phase: Sendable, Equatable {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
    }

    /// A chunk-size line (size and extensions) is at most this long.
    static let maxChunkLineBytes = 1024
    /// All chunk extensions of one message together (CVE-2024-22019 in Node: unbounded
    /// extensions let a client send endless bytes that never count as body).
    static let maxChunkExtensionBytes = 16384
    static let maxLeadingEmptyLines = 16

    public init(limits: ParserLimits = ParserLimits()) {
        self.limits = limits
    }

    /// Bytes received but not yet consumed by a completed request.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// True once any byte of a request is buffered or its head was parsed: the
    /// point from which the head deadline runs.
    public var hasPartialRequest: Bool { head != nil || buffer.count > readIndex }

    /// True after the head event until the message event.
    public var isReadingBody: Bool { head != nil }

    /// True when the current request's body has not started arriving yet
    /// (no body byte buffered), i.e. a `100 Continue` is still meaningful.
    public var awaitingBody: Bool { head != nil && buffer.count == readIndex && body.isEmpty }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfUseful()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        compactIfUseful()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ text: String) {
        append(Array(text.utf8))
    }

    /// Continues parsing with the configured default body limit.
    public mutating func next() throws(HTTPParseError) -> ParserEvent? {
        let limit = limits.maxBodyBytes
        return try next(bodyLimit: { _ in limit })
    }

    /// Continues parsing. `bodyLimit` is asked once per request, right after
    /// its head, so a per-route limit applies before any body byte is buffered.
    public mutating func next(bodyLimit: (RequestHead) -> Int) throws(HTTPParseError) -> ParserEvent? {
        switch phase {
        case .head:
            guard let parsed = try scanHead() else { return nil }
            let limit = bodyLimit(parsed)
            self.bodyLimit = limit
            switch parsed.framing {
            case .none:
                return .message(parsed, body: [])
            case .length(let n):
                if n > limit { throw .payloadTooLarge(limit: limit) }
                if n == 0 { return .message(parsed, body: []) }
                head = parsed
                body = []
                body.reserveCapacity(n)
                phase = .fixedBody(remaining: n)
            case .chunked:
                head = parsed
                body = []
                trailerBytes = 0
                trailerCount = 0
                extensionBytes = 0
                phase = .chunkSize
            }
            return .head(parsed)
        default:
            return try continueBody()
        }
    }

    /// Convenience for tests and simple callers: the next complete request,
    /// skipping head events.
    public mutating func nextRequest() throws(HTTPParseError) -> (head: RequestHead, body: [UInt8])? {
        while let event = try next() {
            if case .message(let head, let body) = event { return (head, body) }
        }
        return nil
    }

    // MARK: Head

    private mutating func scanHead() throws(HTTPParseError) -> RequestHead? {
        let count = buffer.count
        var found: Int? = nil
        // The scan is resumable (`scanIndex`) so a client trickling bytes
        // costs linear, not quadratic, work.
        try buffer.withUnsafeBufferPointer { (buf) throws(HTTPParseError) in
            var i = scanIndex
            while i < count {
                let b = buf[i]
                if b == 0x0D {
                    if i + 1 >= count { break }  // wait: the LF may be next
                    if buf[i + 1] != 0x0A { throw .badRequest("Bare CR in the request head: lines must end with CRLF.") }
                    if requestLine == nil {
                        if i == lineStart {
                            // RFC 9112 §2.2: ignore (a few) empty lines before the request line.
                            emptyLinesSkipped += 1
                            if emptyLinesSkipped > Self.maxLeadingEmptyLines {
                                throw .badRequest("Too many empty lines before the request line.")
                            }
                            i += 2
                            readIndex = i
                            lineStart = i
                            continue
                        }
                        requestLine = try Self.parseRequestLine(UnsafeBufferPointer(rebasing: buf[lineStart..<i]), limits: limits)
                        requestLineEnd = i + 2
                    } else if i == lineStart {
                        found = i + 2
                        scanIndex = i + 2
                        return
                    }
                    i += 2
                    lineStart = i
                } else if b == 0x0A {
                    throw .badRequest("Bare LF in the request head: lines must end with CRLF.")
                } else {
                    i += 1
                }
                if let requestLineEnd {
                    if i - requestLineEnd > limits.maxHeaderBytes {
                        throw .headerFieldsTooLarge("The header section exceeds \(limits.maxHeaderBytes) bytes.")
                    }
                } else if i - readIndex > limits.maxRequestTargetBytes + 1024 {
                    throw .uriTooLong(limit: limits.maxRequestTargetBytes)
                }
            }
            scanIndex = i
        }
        guard let end = found, let line = requestLine, let fieldsStart = requestLineEnd else { return nil }
        let head = try buffer.withUnsafeBufferPointer { (buf) throws(HTTPParseError) -> RequestHead in
            try Self.parseFields(buf, from: fieldsStart, to: end - 2, requestLine: line, limits: limits)
        }
        readIndex = end
        resetHeadScan()
        return head
    }

    private mutating func resetHeadScan() {
        scanIndex = readIndex
        lineStart = readIndex
        requestLineEnd = nil
        requestLine = nil
        emptyLinesSkipped = 0
    }

    /// The request line, validated as a whole (method, target form, version).
    struct RequestLine: Sendable {
        var method: HTTPMethod
        var target: String
        var version: HTTPVersion
        /// The authority of an absolute-form target; it replaces `Host`.
        var authority: String?
    }

    static func parseRequestLine(_ line: UnsafeBufferPointer<UInt8>, limits: ParserLimits) throws(HTTPParseError) -> RequestLine {
        // request-line = method SP request-target SP HTTP-version
        guard let sp1 = line.firstIndex(of: 0x20) else { throw .badRequest("Invalid request line.") }
        let methodBytes = line[0..<sp1]
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(isTchar) else { throw .badRequest("Invalid method token.") }
        guard let sp2 = line[(sp1 + 1)...].firstIndex(of: 0x20) else {
            if line.count - sp1 - 1 > limits.maxRequestTargetBytes { throw .uriTooLong(limit: limits.maxRequestTargetBytes) }
            throw .badRequest("HTTP/0.9 requests (no version) are not supported; send HTTP/1.1.")
        }
        let targetBytes = UnsafeBufferPointer(rebasing: line[(sp1 + 1)..<sp2])
        if targetBytes.count > limits.maxRequestTargetBytes { throw .uriTooLong(limit: limits.maxRequestTargetBytes) }
        // The version decides how the rest is read (an HTTP/2 preface is 505, not a bad target).
        let version = try parseVersion(line[(sp2 + 1)...])
        let method = HTTPMethod(rawValue: String(decoding: UnsafeBufferPointer(rebasing: methodBytes), as: UTF8.self))
        if method.rawValue == "CONNECT" { throw .notImplemented("CONNECT is not supported: this server is not a proxy.") }
        guard let first = targetBytes.first else { throw .badRequest("Empty request target.") }
        var authority: String?
        if first == UInt8(ascii: "/") {
            try checkPathAndQuery(targetBytes, from: 0)
        } else if first == UInt8(ascii: "*") {
            guard targetBytes.count == 1, method == .OPTIONS else {
                throw .badRequest("The asterisk-form target is only valid with OPTIONS.")
            }
        } else {
            authority = try checkAbsoluteForm(targetBytes)
        }
        return RequestLine(
            method: method, target: String(decoding: targetBytes, as: UTF8.self), version: version, authority: authority)
    }

    private static func parseVersion(_ v: Slice<UnsafeBufferPointer<UInt8>>) throws(HTTPParseError) -> HTTPVersion {
        // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive.
        let s = v.startIndex
        guard v.count == 8, v[s] == 0x48, v[s + 1] == 0x54, v[s + 2] == 0x54, v[s + 3] == 0x50, v[s + 4] == 0x2F,
            v[s + 6] == 0x2E, isDigit(v[s + 5]), isDigit(v[s + 7])
        else {
            throw .badRequest("Invalid HTTP version.")
        }
        let major = Int(v[s + 5] - 0x30)
        let minor = Int(v[s + 7] - 0x30)
        guard major == 1 else { throw .versionNotSupported }
        // HTTP/1.x with x > 1 is to be treated as the highest 1.x we support.
        return HTTPVersion(major: 1, minor: min(minor, 1))
    }

    /// `absolute-path [ "?" query ]` from `start`: visible ASCII, no fragment,
    /// well-formed percent escapes, percent-decoded UTF-8, and a path without
    /// encoded control bytes (a `%00` must never be routed or logged).
    static func checkPathAndQuery(_ t: UnsafeBufferPointer<UInt8>, from start: Int) throws(HTTPParseError) {
        var utf8 = UTF8Check()
        var inQuery = false
        var i = start
        while i < t.count {
            var b = t[i]
            switch b {
            case UInt8(ascii: "%"):
                guard i + 2 < t.count, let hi = RequestTarget.hexValue(t[i + 1]), let lo = RequestTarget.hexValue(t[i + 2]) else {
                    throw .badRequest("Malformed percent-encoding in the request target.")
                }
                b = hi << 4 | lo
                // Query values go to handlers, whose validators answer 422 naming the
                // parameter; the path is routed and logged here, so it is checked here.
                if !inQuery && (b < 0x20 || b == 0x7F) {
                    throw .badRequest("The request path contains a percent-encoded control character.")
                }
                i += 2
            case UInt8(ascii: "#"):
                throw .badRequest("A request target carries no fragment (#).")
            case UInt8(ascii: "?"):
                if !inQuery {
                    guard utf8.isComplete else { throw .badRequest("The request path is not valid UTF-8 once percent-decoded.") }
                    inQuery = true
                }
            case 0x21...0x7E:
                break
            default:
                throw .badRequest("Invalid character in the request target.")
            }
            guard utf8.feed(b) else {
                throw .badRequest("The request \(inQuery ? "query" : "path") is not valid UTF-8 once percent-decoded.")
            }
            i += 1
        }
        guard utf8.isComplete else {
            throw .badRequest("The request \(inQuery ? "query" : "path") is not valid UTF-8 once percent-decoded.")
        }
    }

    /// `http[s]://authority[/path][?query]`; returns the authority.
    private static func checkAbsoluteForm(_ t: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> String {
        let invalid = HTTPParseError.badRequest("Invalid request target (origin-form, absolute-form or OPTIONS * expected).")
        guard let colon = t.firstIndex(of: UInt8(ascii: ":")), colon + 2 < t.count,
            t[colon + 1] == UInt8(ascii: "/"), t[colon + 2] == UInt8(ascii: "/")
        else { throw invalid }
        let isHTTP = equalsIgnoringCase(t, 0..<colon, "http")
        let isHTTPS = equalsIgnoringCase(t, 0..<colon, "https")
        guard isHTTP || isHTTPS else { throw .badRequest("Only http and https absolute-form targets are accepted.") }
        let authorityStart = colon + 3
        var authorityEnd = authorityStart
        while authorityEnd < t.count, t[authorityEnd] != UInt8(ascii: "/"), t[authorityEnd] != UInt8(ascii: "?"),
            t[authorityEnd] != UInt8(ascii: "#")
        {
            authorityEnd += 1
        }
        let authority = UnsafeBufferPointer(rebasing: t[authorityStart..<authorityEnd])
        if authority.contains(UInt8(ascii: "@")) { throw .badRequest("User information in the request target is not accepted.") }
        guard !authority.isEmpty, HostValidator.isValid(authority) else { throw .badRequest("Invalid host in the request target.") }
        try checkPathAndQuery(t, from: authorityEnd)
        return String(decoding: authority, as: UTF8.self)
    }

    /// One field line (header or trailer): the name and the OWS-trimmed value.
    /// CR and LF cannot occur inside `range` (the line scan refused them).
    static func splitFieldLine(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(HTTPParseError)
        -> (name: Range<Int>, value: Range<Int>)
    {
        let first = buf[range.lowerBound]
        if first == 0x20 || first == 0x09 { throw .badRequest("Obsolete line folding is not accepted.") }
        var colon = range.lowerBound
        while colon < range.upperBound && buf[colon] != UInt8(ascii: ":") {
            guard isTchar(buf[colon]) else {
                throw .badRequest("Invalid header field name (a token, no whitespace before the colon).")
            }
            colon += 1
        }
        guard colon < range.upperBound else { throw .badRequest("Header line without a colon.") }
        guard colon > range.lowerBound else { throw .badRequest("Empty header field name.") }
        var vs = colon + 1
        var ve = range.upperBound
        while vs < ve && (buf[vs] == 0x20 || buf[vs] == 0x09) { vs += 1 }
        while ve > vs && (buf[ve - 1] == 0x20 || buf[ve - 1] == 0x09) { ve -= 1 }
        for i in vs..<ve {
            let b = buf[i]
            if (b < 0x20 && b != 0x09) || b == 0x7F { throw .badRequest("Invalid character in a header value.") }
        }
        return (range.lowerBound..<colon, vs..<ve)
    }

    /// Header fields between `start` and `end` (the final CRLF CRLF excluded,
    /// every line known to end with CRLF) and the framing they imply.
    static func parseFields(
        _ buf: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, requestLine: RequestLine,
        limits: ParserLimits
    ) throws(HTTPParseError) -> RequestHead {
        var headers = HTTPHeaders()
        headers.storage.reserveCapacity(16)
        var hostCount = 0
        var hostValue: Range<Int> = 0..<0
        var contentLength: Range<Int>?
        var hasTransferEncoding = false
        var s = start
        while s < end {
            var e = s
            while buf[e] != 0x0D { e += 1 }
            let line = s..<e
            s = e + 2
            let (name, value) = try splitFieldLine(buf, line)
            if headers.count >= limits.maxHeaderCount {
                throw .headerFieldsTooLarge("More than \(limits.maxHeaderCount) header fields.")
            }
            switch name.count {
            case 4 where equalsIgnoringCase(buf, name, "host"):
                hostCount += 1
                hostValue = value
            case 14 where equalsIgnoringCase(buf, name, "content-length"):
                // Stricter than generic OWS on purpose: a padded length (`:  5 `)
                // is a smuggling probe, not a real client.
                if contentLength != nil { throw .badRequest("Duplicate Content-Length.") }
                if value.lowerBound > name.upperBound + 2 || value.upperBound != line.upperBound {
                    throw .badRequest("Invalid Content-Length.")
                }
                contentLength = value
            case 17 where equalsIgnoringCase(buf, name, "transfer-encoding"):
                if value.lowerBound > name.upperBound + 2 || value.upperBound != line.upperBound {
                    throw .badRequest("Invalid Transfer-Encoding (no padding around the value).")
                }
                hasTransferEncoding = true
            default:
                break
            }
            headers.storage.append(
                (
                    name: String(decoding: UnsafeBufferPointer(rebasing: buf[name]), as: UTF8.self),
                    value: String(decoding: UnsafeBufferPointer(rebasing: buf[value]), as: UTF8.self)
                ))
        }
        let version = requestLine.version

        // Host (RFC 9112 §3.2): one on HTTP/1.1, never two, always valid.
        if hostCount > 1 { throw .badRequest("More than one Host header field.") }
        if hostCount == 0 && version.minor >= 1 { throw .badRequest("An HTTP/1.1 request needs a Host header field.") }
        if hostCount == 1 && !HostValidator.isValid(UnsafeBufferPointer(rebasing: buf[hostValue])) {
            throw .badRequest("Invalid Host header field.")
        }
        if let authority = requestLine.authority { headers.set("Host", authority) }

        // Framing (RFC 9112 §6): ambiguity is the root of request smuggling,
        // so anything not crystal clear is refused.
        var framing = BodyFraming.none
        if hasTransferEncoding {
            if version.minor == 0 { throw .badRequest("Transfer-Encoding is not valid in an HTTP/1.0 request.") }
            if contentLength != nil { throw .badRequest("Content-Length and Transfer-Encoding together.") }
            framing = try transferCodingFraming(headers.values("Transfer-Encoding"))
        } else if let contentLength {
            framing = .length(try parseContentLength(UnsafeBufferPointer(rebasing: buf[contentLength])))
        }

        var keepAlive = version.minor >= 1
        var sawClose = false
        for value in headers.values("Connection") {
            for token in value.split(separator: ",") {
                let t = token.trimmingASCIIWhitespace()
                if t.caseInsensitiveEquals("close") {
                    sawClose = true
                } else if t.caseInsensitiveEquals("keep-alive") && version.minor == 0 {
                    keepAlive = true
                }
            }
        }
        // `Connection: close` wins over keep-alive when both are present.
        if sawClose { keepAlive = false }
        let expectsContinue =
            version.minor >= 1
            && (headers["Expect"].map { $0.trimmingASCIIWhitespace().caseInsensitiveEquals("100-continue") } ?? false)

        return RequestHead(
            method: requestLine.method,
            target: requestLine.target,
            version: version,
            headers: headers,
            keepAlive: keepAlive,
            expectsContinue: expectsContinue,
            framing: framing)
    }

    /// `chunked` must be the final coding, exactly once (RFC 9112 §6.3 rule 4:
    /// otherwise the length cannot be determined, 400); codings before it are
    /// valid HTTP we do not implement (501).
    private static func transferCodingFraming(_ values: [String]) throws(HTTPParseError) -> BodyFraming {
        var codings: [Substring] = []
        for value in values {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let coding = element.trimmingASCIIWhitespace()
                if coding.isEmpty { throw .badRequest("Invalid Transfer-Encoding (empty coding).") }
                codings.append(coding)
            }
        }
        guard let last = codings.last, last.caseInsensitiveEquals("chunked") else {
            throw .badRequest("Transfer-Encoding must end with chunked.")
        }
        let others = codings.dropLast()
        if others.contains(where: { $0.caseInsensitiveEquals("chunked") }) {
            throw .badRequest("Transfer-Encoding applies chunked more than once.")
        }
        for coding in others {
            let name = coding.prefix { $0 != ";" }.trimmingASCIIWhitespace()
            guard !name.isEmpty, name.utf8.allSatisfy(isTchar) else { throw .badRequest("Invalid Transfer-Encoding.") }
        }
        if let unsupported = others.first { throw .notImplemented("Transfer coding '\(unsupported)' is not supported.") }
        return .chunked
    }

    /// 1*DIGIT with checked arithmetic; a value beyond Int saturates so the
    /// body limit turns it into 413 instead of a trap.
    private static func parseContentLength(_ text: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Int {
        guard !text.isEmpty else { throw .badRequest("Invalid Content-Length.") }
        var n = 0
        for d in text {
            guard isDigit(d) else { throw .badRequest("Invalid Content-Length.") }
            let (times10, o1) = n.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(d - 0x30))
            n = (o1 || o2) ? Int.max : sum
        }
        return n
    }

    /// Whether `buf[range]` is `lower` (an ASCII lower-case literal), ignoring ASCII case.
    @inline(__always)
    private static func equalsIgnoringCase(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ lower: StaticString) -> Bool {
        guard range.count == lower.utf8CodeUnitCount else { return false }
        let p = lower.utf8Start
        var j = 0
        for i in range {
            let b = buf[i]
            let l = (b >= 65 && b <= 90) ? b | 0x20 : b
            if l != p[j] { return false }
            j += 1
        }
        return true
    }

    // MARK: Body

    private mutating func continueBody() throws(HTTPParseError) -> ParserEvent? {
        while true {
            switch phase {
            case .head:
                return nil
            case .fixedBody(let remaining):
                let available = min(remaining, buffer.count - readIndex)
                if available > 0 {
                    body.append(contentsOf: buffer[readIndex..<(readIndex + available)])
                    readIndex += available
                }
                if available == remaining { return finishMessage() }
                phase = .fixedBody(remaining: remaining - available)
                return nil
            case .chunkSize:
                guard
                    let (line, next) = try nextLine(
                        maxLength: Self.maxChunkLineBytes,
                        tooLong: {
                            .badRequest("A chunk-size line exceeds \(Self.maxChunkLineBytes) bytes.")
                        })
                else { return nil }
                let (size, extensionLength) = try buffer.withUnsafeBufferPointer {
                    (buf) throws(HTTPParseError) -> (size: Int, extensionLength: Int) in
                    try Self.parseChunkSizeLine(UnsafeBufferPointer(rebasing: buf[line]))
                }
                extensionBytes += extensionLength
                if extensionBytes > Self.maxChunkExtensionBytes {
                    throw .badRequest("Chunk extensions exceed \(Self.maxChunkExtensionBytes) bytes.")
                }
                let (total, overflow) = body.count.addingReportingOverflow(size)
                if overflow || total > bodyLimit { throw .payloadTooLarge(limit: bodyLimit) }
                readIndex = next
                if size == 0 {
                    phase = .trailers
                } else {
                    body.reserveCapacity(total)
                    phase = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let available = min(remaining, buffer.count - readIndex)
                if available > 0 {
                    body.append(contentsOf: buffer[readIndex..<(readIndex + available)])
                    readIndex += available
                }
                if available < remaining {
                    phase = .chunkData(remaining: remaining - available)
                    return nil
                }
                phase = .chunkDataEnd
            case .chunkDataEnd:
                // Exactly CRLF after the data: anything else means the data is
                // longer than its size, or a bare CR/LF framing trick.
                let available = buffer.count - readIndex
                if available >= 1 && buffer[readIndex] != 0x0D {
                    throw .badRequest("Chunk data is not followed by CRLF (longer than its size?).")
                }
                if available < 2 { return nil }
                if buffer[readIndex + 1] != 0x0A { throw .badRequest("Bare CR after chunk data.") }
                readIndex += 2
                phase = .chunkSize
            case .trailers:
                guard
                    let (line, next) = try nextLine(
                        maxLength: limits.maxHeaderBytes,
                        tooLong: {
                            .headerFieldsTooLarge("The trailer section is too large.")
                        })
                else {
                    if trailerBytes + (buffer.count - readIndex) > limits.maxHeaderBytes {
                        throw .headerFieldsTooLarge("The trailer section is too large.")
                    }
                    return nil
                }
                trailerBytes += next - readIndex
                if trailerBytes > limits.maxHeaderBytes { throw .headerFieldsTooLarge("The trailer section is too large.") }
                readIndex = next
                if line.isEmpty { return finishMessage() }
                // Validated like header fields, then dropped: nothing here depends on them.
                trailerCount += 1
                if trailerCount > limits.maxHeaderCount {
                    throw .headerFieldsTooLarge("More than \(limits.maxHeaderCount) trailer fields.")
                }
                _ = try buffer.withUnsafeBufferPointer { (buf) throws(HTTPParseError) -> (name: Range<Int>, value: Range<Int>) in
                    try Self.splitFieldLine(buf, line)
                }
            }
        }
    }

    /// `chunk-size [ chunk-ext ]` (RFC 9112 §7.1, §7.1.1): the size (saturated
    /// at Int.max, so the body limit answers 413) and the extension length.
    static func parseChunkSizeLine(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (size: Int, extensionLength: Int) {
        var size = 0
        var i = 0
        while i < line.count, let h = RequestTarget.hexValue(line[i]) {
            let (times16, o1) = size.multipliedReportingOverflow(by: 16)
            let (sum, o2) = times16.addingReportingOverflow(Int(h))
            size = (o1 || o2) ? Int.max : sum
            i += 1
        }
        if i == 0 { throw .badRequest("Invalid chunk size.") }
        let extensionStart = i
        let invalid = HTTPParseError.badRequest("Invalid chunk extension.")
        // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
        while i < line.count {
            i = skipWhitespace(line, i)
            guard i < line.count, line[i] == UInt8(ascii: ";") else { throw invalid }
            i = skipWhitespace(line, i + 1)
            let nameStart = i
            while i < line.count && isTchar(line[i]) { i += 1 }
            if i == nameStart { throw invalid }
            let afterName = i
            i = skipWhitespace(line, i)
            guard i < line.count, line[i] == UInt8(ascii: "=") else {
                i = afterName  // no value: what follows must be another extension
                continue
            }
            i = skipWhitespace(line, i + 1)
            guard i < line.count else { throw invalid }
            if line[i] == UInt8(ascii: "\"") {
                i += 1
                var closed = false
                while i < line.count {
                    let b = line[i]
                    if b == UInt8(ascii: "\"") {
                        closed = true
                        i += 1
                        break
                    }
                    if b == UInt8(ascii: "\\") {
                        i += 1
                        guard i < line.count, isQuotedPairChar(line[i]) else { throw invalid }
                    } else if !isQdtext(b) {
                        throw invalid
                    }
                    i += 1
                }
                if !closed { throw invalid }
            } else {
                let valueStart = i
                while i < line.count && isTchar(line[i]) { i += 1 }
                if i == valueStart { throw invalid }
            }
        }
        return (size, line.count - extensionStart)
    }

    @inline(__always)
    private static func skipWhitespace(_ line: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start
        while i < line.count && (line[i] == 0x20 || line[i] == 0x09) { i += 1 }
        return i
    }

    /// qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
    @inline(__always)
    private static func isQdtext(_ b: UInt8) -> Bool {
        b == 0x09 || b == 0x20 || b == 0x21 || (b >= 0x23 && b <= 0x5B) || (b >= 0x5D && b <= 0x7E) || b >= 0x80
    }

    /// quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
    @inline(__always)
    private static func isQuotedPairChar(_ b: UInt8) -> Bool {
        b == 0x09 || (b >= 0x20 && b != 0x7F)
    }

    /// The next CRLF-terminated line from `readIndex`: its content range and
    /// the index after its LF; nil when incomplete. A CR not followed by LF, or
    /// an LF not preceded by CR, is refused as soon as it is seen.
    private mutating func nextLine(maxLength: Int, tooLong: () -> HTTPParseError) throws(HTTPParseError) -> (Range<Int>, Int)? {
        var i = max(lineScan, readIndex)
        let count = buffer.count
        while i < count {
            let b = buffer[i]
            if b == 0x0D {
                if i + 1 >= count { break }
                if buffer[i + 1] != 0x0A { throw .badRequest("Bare CR in chunked framing.") }
                lineScan = i + 2
                return (readIndex..<i, i + 2)
            }
            if b == 0x0A { throw .badRequest("Bare LF in chunked framing: lines must end with CRLF.") }
            i += 1
            if i - readIndex > maxLength { throw tooLong() }
        }
        lineScan = i
        return nil
    }

    private mutating func finishMessage() -> ParserEvent {
        let finished = head!
        let finishedBody = body
        head = nil
        body = []
        phase = .head
        resetHeadScan()
        return .message(finished, body: finishedBody)
    }

    /// Drops consumed bytes so a long-lived keep-alive connection does not
    /// accumulate every request it ever received.
    private mutating func compactIfUseful() {
        guard readIndex > 0 else { return }
        if readIndex == buffer.count || readIndex >= 16384 {
            let shift = readIndex
            buffer.removeSubrange(0..<shift)
            readIndex = 0
            scanIndex -= shift
            lineStart -= shift
            lineScan = max(0, lineScan - shift)
            if let end = requestLineEnd { requestLineEnd = end - shift }
        }
    }
}

@inline(__always)
func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

/// tchar (RFC 9110 §5.6.2).
@inline(__always)
func isTchar(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
        UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
        UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}

extension StringProtocol {
    func trimmingASCIIWhitespace() -> Substring {
        var s = Substring(self)
        while let f = s.utf8.first, f == 0x20 || f == 0x09 { s = s.dropFirst() }
        while let l = s.utf8.last, l == 0x20 || l == 0x09 { s = s.dropLast() }
        return s
    }

    func caseInsensitiveEquals(_ other: String) -> Bool {
        HTTPHeaders.equalsIgnoringCase(String(self), other)
    }
}
