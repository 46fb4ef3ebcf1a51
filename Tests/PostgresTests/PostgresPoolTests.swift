import Foundation
import Testing

@testable import Postgres

@Suite struct PostgresPoolTests {
    @Test func exhaustedPoolTimesOut() async throws {
        let pool = try await makePool(poolSize: 1, checkoutTimeout: .milliseconds(200))
        defer { Task { await pool.close() } }
        let clock = ContinuousClock()
        try await pool.withConnection { connection in
            try await connection.query("SELECT 1")
            #expect(pool.statistics.inUse == 1)
            let started = clock.now
            let error = try await #require(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            #expect(error.kind == .poolTimeout)
            #expect(clock.now - started >= .milliseconds(180))
            #expect(clock.now - started < .seconds(2))
        }
        let stats = pool.statistics
        #expect(stats.inUse == 0 && stats.idle == 1 && stats.waiting == 0 && stats.size == 1 && stats.capacity == 1)
        #expect(await pool.ping())
    }

    /// One reaper task enforces every waiter's own deadline: a later waiter is not failed at
    /// the first one's, and a waiter served in time never sees a timeout.
    @Test func eachWaiterTimesOutAtItsOwnDeadline() async throws {
        let pool = try await makePool(poolSize: 1, checkoutTimeout: .milliseconds(400))
        defer { Task { await pool.close() } }
        let clock = ContinuousClock()
        try await pool.withConnection { connection in
            try await connection.query("SELECT 1")
            let started = clock.now
            async let first: Duration = {
                _ = try? await pool.query("SELECT 1")
                return clock.now - started
            }()
            try await Task.sleep(for: .milliseconds(200))
            async let second: Duration = {
                _ = try? await pool.query("SELECT 1")
                return clock.now - started
            }()
            let (a, b) = await (first, second)
            #expect(a >= .milliseconds(380))
            #expect(b >= .milliseconds(580), "the second waiter keeps its own 400 ms (\(b))")
            #expect(b < .seconds(10))
            #expect(pool.statistics.waiting == 0)
        }
        #expect(try await pool.query("SELECT 1 AS v").rows[0].decode("v", as: Int.self) == 1)
    }

