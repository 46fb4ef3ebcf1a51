import Testing

@testable import HTTP

/// Parses `bytes` fed in the given pieces; the requests or the first error.
private func feed(_ pieces: [[UInt8]], limits: ParserLimits = ParserLimits()) -> Result<[[UInt8]], HTTPParseError> {
    var parser = RequestParser(limits: limits)
    var bodies: [[UInt8]] = []
    do throws(HTTPParseError) {
        for piece in pieces {
            parser.append(piece)
            while let request = try parser.nextRequest() { bodies.append(request.body) }
        }
        return .success(bodies)
    } catch {
        return .failure(error)
    }
}

private func parse(_ text: String, limits: ParserLimits = ParserLimits()) -> Result<[[UInt8]], HTTPParseError> {
    feed([Array(text.utf8)], limits: limits)
}

private func status(_ text: String) -> Int? {
    if case .failure(let error) = parse(text) { return error.status }
    return nil
}

private let chunked = "POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"

/// Issue 15 findings 1, 7 and the Host part of 8, at the parser level.
@Suite("Strict request parsing")
struct StrictParsingTests {
    /// Finding 1: these trapped with "arithmetic overflow" in continueBody.
    @Test(arguments: ["ffffffffffffffff", "8000000000000000", "7fffffffffffffff", "10000000000000000", String(repeating: "F", count: 40)])
    func hugeChunkSizeIs413(_ size: String) {
        #expect(status(chunked + size + "\r\n") == 413)
    }

    /// Finding 1: a valid size with leading zeros was refused with 413.
    @Test func chunkSizeWithLeadingZeros() throws {
        let data = String(repeating: "z", count: 0x34)
        #expect(try parse(chunked + "0000000000000000034\r\n" + data + "\r\n0000\r\n\r\n").get() == [Array(data.utf8)])
    }

    /// Finding 7: the hidden request behind a bare LF was parsed as a second request.
    @Test func bareLFSmugglingIsRefused() {
        let text =
            "GET / HTTP/1.1\r\nHost: localhost\r\nDummy: x\nContent-Length: 23\r\n\r\nGET / HTTP/1.1\r\n"
            + "Dummy: GET /admin HTTP/1.1\r\nHost: localhost\r\n\r\n"
        #expect(status(text) == 400)
    }

    @Test(arguments: [
        "5\nhello\r\n0\r\n\r\n", "5\r\nhello\n0\r\n\r\n", "5\r\nhello\r\n0\n\r\n", "5\r\nhello\r\n0\r\n\n",
        "5\r\nhello\r\n0\r\nX: y\n\r\n", "5\rhello\r\n0\r\n\r\n", "5\r\nhello\r0\r\n\r\n", "5\r\nhello\r\n0\r\nX: y\rz\r\n\r\n",
    ])
    func bareLFOrCRInChunkedFramingIs400(_ framing: String) {
        #expect(status(chunked + framing) == 400)
    }

    /// Finding 7: `2;` and `a ` were accepted; RFC 9112 §7.1.1 wants a name and no bare whitespace.
    @Test(arguments: ["2;", "2 ", "2;a=", "2;=b", "2;a ", "2 x", "2;a=\"b", "2;a=\"b\\\u{7f}\"", "2;a=b c", "2,a"])
    func invalidChunkExtensionIs400(_ line: String) {
        #expect(status(chunked + line + "\r\naa\r\n0\r\n\r\n") == 400)
    }

    @Test(arguments: ["2;a", "2;a=b", "2 ;a", "2; a = b", "2;a=\"q \\\" ;\";b", "2;a;b=c;d=\"\""])
    func validChunkExtension(_ line: String) throws {
        #expect(try parse(chunked + line + "\r\naa\r\n0\r\n\r\n").get() == [Array("aa".utf8)])
    }

    @Test func chunkExtensionsAreBounded() {
        #expect(status(chunked + "2;" + String(repeating: "a", count: 1100) + "\r\naa\r\n0\r\n\r\n") == 400)
        let manyChunks = String(repeating: "1;" + String(repeating: "e", count: 1000) + "\r\nx\r\n", count: 17)
        #expect(status(chunked + manyChunks + "0\r\n\r\n") == 400)
    }

    /// Finding 8 (Host): missing, duplicated or garbage Host got 200.
    @Test(arguments: [
        "", "Host: a\r\nHost: a\r\n", "Host: a b\r\n", "Host: x:65536\r\n", "Host: x/y\r\n", "Host: [::1\r\n", "Host: :80\r\n",
        "Host: u@x\r\n", "Host: x:1:2\r\n", "Host: [1:2:3:4:5:6:7:8:9]\r\n", "Host: ex%00mple\r\n",
    ])
    func invalidHostIs400(_ fields: String) {
        #expect(status("GET / HTTP/1.1\r\n" + fields + "\r\n") == 400)
    }

