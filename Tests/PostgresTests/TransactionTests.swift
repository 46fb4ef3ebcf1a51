import Foundation
import Synchronization
import Testing

@testable import Postgres

final class SharedCounter: Sendable {
    private let atomic = Atomic<Int>(0)
    func increment() { atomic.add(1, ordering: .relaxed) }
    var value: Int { atomic.load(ordering: .relaxed) }
}

@Suite struct TransactionTests {
    struct Boom: Error {}

    @Test func commitAndRollback() async throws {
        let pool = try await makePool()
        defer { Task { await pool.close() } }
        try await pool.query("CREATE TABLE t (id int PRIMARY KEY)")
        let value = try await pool.transaction { connection in
            try await connection.query("INSERT INTO t VALUES (\(1))")
            return 42
        }
        #expect(value == 42)
        await #expect(throws: Boom.self) {
            try await pool.transaction { connection in
                try await connection.query("INSERT INTO t VALUES (\(2))")
                throw Boom()
            }
        }
        // A server error mid-transaction rolls back the earlier insert too.
        let error = try await #require(throws: PostgresError.self) {
            try await pool.transaction { connection in
                try await connection.query("INSERT INTO t VALUES (\(3))")
                try await connection.query("INSERT INTO t VALUES (\(1))")
            }
        }
        #expect(error.code == .uniqueViolation)
        let ids = try await pool.query("SELECT id FROM t ORDER BY id").rows.map { try $0.decode("id", as: Int.self) }
        #expect(ids == [1])
        #expect(pool.statistics.inUse == 0)
    }

    /// `atCommit` statements run after the body, in order, just before COMMIT; a rollback
    /// drops them; outside a pool transaction they run at once.
    @Test func atCommitRunsLastAndOnlyOnCommit() async throws {
        let pool = try await makePool()
        defer { Task { await pool.close() } }
        try await pool.query("CREATE TABLE log (n serial PRIMARY KEY, what text NOT NULL)")
        try await pool.transaction { c in
            try await c.atCommit("INSERT INTO log (what) VALUES (\("deferred 1"))")
            try await c.query("INSERT INTO log (what) VALUES (\("body"))")
            try await c.atCommit("INSERT INTO log (what) VALUES (\("deferred 2"))")
            // Not yet written while the body runs.
            let seen: Int64 = try await c.query("SELECT count(*) AS n FROM log WHERE what LIKE 'deferred%'").rows[0].decode("n")
            #expect(seen == 0)
        }
        await #expect(throws: Boom.self) {
            try await pool.transaction { c in
                try await c.atCommit("INSERT INTO log (what) VALUES (\("rolled back"))")
                throw Boom()
            }
        }
        try await pool.withConnection { c in try await c.atCommit("INSERT INTO log (what) VALUES (\("autocommit"))") }
        let rows = try await pool.query("SELECT what FROM log ORDER BY n").rows.map { try $0.decode("what", as: String.self) }
        #expect(rows == ["body", "deferred 1", "deferred 2", "autocommit"])
    }

    /// A pipeline returns every statement's result in order; a failing statement's error is
    /// the one thrown, the statements after it do not run, and the connection stays usable.
    @Test func pipelineRunsInOrderAndStopsAtTheFirstError() async throws {
        let pool = try await makePool(poolSize: 1)
        defer { Task { await pool.close() } }
        try await pool.query("CREATE TABLE p (id int PRIMARY KEY, note text)")
        let results = try await pool.withConnection { c in
            try await c.pipeline([
                "INSERT INTO p VALUES (\(1), \("one"))", "INSERT INTO p VALUES (\(2), \(String?.none))",
                "SELECT id, note FROM p ORDER BY id",
            ])
        }
        #expect(results.count == 3)
        #expect(results[0].affectedRows == 1)
        #expect(try results[2].rows.map { try $0.decode("note", as: String?.self) } == ["one", nil])

        let error = try await #require(throws: PostgresError.self) {
            try await pool.transaction { c in
                try await c.query("INSERT INTO p VALUES (\(3), \("body"))")
                try await c.atCommit("INSERT INTO p VALUES (\(4), \("deferred"))")
                try await c.atCommit("INSERT INTO p VALUES (\(1), \("duplicate"))")
                try await c.atCommit("INSERT INTO p VALUES (\(5), \("after the error"))")
            }
        }
        #expect(error.code == .uniqueViolation)
        // The whole transaction is gone, and the one connection serves the next caller.
        let ids = try await pool.query("SELECT id FROM p ORDER BY id").rows.map { try $0.decode("id", as: Int.self) }
        #expect(ids == [1, 2])
        // A NUL in a text parameter is refused before anything is sent.
        await #expect(throws: PostgresError.self) {
            try await pool.withConnection { c in
                try await c.pipeline(["INSERT INTO p VALUES (\(6), \("a"))", "INSERT INTO p VALUES (\(7), \("b\u{0}"))"])
            }
        }
        #expect(try await pool.query("SELECT count(*) AS n FROM p").rows[0].decode("n", as: Int.self) == 2)
        #expect(pool.statistics.inUse == 0)
    }

    @Test func serializationFailureThrownByBodyIsRetried() async throws {
        let pool = try await makePool()
        defer { Task { await pool.close() } }
        try await pool.query("CREATE TABLE t (id int PRIMARY KEY)")
        var attempts = 0
        let result = try await pool.transaction(isolation: .serializable) { connection in
            attempts += 1
            try await connection.query("INSERT INTO t VALUES (\(attempts))")
            if attempts == 1 {
                try await connection.query("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$")
            }
            return attempts
        }
        #expect(result == 2)
        let ids = try await pool.query("SELECT id FROM t").rows.map { try $0.decode("id", as: Int.self) }
        #expect(ids == [2])
        // maxAttempts bounds the retries.
        var runs = 0
        let error = try await #require(throws: PostgresError.self) {
            try await pool.transaction(maxAttempts: 3) { connection in
                runs += 1
                try await connection.query("DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '40P01'; END $$")
            }
        }
        #expect(error.code == .deadlockDetected)
        #expect(runs == 3)
    }

    @Test func conflictingSerializableTransactionsBothCommitThroughRetry() async throws {
        let pool = try await makePool(poolSize: 2)
        defer { Task { await pool.close() } }
        try await pool.query("CREATE TABLE oncall (doctor text PRIMARY KEY, on_duty boolean NOT NULL)")
        try await pool.query("INSERT INTO oncall VALUES ('alice', true), ('bob', true)")
        let arrived = SharedCounter()
        let totalRuns = SharedCounter()

        /// Write skew: each reads the set, then changes a row the other read.
        @Sendable func flip(_ doctor: String) async throws -> Int {
            var myRuns = 0
            try await pool.transaction(isolation: .serializable) { connection in
                myRuns += 1
                totalRuns.increment()
                _ = try await connection.query("SELECT count(*) FROM oncall WHERE on_duty")
                if myRuns == 1 {
                    // Make sure both snapshots are taken before either writes.
                    arrived.increment()
                    let deadline = ContinuousClock.now + .seconds(3)
                    while arrived.value < 2 && ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(5))
                    }
                }
                try await connection.query("UPDATE oncall SET on_duty = NOT on_duty WHERE doctor = \(doctor)")
            }
            return myRuns
        }
        let runs = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask { try await flip("alice") }
            group.addTask { try await flip("bob") }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        let (runsA, runsB) = (runs[0], runs[1])
        #expect(runsA + runsB == totalRuns.value)
        #expect(runsA + runsB >= 3, "one of the two must have been retried")
        let onDuty = try await pool.query("SELECT count(*) AS n FROM oncall WHERE on_duty").rows[0]
        #expect(try onDuty.decode("n", as: Int.self) == 0)
    }

    @Test func rollbackFailureDoesNotHideOriginalError() async throws {
        let pool = try await makePool(poolSize: 1)
        defer { Task { await pool.close() } }
        let error = try await #require(throws: PostgresError.self) {
            try await pool.transaction { connection in
                // Killing our own backend makes both the statement and ROLLBACK fail.
                try await connection.query("SELECT pg_terminate_backend(pg_backend_pid())")
            }
        }
        #expect(error.kind == .connection)
        // The broken connection was discarded; the pool works again.
        #expect(try await pool.query("SELECT 1 AS one").rows[0].decode("one", as: Int.self) == 1)
    }
}
