import Foundation

/// Why migrations refused to run; startup must abort on any of these.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// An applied migration's file changed since it ran: the schema no
        /// longer matches the source, so refuse rather than guess.
        case checksumMismatch
        case duplicateVersion
        case unreadableDirectory
        /// The migration's SQL failed; its transaction was rolled back.
        case failed
    }

    public var kind: Kind
    public var version: Int?
    public var name: String?
    public var underlying: (any Error)?

    public var description: String {
        var text = "MigrationError.\(kind)"
        if let version { text += " version \(version)" }
        if let name { text += " (\(name))" }
        if let underlying { text += ": \(underlying)" }
        return text
    }
}

/// Applies `NNNN_name.sql` files in version order, each exactly once.
///
/// Every file runs in its own transaction together with its bookkeeping row,
/// so a failure leaves neither half-applied schema nor a false record. The
/// whole run holds a session advisory lock, so instances starting together
/// queue up instead of racing. Files must not contain their own
/// BEGIN/COMMIT or statements that cannot run in a transaction block.
public struct Migrator: Sendable {
    public let pool: PostgresPool
    public let directory: URL

    /// Arbitrary constant key ("CXMIGR") shared by every instance.
    static let advisoryLockKey: Int64 = 0x43_58_4D_49_47_52

    public struct Migration: Sendable, Hashable {
        public var version: Int
        /// File name without `.sql`, e.g. `0001_create_users`.
        public var name: String
        public var sql: String
    }

    public init(pool: PostgresPool, directory: URL) {
        self.pool = pool
        self.directory = directory
    }

    /// Applies what is missing; returns the names applied by this call.
    @discardableResult
    public func migrate() async throws -> [String] {
        let migrations = try Migrator.load(directory)
        return try await pool.withConnection { connection in
            // Waiting for another instance's migrations and running long DDL
            // must not trip the pool's statement_timeout; restored afterwards
            // because the connection goes back to the pool.
            try await connection.query("SELECT set_config('statement_timeout', '0', false)")
            let timeout = String(pool.configuration.statementTimeoutMilliseconds)
            let restore: PostgresQuery = """
                SELECT pg_advisory_unlock(\(Migrator.advisoryLockKey)), set_config('statement_timeout', \(timeout), false)
                """
            do {
                try await connection.query("SELECT pg_advisory_lock(\(Migrator.advisoryLockKey))")
                let applied = try await apply(migrations, on: connection)
                try await connection.query(restore)
                return applied
            } catch {
                _ = try? await connection.query(restore)
                throw error
            }
        }
    }

    /// Names of files not yet applied (for /readyz); does not take the lock.
    public func pending() async throws -> [String] {
        try await pending(of: Migrator.load(directory))
    }

    /// The names in `migrations` not yet applied. Takes a list loaded once, so a readiness
    /// probe asks the database only and never rereads the folder.
    public func pending(of migrations: [Migration]) async throws -> [String] {
        try await pool.withConnection { connection in
            let present = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
            guard try present.rows.first?.decode("present", as: Bool.self) == true else {
                return migrations.map(\.name)
            }
            let rows = try await connection.query("SELECT version FROM schema_migrations").rows
            let done = Set(try rows.map { try $0.decode("version", as: Int.self) })
            return migrations.filter { !done.contains($0.version) }.map(\.name)
        }
    }

    private func apply(_ migrations: [Migration], on connection: PostgresConnection) async throws -> [String] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version int PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        var recorded: [Int: String] = [:]
        for row in try await connection.query("SELECT version, checksum FROM schema_migrations").rows {
            recorded[try row.decode("version")] = try row.decode("checksum", as: String.self)
        }
        var appliedNow: [String] = []
        for migration in migrations {
            let checksum = try await connection.query(
                "SELECT encode(sha256(convert_to(\(migration.sql), 'UTF8')), 'hex') AS sum"
            ).rows[0].decode("sum", as: String.self)
            if let existing = recorded[migration.version] {
                guard existing == checksum else {
                    throw MigrationError(kind: .checksumMismatch, version: migration.version, name: migration.name)
                }
                continue
            }
            try await connection.query("BEGIN")
            do {
                try await connection.executeScript(migration.sql)
                try await connection.query(
                    """
                    INSERT INTO schema_migrations (version, name, checksum, applied_at)
                    VALUES (\(migration.version), \(migration.name), \(checksum), now())
                    """)
                try await connection.query("COMMIT")
            } catch {
                _ = try? await connection.query("ROLLBACK")
                throw MigrationError(kind: .failed, version: migration.version, name: migration.name, underlying: error)
            }
            appliedNow.append(migration.name)
        }
        return appliedNow
    }

    /// Reads `NNNN_name.sql` files sorted by number; other files are ignored.
    public static func load(_ directory: URL) throws -> [Migration] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MigrationError(kind: .unreadableDirectory, underlying: error)
        }
        var migrations: [Migration] = []
        for file in files where file.hasSuffix(".sql") {
            let stem = String(file.dropLast(4))
            guard let underscore = stem.firstIndex(of: "_"),
                let version = Int(stem[..<underscore]), stem[..<underscore].allSatisfy(\.isASCII)
            else { continue }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            migrations.append(Migration(version: version, name: stem, sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (a, b) in zip(migrations, migrations.dropFirst()) where a.version == b.version {
            throw MigrationError(kind: .duplicateVersion, version: b.version, name: b.name)
        }
        return migrations
    }
}
