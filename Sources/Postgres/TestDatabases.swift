import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Test support: one embedded server per test process and a fresh database
/// per suite, cloned from a migrated template so each suite starts in
/// milliseconds with the real schema and no shared state.
///
/// The server lives at `<package root>/.data/test-postgres` (the package root
/// is found from the caller's `#filePath`) or at `$CX_TEST_PGDATA`. It is left
/// running after the tests; the Makefile stops it.
public enum TestDatabases {
    /// The shared test server, started (or reused) on first use.
    public static func server(filePath: String = #filePath) async throws -> EmbeddedPostgres {
        try await Registry.shared.server(dataDirectory: dataDirectory(filePath: filePath))
    }

    /// Creates an empty-or-migrated database and returns its URL.
    /// `migrationsDirectory` nil gives a plain database.
    public static func freshDatabase(migrationsDirectory: URL? = nil, filePath: String = #filePath) async throws -> String {
        let server = try await server(filePath: filePath)
        let template: String?
        if let migrationsDirectory {
            template = try await Registry.shared.template(server: server, migrations: migrationsDirectory)
        } else {
            template = nil
        }
        let name = "cx_test_\(getpid())_\(Registry.shared.nextNumber())"
        try await runOnDedicatedThread { try server.createDatabase(name, template: template) }
        return server.connectionURL(database: name)
    }

    /// `<package root>/Migrations` of the package containing `filePath`.
    public static func migrationsDirectory(filePath: String = #filePath) -> URL {
        packageRoot(containing: filePath).appendingPathComponent("Migrations")
    }

    /// `$CX_TEST_PGDATA`, else `.data/test-postgres` in the package that contains `filePath`.
    public static func dataDirectory(filePath: String = #filePath) -> URL {
        if let path = ProcessInfo.processInfo.environment["CX_TEST_PGDATA"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return packageRoot(containing: filePath).appendingPathComponent(".data/test-postgres")
    }

    static func packageRoot(containing filePath: String) -> URL {
        var url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    /// Serialises server start and template builds within the process; the
    /// stored tasks make concurrent callers share one piece of work.
    actor Registry {
        static let shared = Registry()

        private var servers: [String: Task<EmbeddedPostgres, any Error>] = [:]
        private var templates: [String: Task<String, any Error>] = [:]
        private nonisolated let counter = Counter()

        nonisolated func nextNumber() -> Int { counter.next() }

        func server(dataDirectory: URL) async throws -> EmbeddedPostgres {
            let key = dataDirectory.standardizedFileURL.path
            if let task = servers[key] { return try await task.value }
            let task = Task<EmbeddedPostgres, any Error> {
                let server = EmbeddedPostgres(dataDirectory: dataDirectory, unsafeFastMode: true)
                try await runOnDedicatedThread {
                    try server.start()
                    Registry.dropLeftovers(server)
                }
                return server
            }
            servers[key] = task
            do {
                return try await task.value
            } catch {
                servers[key] = nil
                throw error
            }
        }

        func template(server: EmbeddedPostgres, migrations directory: URL) async throws -> String {
            let migrations = try Migrator.load(directory)
            let fingerprint = stableHash(migrations.map { "\($0.name)\n\($0.sql)" }.joined(separator: "\u{0}"))
            let key = server.dataDirectory.path + "|" + fingerprint
            if let task = templates[key] { return try await task.value }
            let task = Task<String, any Error> {
                let name = "cx_tpl_\(fingerprint)"
                if try await runOnDedicatedThread({ try server.databaseExists(name) }) { return name }
                // Build under a private name and publish by renaming, so another
                // process never clones a half-migrated template.
                let building = "cx_tplbuild_\(getpid())_\(counter.next())"
                try await runOnDedicatedThread { try server.createDatabase(building) }
                let pool = PostgresPool(
                    configuration: {
                        var configuration = PostgresConfiguration(url: server.connectionURL(database: building))
                        configuration.poolSize = 1
                        return configuration
                    }())
                do {
                    try await Migrator(pool: pool, directory: directory).migrate()
                    await pool.close()
                } catch {
                    await pool.close()
                    try? await runOnDedicatedThread { try server.dropDatabase(building) }
                    throw error
                }
                do {
                    try await runOnDedicatedThread { try server.renameDatabase(building, to: name) }
                } catch let error as PostgresError where error.sqlState == "42P04" {
                    try? await runOnDedicatedThread { try server.dropDatabase(building) }
                }
                return name
            }
            templates[key] = task
            do {
                return try await task.value
            } catch {
                templates[key] = nil
                throw error
            }
        }

        /// Drops databases left by earlier test processes that have exited,
        /// so the data folder does not grow run after run.
        nonisolated static func dropLeftovers(_ server: EmbeddedPostgres) {
            guard let names = try? server.databaseNames() else { return }
            for name in names where name.hasPrefix("cx_test_") || name.hasPrefix("cx_tplbuild_") {
                let parts = name.split(separator: "_")
                guard parts.count >= 3, let pid = Int32(parts[2]), pid != getpid() else { continue }
                if kill(pid, 0) != 0 && errno == ESRCH {
                    try? server.dropDatabase(name)
                }
            }
        }
    }

    final class Counter: Sendable {
        private let value = Mutex(0)
        func next() -> Int {
            value.withLock { v in
                v += 1
                return v
            }
        }
    }
}
