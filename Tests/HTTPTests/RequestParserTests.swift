import Testing

@testable import HTTP

/// Parses every complete request in `text`; throws the first parse error.
private func parseAll(_ text: String, limits: ParserLimits = ParserLimits()) throws(HTTPParseError) -> [(head: RequestHead, body: [UInt8])]
{
    var parser = RequestParser(limits: limits)
    parser.append(text)
    var out: [(head: RequestHead, body: [UInt8])] = []
    while let request = try parser.nextRequest() { out.append(request) }
    return out
}

private func parseError(_ text: String, limits: ParserLimits = ParserLimits()) -> HTTPParseError? {
    do {
        _ = try parseAll(text, limits: limits)
        return nil
    } catch {
        return error
    }
}

@Suite("RequestParser")
struct RequestParserTests {
    @Test func simpleGet() throws {
        let requests = try parseAll("GET /healthz?x=1 HTTP/1.1\r\nHost: a\r\nX-Test:  v  \r\n\r\n")
        #expect(requests.count == 1)
        let head = requests[0].head
        #expect(head.method == .GET)
        #expect(head.target == "/healthz?x=1")
        #expect(head.version == .http1_1)
        #expect(head.headers["host"] == "a")
        #expect(head.headers["X-TEST"] == "v")
        #expect(head.keepAlive)
        #expect(head.framing == .none)
    }

    @Test func keepAliveDefaultsByVersion() throws {
        #expect(try parseAll("GET / HTTP/1.0\r\n\r\n")[0].head.keepAlive == false)
        #expect(try parseAll("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")[0].head.keepAlive == true)
        #expect(try parseAll("GET / HTTP/1.1\r\nHost: a\r\n\r\n")[0].head.keepAlive == true)
        #expect(try parseAll("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")[0].head.keepAlive == false)
        #expect(try parseAll("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n")[0].head.keepAlive == false)
    }

    @Test func pipelinedRequestsInOneBuffer() throws {
        let requests = try parseAll(
            "GET /a HTTP/1.1\r\nHost: a\r\n\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /c HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(requests.map(\.head.target) == ["/a", "/b", "/c"])
        #expect(requests[1].body == Array("abc".utf8))
    }

    @Test func incrementalFeedingByteByByte() throws {
        var parser = RequestParser()
        let text = Array("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello".utf8)
        var result: (head: RequestHead, body: [UInt8])?
        for byte in text {
            #expect(result == nil)
            parser.append([byte])
            result = try parser.nextRequest()
        }
        #expect(result?.body == Array("hello".utf8))
    }

    @Test func headEventPrecedesBody() throws {
        var parser = RequestParser()
        parser.append("PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        guard case .head(let head) = try parser.next() else {
            Issue.record("expected head")
            return
        }
        #expect(head.expectsContinue)
        #expect(parser.awaitingBody)
        #expect(try parser.next() == nil)
        parser.append("ok")
        guard case .message(_, let body) = try parser.next() else {
            Issue.record("expected message")
            return
        }
        #expect(body == Array("ok".utf8))
    }

    @Test func expectIgnoredOnHTTP10() throws {
        #expect(try parseAll("PUT /x HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n")[0].head.expectsContinue == false)
    }

    @Test func chunkedWithExtensionsAndTrailers() throws {
        let text =
            "POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n6 ; ext\r\n world\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"
        let requests = try parseAll(text)
        #expect(requests.count == 2)
        #expect(String(decoding: requests[0].body, as: UTF8.self) == "hello world")
        #expect(requests[0].head.framing == .chunked)
        #expect(requests[1].head.target == "/next")
    }

    @Test func chunkedBodyOverLimit() {
        let limits = ParserLimits(maxBodyBytes: 8)
        let text = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"
        #expect(parseError(text, limits: limits) == .payloadTooLarge(limit: 8))
    }

    @Test func invalidChunkSize() {
        #expect(parseError("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")?.status == 400)
        #expect(parseError("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n")?.status == 400)
    }

    @Test func contentLengthWithTransferEncoding() {
        #expect(parseError("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")?.status == 400)
    }

    @Test(arguments: ["+5", "-1", " 5 ", "5 ", "5,5", "5, 5", "0x5", "", "5 5", "  5", "5\t", "1_0", "\u{b2}"])
    func invalidContentLength(_ value: String) {
        #expect(parseError("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \(value)\r\n\r\nhello")?.status == 400)
    }

    /// 1*DIGIT allows leading zeros; a value beyond Int is simply too large (413), never a trap.
    @Test func contentLengthLeadingZerosAndOverflow() throws {
        #expect(try parseAll("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0000000000000000000005\r\n\r\nhello")[0].body.count == 5)
        #expect(
            parseError("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1234567890123456789\r\n\r\n")
                == .payloadTooLarge(limit: 1_048_576))
        #expect(parseError("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999999\r\n\r\n")?.status == 413)
    }

    @Test func contentLengthSpacing() throws {
        #expect(try parseAll("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:5\r\n\r\nhello")[0].body.count == 5)
        #expect(try parseAll("POST / HTTP/1.1\r\nHost: a\r\ncontent-length: 5\r\n\r\nhello")[0].body.count == 5)
    }

    @Test func duplicateContentLength() {
        #expect(parseError("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello")?.status == 400)
    }

