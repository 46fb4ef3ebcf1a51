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
    // Body state.
    private var head: RequestHead?
    private var body: [UInt8] = []
    private var bodyLimit = 0
    private var trailerBytes = 0

    private enum Phase: Sendable, Equatable {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
    }

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
                if b == 0x0A {
                    var end = i
                    if end > lineStart && buf[end - 1] == 0x0D { end -= 1 }
                    if requestLineEnd == nil {
                        if end == lineStart {
                            // RFC 9112 §2.2: ignore empty lines before the request line.
                            readIndex = i + 1
                            lineStart = i + 1
                            i += 1
                            continue
                        }
                        requestLineEnd = i + 1
                    } else if end == lineStart {
                        found = i + 1
                        scanIndex = i + 1
                        return
                    }
                    lineStart = i + 1
                } else if b == 0x0D {
                    if i + 1 >= count { break }  // wait: the LF may be next
                    if buf[i + 1] != 0x0A { throw .badRequest("Bare CR in the request head.") }
                } 
                i += 1
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
        guard let end = found else { return nil }
        let head = try buffer.withUnsafeBufferPointer { (buf) throws(HTTPParseError) -> RequestHead in
            try Self.parseHead(UnsafeBufferPointer(rebasing: buf[readIndex..<end]), limits: limits)
        }
        readIndex = end
        resetHeadScan()
        return head
    }

    private mutating func resetHeadScan() {
        scanIndex = readIndex
        lineStart = readIndex
        requestLineEnd = nil
    }

    static func parseHead(_ bytes: UnsafeBufferPointer<UInt8>, limits: ParserLimits) throws(HTTPParseError) -> RequestHead {
        // Split into lines (CRLF or bare LF), the final empty line excluded.
        var lines: [Range<Int>] = []
        var start = 0
        for i in 0..<bytes.count where bytes[i] == 0x0A {
            var end = i
            if end > start && bytes[end - 1] == 0x0D { end -= 1 }
            lines.append(start..<end)
            start = i + 1
        }
        if let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let requestLine = lines.first else { throw .badRequest("Missing request line.") }

        // request-line = method SP request-target SP HTTP-version
        let line = bytes[requestLine]
        guard let sp1 = line.firstIndex(of: 0x20) else { throw .badRequest("Invalid request line.") }
        guard let sp2 = line[(sp1 + 1)...].firstIndex(of: 0x20) else {
            if requestLine.upperBound - sp1 - 1 > limits.maxRequestTargetBytes { throw .uriTooLong(limit: limits.maxRequestTargetBytes) }
            throw .badRequest("Invalid request line.")
        }
        let methodBytes = line[requestLine.lowerBound..<sp1]
        let targetBytes = line[(sp1 + 1)..<sp2]
        let versionBytes = line[(sp2 + 1)...]
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(isTchar) else { throw .badRequest("Invalid method token.") }
        if targetBytes.count > limits.maxRequestTargetBytes { throw .uriTooLong(limit: limits.maxRequestTargetBytes) }
        guard !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .badRequest("Invalid request target.")
        }
        let first = targetBytes.first!
        guard first == UInt8(ascii: "/") || first == UInt8(ascii: "*") || targetBytes.contains(UInt8(ascii: ":")) else {
            throw .badRequest("Invalid request target.")
        }
        let version = try parseVersion(versionBytes)

        var headers = HTTPHeaders()
        headers.storage.reserveCapacity(min(lines.count - 1, 16))
        for range in lines.dropFirst() {
            let field = bytes[range]
            guard let f = field.first else { continue }
            if f == 0x20 || f == 0x09 { throw .badRequest("Obsolete line folding is not accepted.") }
            guard let colon = field.firstIndex(of: UInt8(ascii: ":")) else { throw .badRequest("Header line without a colon.") }
            let name = field[range.lowerBound..<colon]
            guard !name.isEmpty, name.allSatisfy(isTchar) else {
                throw .badRequest("Invalid header field name (no whitespace is allowed before the colon).")
            }
            var vs = colon + 1, ve = range.upperBound
            while vs < ve && (bytes[vs] == 0x20 || bytes[vs] == 0x09) { vs += 1 }
            while ve > vs && (bytes[ve - 1] == 0x20 || bytes[ve - 1] == 0x09) { ve -= 1 }
            let value = bytes[vs..<ve]
            if name.count == 14 && isContentLength(name) {
                // Stricter than generic OWS on purpose: a padded length
                // (`:  5 `) is a smuggling probe, not a real client.
                var raw = colon + 1
                if raw < range.upperBound && (bytes[raw] == 0x20 || bytes[raw] == 0x09) { raw += 1 }
                if raw != vs || ve != range.upperBound { throw .badRequest("Invalid Content-Length.") }
            }
            for b in value where (b < 0x20 && b != 0x09) || b == 0x7F {
                throw .badRequest("Invalid character in a header value.")
            }
            if headers.count >= limits.maxHeaderCount {
                throw .headerFieldsTooLarge("More than \(limits.maxHeaderCount) header fields.")
            }
            headers.storage.append((name: String(decoding: UnsafeBufferPointer(rebasing: name), as: UTF8.self),
                                    value: String(decoding: UnsafeBufferPointer(rebasing: value), as: UTF8.self)))
        }

        // Framing (RFC 9112 §6): ambiguity is the root of request smuggling,
        // so anything not crystal clear is refused.
        let transferEncodings = headers.values("Transfer-Encoding")
        let contentLengths = headers.values("Content-Length")
        var framing = BodyFraming.none
        if !transferEncodings.isEmpty {
            if !contentLengths.isEmpty { throw .badRequest("Content-Length and Transfer-Encoding together.") }
            let codings = transferEncodings.flatMap { $0.split(separator: ",") }
                .map { $0.trimmingASCIIWhitespace().lowercased() }
            if codings.contains(where: { $0.isEmpty }) { throw .badRequest("Invalid Transfer-Encoding.") }
            if let unknown = codings.first(where: { $0 != "chunked" }) {
                throw .notImplemented("Transfer coding '\(unknown)' is not supported.")
            }
            if codings.count != 1 { throw .badRequest("Transfer-Encoding applies chunked more than once.") }
            framing = .chunked
        } else if !contentLengths.isEmpty {
            if contentLengths.count > 1 { throw .badRequest("Duplicate Content-Length.") }
            let text = contentLengths[0].utf8
            guard !text.isEmpty, text.count <= 18, text.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw .badRequest("Invalid Content-Length.")
            }
            var n = 0
            for d in text { n = n * 10 + Int(d - 0x30) }
            framing = .length(n)
        }

        var keepAlive = version.minor >= 1
        for value in headers.values("Connection") {
            for token in value.split(separator: ",") {
                let t = token.trimmingASCIIWhitespace()
                if t.caseInsensitiveEquals("close") { keepAlive = false }
                else if t.caseInsensitiveEquals("keep-alive") && version.minor == 0 { keepAlive = true }
            }
        }
        // `Connection: close` wins over keep-alive when both are present.
        if headers.values("Connection").contains(where: { $0.split(separator: ",").contains { $0.trimmingASCIIWhitespace().caseInsensitiveEquals("close") } }) {
            keepAlive = false
        }
        let expectsContinue = version.minor >= 1 && (headers["Expect"].map { $0.trimmingASCIIWhitespace().caseInsensitiveEquals("100-continue") } ?? false)

        return RequestHead(
            method: HTTPMethod(rawValue: String(decoding: UnsafeBufferPointer(rebasing: methodBytes), as: UTF8.self)),
            target: String(decoding: UnsafeBufferPointer(rebasing: targetBytes), as: UTF8.self),
            version: version,
            headers: headers,
            keepAlive: keepAlive,
            expectsContinue: expectsContinue,
            framing: framing)
    }

    private static func isContentLength(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var i = 0
        for b in name {
            let lower = (b >= 65 && b <= 90) ? b | 0x20 : b
            if lower != contentLengthBytes[i] { return false }
            i += 1
        }
        return true
    }

    private static let contentLengthBytes: [UInt8] = Array("content-length".utf8)

    private static func parseVersion(_ v: Slice<UnsafeBufferPointer<UInt8>>) throws(HTTPParseError) -> HTTPVersion {
        let a = Array(v)
        guard a.count == 8, a[0] == 0x48, a[1] == 0x54, a[2] == 0x54, a[3] == 0x50, a[4] == 0x2F, a[6] == 0x2E,
              isDigit(a[5]), isDigit(a[7]) else {
            throw .badRequest("Invalid HTTP version.")
        }
        let major = Int(a[5] - 0x30), minor = Int(a[7] - 0x30)
        guard major == 1 else { throw .versionNotSupported }
        // HTTP/1.x with x > 1 is to be treated as the highest 1.x we support.
        return HTTPVersion(major: 1, minor: min(minor, 1))
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
                guard let (line, next) = try nextLine(maxLength: 4096) else { return nil }
                var size = 0
                var digits = 0
                var index = line.lowerBound
                while index < line.upperBound, let h = RequestTarget.hexValue(buffer[index]) {
                    size = size * 16 + Int(h)
                    digits += 1
                    index += 1
                    if digits > 15 { throw .payloadTooLarge(limit: bodyLimit) }
                }
                if digits == 0 { throw .badRequest("Invalid chunk size.") }
                // Chunk extensions (`;name=value`) carry nothing we use.
                while index < line.upperBound && (buffer[index] == 0x20 || buffer[index] == 0x09) { index += 1 }
                if index < line.upperBound && buffer[index] != UInt8(ascii: ";") { throw .badRequest("Invalid chunk size.") }
                readIndex = next
                if size == 0 {
                    phase = .trailers
                } else {
                    if body.count + size > bodyLimit { throw .payloadTooLarge(limit: bodyLimit) }
                    body.reserveCapacity(body.count + size)
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
                guard let (line, next) = try nextLine(maxLength: 2) else { return nil }
                if !line.isEmpty { throw .badRequest("Chunk data is longer than its size.") }
                readIndex = next
                phase = .chunkSize
            case .trailers:
                // Trailer fields are read and dropped: nothing here depends on them.
                guard let (line, next) = try nextLine(maxLength: limits.maxHeaderBytes) else {
                    if trailerBytes + (buffer.count - readIndex) > limits.maxHeaderBytes {
                        throw .headerFieldsTooLarge("The trailer section is too large.")
                    }
                    return nil
                }
                trailerBytes += next - readIndex
                if trailerBytes > limits.maxHeaderBytes { throw .headerFieldsTooLarge("The trailer section is too large.") }
                readIndex = next
                if line.isEmpty { return finishMessage() }
            }
        }
    }

    /// The next line from `readIndex`: its content range (without CR/LF) and
    /// the index after its LF; nil when incomplete.
    private func nextLine(maxLength: Int) throws(HTTPParseError) -> (Range<Int>, Int)? {
        var i = readIndex
        while i < buffer.count {
            let b = buffer[i]
            if b == 0x0A {
                var end = i
                if end > readIndex && buffer[end - 1] == 0x0D { end -= 1 }
                return (readIndex..<end, i + 1)
            }
            if b == 0x0D && i + 1 < buffer.count && buffer[i + 1] != 0x0A { throw .badRequest("Bare CR in chunked framing.") }
            i += 1
            if i - readIndex > maxLength + 2 { throw .badRequest("Chunk framing line too long.") }
        }
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
