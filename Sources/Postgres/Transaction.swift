import Foundation

public enum IsolationLevel: Sendable, Hashable {
    case readCommitted
    case repeatableRead
    case serializable

    var sql: String {
        switch self {
        case .readCommitted: "READ COMMITTED"
        case .repeatableRead: "REPEATABLE READ"
        case .serializable: "SERIALIZABLE"
        }
    }
}

extension PostgresPool {
    /// Runs `body` inside BEGIN … COMMIT on one connection.
    ///
    /// Serialization failures (40001) and deadlocks (40P01) — including ones
    /// raised by COMMIT — roll back and re-run the whole body with jittered
    /// exponential backoff, up to `maxAttempts` runs in total. The body must
    /// therefore be re-runnable: no side effects outside the database that
    /// cannot happen twice. Any other error rolls back and is rethrown; a
    /// failing ROLLBACK never replaces the original error (the connection is
    /// then discarded by the pool because it is still inside a transaction).
    public func transaction<T: Sendable>(
        isolation level: IsolationLevel = .readCommitted,
        maxAttempts: Int = 5,
        callerIsolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await withConnection { connection in
                    try await connection.query(PostgresQuery(unsafeSQL: "BEGIN ISOLATION LEVEL \(level.sql)"))
                    connection.beginPoolTransaction()
                    let value: T
                    do {
                        value = try await body(connection)
                        // What the body deferred with `atCommit`, last, then COMMIT, in one round trip.
                        try await connection.pipeline(connection.endPoolTransaction() + ["COMMIT"])
                    } catch {
                        _ = connection.endPoolTransaction()
                        _ = try? await connection.query("ROLLBACK")
                        throw error
                    }
                    return value
                }
            } catch let error as PostgresError where error.isRetryable && attempt < maxAttempts {
                logger("postgres transaction attempt \(attempt) failed with \(error.sqlState ?? "?"), retrying")
                try await Task.sleep(for: PostgresPool.backoff(attempt: attempt))
                attempt += 1
            }
        }
    }

    /// 10 ms, 20 ms, 40 ms … capped at 1 s, each scaled by a random 50–100 %
    /// so colliding transactions do not collide again in lockstep.
    static func backoff(attempt: Int) -> Duration {
        let base = min(10.0 * pow(2.0, Double(attempt - 1)), 1_000.0)
        return .milliseconds(Int(base * Double.random(in: 0.5...1.0)))
    }
}
