import Foundation
import Synchronization
import Testing

@testable import HTTP

#if canImport(Glibc)
    import Glibc
#endif

/// What the raw client must observe for one malformed (or borderline) request.
enum MalformedOutcome: Sendable, Equatable {
    /// These responses in order; when the last is an error, the server closes afterwards.
    case responses([Int])
    /// The server closes without sending a single byte (truncated input, then EOF).
    case cleanClose
}

/// One raw-socket case: the exact bytes, the exact answer.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var outcome: MalformedOutcome
    /// Shut down our write side after sending (the request is truncated on purpose).
    var halfClose = false
    /// The expected body of the last response, for the cases that must be served.
    var body: String?

    var testDescription: String { name }
}

/// Counts the requests that reached a route no case may ever reach.
final class HitCounter: Sendable {
    private let count = Atomic<Int>(0)
    func hit() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

private func status(_ name: String, _ raw: String, _ statuses: Int..., body: String? = nil) -> MalformedCase {
    MalformedCase(name: name, bytes: bytes(raw), outcome: .responses(statuses), body: body)
}

private func status(_ name: String, raw: [UInt8], _ statuses: Int...) -> MalformedCase {
    MalformedCase(name: name, bytes: raw, outcome: .responses(statuses))
}

private func truncated(_ name: String, _ raw: String) -> MalformedCase {
    MalformedCase(name: name, bytes: bytes(raw), outcome: .cleanClose, halfClose: true)
}

private let get = "GET /healthz HTTP/1.1\r\n"
private let host = "Host: x\r\n"
private let healthz = get + host + "\r\n"
private let post = "POST /echo HTTP/1.1\r\nHost: x\r\n"
private let chunked = post + "Transfer-Encoding: chunked\r\n\r\n"
/// A request that must never be routed: it hides inside another one.
private let hidden = "GET /admin HTTP/1.1\r\nHost: x\r\n\r\n"

/// Issue 15 findings 1 and 7, RFC 9112 chunked framing, and chunk extensions (§7.1.1).
private let chunkCases: [MalformedCase] = [
    status("chunk size ffffffffffffffff (finding 1: trapped)", chunked + "ffffffffffffffff\r\n", 413),
    status("chunk size 8000000000000000 (finding 1: trapped)", chunked + "8000000000000000\r\n", 413),
    status("chunk size 7fffffffffffffff", chunked + "7fffffffffffffff\r\n", 413),
    status("chunk size with 17 hex digits", chunked + "10000000000000000\r\n", 413),
    status("chunk size with 32 hex digits", chunked + String(repeating: "f", count: 32) + "\r\n", 413),
    status(
        "GET with chunk size ffffffffffffffff",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n", 413),
    status("chunk size above the route limit", "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n", 413),
    status(
        "chunk sizes summing above the route limit",
        "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n"
            + String(repeating: "a", count: 64) + "\r\n1\r\n", 413),
    status(
        "chunk size with leading zeros (finding 1: was 413)",
        chunked + "0000000000000000034\r\n" + String(repeating: "z", count: 52)
            + "\r\n0\r\n\r\n", 200, body: String(repeating: "z", count: 52)),
    status("last chunk with three zeros", chunked + "5\r\nhello\r\n000\r\n\r\n", 200, body: "hello"),
    status("zero-size body", chunked + "0\r\n\r\n", 200, body: ""),
    status("uppercase hex size", chunked + "A\r\n0123456789\r\n0\r\n\r\n", 200, body: "0123456789"),
    status("negative chunk size", chunked + "-1\r\nx\r\n0\r\n\r\n", 400),
    status("chunk size with plus sign", chunked + "+5\r\nhello\r\n0\r\n\r\n", 400),
    status("chunk size 0x5", chunked + "0x5\r\nhello\r\n0\r\n\r\n", 400),
    status("empty chunk size", chunked + "\r\nhello\r\n0\r\n\r\n", 400),
    status("space before chunk size", chunked + " 5\r\nhello\r\n0\r\n\r\n", 400),
    status("space after chunk size (llhttp: a SP)", chunked + "a \r\n0123456789\r\n0\r\n\r\n", 400),
    status("tab after chunk size", chunked + "5\t\r\nhello\r\n0\r\n\r\n", 400),
    status("semicolon without extension name (llhttp: 2;)", chunked + "2;\r\naa\r\n0\r\n\r\n", 400),
    status("garbage after chunk size (llhttp)", chunked + "2 erfrferferf\r\naa\r\n0 rrrr\r\n\r\n", 400),
    status("extension without value after =", chunked + "2;a=\r\naa\r\n0\r\n\r\n", 400),
    status("extension without name before =", chunked + "2;=b\r\naa\r\n0\r\n\r\n", 400),
    status("extension name with a control byte", chunked + "2;a\u{1}\r\naa\r\n0\r\n\r\n", 400),
    status("extension with trailing whitespace", chunked + "2;a \r\naa\r\n0\r\n\r\n", 400),
    status("extension value not a token", chunked + "2;a=b c\r\naa\r\n0\r\n\r\n", 400),
    status("unbalanced quoted extension value (llhttp)", chunked + "5;a=\"abc\";b=\"def; ghi\r\nhello\r\n0\r\n\r\n", 400),
    status("extension on the last chunk without name", chunked + "2\r\naa\r\n0;\r\n\r\n", 400),
    status("valid extension name=value", chunked + "2;a=b\r\naa\r\n0\r\n\r\n", 200, body: "aa"),
    status("valid extension name only", chunked + "2;foo\r\naa\r\n0\r\n\r\n", 200, body: "aa"),
    status("valid extensions with BWS", chunked + "2 ; a = b\r\naa\r\n0\r\n\r\n", 200, body: "aa"),
    status(
        "valid extensions, several (llhttp)",
        chunked + "5;ilovew3;somuchlove=aretheseparametersfor;another=withvalue\r\nhello\r\n"
            + "6;blahblah;blah\r\n world\r\n0\r\n\r\n", 200, body: "hello world"),
    status(
        "valid quoted extension with escapes (llhttp)",
        chunked + "5;ilovew3=\"I \\\"love\\\"; \\\\extensions\\\\\";somuchlove=\"x\";blah;foo=bar\r\n"
            + "hello\r\n0\r\n\r\n", 200, body: "hello"),
    status("chunk-size line over 1 KiB", chunked + "2;" + String(repeating: "a", count: 2000) + "\r\naa\r\n0\r\n\r\n", 400),
    status(
        "chunk extensions over 16 KiB in total",
        chunked + String(repeating: "1;" + String(repeating: "e", count: 1000) + "\r\nx\r\n", count: 20) + "0\r\n\r\n", 400),
    status("chunk data longer than its size", chunked + "3\r\nhello\r\n0\r\n\r\n", 400),
    status("chunk data not followed by CRLF (llhttp: ABCDE0)", chunked + "5\r\nABCDE0\r\n\r\n", 400),
    status("chunk data shorter than its size, then framing", chunked + "5\r\nhel\r\n0\r\n\r\n", 400),
    status("chunk data ended by bare LF", chunked + "5\r\nhello\n0\r\n\r\n", 400),
    status("chunk data ended by bare CR", chunked + "5\r\nhello\r0\r\n\r\n", 400),
    status("chunk-size line ended by bare LF", chunked + "5\nhello\r\n0\r\n\r\n", 400),
    status("chunk-size line ended by bare CR", chunked + "5\rhello\r\n0\r\n\r\n", 400),
    status("chunk-size line with CR CR (llhttp)", chunked + "5\r\r;ABCD\r\n34\r\nE\r\n0\r\n\r\n", 400),
    status("chunk parameters with bare LF (llhttp: 3 SP LF)", chunked + "3 \n  \r\nfoo\r\n0\r\n\r\n", 400),
    status("last chunk ended by bare LF", chunked + "5\r\nhello\r\n0\n\r\n", 400),
    status("trailer section ended by bare LF", chunked + "5\r\nhello\r\n0\r\n\n", 400),
    status("trailer field ended by bare LF", chunked + "5\r\nhello\r\n0\r\nX: y\n\r\n", 400),
    status("trailer field with bare CR", chunked + "5\r\nhello\r\n0\r\nX: y\rZ\r\n\r\n", 400),
    status("bare LF smuggles a request after the last chunk", chunked + "0\r\n\n" + hidden, 400),
    status("valid trailer fields", chunked + "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n", 200, body: "hello"),
    status("trailer without colon", chunked + "5\r\nhello\r\n0\r\nbad\r\n\r\n", 400),
    status("trailer with obs-fold", chunked + "5\r\nhello\r\n0\r\nX: a\r\n b\r\n\r\n", 400),
    status("trailer value with a control byte", chunked + "5\r\nhello\r\n0\r\nX: a\u{1}b\r\n\r\n", 400),
    status("trailer name with a space", chunked + "5\r\nhello\r\n0\r\nX Y: z\r\n\r\n", 400),
    status("trailer with an empty name", chunked + "5\r\nhello\r\n0\r\n: z\r\n\r\n", 400),
    status("trailer with NUL", chunked + "5\r\nhello\r\n0\r\nX: \u{0}\r\n\r\n", 400),
    truncated("chunk data cut short, then EOF", chunked + "5\r\nhel"),
    truncated("last chunk missing, then EOF (llhttp)", chunked + "3\r\nfoo\r\n"),
    truncated("trailer section unterminated, then EOF", chunked + "0\r\nX: y\r\n"),
]

/// Bare LF / bare CR at every position of the head (finding 7), and the llhttp strict fixtures about line ends.
private let lineEndCases: [MalformedCase] = [
    status("bare LF ends the request line", "GET /healthz HTTP/1.1\nHost: x\r\n\r\n", 400),
    status("bare LF ends a header line", get + "Host: x\nX: y\r\n\r\n", 400),
    status("bare LF as the final empty line", get + host + "\n", 400),
    status("only LFs (llhttp)", "GET /healthz HTTP/1.1\nHost: x\n\n", 400),
    status("bare LF before the request line", "\n" + healthz, 400),
    status("bare LF inside the target", "GET /he\nalthz HTTP/1.1\r\n" + host + "\r\n", 400),
    status("bare LF inside a header value", get + host + "X: a\nb\r\n\r\n", 400),
    status("bare LF inside a header name", get + host + "X\nY: b\r\n\r\n", 400),
    status("LF CR LF at the end of the head", get + host + "\n\r\n", 400),
    status("bare CR ends the request line", "GET /healthz HTTP/1.1\rHost: x\r\n\r\n", 400),
    status("bare CR inside the method", "GE\rT /healthz HTTP/1.1\r\n" + host + "\r\n", 400),
    status("bare CR inside the target", "GET /he\ralthz HTTP/1.1\r\n" + host + "\r\n", 400),
    status("bare CR inside a header value", get + host + "X: a\rb\r\n\r\n", 400),
    status("bare CR inside a header name", get + host + "X\rY: b\r\n\r\n", 400),
    status("CR CR LF at a header end", get + host + "X: y\r\r\n\r\n", 400),
    status("CR CR LF as the final empty line", get + host + "\r\r\n", 400),
    status("bare CR before the request line", "\r\r" + healthz, 400),
    status("empty CRLF lines before the request line", "\r\n\r\n" + healthz, 200, body: "ok"),
    status("17 empty lines before the request line", String(repeating: "\r\n", count: 17) + healthz, 400),
    status(
        "bare LF hides Content-Length and /admin (finding 7, llhttp)",
        "GET / HTTP/1.1\r\nHost: localhost\r\nDummy: x\nContent-Length: 23\r\n\r\nGET / HTTP/1.1\r\nDummy: GET /admin HTTP/1.1\r\n"
            + "Host: localhost\r\n\r\n", 400),
    status("bare LF hides Transfer-Encoding (llhttp)", post + "x:x\nTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n\r\n", 400),
    status("empty header and bare LF (llhttp)", post + "x:\nTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n\r\n", 400),
    status("empty header and bare CR (llhttp)", post + "x:\rTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n\r\n", 400),
    status(
        "CR then garbage hides /admin (llhttp dummy characters)",
        "GET /healthz HTTP/1.1\r\nConnection: close\r\nHost: a\r\n\rZGET /admin: HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    status("CR instead of CRLF CRLF before the body (llhttp)", post + "Content-Length: 3\r\n\rabc", 400),
    status("CR inside Connection value (llhttp: not treating CR as -)", get + host + "Connection: keep\ralive\r\n\r\n", 400),
    status(
        "corrupted header name with CR ESC (llhttp)",
        raw: bytes(get + host + "Connection\r\u{1b}5") + [0xD5] + bytes("eep-Alive\r\n\r\n"), 400),
]

/// Content-Length / Transfer-Encoding ambiguity: every classic request-smuggling shape.
private let smugglingCases: [MalformedCase] = [
    status(
        "Content-Length then Transfer-Encoding",
        post + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + hidden, 400),
    status(
        "Transfer-Encoding then Content-Length",
        post + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n" + hidden, 400),
    status(
        "Transfer-Encoding identity with Content-Length (llhttp)",
        post + "Content-Length: 1\r\nTransfer-Encoding: identity\r\n\r\nx", 400),
    status(
        "empty Transfer-Encoding with Content-Length (llhttp)",
        post + "Content-Length: 10\r\nTransfer-Encoding:\r\nTransfer-Encoding:\r\n\r\n2\r\nAA\r\n0\r\n\r\n", 400),
    status("duplicate Content-Length, same value", post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400),
    status("duplicate Content-Length, different values", post + "Content-Length: 1\r\nContent-Length: 5\r\n\r\nhello", 400),
    status("Content-Length list 5, 5", post + "Content-Length: 5, 5\r\n\r\nhello", 400),
    status("Content-Length +5", post + "Content-Length: +5\r\n\r\nhello", 400),
    status("Content-Length -1", post + "Content-Length: -1\r\n\r\nhello", 400),
    status("Content-Length 0x5", post + "Content-Length: 0x5\r\n\r\nhello", 400),
    status("Content-Length 5e0", post + "Content-Length: 5e0\r\n\r\nhello", 400),
    status("Content-Length padded with two spaces", post + "Content-Length:  5\r\n\r\nhello", 400),
    status("Content-Length with trailing space", post + "Content-Length: 5 \r\n\r\nhello", 400),
    status("Content-Length with trailing tab", post + "Content-Length: 5\t\r\n\r\nhello", 400),
    status("Content-Length 4 2 (llhttp spaces inside)", post + "Content-Length: 4 2\r\n\r\nhello", 400),
    status("empty Content-Length (llhttp)", post + "Content-Length:\r\n\r\nhello", 400),
    status("Content-Length with space before the colon (llhttp)", post + "Content-Length : 5\r\n\r\nhello", 400),
    status("Content-Length with a tab after the colon", post + "Content-Length:\t5\r\n\r\nhello", 200, body: "hello"),
    status("Content-Length with leading zeros (llhttp 003)", post + "Content-Length: 0005\r\n\r\nhello", 200, body: "hello"),
    status("Content-Length overflow (llhttp)", post + "Content-Length: 1000000000000000000000\r\n\r\n", 413),
    status("Content-Length above the limit", post + "Content-Length: 2000000\r\n\r\n", 413),
    status("Content-Length obs-folded", post + "Content-Length:\r\n 5\r\n\r\nhello", 400),
    truncated("Content-Length body cut short, then EOF", post + "Content-Length: 10\r\n\r\nabc"),
    status("Transfer-Encoding chunked, identity", post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400),
    status("Transfer-Encoding identity alone", post + "Transfer-Encoding: identity\r\n\r\nhello", 400),
    status("Transfer-Encoding pigeons (llhttp)", post + "Transfer-Encoding: pigeons\r\n\r\nhello", 400),
    status("Transfer-Encoding chunked, deflate (llhttp: chunked not last)", post + "Transfer-Encoding: chunked, deflate\r\n\r\nWorld", 400),
    status(
        "Transfer-Encoding chunked then deflate header (llhttp)",
        post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: deflate\r\n\r\nWorld", 400),
    status("Transfer-Encoding chunked, chunked", post + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400),
    status(
        "duplicate Transfer-Encoding chunked headers",
        post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    status("Transfer-Encoding gzip, chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
    status(
        "Transfer-Encoding deflate then chunked headers (llhttp)",
        post + "Transfer-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nWorld\r\n0\r\n\r\n", 501),
    status("Transfer-Encoding xchunked", post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + hidden, 400),
    status("Transfer-Encoding chunkedchunked (llhttp)", post + "Transfer-Encoding: chunkedchunked\r\n\r\n5\r\nWorld\r\n0\r\n\r\n", 400),
    status("Transfer-Encoding chunked with trailing tab", post + "Transfer-Encoding: chunked\t\r\n\r\n0\r\n\r\n" + hidden, 400),
    status("Transfer-Encoding chunked with trailing space", post + "Transfer-Encoding: chunked \r\n\r\n0\r\n\r\n", 400),
    status("Transfer-Encoding padded with two spaces", post + "Transfer-Encoding:  chunked\r\n\r\n0\r\n\r\n", 400),
    status("Transfer-Encoding quoted", post + "Transfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n", 400),
    status("Transfer-Encoding chunked with a parameter", post + "Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n", 400),
    status("Transfer-Encoding with an empty element", post + "Transfer-Encoding: , chunked\r\n\r\n0\r\n\r\n", 400),
    status("Transfer-Encoding with a trailing comma", post + "Transfer-Encoding: chunked,\r\n\r\n0\r\n\r\n", 400),
    status("Transfer-Encoding with a vertical tab", post + "Transfer-Encoding: \u{b}chunked\r\n\r\n0\r\n\r\n", 400),
    status("Transfer-Encoding with NUL", post + "Transfer-Encoding: chunked\u{0}\r\n\r\n0\r\n\r\n", 400),
    status("Transfer-Encoding with space before the colon", post + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
    status("Transfer-Encoding obs-folded (llhttp)", post + "Transfer-Encoding: chunked\r\n  abc\r\n\r\n5\r\nWorld\r\n0\r\n\r\n", 400),
    status("Transfer-Encoding on HTTP/1.0", "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    status(
        "Transfer-Encoding Chunked (case-insensitive, valid)",
        post + "Transfer-Encoding: Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", 200, body: "ok"),
    status(
        "space before the first header hides Content-Length (llhttp)",
        "POST /echo HTTP/1.1\r\n Content-Length: 38\r\nHost: x\r\n\r\n" + hidden, 400),
    status(
        "obs-fold hides Content-Length (llhttp spaces before headers)",
        post + "Foo: bar\r\n Content-Length: 38\r\n\r\n" + hidden, 400),
    status("request after Connection: close is not served", get + host + "Connection: close\r\n\r\n" + hidden, 200),
    status("request after an HTTP/1.0 request is not served", "GET /healthz HTTP/1.0\r\n\r\n" + hidden, 200),
    status(
        "unknown header name is no framing: body read as the next request",
        get + host + "Transfer_Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200, 400),
]

/// Control bytes, NUL and syntax errors in field names and values.
private let fieldCases: [MalformedCase] = [
    status("NUL in a header value", get + host + "X: a\u{0}b\r\n\r\n", 400),
    status("NUL in a header name", get + host + "X\u{0}Y: b\r\n\r\n", 400),
    status("NUL in the target", "GET /health\u{0}z HTTP/1.1\r\n" + host + "\r\n", 400),
    status("NUL in the method", "GE\u{0}T /healthz HTTP/1.1\r\n" + host + "\r\n", 400),
    status("NUL in the version", "GET /healthz HTTP/1.\u{0}\r\n" + host + "\r\n", 400),
    status("NUL before the request line", "\u{0}" + healthz, 400),
    status("NUL as the final line", get + host + "\u{0}\r\n\r\n", 400),
    status("SOH in a header value", get + host + "X: a\u{1}b\r\n\r\n", 400),
    status("US in a header value", get + host + "X: a\u{1f}b\r\n\r\n", 400),
    status("DEL in a header value", get + host + "X: a\u{7f}b\r\n\r\n", 400),
    status("VT in a header value", get + host + "X: a\u{b}b\r\n\r\n", 400),
    status("FF in a header value", get + host + "X: a\u{c}b\r\n\r\n", 400),
    status("ESC in a header value", get + host + "X: \u{1b}[31m\r\n\r\n", 400),
    status("DEL in a header name", get + host + "X\u{7f}: b\r\n\r\n", 400),
    status("SOH in a header name (llhttp Foo\\01\\test)", get + host + "Foo\u{1}\\test: Bar\r\n\r\n", 400),
    status("@ in a header name (llhttp)", get + host + "Fo@: Failure\r\n\r\n", 400),
    status("parenthesis in a header name", get + host + "X(Y): b\r\n\r\n", 400),
    status("non-ASCII header name", raw: bytes(get + host + "X") + [0xC3, 0xA9] + bytes(": b\r\n\r\n"), 400),
    status("tab inside a header value (valid)", get + host + "X: a\tb\r\n\r\n", 200, body: "ok"),
    status("obs-text in a header value (valid, llhttp 255)", raw: bytes(get + host + "X: ") + [0xFF, 0xE9] + bytes("\r\n\r\n"), 200),
    status("obs-fold with a space", get + host + "X: a\r\n folded\r\n\r\n", 400),
    status("obs-fold with a tab", get + host + "X: a\r\n\tfolded\r\n\r\n", 400),
    status("header name folded onto the next line (llhttp)", get + host + "name\r\n : value\r\n\r\n", 400),
    status("space before the colon", get + host + "X-A : 1\r\n\r\n", 400),
    status("tab before the colon", get + host + "X-A\t: 1\r\n\r\n", 400),
    status("empty header name (llhttp)", get + host + ": Bar\r\n\r\n", 400),
    status("header line without a colon", get + host + "X-A\r\n\r\n", 400),
    status("whitespace before the first header (llhttp)", get + " Host: x\r\n\r\n", 400),
    status("Connection with space before the colon (llhttp)", get + host + "Connection : upgrade\r\n\r\n", 400),
    status("101 header fields", get + host + (0..<100).map { "X-\($0): v\r\n" }.joined() + "\r\n", 431),
]

/// Request targets: percent-encoding, UTF-8, forms (origin, absolute, asterisk, authority).
private let targetCases: [MalformedCase] = [
    status("%00 in the path", "GET /items/a%00b HTTP/1.1\r\n" + host + "\r\n", 400),
    status("%0A in the path", "GET /items/a%0Ab HTTP/1.1\r\n" + host + "\r\n", 400),
    status("%0d in the path", "GET /items/a%0db HTTP/1.1\r\n" + host + "\r\n", 400),
    status("%1F in the path", "GET /items/a%1Fb HTTP/1.1\r\n" + host + "\r\n", 400),
    status("%7F in the path", "GET /items/a%7Fb HTTP/1.1\r\n" + host + "\r\n", 400),
    status("%FF in the path (invalid UTF-8)", "GET /items/%FF HTTP/1.1\r\n" + host + "\r\n", 400),
    status("%C3%28 in the path (bad continuation)", "GET /items/%C3%28 HTTP/1.1\r\n" + host + "\r\n", 400),
    status("overlong %C0%AF in the path", "GET /items/%C0%AF HTTP/1.1\r\n" + host + "\r\n", 400),
    status("surrogate %ED%A0%80 in the path", "GET /items/%ED%A0%80 HTTP/1.1\r\n" + host + "\r\n", 400),
    status("truncated %E2%82 in the path", "GET /items/%E2%82 HTTP/1.1\r\n" + host + "\r\n", 400),
    status("UTF-8 sequence split by a slash", "GET /items/%E2/%82%AC HTTP/1.1\r\n" + host + "\r\n", 400),
    status("beyond U+10FFFF %F4%90%80%80", "GET /items/%F4%90%80%80 HTTP/1.1\r\n" + host + "\r\n", 400),
    status("valid UTF-8 %E2%82%AC in the path", "GET /items/%E2%82%AC HTTP/1.1\r\n" + host + "\r\n", 200, body: "\u{20AC}"),
    status("%2F stays inside its segment", "GET /items/a%2Fb HTTP/1.1\r\n" + host + "\r\n", 200, body: "a/b"),
    status("malformed escape %zz", "GET /items/%zz HTTP/1.1\r\n" + host + "\r\n", 400),
    status("malformed escape %4", "GET /items/%4 HTTP/1.1\r\n" + host + "\r\n", 400),
    status("malformed escape % at the end", "GET /items/a% HTTP/1.1\r\n" + host + "\r\n", 400),
    status("%00 in the query is left to the route's validation", "GET /items/q?q=%00 HTTP/1.1\r\n" + host + "\r\n", 200, body: "q"),
    status("%FF%FE in the query", "GET /healthz?q=%FF%FE HTTP/1.1\r\n" + host + "\r\n", 400),
    status("malformed escape in the query", "GET /healthz?q=100% HTTP/1.1\r\n" + host + "\r\n", 400),
    status("%FF in the query", "GET /healthz?q=%FF HTTP/1.1\r\n" + host + "\r\n", 400),
    status("valid UTF-8 in the query", "GET /healthz?q=%C3%A9 HTTP/1.1\r\n" + host + "\r\n", 200, body: "ok"),
    status("raw 0xFF in the path", raw: bytes("GET /items/") + [0xFF] + bytes(" HTTP/1.1\r\n" + host + "\r\n"), 400),
    status("raw UTF-8 in the path (llhttp strict)", "GET /δ¶/δt/pope?q=1 HTTP/1.1\r\n" + host + "\r\n", 400),
    status("fragment in the target", "GET /healthz#frag HTTP/1.1\r\n" + host + "\r\n", 400),
    status("space in the target (llhttp)", "GET /foo bar/ HTTP/1.1\r\n" + host + "\r\n", 400),
    status("empty target", "GET  HTTP/1.1\r\n" + host + "\r\n", 400),
    status("target without a leading slash", "GET healthz HTTP/1.1\r\n" + host + "\r\n", 400),
    status("vertical bar in the query (llhttp)", "GET /healthz?query=| HTTP/1.1\r\n" + host + "\r\n", 200),
    status("quotes in the query (llhttp)", "GET /healthz?foo=\"bar\" HTTP/1.1\r\n" + host + "\r\n", 200),
    status("question mark inside the query (llhttp)", "GET /healthz?foo=bar?baz HTTP/1.1\r\n" + host + "\r\n", 200),
    status("target over 8 KiB", "GET /" + String(repeating: "a", count: 8200) + " HTTP/1.1\r\n" + host + "\r\n", 414),
    status("absolute-form with Host", "GET http://x/healthz HTTP/1.1\r\n" + host + "\r\n", 200, body: "ok"),
    status("absolute-form without Host on HTTP/1.1", "GET http://x/healthz HTTP/1.1\r\n\r\n", 400),
    status(
        "absolute-form authority replaces Host", "GET http://target.example:8080/host HTTP/1.1\r\nHost: other\r\n\r\n", 200,
        body: "target.example:8080"),
    status("absolute-form without Host on HTTP/1.0", "GET http://x/healthz HTTP/1.0\r\n\r\n", 200),
    status("absolute-form https", "GET https://x/healthz HTTP/1.1\r\n" + host + "\r\n", 200),
    status("absolute-form uppercase scheme", "GET HTTP://X/healthz HTTP/1.1\r\n" + host + "\r\n", 200),
    status("absolute-form IPv6 authority", "GET http://[::1]:8080/healthz HTTP/1.1\r\n" + host + "\r\n", 200),
    status("absolute-form ftp scheme", "GET ftp://x/healthz HTTP/1.1\r\n" + host + "\r\n", 400),
    status("absolute-form with empty authority", "GET http:///healthz HTTP/1.1\r\n" + host + "\r\n", 400),
    status(
        "absolute-form with userinfo (llhttp basic auth)",
        "GET http://a%12:b!&*$@hypnotoad.org:1234/toto HTTP/1.1\r\n" + host + "\r\n", 400),
    status("absolute-form with port 99999", "GET http://x:99999/healthz HTTP/1.1\r\n" + host + "\r\n", 400),
    status("absolute-form with fragment", "GET http://x/healthz#f HTTP/1.1\r\n" + host + "\r\n", 400),
    status("absolute-form without path (llhttp)", "GET http://hypnotoad.org?hail=all HTTP/1.1\r\n" + host + "\r\n", 404),
    status("asterisk-form with OPTIONS", "OPTIONS * HTTP/1.1\r\n" + host + "\r\n", 204),
    status("asterisk-form with GET", "GET * HTTP/1.1\r\n" + host + "\r\n", 400),
    status("asterisk followed by more", "OPTIONS *x HTTP/1.1\r\n" + host + "\r\n", 400),
    status("OPTIONS on a GET-only path", "OPTIONS /healthz HTTP/1.1\r\n" + host + "\r\n", 405),
    status("CONNECT authority-form", "CONNECT x:443 HTTP/1.1\r\n" + host + "\r\n", 501),
    status(
        "CONNECT on HTTP/1.0 (llhttp underscore host)",
        "CONNECT home_0.netscape.com:443 HTTP/1.0\r\nUser-agent: Mozilla/1.1N\r\n\r\n", 501),
    status("authority-form with GET", "GET x:443 HTTP/1.1\r\n" + host + "\r\n", 400),
]

/// Versions and request-line shapes: HTTP/0.9, 1.2, 2 and the HTTP/2 preface answer at once.
private let versionCases: [MalformedCase] = [
    status("HTTP/0.9 request line (no version)", "GET /\r\n", 400),
    status("HTTP/0.9 request line then empty line (llhttp)", "GET /healthz\r\n\r\n", 400),
    status("HTTP/1.2 handled as 1.1", "GET /healthz HTTP/1.2\r\n" + host + "\r\n", 200, body: "ok"),
    status("HTTP/1.9 handled as 1.1", "GET /healthz HTTP/1.9\r\n" + host + "\r\n", 200),
    status("HTTP/1.2 still needs Host", "GET /healthz HTTP/1.2\r\n\r\n", 400),
    status("HTTP/2.0", "GET /healthz HTTP/2.0\r\n" + host + "\r\n", 505),
    status("HTTP/2 connection preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
    status("HTTP/2 preface request line alone", "PRI * HTTP/2.0\r\n", 505),
    status("HTTP/3.0", "GET /healthz HTTP/3.0\r\n" + host + "\r\n", 505),
    status("HTTP/0.9 as a version", "GET /healthz HTTP/0.9\r\n" + host + "\r\n", 505),
    status("HTTP/5.6 (llhttp)", "GET /healthz HTTP/5.6\r\n" + host + "\r\n", 505),
    status("HTTP/1.10", "GET /healthz HTTP/1.10\r\n" + host + "\r\n", 400),
    status("HTTP/1", "GET /healthz HTTP/1\r\n" + host + "\r\n", 400),
    status("HTTP/11", "GET /healthz HTTP/11\r\n" + host + "\r\n", 400),
    status("HTTP/1.x", "GET /healthz HTTP/1.x\r\n" + host + "\r\n", 400),
    status("lowercase http/1.1", "GET /healthz http/1.1\r\n" + host + "\r\n", 400),
    status("trailing space after the version", "GET /healthz HTTP/1.1 \r\n" + host + "\r\n", 400),
    status("ICE/1.0 (llhttp)", "GET /healthz ICE/1.0\r\n" + host + "\r\n", 400),
    status("RTSP/1.0 (llhttp)", "PUT /healthz RTSP/1.0\r\n" + host + "\r\n", 400),
    status("IHTTP/1.0 (llhttp)", "GET /healthz IHTTP/1.0\r\n" + host + "\r\n", 400),
    status("double space after the method", "GET  /healthz HTTP/1.1\r\n" + host + "\r\n", 400),
    status("tabs as separators", "GET\t/healthz\tHTTP/1.1\r\n" + host + "\r\n", 400),
    status("leading space before the method", " GET /healthz HTTP/1.1\r\n" + host + "\r\n", 400),
    status("invalid method token", "G@T /healthz HTTP/1.1\r\n" + host + "\r\n", 400),
    status("unknown method (llhttp MKCOLA)", "MKCOLA /healthz HTTP/1.1\r\n" + host + "\r\n", 405),
    status("lowercase method is another method", "get /healthz HTTP/1.1\r\n" + host + "\r\n", 405),
    status("HTTP/1.0 without Host", "GET /healthz HTTP/1.0\r\n\r\n", 200, body: "ok"),
    truncated("request line cut short, then EOF", "GET /healthz HTT"),
    truncated("head without its empty line, then EOF", get + host),
]

/// Host (RFC 9112 §3.2, issue 15 finding 8).
private let hostCases: [MalformedCase] = [
    status("HTTP/1.1 without Host", get + "\r\n", 400),
    status("two Host fields", get + "Host: a\r\nHost: b\r\n\r\n", 400),
    status("two identical Host fields", get + "Host: x\r\nHost: x\r\n\r\n", 400),
    status("two Host fields on HTTP/1.0", "GET /healthz HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400),
    status("empty Host (RFC 9110 §7.2)", get + "Host:\r\n\r\n", 200),
    status("Host with port", get + "Host: x:8080\r\n\r\n", 200),
    status("Host with port 65535", get + "Host: x:65535\r\n\r\n", 200),
    status("Host with port 65536", get + "Host: x:65536\r\n\r\n", 400),
    status("Host with a six-digit port", get + "Host: x:123456\r\n\r\n", 400),
    status("Host with port -1", get + "Host: x:-1\r\n\r\n", 400),
    status("Host with a letter in the port", get + "Host: x:8o\r\n\r\n", 400),
    status("Host with two ports", get + "Host: x:80:81\r\n\r\n", 400),
    status("Host port without host", get + "Host: :80\r\n\r\n", 400),
    status("Host IPv4", get + "Host: 127.0.0.1:8080\r\n\r\n", 200),
    status("Host IPv6 literal", get + "Host: [::1]\r\n\r\n", 200),
    status("Host IPv6 literal with port", get + "Host: [2001:db8::7]:443\r\n\r\n", 200),
    status("Host IPv6 with embedded IPv4", get + "Host: [::ffff:192.0.2.1]\r\n\r\n", 200),
    status("Host IPvFuture", get + "Host: [v1.fe80::a+en1]\r\n\r\n", 200),
    status("Host IPv6 unclosed", get + "Host: [::1\r\n\r\n", 400),
    status("Host IPv6 bad digits", get + "Host: [zz::1]\r\n\r\n", 400),
    status("Host IPv6 nine groups", get + "Host: [1:2:3:4:5:6:7:8:9]\r\n\r\n", 400),
    status("Host IPv6 two ::", get + "Host: [1::2::3]\r\n\r\n", 400),
    status("Host IPv6 embedded IPv4 octet 256", get + "Host: [::ffff:1.2.3.256]\r\n\r\n", 400),
    status("Host IPv6 with zone id", get + "Host: [fe80::1%25eth0]\r\n\r\n", 400),
    status("Host with a space inside", get + "Host: a b\r\n\r\n", 400),
    status("Host list a, b", get + "Host: a, b\r\n\r\n", 400),
    status("Host with a path", get + "Host: x/y\r\n\r\n", 400),
    status("Host with userinfo", get + "Host: u@x\r\n\r\n", 400),
    status("Host with a query", get + "Host: x?y\r\n\r\n", 400),
    status("Host with a URL", get + "Host: http://x\r\n\r\n", 400),
    status("Host percent-encoded (valid reg-name)", get + "Host: ex%41mple\r\n\r\n", 200),
    status("Host with percent-encoded NUL", get + "Host: ex%00mple\r\n\r\n", 400),
    status("Host with non-ASCII bytes", raw: bytes(get + "Host: b") + [0xC3, 0xA9] + bytes("r\r\n\r\n"), 400),
    status("Host with a control byte", get + "Host: x\u{1}\r\n\r\n", 400),
    status("Host with trailing whitespace (trimmed)", get + "Host: x \r\n\r\n", 200),
    status("Host with space before the colon", get + "Host : x\r\n\r\n", 400),
]

let malformedCases: [MalformedCase] = chunkCases + lineEndCases + smugglingCases + fieldCases + targetCases + versionCases + hostCases

/// Hand-made hostile requests over real sockets: each gets its exact answer
/// (or a clean close), the server survives it, and no request hidden inside
/// another one is ever routed.
@Suite("Malformed requests over sockets")
struct MalformedRequestTests {
    /// Parse errors close (the stream is out of sync); routing answers (404, 405) keep the connection.
    static func closesConnection(_ status: Int) -> Bool { status >= 400 && status != 404 && status != 405 }

    @Test func suiteIsLargeEnough() {
        #expect(malformedCases.count >= 120)
        #expect(Set(malformedCases.map(\.name)).count == malformedCases.count, "case names must be unique")
    }

    @Test(arguments: malformedCases)
    func malformedRequest(_ testCase: MalformedCase) async throws {
        let admin = HitCounter()
        let server = try makeServer { r in
            r.add(.GET, "/healthz") { _ in .text("ok") }
            r.add(.POST, "/echo") { req in .text(String(decoding: req.body, as: UTF8.self)) }
            r.add(.POST, "/upload", bodyLimit: 64) { req in .text("\(req.body.count)") }
            r.add(.GET, "/items/:id") { req in .text(req.pathParameters["id"] ?? "-") }
            r.add(.GET, "/host") { req in .text(req.headers.values("Host").joined(separator: "|")) }
            r.add(.GET, "/admin") { _ in
                admin.hit()
                return .text("admin")
            }
        }
        let port = server.port
        let (responses, closed, strayBytes) = await offPool { () -> ([RawResponse?], Bool, Bool) in
            guard let c = RawClient(port: port) else { return ([], false, false) }
            c.send(testCase.bytes)
            if testCase.halfClose { shutdown(c.fd, Int32(SHUT_WR)) }
            switch testCase.outcome {
            case .cleanClose:
                return ([], c.isClosedByPeer(), c.hasBufferedBytes)
            case .responses(let statuses):
                let responses = statuses.map { _ in c.readResponse() }
                let mustClose = Self.closesConnection(statuses.last ?? 0)
                return (responses, mustClose ? c.isClosedByPeer() : true, false)
            }
        }
        switch testCase.outcome {
        case .cleanClose:
            #expect(closed, "the server must close the connection")
            #expect(!strayBytes, "a truncated request gets no answer")
        case .responses(let statuses):
            #expect(responses.map { $0?.status } == statuses.map { Optional($0) })
            if let last = responses.last ?? nil, last.status >= 400 {
                #expect(last.headers["Content-Type"] == "application/problem+json")
                #expect(last.json?["status"] as? Int == last.status)
                #expect((last.json?["code"] as? String)?.isEmpty == false)
            }
            if let last = responses.last ?? nil, Self.closesConnection(last.status) {
                #expect(last.headers["Connection"] == "close")
                #expect(closed, "after an error the connection is closed")
            }
            if let body = testCase.body { #expect(responses.last??.text == body) }
        }
        // Alive: a fresh connection is still served.
        let alive = await offPool { () -> Int? in
            guard let c = RawClient(port: port) else { return nil }
            c.send(healthz)
            return c.readResponse()?.status
        }
        #expect(alive == 200, "the server must survive every case")
        #expect(admin.value == 0, "a request hidden inside another one was routed")
        await server.shutdown()
    }
}