    @Test func obsFoldRejected() {
        #expect(
            parseError("GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n two\r\n\r\n")
                == .badRequest("Obsolete line folding is not accepted."))
        #expect(parseError("GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n\ttwo\r\n\r\n")?.status == 400)
    }

    @Test func whitespaceBeforeColonRejected() {
        #expect(parseError("GET / HTTP/1.1\r\nHost: a\r\nHost : a\r\n\r\n")?.status == 400)
        #expect(parseError("GET / HTTP/1.1\r\nHost: a\r\nHost\t: a\r\n\r\n")?.status == 400)
    }

    @Test(arguments: [
        "GET  / HTTP/1.1", "GET /", "GET / HTTP/1.1 extra", "G(T / HTTP/1.1", "GET / http/1.1", "GET / HTTP/1", "GET / HTTP/1.1x",
        "GET foo HTTP/1.1", "GET /a\u{7f} HTTP/1.1", " GET / HTTP/1.1",
    ])
    func invalidRequestLine(_ line: String) {
        #expect(parseError(line + "\r\n\r\n")?.status == 400)
    }

    @Test func unsupportedVersion() {
        #expect(parseError("GET / HTTP/2.0\r\n\r\n") == .versionNotSupported)
        #expect(parseError("GET / HTTP/2.0\r\n\r\n")?.problem.status == 505)
        #expect(parseError("GET / HTTP/0.9\r\n\r\n")?.problem.code == "http_version_not_supported")
    }

    @Test func uriTooLong() {
        let limits = ParserLimits(maxRequestTargetBytes: 100)
        #expect(
            parseError("GET /\(String(repeating: "a", count: 100)) HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits)
                == .uriTooLong(limit: 100))
        // Also before the line is complete, so a huge target is never buffered whole.
        #expect(parseError("GET /\(String(repeating: "a", count: 2000))", limits: limits)?.status == 414)
        #expect(parseError("GET /" + String(repeating: "a", count: 8192) + " HTTP/1.1\r\nHost: a\r\n\r\n")?.problem.code == "uri_too_long")
    }

    @Test func headerSectionTooLarge() {
        let big = String(repeating: "x", count: 70_000)
        #expect(parseError("GET / HTTP/1.1\r\nHost: a\r\nX-Big: \(big)\r\n\r\n")?.problem.status == 431)
        // Without the terminating empty line too: refused while still arriving.
        #expect(parseError("GET / HTTP/1.1\r\nHost: a\r\nX-Big: \(big)")?.problem.code == "header_fields_too_large")
    }

    @Test func tooManyHeaderFields() {
        let fields = (0..<101).map { "X-\($0): v\r\n" }.joined()
        #expect(parseError("GET / HTTP/1.1\r\nHost: a\r\n\(fields)\r\n")?.status == 431)
        let ok = (0..<99).map { "X-\($0): v\r\n" }.joined()
        #expect(parseError("GET / HTTP/1.1\r\nHost: a\r\n\(ok)\r\n") == nil)
    }

    @Test func bodyOverLimitRefusedAtHead() throws {
        var parser = RequestParser(limits: ParserLimits(maxBodyBytes: 10))
        parser.append("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n")
        #expect(throws: HTTPParseError.payloadTooLarge(limit: 10)) { try parser.next() }
        // A per-request limit from the caller overrides the default.
        var routed = RequestParser(limits: ParserLimits(maxBodyBytes: 10))
        routed.append("POST /docs HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world")
        let event = try routed.next { _ in 100 }
        guard case .head = event else {
            Issue.record("expected head")
            return
        }
        guard case .message(_, let body) = try routed.next(bodyLimit: { _ in 100 }) else {
            Issue.record("expected message")
            return
        }
        #expect(body.count == 11)
    }

    @Test func unknownTransferCodingIsNotImplemented() {
        // RFC 9112 §6.3: chunked not last means the length is unknown: 400, not 501.
        #expect(parseError("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n")?.problem.status == 400)
        #expect(parseError("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")?.problem.code == "not_implemented")
        #expect(parseError("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n")?.status == 400)
    }

    @Test func hostRequiredOnHTTP11Only() throws {
        #expect(parseError("GET / HTTP/1.1\r\n\r\n") == .badRequest("An HTTP/1.1 request needs a Host header field."))
        #expect(try parseAll("GET / HTTP/1.0\r\n\r\n").count == 1)
        #expect(parseError("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n")?.status == 400)
    }

    @Test func bareLFAndBareCRRejected() throws {
        #expect(parseError("GET /lf HTTP/1.1\nHost: a\n\n") == .badRequest("Bare LF in the request head: lines must end with CRLF."))
        #expect(parseError("GET /lf HTTP/1.1\r\nHost: a\n\r\n")?.status == 400)
        #expect(parseError("GET /lf HTTP/1.1\r\nHost: a\r\n\n")?.status == 400)
        #expect(parseError("GET / HTTP/1.1\rHost: a\r\n\r\n")?.status == 400)
        #expect(parseError("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n")?.status == 400)
    }

    @Test func leadingEmptyLinesIgnored() throws {
        #expect(try parseAll("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n").count == 1)
    }

    @Test func controlCharactersInValueRejected() {
        #expect(parseError("GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u{01}b\r\n\r\n")?.status == 400)
    }

    @Test func extensionMethodsParse() throws {
        #expect(try parseAll("PROPFIND / HTTP/1.1\r\nHost: a\r\n\r\n")[0].head.method.rawValue == "PROPFIND")
    }

    @Test func absoluteFormTarget() throws {
        let head = try parseAll("GET http://example.com/a/b?q=1 HTTP/1.1\r\nHost: a\r\n\r\n")[0].head
        #expect(RequestTarget.split(head.target).path == "/a/b")
        // RFC 9112 §3.2.2: the target's authority replaces the Host field.
        #expect(head.headers["Host"] == "example.com")
        #expect(head.headers.values("Host").count == 1)
    }

    @Test func newerMinorVersionTreatedAs11() throws {
        #expect(try parseAll("GET / HTTP/1.2\r\nHost: a\r\n\r\n")[0].head.version == .http1_1)
    }
}
