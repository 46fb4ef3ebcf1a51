import Foundation
import Postgres

/// A pool on a brand-new database of the shared test server.
func makePool(
    poolSize: Int = 4,
    checkoutTimeout: Duration = .seconds(5),
    migrations: URL? = nil,
    logger: @escaping @Sendable (String) -> Void = { _ in }
) async throws -> PostgresPool {
    let url = try await TestDatabases.freshDatabase(migrationsDirectory: migrations)
    var configuration = PostgresConfiguration(url: url)
    configuration.poolSize = poolSize
    configuration.checkoutTimeout = checkoutTimeout
    return PostgresPool(configuration: configuration, logger: logger)
}

/// A temporary migrations folder with the given files.
func makeMigrationsDirectory(_ files: [String: String]) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cx-migrations-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, sql) in files {
        try sql.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return directory
}

/// Collects log lines so tests can check what was (not) logged.
final class LogSink: Sendable {
    private let lines = LockedArray()
    var logger: @Sendable (String) -> Void { { [lines] in lines.append($0) } }
    var all: [String] { lines.snapshot }
}

final class LockedArray: @unchecked Sendable {
    // Invariant: `items` only touched while holding `lock`.
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ s: String) {
        lock.lock()
        items.append(s)
        lock.unlock()
    }
    var snapshot: [String] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
