import Foundation
import Grants
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A `kill -9` of the service in the middle of a burst of payment executions: after a
/// restart, every payment answered 2xx is in the ledger exactly once, retries with the same
/// Idempotency-Key never pay twice, the budget invariant holds and the audit chain verifies.
@Suite("Crash recovery (end to end)")
struct CrashRecoveryTests {
    /// The real `clusterxchange serve` binary as a separate process.
    final class ServiceProcess: @unchecked Sendable {  // `process` is only touched by the owning test
        let process = Process()
        let port: Int
        init(databaseURL: String, port: Int, environment: [String: String] = [:]) throws {
            self.port = port
            process.executableURL = TestApp.root.appendingPathComponent(".build/debug/clusterxchange")
            process.arguments = ["serve"]
            var env = ProcessInfo.processInfo.environment
            env["DATABASE_URL"] = databaseURL
            env["PORT"] = String(port)
            env["CX_ROOT"] = TestApp.root.path
            env["LOG_LEVEL"] = "error"
            env["MIGRATE_ON_START"] = "false"
            for (k, v) in environment { env[k] = v }
            process.environment = env
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }
        func waitReady(_ client: HTTPTestClient) async throws {
            for _ in 0..<200 {
                if let r = try? await client.send("GET", "/readyz"), r.status == 200 { return }
                try await Task.sleep(for: .milliseconds(25))
            }
            Issue.record("service did not become ready")
        }
        func kill9() {
            guard process.isRunning else { return }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    @Test func killDuringPaymentBurst() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let second = try await app.staff("coordinator")
            // 24 applications with an approved final payment each, prepared over HTTP.
            let payments = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<24 {
                    group.addTask {
                        let (applicant, id) = try await s.evaluatedApplication()
                        try #require(try await s.decide(id, "approved").status == 200)
                        for kind in ["commitment_to_quality", "invoice", "host_confirmation"] {
                            _ = try await app.request(
                                "POST", "/v1/applications/\(id)/documents?kind=\(kind)&filename=\(kind).pdf",
                                token: applicant.token, body: Data("%PDF-1.4".utf8))
                        }
                        try await app.signAgreement(id, applicant: applicant.token, coordinator: s.coordinator.token)
                        _ = try await app.request(
                            "POST", "/v1/applications/\(id)/report", token: applicant.token,
                            json: ["actual_start": "2027-03-01", "actual_end": "2027-03-05", "summary": "done"])
                        _ = try await app.request(
                            "POST", "/v1/applications/\(id)/report/review", token: s.coordinator.token, json: ["accepted": true])
                        let p = try await app.request(
                            "POST", "/v1/payments", token: s.coordinator.token, json: ["application_id": id, "kind": "final"])
                        let pid = try #require(p.json["id"] as? Int, "\(p.text)")
                        try #require(try await app.request("POST", "/v1/payments/\(pid)/approve", token: second.token).status == 200)
                        return pid
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }

            let port = Self.freePort()
            let client = HTTPTestClient(base: "http://127.0.0.1:\(port)")
            var service = try ServiceProcess(databaseURL: app.databaseURL, port: port)
            try await service.waitReady(client)
            let token = s.coordinator.token
            // A subprocess runs the production tolerance for dates in the future (one day).
            let today = try #require(CalendarDate.utcDay(of: Date())).iso
            @Sendable func execute(_ pid: Int) async -> TestResponse? {
                try? await client.send(
                    "POST", "/v1/payments/\(pid)/execute", token: token,
                    json: ["bank_reference": "BT-\(pid)", "value_date": today],
                    headers: ["Idempotency-Key": "pay-\(pid)"])
            }
            // The burst, with the process killed while it is under way.
            let killer = service
            let answered = await withTaskGroup(of: (Int, Int?).self) { group in
                for pid in payments { group.addTask { (pid, await execute(pid)?.status) } }
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(60))
                    killer.kill9()
                    return (-1, nil)
                }
                return await group.reduce(into: [Int: Int]()) { if $1.0 > 0, let st = $1.1 { $0[$1.0] = st } }
            }
            let ok = Set(answered.filter { (200..<300).contains($0.value) }.keys)

            // Restart; answered payments are paid exactly once, and retries replay instead of paying again.
            service = try ServiceProcess(databaseURL: app.databaseURL, port: port)
            defer { service.kill9() }
            try await service.waitReady(client)
            for pid in ok {
                let p = try await app.request("GET", "/v1/payments/\(pid)", token: token)
                #expect(p.json["status"] as? String == "paid", "payment \(pid) answered 2xx but is \(p.json["status"] ?? "?")")
            }
            for pid in payments {
                let r = try #require(await execute(pid))
                #expect(r.status == 200, "payment \(pid): \(r.status) \(r.text)")
            }
            let ledger = try await app.request("GET", "/v1/ledger?limit=200", token: token)
            let paymentEntries = ledger.items.filter { $0["kind"] as? String == "payment" }
            #expect(paymentEntries.count == payments.count)
            #expect(Set(paymentEntries.compactMap { $0["application_id"] as? Int }).count == payments.count)
            let budget = try await s.budget()
            #expect(budget["paid_cents"] as? Int == payments.count * 78_000)
            #expect((budget["committed_cents"] as? Int ?? .max) <= (budget["cap_cents"] as? Int ?? 0))
            #expect(budget["outstanding_cents"] as? Int == 0)
            #expect(budget["reconciled"] as? Bool == true)
            // The hash-chained audit trail survived the kill unbroken.
            let verify = try await app.request("GET", "/v1/audit-log/verify", token: token)
            #expect(verify.status == 200 && verify.json["valid"] as? Bool == true, "\(verify.text)")
            print("crash test: \(ok.count) of \(payments.count) executions answered 2xx before the kill")
        }
    }
}
