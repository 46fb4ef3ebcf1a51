import Foundation
import Synchronization
import Testing

@testable import HTTP

#if canImport(Glibc)
    import Glibc
#endif

/// What the streaming routes saw: pieces accepted by the writer, and how each producer ended.
private final class StreamLog: Sendable {
    let piecesWritten = Atomic<Int>(0)
    let endings = Mutex<[String]>([])
    func ended(_ how: String) { endings.withLock { $0.append(how) } }
    var all: [String] { endings.withLock { $0 } }
}

private struct Broken: Error, CustomStringConvertible { var description: String { "secret=hunter2" } }

private func streamingRoutes(_ log: StreamLog) -> (inout Router) -> Void {
    { r in
        // `count` pieces of `size` bytes each ("a", "b", ... repeated).
        r.add(.GET, "/stream/:count/:size") { req in
            let count = Int(req.pathParameters["count"] ?? "") ?? 0
            let size = Int(req.pathParameters["size"] ?? "") ?? 1
            return .streaming(contentType: "text/plain") { writer in
                writer.setHeader("Content-Disposition", "attachment; filename=\"pieces.txt\"")
                do {
                    for i in 0..<count {
                        try await writer.write([UInt8](repeating: UInt8(ascii: "a") + UInt8(i % 26), count: size))
                        log.piecesWritten.add(1, ordering: .relaxed)
                    }
                    log.ended("finished")
                } catch {
                    log.ended(error is HTTPBodyWriter.Closed ? "closed" : "other")
                    throw error
                }
            }
        }
        r.add(.GET, "/fails-before") { _ in
            .streaming(contentType: "text/plain") { _ in
                throw ProblemDetails.validationFailed([FieldError(field: "programme_id", message: "no such programme")])
            }
        }
        r.add(.GET, "/fails-after") { _ in
            .streaming(contentType: "text/plain") { writer in
                try await writer.write(Array("first piece\n".utf8))
                throw Broken()
            }
        }
        r.add(.GET, "/hello") { _ in .text("hi") }
    }
}

/// Bodies produced while they are sent (`HTTPResponse.streaming`), over real sockets.
@Suite("Streamed response bodies over sockets")
struct StreamedBodyTests {
    /// `request` on a fresh connection, then `GET /hello` on the same one: the second answer shows
    /// the first left nothing behind on the connection.
    func thenHello(_ port: Int, _ request: String, head: Bool = false) async -> (RawResponse?, RawResponse?) {
        await offPool { () -> (RawResponse?, RawResponse?) in
            let c = RawClient(port: port)!
            c.send(request)
            let first = c.readResponse(head: head)
            c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            return (first, c.readResponse())
        }
    }

    @Test func chunkedBodyThenTheConnectionIsReused() async throws {
        let log = StreamLog()
        let server = try makeServer(routes: streamingRoutes(log))
        let port = server.port
        let (first, second) = await thenHello(port, "GET /stream/30/1000 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(first?.status == 200)
        #expect(first?.headers["Transfer-Encoding"] == "chunked")
        #expect(first?.headers["Content-Length"] == nil)
        #expect(first?.headers["Content-Disposition"] == "attachment; filename=\"pieces.txt\"")
        #expect(first?.body.count == 30_000)
        #expect(first?.body.prefix(1000).allSatisfy { $0 == UInt8(ascii: "a") } == true)
        #expect(first?.body.suffix(1000).allSatisfy { $0 == UInt8(ascii: "a") + 29 % 26 } == true)
        #expect(second?.text == "hi")
        #expect(log.all == ["finished"])
        await server.shutdown()
    }

    @Test func anErrorBeforeTheFirstPieceIsAProblemAnswer() async throws {
        let server = try makeServer(routes: streamingRoutes(StreamLog()))
        let port = server.port
        let (r, next) = await thenHello(port, "GET /fails-before HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(r?.status == 422)
        #expect(r?.headers["Content-Type"] == "application/problem+json")
        #expect(r?.headers["Transfer-Encoding"] == nil)
        #expect(r?.json?["code"] as? String == "validation_failed")
        #expect(next?.text == "hi", "the connection stays usable")
        await server.shutdown()
    }

    @Test func anErrorAfterTheFirstPieceCutsTheBodyShort() async throws {
        let lines = LockedLines()
        let server = try makeServer(
            logger: Logger(label: "t", level: .error, sink: .custom { lines.append($0) }), routes: streamingRoutes(StreamLog()))
        let port = server.port
        let (raw, after) = await offPool { () -> ([UInt8], RawResponse?) in
            let c = RawClient(port: port)!
            c.send("GET /fails-after HTTP/1.1\r\nHost: x\r\n\r\n")
            let raw = c.readToClose()
            let d = RawClient(port: port)!
            d.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            return (raw, d.readResponse())
        }
        let text = String(decoding: raw, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.contains("first piece\n"))
        #expect(!text.hasSuffix("0\r\n\r\n"), "no last chunk: the client can tell the body is incomplete")
        #expect(after?.text == "hi", "the server lives on")
        #expect(lines.all.contains { $0.contains("streamed body failed") })
        await server.shutdown()
    }

    @Test func headGetsTheHeadAlone() async throws {
        let log = StreamLog()
        let server = try makeServer(routes: streamingRoutes(log))
        let port = server.port
        let (head, next) = await thenHello(port, "HEAD /stream/5/100 HTTP/1.1\r\nHost: x\r\n\r\n", head: true)
        #expect(head?.status == 200)
        #expect(head?.headers["Transfer-Encoding"] == "chunked")
        #expect(head?.body.isEmpty == true)
        #expect(next?.text == "hi", "no stray body bytes before the next answer")
        #expect(log.piecesWritten.load(ordering: .relaxed) == 0, "the producer does not run for HEAD")
        await server.shutdown()
    }

    @Test func http10GetsTheRawBodyEndedByClose() async throws {
        let server = try makeServer(routes: streamingRoutes(StreamLog()))
        let port = server.port
        let raw = await offPool { () -> [UInt8] in
            let c = RawClient(port: port)!
            c.send("GET /stream/3/10 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            return c.readToClose()
        }
        let text = String(decoding: raw, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(!text.contains("Transfer-Encoding"))
        #expect(!text.contains("Content-Length"))
        #expect(text.contains("Connection: close\r\n"))
        #expect(text.hasSuffix("\r\n\r\naaaaaaaaaabbbbbbbbbbcccccccccc"))
    }

    /// A client that stops reading holds the producer at what the socket buffers take; when it
    /// goes away, the producer's next write fails with `Closed` and it stops.
    @Test func aClientThatStopsReadingHoldsTheProducerBack() async throws {
        let log = StreamLog()
        let server = try makeServer(routes: streamingRoutes(log))
        let port = server.port
        let held = await offPool { () -> Int in
            let c = RawClient(port: port)!
            var small: Int32 = 64 * 1024
            setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            c.send("GET /stream/2000/65536 HTTP/1.1\r\nHost: x\r\n\r\n")
            usleep(700_000)
            let held = log.piecesWritten.load(ordering: .relaxed)
            shutdown(c.fd, Int32(SHUT_RDWR))  // gone, with unread bytes: the server sees a reset
            return held
        }
        #expect(held < 200, "\(held) pieces of 64 KiB written to a client that reads nothing")
        var waited = 0
        while log.all.isEmpty && waited < 100 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        #expect(log.all == ["closed"])
        #expect(log.piecesWritten.load(ordering: .relaxed) < 2000)
        await server.shutdown()
    }
}
