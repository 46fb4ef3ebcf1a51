import Postgres

extension PostgresPool {
    /// Every audited change runs READ COMMITTED with explicit row locks: the audit chain
    /// trigger needs to see the previous row (see Migrations/0001_core.sql).
    func write<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await transaction(isolation: .readCommitted, body)
    }
}

extension PostgresResult {
    /// The only row of a query that names a resource by key, or 404.
    func single() throws -> PostgresRow {
        guard let row = rows.first else { throw GrantsError.notFound() }
        return row
    }
}
