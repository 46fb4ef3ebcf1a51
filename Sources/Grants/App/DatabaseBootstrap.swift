import Foundation
import HTTP
import Postgres

/// Where the database is: `DATABASE_URL`, or the private embedded server under `.data/`.
public struct DatabaseBootstrap: Sendable {
    public let url: String
    /// Set when this process started the embedded server and should stop it on exit.
    public let embedded: EmbeddedPostgres?

    public static func resolve(_ configuration: GrantsConfiguration, logger: Logger) throws -> DatabaseBootstrap {
        if let url = configuration.databaseURL { return DatabaseBootstrap(url: url, embedded: nil) }
        let server = EmbeddedPostgres(dataDirectory: configuration.embeddedDataDirectory)
        let wasRunning = (try? server.isRunning()) ?? false
        let url = try server.start()
        logger.info(
            "embedded postgresql",
            [
                "data_directory": configuration.embeddedDataDirectory.path, "socket": server.socketDirectory,
                "started": wasRunning ? "already running" : "by this process",
            ])
        // Only the process that started the server stops it: `make run` may have several steps.
        return DatabaseBootstrap(url: url, embedded: wasRunning ? nil : server)
    }

    public func stopEmbedded(logger: Logger) {
        guard let embedded else { return }
        do { try embedded.stop() } catch { logger.warning("could not stop the embedded postgresql", ["error": "\(error)"]) }
    }
}

/// Loads `seeds/*.sql` in name order, each file in one transaction; `demo.sql` only on request.
public enum Seeder {
    public static func seed(pool: PostgresPool, directory: URL, demo: Bool) async throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") && (demo || $0 != "demo.sql") }
            .sorted { ($0 == "demo.sql" ? 1 : 0, $0) < ($1 == "demo.sql" ? 1 : 0, $1) }
        for file in files {
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            try await pool.withConnection { conn in try await conn.executeScript("BEGIN;\n" + sql + "\nCOMMIT;") }
        }
        return files
    }
}
