import Foundation
import Testing

@testable import HTTP

#if canImport(Glibc)
    import Glibc
#endif

private func abuseRoutes(_ r: inout Router) {
    r.add(.GET, "/hello") { _ in .text("hi") }
    r.add(.GET, "/whoami") { req in .text("\(req.remoteAddress) via \(req.peerAddress)") }
    r.add(.GET, "/big") { _ in
        HTTPResponse(
            status: 200, headers: ["Content-Type": "application/octet-stream"],
            body: [UInt8](repeating: 0x61, count: 16 << 20))
    }
    r.add(.POST, "/upload", bodyLimit: 1 << 20) { req in .text("\(req.body.count)") }
    r.add(.GET, "/stuck") { _ in
        try? await Task.sleep(for: .seconds(2))
        return .text("late")
    }
}

/// Connection-level abuse (issue 15, finding 3): connections that merely exist, or crawl, must
/// not lock real clients out. Timing over real sockets: a CPU starved by the rest of the suite
/// running in parallel (2 cores) made a 3 s answer miss, so `make test` runs these alone, in
/// its own process (CX_EXCLUSIVE_TESTS=1).
@Suite("Abuse limits over sockets", .enabled(if: ProcessInfo.processInfo.environment["CX_EXCLUSIVE_TESTS"] == "1"))
struct AbuseLimitTests {
    @Test func silentConnectionsAtTheCapDoNotLockOutARealClient() async throws {
        // Before: the 51st connection got 503 until the 30 s idle timeout closed the silent ones.
        let server = try makeServer(
            {
                $0.maxConnections = 50
                $0.maxConnectionsPerAddress = 0
            }, routes: abuseRoutes)
        let port = server.port
        let statuses = await offPool { () -> [Int] in
            var silent: [RawClient] = []
            for _ in 0..<60 { if let c = RawClient(port: port) { silent.append(c) } }
            usleep(100_000)
            var out: [Int] = []
            for _ in 0..<10 {
                let c = RawClient(port: port, timeout: 3)!
                c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                out.append(c.readResponse()?.status ?? 0)
                // The attacker keeps refilling the slots.
                for _ in 0..<5 { if let c = RawClient(port: port) { silent.append(c) } }
            }
            return out
        }
        #expect(statuses == Array(repeating: 200, count: 10), "\(statuses)")
        let text = server.metrics.prometheusText()
        #expect(!text.contains("http_shed_connections_total 0\n"))
        await server.shutdown()
    }

    @Test func connectionsInTheMiddleOfARequestAreNotShed() async throws {
        let server = try makeServer(
            {
                $0.maxConnections = 2
                $0.maxConnectionsPerAddress = 0
            }, routes: abuseRoutes)
        let port = server.port
        let (third, firstStatus) = await offPool { () -> (RawResponse?, Int?) in
            let a = RawClient(port: port)!
            let b = RawClient(port: port)!
            a.send("GET /hello HTTP/1.1\r\nHost: x\r\n")  // a head in progress
            b.send("GET /hello HTTP/1.1\r\nHost: x\r\n")
            usleep(100_000)
            let c = RawClient(port: port)!
            let refused = c.readResponse()
            a.send("\r\n")
            return (refused, a.readResponse()?.status)
        }
        #expect(third?.status == 503)
        #expect(third?.json?["code"] as? String == "service_unavailable")
        #expect(firstStatus == 200)
        await server.shutdown()
    }

