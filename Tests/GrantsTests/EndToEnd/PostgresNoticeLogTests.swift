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
        let server = try GrantsServer.start(
            configuration: TestApp.configuration, databaseURL: try await TestApp.freshDatabase(),
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

/// The real `clusterxchange serve` binary: everything it writes on stderr while its backends are
/// terminated is JSON, one object per line (libpq printed `FATAL:  terminating connection due to
/// administrator command` raw before).
@Suite("Service stderr is JSON lines")
struct ServiceStderrTests {
    @Test func terminatedBackendsLeaveOnlyJSONLinesOnStderr() async throws {
        let url = try await TestApp.freshDatabase()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("cx-stderr-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let port = CrashRecoveryTests.freePort()
        let process = Process()
        process.executableURL = TestApp.root.appendingPathComponent(".build/debug/clusterxchange")
        process.arguments = ["serve"]
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = url
        env["PORT"] = String(port)
        env["CX_ROOT"] = TestApp.root.path
        env["LOG_LEVEL"] = "info"
        env["MIGRATE_ON_START"] = "false"
        env["BCRYPT_COST"] = "4"
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        defer {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
        let client = HTTPTestClient(base: "http://127.0.0.1:\(port)", timeoutSeconds: 10)
        var ready = false
        for _ in 0..<200 where !ready {
            if let r = try? await client.send("GET", "/readyz"), r.status == 200 {
                ready = true
            } else {
                try await Task.sleep(for: .milliseconds(25))
            }
        }
        try #require(ready, "service did not become ready")
        // Several pooled connections, then every backend of the service terminated while idle.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<6 { group.addTask { _ = try? await client.send("GET", "/readyz") } }
        }
        let admin = try await PostgresConnection.connect(configuration: PostgresConfiguration(url: url))
        _ = try await admin.query(
            """
            SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
            """)
        await admin.close()
        for _ in 0..<6 { #expect(try await client.send("GET", "/readyz").status == 200) }
        process.terminate()
        process.waitUntilExit()
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
        let raw = lines.filter { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] == nil }
        #expect(raw.isEmpty, "lines on stderr that are not JSON: \(raw.prefix(5))")
        #expect(lines.contains { $0.contains("\"postgres notice\"") && $0.contains("57P01") }, "\(lines.suffix(10))")
    }
}
