import Foundation
import Synchronization
import Testing

@testable import Postgres

/// Server notices reach the configured handler as structured values instead of libpq's raw
/// stderr lines, which broke the one-JSON-object-per-line log.
@Suite struct PostgresNoticeTests {
    final class Notices: Sendable {
        private let items = Mutex<[PostgresNotice]>([])
        var handler: @Sendable (PostgresNotice) -> Void { { notice in self.items.withLock { $0.append(notice) } } }
        var all: [PostgresNotice] { items.withLock { $0 } }
    }

    func pool(_ notices: Notices, poolSize: Int = 1) async throws -> PostgresPool {
        var configuration = PostgresConfiguration(url: try await TestDatabases.freshDatabase())
        configuration.poolSize = poolSize
        configuration.noticeHandler = notices.handler
        return PostgresPool(configuration: configuration)
    }

    @Test func raisedNoticeAndWarningArriveStructured() async throws {
        let notices = Notices()
        let pool = try await pool(notices)
        defer { Task { await pool.close() } }
        try await pool.query("DO $$ BEGIN RAISE NOTICE 'x'; END $$")
        try await pool.query("DO $$ BEGIN RAISE WARNING 'careful' USING ERRCODE = '01000'; END $$")
        let got = notices.all
        #expect(got.contains(PostgresNotice(severity: "NOTICE", sqlState: "00000", message: "x")), "\(got)")
        #expect(got.contains(PostgresNotice(severity: "WARNING", sqlState: "01000", message: "careful")), "\(got)")
    }

    /// The FATAL a terminated backend leaves in an idle connection's socket is what libpq used
    /// to print raw ("FATAL:  terminating connection due to administrator command").
    @Test func fatalOfTerminatedIdleBackendArrivesStructured() async throws {
        let notices = Notices()
        let pool = try await pool(notices)
        defer { Task { await pool.close() } }
        let pid = try await pool.query("SELECT pg_backend_pid() AS pid").rows[0].decode("pid", as: Int32.self)
        let admin = try await PostgresConnection.connect(configuration: PostgresConfiguration(url: pool.configuration.url))
        try await admin.query("SELECT pg_terminate_backend(\(pid), 5000)")
        await admin.close()
        let again = try await pool.query("SELECT pg_backend_pid() AS pid").rows[0].decode("pid", as: Int32.self)
        #expect(again != pid)
        #expect(notices.all.contains { $0.severity == "FATAL" && $0.sqlState == "57P01" }, "\(notices.all)")
    }

    /// A statement cut off by a FATAL is a lost connection (the caller maps it to 503), never a
    /// plain server error that the pool would keep using.
    @Test func fatalDuringStatementIsAConnectionError() async throws {
        let notices = Notices()
        let pool = try await pool(notices)
        defer { Task { await pool.close() } }
        let error = try await #require(throws: PostgresError.self) {
            try await pool.query("SELECT pg_terminate_backend(pg_backend_pid())")
        }
        #expect(error.kind == .connection, "\(error.logDescription)")
        #expect(try await pool.query("SELECT 1 AS one").rows[0].decode("one", as: Int.self) == 1)
    }

    @Test func connectFailureIsThrownNotPrinted() async throws {
        var configuration = PostgresConfiguration(url: "postgresql:///nope?host=/nonexistent-cx-socket&user=postgres")
        configuration.poolSize = 1
        let lines = LogSink()
        let pool = PostgresPool(configuration: configuration, logger: lines.logger)
        defer { Task { await pool.close() } }
        let error = try await #require(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error.kind == .connection)
        #expect(error.serverMessage.contains("nonexistent-cx-socket"))
        #expect(lines.all.contains { $0.contains("nonexistent-cx-socket") && !$0.contains("\n") }, "\(lines.all)")
    }
}
