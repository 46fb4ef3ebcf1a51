import Foundation
import Testing

@testable import Postgres

@Suite struct MigratorTests {
    static let files = [
        "0001_create_accounts.sql": """
        CREATE TABLE accounts (id bigserial PRIMARY KEY, name text NOT NULL);
        CREATE INDEX accounts_name ON accounts (name);
        """,
        "0002_seed.sql": "INSERT INTO accounts (name) VALUES ('León'); INSERT INTO accounts (name) VALUES ('Iași');",
        "0010_later.sql": "ALTER TABLE accounts ADD COLUMN note text;",
        "README.md": "not a migration",
    ]

    @Test func appliesOnceInOrderAndRecords() async throws {
        let directory = try makeMigrationsDirectory(Self.files)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try await makePool()
        defer { Task { await pool.close() } }
        let migrator = Migrator(pool: pool, directory: directory)
        #expect(try await migrator.pending() == ["0001_create_accounts", "0002_seed", "0010_later"])
        #expect(try await migrator.migrate() == ["0001_create_accounts", "0002_seed", "0010_later"])
        #expect(try await migrator.migrate() == [])
        #expect(try await migrator.pending() == [])
        let timeout = try await pool.query("SELECT current_setting('statement_timeout') AS t").rows[0]
        #expect(try timeout.decode("t", as: String.self) == "30s")
        let rows = try await pool.query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version").rows
        #expect(try rows.map { try $0.decode("version", as: Int.self) } == [1, 2, 10])
        #expect(try rows[0].decode("checksum", as: String.self).count == 64)
        _ = try rows[0].decode("applied_at", as: Date.self)
        #expect(try await pool.query("SELECT count(*) AS n FROM accounts").rows[0].decode("n", as: Int.self) == 2)

        // A new file is picked up later.
        try "CREATE TABLE extra (id int);".write(
            to: directory.appendingPathComponent("0011_extra.sql"), atomically: true, encoding: .utf8)
        #expect(try await migrator.pending() == ["0011_extra"])
        #expect(try await migrator.migrate() == ["0011_extra"])
    }

    @Test func editedAppliedMigrationIsRefused() async throws {
        let directory = try makeMigrationsDirectory(Self.files)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try await makePool()
        defer { Task { await pool.close() } }
        try await Migrator(pool: pool, directory: directory).migrate()
        try "INSERT INTO accounts (name) VALUES ('changed');".write(
            to: directory.appendingPathComponent("0002_seed.sql"), atomically: true, encoding: .utf8)
        let error = try await #require(throws: MigrationError.self) {
            try await Migrator(pool: pool, directory: directory).migrate()
        }
        #expect(error.kind == .checksumMismatch)
        #expect(error.version == 2)
        // The lock was released: a fixed file migrates fine.
        try (Self.files["0002_seed.sql"]!).write(
            to: directory.appendingPathComponent("0002_seed.sql"), atomically: true, encoding: .utf8)
        #expect(try await Migrator(pool: pool, directory: directory).migrate() == [])
    }

    @Test func failingMigrationRollsBackCompletely() async throws {
        let directory = try makeMigrationsDirectory([
            "0001_ok.sql": "CREATE TABLE a (id int);",
            "0002_bad.sql": "CREATE TABLE b (id int); SELECT * FROM does_not_exist;",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try await makePool()
        defer { Task { await pool.close() } }
        let error = try await #require(throws: MigrationError.self) {
            try await Migrator(pool: pool, directory: directory).migrate()
        }
        #expect(error.kind == .failed && error.version == 2)
        #expect((error.underlying as? PostgresError)?.code == .undefinedTable)
        let tables = try await pool.query("SELECT to_regclass('a') IS NOT NULL AS a, to_regclass('b') IS NOT NULL AS b").rows[0]
        #expect(try tables.decode("a", as: Bool.self) == true)
        #expect(try tables.decode("b", as: Bool.self) == false)
        #expect(try await Migrator(pool: pool, directory: directory).pending() == ["0002_bad"])
    }

    @Test func concurrentMigratorsDoNotConflict() async throws {
        let directory = try makeMigrationsDirectory(Self.files)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try await TestDatabases.freshDatabase()
        let pools = (0..<4).map { _ in PostgresPool(configuration: PostgresConfiguration(url: url)) }
        let applied = try await withThrowingTaskGroup(of: [String].self) { group in
            for pool in pools { group.addTask { try await Migrator(pool: pool, directory: directory).migrate() } }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        #expect(applied.flatMap { $0 }.sorted() == ["0001_create_accounts", "0002_seed", "0010_later"])
        #expect(try await pools[0].query("SELECT count(*) AS n FROM accounts").rows[0].decode("n", as: Int.self) == 2)
        for pool in pools { await pool.close() }
    }

    @Test func freshDatabasesFromTemplateAreMigratedAndIndependent() async throws {
        let directory = try makeMigrationsDirectory(Self.files)
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await TestDatabases.freshDatabase(migrationsDirectory: directory)
        let second = try await TestDatabases.freshDatabase(migrationsDirectory: directory)
        #expect(first != second)
        let a = PostgresPool(configuration: PostgresConfiguration(url: first))
        let b = PostgresPool(configuration: PostgresConfiguration(url: second))
        try await a.query("INSERT INTO accounts (name) VALUES ('only in a')")
        #expect(try await a.query("SELECT count(*) AS n FROM accounts").rows[0].decode("n", as: Int.self) == 3)
        #expect(try await b.query("SELECT count(*) AS n FROM accounts").rows[0].decode("n", as: Int.self) == 2)
        #expect(try await Migrator(pool: b, directory: directory).pending() == [])
        await a.close()
        await b.close()
    }

    @Test func duplicateVersionsAreRejected() throws {
        let directory = try makeMigrationsDirectory(["0001_a.sql": "SELECT 1;", "001_b.sql": "SELECT 1;"])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: MigrationError.self) { try Migrator.load(directory) }
    }
}