    @Test func perAddressLimit() async throws {
        let server = try makeServer({ $0.maxConnectionsPerAddress = 5 }, routes: abuseRoutes)
        let port = server.port
        let (refused, other, afterClose) = await offPool { () -> (RawResponse?, Int?, Int?) in
            var held: [RawClient] = []
            for _ in 0..<5 {
                let c = RawClient(port: port)!
                c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                _ = c.readResponse()
                held.append(c)
            }
            let sixth = RawClient(port: port)!
            let refused = sixth.readResponse()
            // Another client address is not affected.
            let elsewhere = RawClient(port: port, source: "127.0.0.2")
            elsewhere?.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let other = elsewhere?.readResponse()?.status
            // A slot freed is a slot available again.
            held.removeFirst()
            var status: Int?
            // The server notices the close on its next wake-up; on a loaded machine (the whole
            // suite in parallel on 2 cores) that took more than 2 s once, so wait up to 10 s.
            for _ in 0..<200 {
                usleep(50_000)
                let again = RawClient(port: port)!
                again.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                status = again.readResponse()?.status
                if status == 200 { break }
            }
            return (refused, other, status)
        }
        #expect(refused?.status == 503)
        #expect(refused?.json?["code"] as? String == "too_many_connections")
        #expect(refused?.headers["Retry-After"] != nil)
        #expect(other == 200)
        #expect(afterClose == 200, "\(server.metrics.openConnectionCount) open")
        await server.shutdown()
    }

    @Test func silentConnectionClosedAtTheFirstByteDeadline() async throws {
        let server = try makeServer({ $0.firstByteDeadline = .milliseconds(400) }, routes: abuseRoutes)
        let port = server.port
        let (closed, elapsed) = await offPool { () -> (Bool, Double) in
            let start = Date()
            let c = RawClient(port: port, timeout: 5)!
            return (c.isClosedByPeer(), Date().timeIntervalSince(start))
        }
        #expect(closed)
        #expect(elapsed >= 0.3 && elapsed < 2.5, "\(elapsed)")
        await server.shutdown()
    }

    @Test func keepAliveClientThatSpokeKeepsTheLongIdleTimeout() async throws {
        let server = try makeServer(
            {
                $0.firstByteDeadline = .milliseconds(300)
                $0.idleTimeout = .seconds(30)
            }, routes: abuseRoutes)
        let port = server.port
        let second = await offPool { () -> Int? in
            let c = RawClient(port: port)!
            c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = c.readResponse()
            usleep(800_000)  // longer than the first-byte deadline, far below the idle timeout
            c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            return c.readResponse()?.status
        }
        #expect(second == 200)
        await server.shutdown()
    }

