import Foundation
import Testing

@testable import HTTP

#if canImport(Glibc)
    import Glibc
#endif

struct Teapot: ProblemConvertible {
    var problem: ProblemDetails {
        ProblemDetails(status: 409, code: "budget_exceeded", title: "Budget Exceeded", extensions: ["available_cents": .int(5)])
    }
}

struct SecretFailure: Error, CustomStringConvertible { var description: String { "password=hunter2" } }

private func standardRoutes(_ r: inout Router) {
    r.add(.GET, "/hello") { req in try .json(Hello(message: "hi \(req.query["name"] ?? "")")) }
    r.add(.POST, "/echo") { req in HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: req.body) }
    r.add(.POST, "/upload", bodyLimit: 64) { req in .text("\(req.body.count)") }
    r.add(.GET, "/slow") { _ in
        try await Task.sleep(for: .milliseconds(300))
        return .text("slow done")
    }
    r.add(.GET, "/delay/:ms") { req in
        try await Task.sleep(for: .milliseconds(Int(req.pathParameters["ms"] ?? "0") ?? 0))
        return .text(req.pathParameters["ms"] ?? "")
    }
    r.add(.GET, "/id") { req in .text(req.requestID) }
    r.add(.POST, "/decode") { req in try .json(try req.decode(Hello.self)) }
    r.add(.GET, "/problem") { _ in throw ProblemDetails.validationFailed([FieldError(field: "x", message: "bad")]) }
    r.add(.GET, "/convertible") { _ in throw Teapot() }
    r.add(.GET, "/crash") { _ in throw SecretFailure() }
    r.add(.GET, "/v1/items/:id") { req in .text("item \(req.pathParameters["id"]!) route \(req.route ?? "-")") }
    r.add(.DELETE, "/v1/items/:id") { _ in .noContent() }
}

/// Serialized: the descriptor-exhaustion test lowers the process-wide fd limit.
@Suite("HTTPServer over sockets", .serialized)
struct HTTPServerTests {
    @Test func basicResponseHeaders() async throws {
        let server = try makeServer(routes: standardRoutes)
        let port = server.port
        #expect(port > 0)
        let response = await offPool { () -> RawResponse? in
            let c = RawClient(port: port)!
            c.send("GET /hello?name=ann HTTP/1.1\r\nHost: x\r\n\r\n")
            return c.readResponse()
        }
        #expect(response?.status == 200)
        #expect(response?.text == #"{"message":"hi ann"}"#)
        #expect(response?.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(response?.headers["Content-Length"] == String(response?.body.count ?? -1))
        #expect(response?.headers["Date"]?.hasSuffix(" GMT") == true)
        #expect(response?.headers["X-Request-Id"]?.isEmpty == false)
        #expect(response?.headers["Connection"] == nil)
        await server.shutdown()
    }

    @Test func requestIDEchoedWhenSane() async throws {
        let server = try makeServer(routes: standardRoutes)
        let port = server.port
        let (good, bad) = await offPool { () -> (RawResponse?, RawResponse?) in
            let c = RawClient(port: port)!
            c.send("GET /id HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc.DEF_1-2\r\n\r\n")
            let good = c.readResponse()
            c.send("GET /id HTTP/1.1\r\nHost: x\r\nX-Request-Id: has space{}\r\n\r\n")
            return (good, c.readResponse())
        }
        #expect(good?.headers["X-Request-Id"] == "abc.DEF_1-2")
        #expect(good?.text == "abc.DEF_1-2")
        #expect(bad?.headers["X-Request-Id"] != "has space{}")
        #expect(bad?.text == bad?.headers["X-Request-Id"])
        await server.shutdown()
    }

    @Test func pipelinedResponsesInOrder() async throws {
        let server = try makeServer(routes: standardRoutes)
        let port = server.port
        let responses = await offPool { () -> [RawResponse?] in
            let c = RawClient(port: port)!
            // The first request is slower than the second; order must still hold.
            c.send(
                "GET /delay/80 HTTP/1.1\r\nHost: x\r\n\r\nGET /delay/0 HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz"
            )
            return [c.readResponse(), c.readResponse(), c.readResponse()]
        }
        #expect(responses.map { $0?.text } == ["80", "0", "xyz"])
        await server.shutdown()
    }

