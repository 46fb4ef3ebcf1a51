import Foundation
import Grants
import Postgres
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 15's PostgreSQL fault drills, kept as tests: the database restarted under load, stopped
/// for a while, and every backend of the service terminated. The service must answer only 2xx or
/// 503 with `Retry-After` (never 500, never a hang) and recover without being restarted.
///
/// They run against a PostgreSQL of their own (`.data/drill-postgres`): restarting the shared test
/// server would break the suites running beside them. Each drill stops it when done.
///
/// `make test` runs them alone, in their own process (CX_EXCLUSIVE_TESTS=1): the outage drill bounds
/// how long a 503 takes, and beside the whole parallel suite on two cores its answers took 0.3 s on
/// average and up to 8 s (alone: 2.6 ms at most), which measured the machine, not the service.
@Suite(
    "PostgreSQL fault drills (end to end)", .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["CX_EXCLUSIVE_TESTS"] == "1"))
struct FaultDrillTests {
    /// How long the "stopped" drill keeps PostgreSQL down: issue 15 asks for 20 s, long past the
    /// pool's 5 s checkout timeout and any reconnect backoff, so nothing is hidden by a quick return.
    static let outageSeconds = 20

    static let server = EmbeddedPostgres(
        dataDirectory: TestApp.root.appendingPathComponent(".data/drill-postgres"),
        databaseName: "cx_drill", unsafeFastMode: true)
    static let databases = Mutex(0)

    /// Blocking server work (pg_ctl) on its own thread, off the cooperative pool.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// Starts (or restarts) the drill server. Retried twice: once, right after a stop under load,
    /// `pg_ctl start` failed with "could not open PID file …: Permission denied" (not understood
    /// yet; the service under test is not involved in starting its database).
    static func startServer() async throws {
        for attempt in 1...3 {
            do {
                try await blocking { _ = try server.start() }
                return
            } catch  where attempt < 3 {
                try await Task.sleep(for: .milliseconds(300))
            }
        }
    }

    /// Starts the drill server and makes a migrated, seeded database on it.
    static func freshDatabase() async throws -> String {
        try await startServer()
        try await blocking {
            for name in try server.databaseNames() where name.hasPrefix("cx_drill_") && !name.hasPrefix("cx_drill_\(getpid())_") {
                try server.dropDatabase(name)
            }
        }
        let serial = databases.withLock { n in
            n += 1
            return n
        }
        let name = "cx_drill_\(getpid())_\(serial)"
        try await blocking { try server.createDatabase(name) }
        let url = server.connectionURL(database: name)
        let pool = PostgresPool(configuration: PostgresConfiguration(url: url))
        _ = try await Migrator(pool: pool, directory: TestApp.root.appendingPathComponent("Migrations")).migrate()
        _ = try await Seeder.seed(pool: pool, directory: TestApp.root.appendingPathComponent("seeds"), demo: false)
        await pool.close()
        return url
    }

    /// What one request got: a status (and whether a 503 said when to retry), or no answer.
    struct Outcome: Sendable, CustomStringConvertible {
        var status: Int
        var retryAfter: Bool
        var error: String?
        /// Which request (`GET` or `login`) and how long it took, for the failure messages.
        var request = ""
        var elapsed = Duration.zero
        var description: String {
            (error.map { "no answer (\($0))" } ?? "\(status)\(retryAfter ? "+Retry-After" : "")") + " \(request) in \(elapsed)"
        }
        var acceptable: Bool { error == nil && ((200..<300).contains(status) || (status == 503 && retryAfter)) }
    }

    /// A service over a fresh drill database, a coordinator, and a short-timeout client: a
    /// request that takes 10 s counts as a hang.
    struct Drill: Sendable {
        let app: TestApp
        let token: String
        let email: String
        let programme: Int64
        let client: HTTPTestClient

        static func make() async throws -> Drill {
            let app = try await TestApp.start(databaseURL: try await FaultDrillTests.freshDatabase())
            let email = "drill-\(UUID().uuidString.prefix(6).lowercased())@medic-nest.example"
            let coordinator = try await app.staff("coordinator", email)
            return Drill(
                app: app, token: coordinator.token, email: email, programme: try await app.programmeID(),
                client: HTTPTestClient(base: app.base, timeoutSeconds: 10))
        }

        /// A read that authenticates (token lookup) and a write (login: throttle, sessions, audit).
        func send(_ i: Int) async -> Outcome {
            let clock = ContinuousClock()
            let start = clock.now
            var outcome: Outcome
            do {
                let r =
                    i % 3 == 0
                    ? try await client.send("POST", "/v1/auth/login", json: ["email": email, "password": "correct-horse-battery"])
                    : try await client.send("GET", "/v1/programmes/\(programme)", token: token)
                outcome = Outcome(status: r.status, retryAfter: r.header("Retry-After") != nil, error: nil)
            } catch {
                outcome = Outcome(status: 0, retryAfter: false, error: "\(error)")
            }
            outcome.request = i % 3 == 0 ? "login" : "GET"
            outcome.elapsed = clock.now - start
            return outcome
        }

