import Foundation
import Testing

@testable import Postgres

@Suite struct PostgresErrorTests {
    @Test func uniqueViolationCarriesCodeAndConstraint() async throws {
        let sink = LogSink()
        let pool = try await makePool(logger: sink.logger)
        defer { Task { await pool.close() } }
        try await pool.query("CREATE TABLE users (id int PRIMARY KEY, email text CONSTRAINT users_email_key UNIQUE)")
        try await pool.query("INSERT INTO users VALUES (1, \("secret@example.com"))")
        let error = try await #require(throws: PostgresError.self) {
            try await pool.query("INSERT INTO users VALUES (2, \("secret@example.com"))")
        }
        #expect(error.kind == .server)
        #expect(error.code == .uniqueViolation)
        #expect(error.sqlState == "23505")
        #expect(error.constraint == "users_email_key")
        #expect(error.table == "users")
        #expect(!error.isRetryable)
        // Server text (which here contains the e-mail) is only in serverMessage and the log.
        #expect(error.serverMessage.contains("secret@example.com"))
        #expect(!error.description.contains("secret"))
        #expect(!"\(error)".contains("users_email_key"))
        #expect(error.description.contains("23505"))
        #expect(sink.all.contains { $0.contains("secret@example.com") })
        // The connection stays usable after a server error.
        #expect(await pool.ping())
    }

    @Test func constraintFamiliesMapToTypedCodes() async throws {
        let pool = try await makePool()
        defer { Task { await pool.close() } }
        try await pool.query("CREATE TABLE parent (id int PRIMARY KEY)")
        try await pool.query(
            """
            CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent(id),
              amount int NOT NULL CONSTRAINT amount_positive CHECK (amount > 0))
            """)
        func code(_ query: PostgresQuery) async -> PostgresError? {
            do {
                try await pool.query(query)
                return nil
            } catch {
                return error as? PostgresError
            }
        }
        #expect(await code("INSERT INTO child VALUES (1, \(99), 1)")?.code == .foreignKeyViolation)
        #expect(await code("INSERT INTO child VALUES (1, NULL, \(-1))")?.code == .checkViolation)
        #expect(await code("INSERT INTO child VALUES (1, NULL, \(-1))")?.constraint == "amount_positive")
        #expect(await code("INSERT INTO child VALUES (1, NULL, \(Int?.none))")?.code == .notNullViolation)
        #expect(await code("SELECT \("abc")::int")?.code == .invalidTextRepresentation)
        #expect(await code("DO $$ BEGIN RAISE EXCEPTION 'nope'; END $$")?.code == .raiseException)
        #expect(await code("SELECT * FROM missing_table")?.code == .undefinedTable)
        #expect(await code("SELECT 1/0")?.code == .other)
        #expect(PostgresError.Code(sqlState: "40001") == .serializationFailure)
        #expect(PostgresError.Code(sqlState: "40P01") == .deadlockDetected)
        #expect(PostgresError.Code(sqlState: "23P01") == .exclusionViolation)
        #expect(PostgresError.Code(sqlState: "57014") == .queryCanceled)
        #expect(PostgresError.Code(sqlState: "55P03") == .lockNotAvailable)
        #expect(PostgresError(kind: .server, sqlState: "40P01").isRetryable)
    }

    @Test func statementTimeoutIsApplied() async throws {
        let url = try await TestDatabases.freshDatabase()
        var configuration = PostgresConfiguration(url: url)
        // Every statement on the connection runs under the timeout, the session set-up too: 100 ms
        // was missed by plain statements on a loaded machine, so 1 s against a 30 s sleep.
        configuration.statementTimeoutMilliseconds = 1000
        let pool = PostgresPool(configuration: configuration)
        defer { Task { await pool.close() } }
        let error = try await #require(throws: PostgresError.self) { try await pool.query("SELECT pg_sleep(30)") }
        #expect(error.code == .queryCanceled)
        let name = try await pool.query("SELECT current_setting('application_name') AS a").rows[0]
        #expect(try name.decode("a", as: String.self) == "clusterxchange")
    }

    @Test func connectionFailureIsConnectionKind() async throws {
        var configuration = PostgresConfiguration(url: "postgresql:///nope?host=/nonexistent-socket-dir&user=postgres")
        configuration.poolSize = 1
        let pool = PostgresPool(configuration: configuration)
        let error = try await #require(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error.kind == .connection)
        #expect(await pool.ping() == false)
        #expect(pool.statistics.size <= 1)
        await pool.close()
    }
}
