import Foundation
import Testing

@testable import Postgres

@Suite struct EmbeddedPostgresTests {
    @Test func urlPercentEncodesSocketFolder() {
        let server = EmbeddedPostgres(dataDirectory: URL(fileURLWithPath: "/srv/my data/pg"), databaseName: "clusterxchange")
        #expect(server.socketDirectory == "/srv/my data/pg")
        #expect(server.connectionURL() == "postgresql:///clusterxchange?host=%2Fsrv%2Fmy%20data%2Fpg&user=postgres")
    }

    @Test func longDataPathsGetShortDeterministicSocketFolder() {
        let deep = "/tmp/" + String(repeating: "very-long-folder-name/", count: 6) + "pg"
        let server = EmbeddedPostgres(dataDirectory: URL(fileURLWithPath: deep))
        #expect(server.socketDirectory.hasPrefix("/tmp/cx-pg-"))
        #expect(server.socketDirectory.utf8.count + "/.s.PGSQL.5432".utf8.count < 107)
        #expect(EmbeddedPostgres(dataDirectory: URL(fileURLWithPath: deep)).socketDirectory == server.socketDirectory)
    }

    @Test func identifiersAreValidated() {
        #expect(throws: EmbeddedPostgres.Failure.self) { try EmbeddedPostgres.validIdentifier("Bad-Name") }
        #expect(throws: EmbeddedPostgres.Failure.self) { try EmbeddedPostgres.validIdentifier("x\"; DROP DATABASE y; --") }
        #expect(throws: EmbeddedPostgres.Failure.self) { try EmbeddedPostgres.validIdentifier("9abc") }
        #expect(throws: EmbeddedPostgres.Failure.self) { try EmbeddedPostgres.validIdentifier(String(repeating: "a", count: 64)) }
        #expect((try? EmbeddedPostgres.validIdentifier("cx_test_1")) == "cx_test_1")
    }

    @Test func sharedServerCreatesAndDropsDatabases() async throws {
        let server = try await TestDatabases.server()
        #expect(try server.isRunning())
        // start() again reuses the running server.
        let url = try server.start()
        #expect(url.contains("clusterxchange"))
        let name = "cx_test_\(getpid())_embedded_\(Int.random(in: 0..<1_000_000))"
        try server.createDatabase(name)
        #expect(try server.databaseExists(name))
        let pool = PostgresPool(configuration: PostgresConfiguration(url: server.connectionURL(database: name)))
        #expect(await pool.ping())
        await pool.close()
        try server.dropDatabase(name)
        #expect(try !server.databaseExists(name))
    }
}

@Suite struct EmbeddedServerLifecycleTests {
    /// A private server (deep path → socket under /tmp) restarted under a live
    /// pool: the idle connection is dead afterwards and must be replaced.
    @Test func poolSurvivesServerRestart() async throws {
        let root = URL(fileURLWithPath: "/tmp/cx-lifecycle-\(getpid())-\(Int.random(in: 0..<1_000_000))")
        let deep = root.appendingPathComponent(String(repeating: "nested-folder-name/", count: 5) + "pg")
        let server = EmbeddedPostgres(dataDirectory: deep, databaseName: "lifecycle", unsafeFastMode: true)
        #expect(server.socketDirectory.hasPrefix("/tmp/cx-pg-"))
        defer {
            try? server.stop()
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(atPath: server.socketDirectory)
        }
        let url = try await runOnDedicatedThread { try server.start() }
        #expect(FileManager.default.fileExists(atPath: deep.appendingPathComponent("server.log").path))
        var configuration = PostgresConfiguration(url: url)
        configuration.poolSize = 1
        let pool = PostgresPool(configuration: configuration)
        try await pool.query("CREATE TABLE kept (v text)")
        try await pool.query("INSERT INTO kept VALUES (\("León"))")
        try await runOnDedicatedThread {
            try server.stop()
            try server.start()
        }
        let row = try await pool.query("SELECT v FROM kept").rows[0]
        #expect(try row.decode("v", as: String.self) == "León")
        await pool.close()
    }
}