    @Test(arguments: [
        "Host:\r\n", "Host: x\r\n", "Host: x:0\r\n", "Host: 10.0.0.1:65535\r\n", "Host: [::1]:80\r\n",
        "Host: [::ffff:1.2.3.4]\r\n", "Host: [v7.a:b]\r\n", "Host: xn--bcher-kva.example\r\n",
    ])
    func validHost(_ fields: String) {
        #expect(status("GET / HTTP/1.1\r\n" + fields + "\r\n") == nil)
    }

    @Test func targetChecks() {
        #expect(status("GET /a%00 HTTP/1.1\r\nHost: a\r\n\r\n") == 400)
        #expect(status("GET /a%FF HTTP/1.1\r\nHost: a\r\n\r\n") == 400)
        #expect(status("GET /a%0A HTTP/1.1\r\nHost: a\r\n\r\n") == 400)
        #expect(status("GET /?q=%E2%82 HTTP/1.1\r\nHost: a\r\n\r\n") == 400)
        #expect(status("GET /?q=%0A HTTP/1.1\r\nHost: a\r\n\r\n") == nil)  // the handler's validator answers 422
        #expect(status("GET /a%C3%A9?q=%E2%82%AC HTTP/1.1\r\nHost: a\r\n\r\n") == nil)
        #expect(status("GET * HTTP/1.1\r\nHost: a\r\n\r\n") == 400)
        #expect(status("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n") == nil)
        #expect(status("CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n") == 501)
        #expect(status("GET a:443 HTTP/1.1\r\nHost: a\r\n\r\n") == 400)
    }

    /// The request line is judged when it ends: HTTP/0.9 and HTTP/2 never wait for a header section.
    @Test func requestLineJudgedAtOnce() {
        #expect(status("GET /\r\n") == 400)
        #expect(status("PRI * HTTP/2.0\r\n") == 505)
        #expect(status("GET / HTTP/1.1\r\n") == nil)
    }

    /// Every split point of valid and invalid streams gives the same outcome as one piece:
    /// the resumable scans (head, chunk lines, CR at a buffer end) lose nothing.
    @Test(arguments: [
        chunked + "5;a=\"x y\"\r\nhello\r\n0003\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"
            + "GET /n HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok",
        "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
        chunked + "5\r\nhello\r0\r\n\r\n",
        chunked + "5\r\nhello\r\n0\r\nX: y\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX: y\r\r\n\r\n",
        chunked + "3\r\nabcd\r\n",
    ])
    func splitPointsAgree(_ text: String) {
        let bytes = Array(text.utf8)
        let whole = feed([bytes])
        for cut in 1..<bytes.count {
            #expect(feed([Array(bytes[..<cut]), Array(bytes[cut...])]) == whole, "cut at \(cut)")
        }
        #expect(feed(bytes.map { [$0] }) == whole, "byte by byte")
    }

    /// Seeded mutations of valid requests (byte flips, CR/LF/NUL/hex/`;` insertions, cuts):
    /// the parser never traps, and two-piece feeding agrees with one piece. A replayable
    /// smoke test next to the fuzz harnesses, not a replacement for them.
    @Test func seededMutationsNeverTrap() {
        let seeds = [
            chunked + "5;a=b\r\nhello\r\n0\r\nX: y\r\n\r\n",
            "POST /p?q=%C3%A9 HTTP/1.1\r\nHost: [::1]:80\r\nContent-Length: 3\r\n\r\nabc",
            "GET http://h:1/a%2Fb HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        ].map { Array($0.utf8) }
        let alphabet: [UInt8] = [0x0D, 0x0A, 0x00, 0x20, 0x09, 0x3B, 0x3D, 0x22, 0x25, 0x66, 0x30, 0x3A, 0xFF, 0x7F]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
        var failures = 0
        for iteration in 0..<3000 {
            var bytes = seeds[iteration % seeds.count]
            for _ in 0...random(4) {
                let at = random(bytes.count)
                switch random(3) {
                case 0: bytes[at] = alphabet[random(alphabet.count)]
                case 1: bytes.insert(alphabet[random(alphabet.count)], at: at)
                default: bytes.remove(at: at)
                }
            }
            let cut = 1 + random(bytes.count - 1)
            if feed([bytes]) != feed([Array(bytes[..<cut]), Array(bytes[cut...])]) { failures += 1 }
        }
        #expect(failures == 0)
    }
}