    @Test func clientReadingAResponseSlowlyIsCut() async throws {
        // Before: each accepted write re-armed a 30 s timer, so 1 KB every few seconds held the
        // connection (and 16 MiB of response buffer) for as long as the client liked.
        let server = try makeServer(
            {
                $0.minimumTransferRate = 256 * 1024
                $0.transferRateWindow = .milliseconds(500)
            }, routes: abuseRoutes)
        let port = server.port
        let (received, elapsed) = await offPool { () -> (Int, Double) in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var small: Int32 = 4096
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port)).bigEndian
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            defer { close(fd) }
            let request = Array("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
            _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            let start = Date()
            var total = 0
            var chunk = [UInt8](repeating: 0, count: 1024)
            while Date().timeIntervalSince(start) < 15 {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                total += n
                usleep(50_000)  // about 20 KB/s
            }
            return (total, Date().timeIntervalSince(start))
        }
        #expect(received < 16 << 20, "the slow reader must not get the whole response")
        #expect(elapsed < 14, "cut after \(elapsed) s")
        await server.shutdown()
    }

    @Test func bodyTrickledBelowTheMinimumRateGets408() async throws {
        let server = try makeServer(
            {
                $0.minimumTransferRate = 1000
                $0.transferRateWindow = .milliseconds(500)
                $0.bodyDeadline = .seconds(30)
            }, routes: abuseRoutes)
        let port = server.port
        let (status, elapsed) = await offPool { () -> (Int?, Double) in
            let c = RawClient(port: port, timeout: 10)!
            let start = Date()
            c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
            for _ in 0..<20 {
                if c.hasDataAvailable() { break }
                c.send("0123456789")
                usleep(100_000)
            }
            return (c.readResponse()?.status, Date().timeIntervalSince(start))
        }
        #expect(status == 408)
        #expect(elapsed < 5, "\(elapsed)")
        await server.shutdown()
    }

    @Test func connectionCapIsClampedBelowTheDescriptorLimit() async throws {
        let server = try makeServer({ $0.maxConnections = 10_000_000 }, routes: abuseRoutes)
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        #expect(server.maxConnections <= Int(limit.rlim_cur) - server.configuration.descriptorReserve)
        #expect(server.maxConnections >= 1)
        #expect(limit.rlim_cur == limit.rlim_max, "the soft limit is raised to the hard one at start")
        await server.shutdown()
    }

    @Test func forwardedClientAddressOnlyFromATrustedProxy() async throws {
        let trusted = try makeServer({ $0.trustedProxies = [IPNetwork("127.0.0.0/8")!] }, routes: abuseRoutes)
        let rfc7239 = try makeServer(
            {
                $0.trustedProxies = [IPNetwork("127.0.0.0/8")!]
                $0.forwardedHeader = .forwarded
            }, routes: abuseRoutes)
        let untrusted = try makeServer(routes: abuseRoutes)
        let (a, b, c, d) = await offPool { () -> (String?, String?, String?, String?) in
            func ask(_ port: Int, _ header: String) -> String? {
                let client = RawClient(port: port)!
                client.send("GET /whoami HTTP/1.1\r\nHost: x\r\n\(header)\r\n")
                return client.readResponse()?.text
            }
            return (
                ask(trusted.port, "X-Forwarded-For: 198.51.100.9, 203.0.113.7\r\n"),
                ask(untrusted.port, "X-Forwarded-For: 203.0.113.7\r\n"),
                ask(trusted.port, "X-Forwarded-For: not-an-address\r\n"),
                ask(rfc7239.port, "Forwarded: for=\"[2001:db8::7]:4711\";proto=https\r\nX-Forwarded-For: 203.0.113.66\r\n")
            )
        }
        #expect(a == "203.0.113.7 via 127.0.0.1", "the right-most untrusted hop")
        #expect(b == "127.0.0.1 via 127.0.0.1", "headers from an untrusted peer are ignored")
        #expect(c == "127.0.0.1 via 127.0.0.1", "garbage falls back to the peer")
        #expect(d == "2001:db8::7 via 127.0.0.1", "only the configured header is read")
        await trusted.shutdown()
        await rfc7239.shutdown()
        await untrusted.shutdown()
    }

    @Test func stuckHandlerIsAnsweredAndItsSlotFreed() async throws {
        let server = try makeServer({ $0.handlerDeadline = .milliseconds(300) }, routes: abuseRoutes)
        let port = server.port
        let (stuck, elapsed, next) = await offPool { () -> (RawResponse?, Double, Int?) in
            let start = Date()
            let c = RawClient(port: port, timeout: 5)!
            c.send("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n")
            let r = c.readResponse()
            let took = Date().timeIntervalSince(start)
            usleep(2_000_000)  // the late completion arrives and must be dropped quietly
            // The next client is served. Under the whole suite on 2 cores even /hello can outlast
            // the 300 ms deadline (503 handler_timeout), so a few attempts are allowed.
            var status: Int?
            for _ in 0..<5 {
                let d = RawClient(port: port)!
                d.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                status = d.readResponse()?.status
                if status == 200 { break }
            }
            return (r, took, status)
        }
        #expect(stuck?.status == 503)
        #expect(stuck?.json?["code"] as? String == "handler_timeout")
        #expect(elapsed < 1.8, "\(elapsed)")
        #expect(next == 200)
        // The freed slot is closed on the loop's next wake-up; under the whole suite on 2 cores
        // that can lag the answer, so poll (up to 5 s) before asserting.
        for _ in 0..<100 where server.metrics.openConnectionCount > 1 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.metrics.openConnectionCount <= 1)
        await server.shutdown()
    }
}

