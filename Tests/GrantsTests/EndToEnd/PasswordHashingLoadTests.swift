import Foundation
import Synchronization
import Testing

@testable import Grants

/// Issue 15 finding 5, second half: during a registration flood logins took 1.0–1.3 s instead of
/// 74 ms, because every registration's bcrypt ran on the pool. Enrolment now has its own small
/// set of hashing slots (PasswordHashGate), so logins keep theirs.
@Suite("Password hashing under load (end to end)")
struct PasswordHashingLoadTests {
    /// Shared counters for the concurrent tasks of a test.
    final class FloodCounters: Sendable {
        /// Running now, and the most ever seen at once.
        let peak = Mutex<[Int]>([0, 0])
        let statuses = Mutex<[Int: Int]>([:])
        let stop = Atomic<Bool>(false)
    }

    @Test func gateBoundsConcurrencyAndRefusesWhenTheQueueIsFull() async throws {
        let gate = PasswordHashGate(permits: 2, maxWaiting: 1)
        let tally = FloodCounters()
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    do {
                        try await gate.run {
                            tally.peak.withLock {
                                $0[0] += 1
                                $0[1] = Swift.max($0[1], $0[0])
                            }
                            try await Task.sleep(for: .milliseconds(200))
                            tally.peak.withLock { $0[0] -= 1 }
                        }
                        return "ran"
                    } catch let error as GrantsError {
                        return "\(error.problem.status) \(error.problem.headers["Retry-After"] ?? "-")"
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == "ran" }.count == 3, "\(outcomes)")
        #expect(outcomes.filter { $0 == "503 1" }.count == 3, "\(outcomes)")
        #expect(tally.peak.withLock { $0[1] } == 2)
        #expect(gate.load == (0, 0))
    }

    /// Logins at production bcrypt cost (10) while 24 clients register as fast as they can.
    /// Set CX_FLOOD_UNGATED=1 to measure the old behaviour (no hashing bound) for comparison.
    @Test func registrationFloodDoesNotStarveLogin() async throws {
        let ungated = ProcessInfo.processInfo.environment["CX_FLOOD_UNGATED"] == "1"
        try await TestApp.with(configure: { c in
            c.bcryptCost = 10
            c.poolSize = 10
            if ungated {
                c.enrolmentHashConcurrency = 10_000
                c.loginHashConcurrency = 10_000
            }
        }) { app in
            let email = "flood-coordinator-\(UUID().uuidString.prefix(6).lowercased())@medic-nest.example"
            _ = try await GrantsCommands.createUser(
                pool: app.server.pool, email: email, password: "correct-horse-battery",
                name: "Flood", role: "coordinator", bcryptCost: 10)
            let clock = ContinuousClock()
            // Its own client: the shared one's per-host connection limit would queue logins behind the flood.
            let loginClient = HTTPTestClient(base: app.base)
            func timedLogins(_ n: Int) async throws -> [Double] {
                var ms: [Double] = []
                for _ in 0..<n {
                    let start = clock.now
                    let r = try await loginClient.send(
                        "POST", "/v1/auth/login", json: ["email": email, "password": "correct-horse-battery"])
                    #expect(r.status == 200, "\(r.status) \(r.text)")
                    let d = clock.now - start
                    ms.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
                }
                return ms
            }
            func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
            let quiet = try await timedLogins(6)

            let tally = FloodCounters()
            let flood = Task {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<24 {
                        group.addTask {
                            while !tally.stop.load(ordering: .relaxed) {
                                let tag = UUID().uuidString.prefix(10).lowercased()
                                let r = try? await app.request(
                                    "POST", "/v1/auth/register",
                                    json: [
                                        "email": "flood-\(tag)@d-\(tag).example", "password": "correct-horse-battery",
                                        "name": "Flood \(tag)",
                                        "organisation": [
                                            "legal_name": "Flood \(tag)", "country": "RO", "kind": "sme", "city": "Cluj",
                                            "latitude": 46.77, "longitude": 23.62,
                                        ],
                                    ])
                                let status = r.map { $0.status == 503 && $0.header("Retry-After") == nil ? -503 : $0.status } ?? 0
                                tally.statuses.withLock { $0[status, default: 0] += 1 }
                            }
                        }
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(500))  // let the flood build up
            let loaded = try await timedLogins(8)
            tally.stop.store(true, ordering: .relaxed)
            await flood.value
            let answers = tally.statuses.withLock { $0 }
            print(
                "login under registration flood (\(ungated ? "ungated" : "gated")): quiet median \(Int(median(quiet))) ms "
                    + "max \(Int(quiet.max() ?? 0)) ms; flooded median \(Int(median(loaded))) ms max \(Int(loaded.max() ?? 0)) ms; "
                    + "registration answers \(answers.sorted { $0.key < $1.key })")
            #expect(Set(answers.keys).isSubset(of: [201, 503]), "\(answers)")
            if !ungated {
                #expect(median(loaded) < median(quiet) * 4 + 300, "quiet \(quiet), flooded \(loaded)")
            }
        }
    }
}