    @Test func chunkedUpload() async throws {
        let server = try makeServer(routes: standardRoutes)
        let port = server.port
        let response = await offPool { () -> RawResponse? in
            let c = RawClient(port: port)!
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n")
            usleep(20_000)
            c.send("5\r\npedia\r\n0\r\nTrailer: x\r\n\r\n")
            return c.readResponse()
        }
        #expect(response?.status == 200)
        #expect(response?.text == "Wikipedia")
        await server.shutdown()
    }

    @Test(arguments: [
        ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", 400, "bad_request"),
        ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc", 400, "bad_request"),
        ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400, "bad_request"),
        ("GET /hello HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n", 400, "bad_request"),
        ("GET /hello HTTP/1.1\r\nHost : x\r\n\r\n", 400, "bad_request"),
        ("G@T /hello HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request"),
        ("GET /hello HTTP/2.0\r\n\r\n", 505, "http_version_not_supported"),
        ("GET /" + String(repeating: "a", count: 8200) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
        ("GET /hello HTTP/1.1\r\nHost: x\r\n" + (0..<101).map { "X-\($0): v\r\n" }.joined() + "\r\n", 431, "header_fields_too_large"),
        ("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "b", count: 66_000) + "\r\n\r\n", 431, "header_fields_too_large"),
        ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n", 413, "payload_too_large"),
        ("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 65\r\n\r\n", 413, "payload_too_large"),
        ("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "not_implemented"),
        ("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400, "bad_request"),
        ("GET /hello HTTP/1.1\rX: y\r\n\r\n", 400, "bad_request"),
    ])
    func rejectionsAnswerThenClose(_ raw: String, _ status: Int, _ code: String) async throws {
        let server = try makeServer(routes: standardRoutes)
        let port = server.port
        let (response, closed) = await offPool { () -> (RawResponse?, Bool) in
            let c = RawClient(port: port)!
            c.send(raw)
            let response = c.readResponse()
            return (response, c.isClosedByPeer())
        }
        #expect(response?.status == status)
        #expect(response?.headers["Content-Type"] == "application/problem+json")
        #expect(response?.json?["code"] as? String == code)
        #expect(response?.headers["Connection"] == "close")
        #expect(closed)
        await server.shutdown()
    }

    @Test func perRouteBodyLimitAllowsLargerUploads() async throws {
        let server = try makeServer({ $0.maxBodyBytes = 16 }) { r in
            r.add(.POST, "/small") { req in .text("\(req.body.count)") }
            r.add(.POST, "/docs", bodyLimit: 1000) { req in .text("\(req.body.count)") }
        }
        let port = server.port
        let body = String(repeating: "d", count: 500)
        let (big, small) = await offPool { () -> (RawResponse?, RawResponse?) in
            let a = RawClient(port: port)!
            a.send("POST /docs HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n\(body)")
            let b = RawClient(port: port)!
            b.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n")
            return (a.readResponse(), b.readResponse())
        }
        #expect(big?.text == "500")
        #expect(small?.status == 413)
        await server.shutdown()
    }

    @Test func slowLorisCutAtHeadDeadline() async throws {
        let server = try makeServer({ $0.headDeadline = .milliseconds(500) }, routes: standardRoutes)
        let port = server.port
        let (response, closed, elapsed) = await offPool { () -> (RawResponse?, Bool, Double) in
            let c = RawClient(port: port)!
            let start = Date()
            // One byte every 50 ms: each read is "progress", but the deadline is total.
            for byte in Array("GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaa".utf8) {
                if c.hasDataAvailable() || !c.send([byte]) { break }
                usleep(50_000)
            }
            let response = c.readResponse()
            return (response, c.isClosedByPeer(), Date().timeIntervalSince(start))
        }
        #expect(response?.status == 408)
        #expect(response?.json?["code"] as? String == "request_timeout")
        #expect(closed)
        #expect(elapsed >= 0.45 && elapsed < 1.2)
        await server.shutdown()
    }

    @Test func bodyDeadline() async throws {
        let server = try makeServer({ $0.bodyDeadline = .milliseconds(300) }, routes: standardRoutes)
        let port = server.port
        let (response, closed) = await offPool { () -> (RawResponse?, Bool) in
            let c = RawClient(port: port)!
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
            return (c.readResponse(), c.isClosedByPeer())
        }
        #expect(response?.status == 408)
        #expect(closed)
        await server.shutdown()
    }

    @Test func idleKeepAliveConnectionClosedSilently() async throws {
        let server = try makeServer({ $0.idleTimeout = .milliseconds(300) }, routes: standardRoutes)
        let port = server.port
        let (first, closed, extra, elapsed) = await offPool { () -> (RawResponse?, Bool, Bool, Double) in
            let c = RawClient(port: port)!
            c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let first = c.readResponse()
            let start = Date()
            let closed = c.isClosedByPeer()
            return (first, closed, c.hasBufferedBytes, Date().timeIntervalSince(start))
        }
        #expect(first?.status == 200)
        #expect(closed)
        #expect(!extra)
        #expect(elapsed >= 0.2 && elapsed < 2)
        await server.shutdown()
    }

    /// At the cap an idle keep-alive connection makes room for a new client (the 503 for a cap
    /// held by requests in progress is in AbuseLimitTests).
    @Test func connectionCapShedsTheLongestIdleConnection() async throws {
        let server = try makeServer({ $0.maxConnections = 2 }, routes: standardRoutes)
        let port = server.port
        let (ok1, ok2, third, firstClosed, secondAlive, metricsOpen) = await offPool {
            () -> (Int?, Int?, Int?, Bool, Int?, Int) in
            let a = RawClient(port: port, timeout: 2)!
            a.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let r1 = a.readResponse()?.status
            let b = RawClient(port: port)!
            b.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let r2 = b.readResponse()?.status
            let c = RawClient(port: port)!
            c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let r3 = c.readResponse()?.status
            let open = server.metrics.openConnectionCount
            b.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            return (r1, r2, r3, a.isClosedByPeer(), b.readResponse()?.status, open)
        }
        #expect(ok1 == 200 && ok2 == 200)
        #expect(third == 200)
        #expect(firstClosed, "the connection idle longest was shed")
        #expect(secondAlive == 200)
        #expect(metricsOpen == 2)
        await server.shutdown()
    }

    @Test func gracefulShutdownFinishesInFlightRequest() async throws {
        // A grace far beyond the slow route's 300 ms: returning before it ends means the shutdown
        // waited for the request, not for the grace (a margin no loaded machine comes near).
        let server = try makeServer({ $0.shutdownGrace = .seconds(30) }, routes: standardRoutes)
        let port = server.port
        async let clientResult = offPool { () -> (RawResponse?, Bool) in
            let c = RawClient(port: port)!
            c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            return (c.readResponse(), c.isClosedByPeer())
        }
        // An idle keep-alive connection that must be closed by the shutdown.
        let idle = await offPool { () -> Bool in
            let c = RawClient(port: port)!
            c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            return c.readResponse()?.status == 200
        }
        #expect(idle)
        try await Task.sleep(for: .milliseconds(80))
        let start = Date()
        await server.shutdown()
        let (response, closed) = await clientResult
        #expect(response?.status == 200)
        #expect(response?.text == "slow done")
        #expect(response?.headers["Connection"] == "close")
        #expect(closed)
        #expect(Date().timeIntervalSince(start) < 25, "the shutdown ended with the last request, not with the grace")
        // The listener is gone.
        let refused = await offPool { RawClient(port: port) == nil }
        #expect(refused)
    }

    @Test func shutdownForceClosesAfterGrace() async throws {
        let server = try makeServer({ $0.shutdownGrace = .milliseconds(200) }) { r in
            r.add(.GET, "/forever") { _ in
                try? await Task.sleep(for: .seconds(5))
                return .noContent()
            }
        }
        let port = server.port
        async let closed = offPool { () -> Bool in
            let c = RawClient(port: port)!
            c.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")
            return c.isClosedByPeer()
        }
        try await Task.sleep(for: .milliseconds(50))
        let start = Date()
        await server.shutdown()
        #expect(Date().timeIntervalSince(start) < 1.5)
        #expect(await closed)
    }

    @Test func headUsesGetRouteWithoutBody() async throws {
        let server = try makeServer(routes: standardRoutes)
        let port = server.port
        let (head, next) = await offPool { () -> (RawResponse?, RawResponse?) in
            let c = RawClient(port: port)!
            c.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = c.readResponse(head: true)
            c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            return (head, c.readResponse())
        }
        #expect(head?.status == 200)
        #expect(head?.body.isEmpty == true)
        #expect(head?.headers["Content-Length"] == String(#"{"message":"hi "}"#.utf8.count))
        // No stray body bytes: the next response on the same connection parses.
        #expect(next?.status == 200)
        await server.shutdown()
    }

    @Test func notFoundAndMethodNotAllowed() async throws {
        let server = try makeServer(routes: standardRoutes)
        let port = server.port
        let (missing, wrongMethod, route) = await offPool { () -> (RawResponse?, RawResponse?, RawResponse?) in
            let c = RawClient(port: port)!
            c.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
            let a = c.readResponse()
            c.send("PUT /v1/items/7 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            let b = c.readResponse()
            c.send("GET /v1/items/a%20b HTTP/1.1\r\nHost: x\r\n\r\n")
            return (a, b, c.readResponse())
        }
        #expect(missing?.status == 404)
        #expect(missing?.headers["Content-Type"] == "application/problem+json")
        let json = missing?.json
        #expect(json?["type"] as? String == "https://clusterxchange.eu/problems/not_found")
        #expect(json?["code"] as? String == "not_found")
        #expect(json?["status"] as? Int == 404)
        #expect(json?["title"] as? String == "Not Found")
        #expect(wrongMethod?.status == 405)
        #expect(wrongMethod?.headers["Allow"] == "DELETE, GET, HEAD")
        #expect(wrongMethod?.json?["code"] as? String == "method_not_allowed")
        #expect(route?.text == "item a b route /v1/items/:id")
        await server.shutdown()
    }

    @Test func handlerErrorsBecomeProblems() async throws {
        let lines = LockedLines()
        let server = try makeServer(logger: Logger(label: "t", level: .info, sink: .custom { lines.append($0) }), routes: standardRoutes)
        let port = server.port
        let responses = await offPool { () -> [RawResponse?] in
            let c = RawClient(port: port)!
            c.send(
                "GET /problem HTTP/1.1\r\nHost: x\r\n\r\nGET /convertible HTTP/1.1\r\nHost: x\r\n\r\nGET /crash HTTP/1.1\r\nHost: x\r\n\r\n"
            )
            return [c.readResponse(), c.readResponse(), c.readResponse()]
        }
        #expect(responses[0]?.status == 422)
        #expect((responses[0]?.json?["errors"] as? [[String: String]])?.first?["field"] == "x")
        #expect(responses[1]?.status == 409)
        #expect(responses[1]?.json?["available_cents"] as? Int == 5)
        #expect(responses[2]?.status == 500)
        #expect(responses[2]?.json?["code"] as? String == "internal_error")
        #expect(responses[2]?.text.contains("hunter2") == false)
        // Logged, though: with the request id for correlation.
        let requestID = responses[2]?.headers["X-Request-Id"] ?? "?"
        #expect(lines.all.contains { $0.contains("hunter2") && $0.contains(requestID) && $0.contains("\"level\":\"error\"") })
        // One access-log line per request, with the documented fields.
        let access = lines.all.filter { $0.contains("\"msg\":\"request\"") }
        #expect(access.count == 3)
        let entry = try JSONSerialization.jsonObject(with: Data(access[0].utf8)) as? [String: String]
        for key in ["method", "path", "route", "status", "duration_ms", "bytes", "request_id", "remote"] {
            #expect(entry?[key] != nil, "missing \(key)")
        }
        await server.shutdown()
    }

    @Test func decodeOverTheWire() async throws {
        let server = try makeServer(routes: standardRoutes)
        let port = server.port
        let responses = await offPool { () -> [RawResponse?] in
            let c = RawClient(port: port)!
            let ok = #"{"message":"yo"}"#
            c.send("POST /decode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(ok.utf8.count)\r\n\r\n\(ok)")
            let a = c.readResponse()
            c.send("POST /decode HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}")
            let b = c.readResponse()
            c.send("POST /decode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
            return [a, b, c.readResponse()]
        }
        #expect(responses[0]?.text == #"{"message":"yo"}"#)
        #expect(responses[1]?.status == 415)
        #expect(responses[2]?.status == 422)
        #expect(responses[2]?.headers["Connection"] == nil)  // handler problems keep the connection
        await server.shutdown()
    }

    @Test func expectContinue() async throws {
        let server = try makeServer(routes: standardRoutes)
        let port = server.port
        let (interim, final, rejected, rejectedClosed) = await offPool { () -> (RawResponse?, RawResponse?, RawResponse?, Bool) in
            let c = RawClient(port: port)!
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            let interim = c.readResponse()
            c.send("data")
            let final = c.readResponse()
            let d = RawClient(port: port)!
            d.send("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n")
            let rejected = d.readResponse()
            return (interim, final, rejected, d.isClosedByPeer())
        }
        #expect(interim?.status == 100)
        #expect(final?.status == 200)
        #expect(final?.text == "data")
        #expect(rejected?.status == 413)
        #expect(rejectedClosed)
        await server.shutdown()
    }

    @Test func http10ClosesByDefaultAndKeepsAliveOnRequest() async throws {
        let server = try makeServer(routes: standardRoutes)
        let port = server.port
        let (plain, plainClosed, kept, keptSecond) = await offPool { () -> (RawResponse?, Bool, RawResponse?, RawResponse?) in
            let a = RawClient(port: port)!
            a.send("GET /hello HTTP/1.0\r\n\r\n")
            let plain = a.readResponse()
            let closed = a.isClosedByPeer()
            let b = RawClient(port: port)!
            b.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let kept = b.readResponse()
            b.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return (plain, closed, kept, b.readResponse())
        }
        #expect(plain?.status == 200)
        #expect(plain?.headers["Connection"] == "close")
        #expect(plainClosed)
        #expect(kept?.headers["Connection"] == "keep-alive")
        #expect(keptSecond?.headers["Connection"] == "close")
        await server.shutdown()
    }

    @Test func concurrentClientsShareFixedThreads() async throws {
        let server = try makeServer({ $0.eventLoopThreads = 2 }, routes: standardRoutes)
        let port = server.port
        let statuses = await withTaskGroup(of: [Int].self) { group -> [Int] in
            for _ in 0..<16 {
                group.addTask {
                    await offPool { () -> [Int] in
                        guard let c = RawClient(port: port) else { return [] }
                        var out: [Int] = []
                        for _ in 0..<20 {
                            c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                            out.append(c.readResponse()?.status ?? -1)
                        }
                        return out
                    }
                }
            }
            var all: [Int] = []
            for await s in group { all += s }
            return all
        }
        #expect(statuses.count == 320)
        #expect(statuses.allSatisfy { $0 == 200 })
        #expect(server.metrics.count(method: .GET, route: "/hello", status: 200) == 320)
        let text = server.metrics.prometheusText()
        #expect(text.contains(#"http_requests_total{method="GET",route="/hello",status="200"} 320"#))
        #expect(text.contains("http_request_duration_seconds_bucket"))
        #expect(text.contains("http_open_connections"))
        await server.shutdown()
    }

    @Test func clientDisconnectMidRequestIsHarmless() async throws {
        let server = try makeServer(routes: standardRoutes)
        let port = server.port
        let ok = await offPool { () -> Bool in
            do {
                let c = RawClient(port: port)!
                c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
            }
            do {
                let c = RawClient(port: port)!
                c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")  // closed before the handler answers: EPIPE must not kill us
            }
            usleep(400_000)
            let c = RawClient(port: port)!
            c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            return c.readResponse()?.status == 200
        }
        #expect(ok)
        await server.shutdown()
    }

    @Test func startFailsOnPortInUse() async throws {
        let first = try makeServer(routes: standardRoutes)
        var configuration = HTTPServerConfiguration()
        configuration.port = first.port
        let second = HTTPServer(configuration: configuration, router: Router(), logger: Logger(sink: .discard))
        #expect(throws: SocketError.self) { try second.start() }
        await second.shutdown()
        await first.shutdown()
    }

    /// Lowers the whole process's descriptor limit, which would starve every other suite
    /// running in parallel; `make test` runs it alone in its own process (CX_EXCLUSIVE_TESTS=1).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CX_EXCLUSIVE_TESTS"] == "1"))
    func acceptBacksOffOnDescriptorExhaustionAndRecovers() async throws {
        let lines = LockedLines()
        let server = try makeServer(logger: Logger(label: "t", level: .warning, sink: .custom { lines.append($0) }), routes: standardRoutes)
        let port = server.port
        let result = await offPool { () -> (Int?, Bool) in
            // Client sockets are created first; then the limit is lowered so the
            // server's accept4 fails with EMFILE when they connect.
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var original = rlimit()
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &original)
            var lowered = original
            lowered.rlim_cur = rlim_t(fd)  // fd is the highest in use right now
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port)).bigEndian
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &lowered)
            let connected = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            let request = Array("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
            _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            usleep(150_000)  // the loop hits EMFILE and pauses instead of spinning
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &original)
            var tv = timeval(tv_sec: 3, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            close(fd)
            let text = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
            return (connected == 0 ? Int(text.split(separator: " ").dropFirst().first ?? "") : nil, true)
        }
        #expect(result.0 == 200)
        #expect(lines.all.contains { $0.contains("pausing") })
        await server.shutdown()
    }
}