/// Address parsing and matching from literals.
@Suite("Client addresses")
struct ClientAddressTests {
    @Test func parsing() {
        #expect(IPAddress("10.1.2.3")?.bytes == [10, 1, 2, 3])
        #expect(IPAddress("::ffff:10.1.2.3")?.bytes == [10, 1, 2, 3])
        #expect(IPAddress("[::1]")?.description == "::1")
        for bad in [
            "", "10.1.2", "10.1.2.256", "1.2.3.4.5", "::g", "localhost", "10.0.0.1/8", " 10.0.0.1", String(repeating: "1", count: 100),
        ] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func networks() {
        let v4 = IPNetwork("10.0.0.0/8")!
        #expect(v4.contains(IPAddress("10.255.1.2")!))
        #expect(!v4.contains(IPAddress("11.0.0.1")!))
        #expect(!v4.contains(IPAddress("::1")!))
        #expect(IPNetwork("192.168.1.0/23")!.contains(IPAddress("192.168.0.200")!))
        #expect(!IPNetwork("192.168.1.0/24")!.contains(IPAddress("192.168.0.200")!))
        #expect(IPNetwork("0.0.0.0/0")!.contains(IPAddress("8.8.8.8")!))
        #expect(IPNetwork("fd00::/8")!.contains(IPAddress("fd12::1")!))
        #expect(IPNetwork("203.0.113.7")!.contains(IPAddress("203.0.113.7")!))
        for bad in ["10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "::/129", "x/8", "10.0.0.0/8/8"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
        #expect(IPNetwork.list("10.0.0.0/8, ::1,,") == .success([IPNetwork("10.0.0.0/8")!, IPNetwork("::1")!]))
        #expect(IPNetwork.list("10.0.0.0/8, nope") == .failure(IPNetwork.InvalidEntry(entry: "nope")))
    }

    @Test func limitKeys() {
        #expect(IPAddress("203.0.113.7")?.limitKey == "203.0.113.7")
        #expect(IPAddress("2001:db8:1:2:aaaa::1")?.limitKey == "2001:db8:1:2::/64")
        #expect(IPAddress("2001:db8:1:2:ffff::9")?.limitKey == IPAddress("2001:db8:1:2::1")?.limitKey, "one /64, one client")
    }

    @Test func resolution() {
        let resolver = ClientAddressResolver(trustedProxies: [IPNetwork("10.0.0.0/8")!])
        let rfc7239 = ClientAddressResolver(trustedProxies: [IPNetwork("10.0.0.0/8")!], header: .forwarded)
        func resolve(_ peer: String, _ pairs: [(String, String)], _ r: ClientAddressResolver? = nil) -> String {
            var headers = HTTPHeaders()
            for (k, v) in pairs { headers.add(k, v) }
            return (r ?? resolver).resolve(peer: peer, headers: headers)
        }
        #expect(resolve("10.0.0.1", [("Forwarded", "for=192.0.2.60")]) == "10.0.0.1", "not the configured header")
        #expect(resolve("10.0.0.1", [("X-Forwarded-For", "198.51.100.1"), ("Forwarded", "for=192.0.2.60")], rfc7239) == "192.0.2.60")
        #expect(resolve("10.0.0.1", [("X-Forwarded-For", "203.0.113.7")]) == "203.0.113.7")
        #expect(resolve("10.0.0.1", [("X-Forwarded-For", "1.1.1.1, 203.0.113.7, 10.0.0.2")]) == "203.0.113.7")
        #expect(resolve("10.0.0.1", [("X-Forwarded-For", "1.1.1.1"), ("X-Forwarded-For", "203.0.113.8")]) == "203.0.113.8")
        #expect(resolve("192.0.2.1", [("X-Forwarded-For", "203.0.113.7")]) == "192.0.2.1")
        #expect(resolve("10.0.0.1", [("X-Forwarded-For", "10.0.0.3")]) == "10.0.0.1", "only proxies: the peer")
        #expect(resolve("10.0.0.1", [("Forwarded", "for=192.0.2.60;proto=http, for=198.51.100.17:8080")], rfc7239) == "198.51.100.17")
        #expect(resolve("10.0.0.1", [("Forwarded", "for=unknown")], rfc7239) == "10.0.0.1")
        #expect(resolve("10.0.0.1", []) == "10.0.0.1")
    }
}
