import Foundation
import Grants
import HTTP
import Postgres
import Synchronization
import Testing

/// Issue 15 finding 8 (part): raw libpq lines reached stderr outside the JSON log. The service's
/// pool now hands every server notice to its logger, one JSON object per line.
@Suite("PostgreSQL notices in the service log")
struct PostgresNoticeLogTests {
    final class Lines: Sendable {
        let items = Mutex<[String]>([])
        var all: [String] { items.withLock { $0 } }
    }

    @Test func raisedNoticeIsAStructuredLogEntry() async throws {
        let lines = Lines()
        let logger = Logger(label: "test", level: .info, sink: .custom { line in lines.items.withLock { $0.append(line) } })
        let server = try GrantsServer.start(configuration: TestApp.configuration, databaseURL: try await TestApp.freshDatabase(),
                                            logger: logger)
        _ = try await server.pool.query("DO $$ BEGIN RAISE NOTICE 'x'; END $$")
        _ = try await server.pool.query("DO $$ BEGIN RAISE WARNING 'disk nearly full'; END $$")
        await server.shutdown()
        let entries = lines.all.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: String]
        }
        #expect(entries.count == lines.all.count, "every line is one JSON object: \(lines.all)")
        let notice = try #require(entries.first { $0["msg"] == "postgres notice" && $0["message"] == "x" }, "\(lines.all)")
        #expect(notice["level"] == "info" && notice["severity"] == "NOTICE" && notice["sqlstate"] == "00000")
        let warning = try #require(entries.first { $0["message"] == "disk nearly full" }, "\(lines.all)")
        #expect(warning["level"] == "warning" && warning["severity"] == "WARNING")
    }
}