        /// Sends until the service answers 2xx again; how long that took.
        func waitForRecovery(within seconds: Double = 15) async -> Duration? {
            let clock = ContinuousClock()
            let start = clock.now
            var i = 0
            while clock.now - start < .seconds(seconds) {
                if (200..<300).contains(await send(i).status) { return clock.now - start }
                i += 1
                try? await Task.sleep(for: .milliseconds(100))
            }
            return nil
        }

        func stop() async {
            await app.stop()
            _ = try? await FaultDrillTests.blocking { try FaultDrillTests.server.stop() }
        }
    }

    final class Outcomes: Sendable {
        let items = Mutex<[Outcome]>([])
        let stop = Atomic<Bool>(false)
        func add(_ o: Outcome) { items.withLock { $0.append(o) } }
        var all: [Outcome] { items.withLock { $0 } }
    }

    @Test func restartUnderLoad() async throws {
        let drill = try await Drill.make()
        let outcomes = Outcomes()
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var i = worker
                        while !outcomes.stop.load(ordering: .relaxed) {
                            outcomes.add(await drill.send(i))
                            i += 1
                        }
                    }
                }
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        try await Self.blocking { try Self.server.stop() }
        try await Self.startServer()
        let recovered = await drill.waitForRecovery()
        try await Task.sleep(for: .milliseconds(500))
        outcomes.stop.store(true, ordering: .relaxed)
        await load.value
        let all = outcomes.all
        let bad = all.filter { !$0.acceptable }
        #expect(bad.isEmpty, "\(bad.count) of \(all.count) answers were neither 2xx nor 503 with Retry-After: \(bad.prefix(10))")
        #expect(recovered != nil, "no 2xx within 15 s of the restart")
        #expect(!all.isEmpty)
        // Recovered for good: the last answers are all successes.
        for i in 0..<6 { #expect((200..<300).contains(await drill.send(i).status)) }
        print(
            "fault drill restart: \(all.count) answers, \(all.filter { $0.status == 503 }.count) × 503, "
                + "recovered \(recovered.map { "\($0)" } ?? "never") after the restart")
        await drill.stop()
    }

    @Test func stoppedForTwentySeconds() async throws {
        let drill = try await Drill.make()
        try await Self.blocking { try Self.server.stop() }
        let clock = ContinuousClock()
        let down = clock.now
        var outcomes: [Outcome] = []
        var slowest = Duration.zero
        var i = 0
        while clock.now - down < .seconds(Self.outageSeconds) {
            let start = clock.now
            outcomes.append(await drill.send(i))
            slowest = max(slowest, clock.now - start)
            if i % 10 == 0 {
                let ready = try await drill.client.send("GET", "/readyz")
                #expect(ready.status == 503 && ready.json["database"] as? String == "unreachable", "\(ready.text)")
                let health = try await drill.client.send("GET", "/healthz")
                #expect(health.status == 200)
            }
            i += 1
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(outcomes.allSatisfy { $0.status == 503 && $0.retryAfter }, "\(outcomes.filter { !($0.status == 503 && $0.retryAfter) })")
        #expect(slowest < .seconds(2), "an answer during the outage took \(slowest)")
        try await Self.startServer()
        let recovered = await drill.waitForRecovery()
        #expect(recovered != nil, "no 2xx within 15 s of PostgreSQL coming back")
        for i in 0..<6 { #expect((200..<300).contains(await drill.send(i).status)) }
        #expect(try await drill.client.send("GET", "/readyz").status == 200)
        print(
            "fault drill outage: \(outcomes.count) answers in \(Self.outageSeconds) s, all 503 + Retry-After, slowest \(slowest); "
                + "recovered \(recovered.map { "\($0)" } ?? "never") after the start")
        await drill.stop()
    }

    @Test func allBackendsTerminated() async throws {
        let drill = try await Drill.make()
        // Fill the pool with live connections first.
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<12 { group.addTask { _ = await drill.send(i) } }
        }
        let admin = try await PostgresConnection.connect(configuration: PostgresConfiguration(url: drill.app.databaseURL))
        let killed = try await admin.query(
            """
            SELECT count(pg_terminate_backend(pid, 5000)) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
            """
        ).rows[0].decode("n", as: Int.self)
        await admin.close()
        #expect(killed >= 2)
        var outcomes: [Outcome] = []
        for i in 0..<12 { outcomes.append(await drill.send(i)) }
        #expect(outcomes.allSatisfy { $0.acceptable }, "\(outcomes)")
        #expect(outcomes.filter { $0.status == 503 }.count <= 1, "\(outcomes)")
        print("fault drill terminate: \(killed) backends terminated; then \(outcomes)")
        await drill.stop()
    }
}