    /// Waiters handed a returning connection are never failed by the reaper, which may still be
    /// asleep on an earlier waiter's deadline. (A timeout far beyond the work, so a loaded
    /// machine cannot make a served waiter late.)
    @Test func servedWaitersNeverTimeOut() async throws {
        let pool = try await makePool(poolSize: 1, checkoutTimeout: .seconds(30))
        defer { Task { await pool.close() } }
        let served = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<20 {
                group.addTask { try await pool.query("SELECT \(i)::int AS v, pg_sleep(0.01)").rows[0].decode("v", as: Int.self) }
            }
            return try await group.reduce(0, +)
        }
        #expect(served == (0..<20).reduce(0, +))
        #expect(pool.statistics.waiting == 0)
    }

    @Test func waitersAreServedWhenConnectionsReturn() async throws {
        let pool = try await makePool(poolSize: 2)
        defer { Task { await pool.close() } }
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<20 {
                group.addTask { try await pool.query("SELECT \(i)::int AS v, pg_sleep(0.01)").rows[0].decode("v", as: Int.self) }
            }
            return try await group.reduce(0, +)
        }
        #expect(total == (0..<20).reduce(0, +))
        #expect(pool.statistics.size <= 2)
    }

    @Test func terminatedBackendIsReplacedTransparently() async throws {
        let pool = try await makePool(poolSize: 1)
        defer { Task { await pool.close() } }
        let pid = try await pool.query("SELECT pg_backend_pid() AS pid").rows[0].decode("pid", as: Int32.self)
        let admin = try await PostgresConnection.connect(configuration: pool.configuration)
        try await admin.query("SELECT pg_terminate_backend(\(pid))")
        for _ in 0..<200 {
            let rows = try await admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = \(pid)").rows
            if rows.isEmpty { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        await admin.close()
        let newPID = try await pool.query("SELECT pg_backend_pid() AS pid").rows[0].decode("pid", as: Int32.self)
        #expect(newPID != pid)
        // Also inside a transaction: BEGIN is the first statement after checkout.
        let again = try await pool.query("SELECT pg_backend_pid() AS pid").rows[0].decode("pid", as: Int32.self)
        let admin2 = try await PostgresConnection.connect(configuration: pool.configuration)
        try await admin2.query("SELECT pg_terminate_backend(\(again))")
        await admin2.close()
        try await Task.sleep(for: .milliseconds(50))
        let value = try await pool.transaction { connection in
            try await connection.query("SELECT 7 AS v").rows[0].decode("v", as: Int.self)
        }
        #expect(value == 7)
    }

    @Test func connectionReturnedInsideTransactionIsDiscarded() async throws {
        let sink = LogSink()
        let pool = try await makePool(poolSize: 1, logger: sink.logger)
        defer { Task { await pool.close() } }
        try await pool.query("CREATE TABLE t (id int)")
        let leakedPID = try await pool.withConnection { connection in
            try await connection.query("BEGIN")
            try await connection.query("INSERT INTO t VALUES (1)")
            return try await connection.backendPID()
        }
        let stats = pool.statistics
        #expect(stats.size == 0 && stats.idle == 0 && stats.inUse == 0)
        let pid = try await pool.query("SELECT pg_backend_pid() AS pid").rows[0].decode("pid", as: Int32.self)
        #expect(pid != leakedPID)
        // The uncommitted insert died with the discarded session.
        #expect(try await pool.query("SELECT count(*) AS n FROM t").rows[0].decode("n", as: Int.self) == 0)
        #expect(sink.all.contains { $0.contains("discarding") })
    }

    @Test func preparedStatementsAreCachedPerConnection() async throws {
        let pool = try await makePool(poolSize: 1)
        defer { Task { await pool.close() } }
        try await pool.withConnection { connection in
            for i in 0..<5 {
                let row = try await connection.prepared("SELECT \(i)::int + 1 AS v").rows[0]
                #expect(try row.decode("v", as: Int.self) == i + 1)
            }
            try await connection.prepared("SELECT \("x") AS other")
            #expect(try await connection.preparedStatementCount() == 2)
            let serverSide = try await connection.query("SELECT count(*) AS n FROM pg_prepared_statements").rows[0]
            #expect(try serverSide.decode("n", as: Int.self) == 2)
            // A DEALLOCATE behind the cache's back is healed by re-preparing.
            try await connection.query("DEALLOCATE ALL")
            #expect(try await connection.prepared("SELECT \(41)::int + 1 AS v").rows[0].decode("v", as: Int.self) == 42)
        }
        // The next checkout reuses the same connection and its cache.
        let row = try await pool.prepared("SELECT \(1)::int + 1 AS v").rows[0]
        #expect(try row.decode("v", as: Int.self) == 2)
        let count = try await pool.withConnection { try await $0.preparedStatementCount() }
        #expect(count == 1)
    }

    @Test func preparedStatementSurvivesSchemaChange() async throws {
        let pool = try await makePool(poolSize: 1)
        defer { Task { await pool.close() } }
        try await pool.query("CREATE TABLE t (a int)")
        try await pool.query("INSERT INTO t VALUES (1)")
        #expect(try await pool.prepared("SELECT * FROM t").rows[0].columnNames == ["a"])
        try await pool.query("ALTER TABLE t ADD COLUMN b text")
        #expect(try await pool.prepared("SELECT * FROM t").rows[0].columnNames == ["a", "b"])
    }

    @Test func closedPoolRejectsWork() async throws {
        let pool = try await makePool(poolSize: 1)
        #expect(await pool.ping())
        await pool.close()
        let error = try await #require(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error.kind == .closed)
        #expect(await pool.ping() == false)
    }

    @Test func connectionsConnectLazily() async throws {
        let pool = try await makePool(poolSize: 3)
        defer { Task { await pool.close() } }
        #expect(pool.statistics.size == 0)
        try await pool.query("SELECT 1")
        #expect(pool.statistics.size == 1)
    }
}
