import Postgres

/// Login throttling by exponential backoff, per account and per client address, shared through
/// PostgreSQL (`login_throttle`, Migrations/0010) so every instance sees the same state.
///
/// After `freeFailures` failed attempts on a key, each further failure sets a delay of
/// base, 2·base, 4·base … capped at `maxDelaySeconds`, during which attempts for that key answer
/// 429 without checking the password (so they cost no bcrypt and do not count). Nothing is ever
/// locked beyond the current delay: once it has passed, the right password always logs in, which
/// also forgets the account's failures. The address key is separate: a client spraying passwords
/// waits, while the same account from another address does not. Keys are SHA-256 hashes, so
/// e-mails typed at the login form are not kept in clear; keys quiet for `memorySeconds` are forgotten.
struct LoginThrottle: Sendable {
    struct Policy: Sendable {
        var freeFailuresPerAccount: Int
        var freeFailuresPerAddress: Int
        var baseDelaySeconds: Int
        var maxDelaySeconds: Int
        var memorySeconds: Int
    }

    let policy: Policy
    let email: String
    let address: String

    /// Seconds before an attempt on this account or from this address is heard; 0: go ahead.
    func secondsToWait(_ pool: PostgresPool) async throws -> Int {
        try await pool.prepared("""
            SELECT coalesce(max(ceil(extract(epoch FROM blocked_until - now())))::int, 0) AS wait
            FROM login_throttle
            WHERE ((scope = 'account' AND key = encode(sha256(convert_to(\(email), 'UTF8')), 'hex'))
                OR (scope = 'address' AND key = encode(sha256(convert_to(\(address), 'UTF8')), 'hex')))
              AND blocked_until > now()
            """).single().decode("wait")
    }

    /// Counts one failure on both keys and sets their next delay (Migrations/0010's functions).
    func recordFailure(_ pool: PostgresPool) async throws {
        let p = policy
        _ = try await pool.prepared("""
            INSERT INTO login_throttle AS t (scope, key, failures, blocked_until, last_failure_at)
            SELECT v.scope, encode(sha256(convert_to(v.raw, 'UTF8')), 'hex'), 1,
                   login_backoff_until(1, v.free, \(p.baseDelaySeconds)::float8, \(p.maxDelaySeconds)::float8), now()
            FROM (VALUES ('account', \(email), \(p.freeFailuresPerAccount)::int),
                         ('address', \(address), \(p.freeFailuresPerAddress)::int)) AS v(scope, raw, free)
            ON CONFLICT (scope, key) DO UPDATE SET
                failures = login_next_failures(t.failures, t.last_failure_at, \(p.memorySeconds)::float8),
                blocked_until = login_backoff_until(
                    login_next_failures(t.failures, t.last_failure_at, \(p.memorySeconds)::float8),
                    CASE t.scope WHEN 'account' THEN \(p.freeFailuresPerAccount)::int ELSE \(p.freeFailuresPerAddress)::int END,
                    \(p.baseDelaySeconds)::float8, \(p.maxDelaySeconds)::float8),
                last_failure_at = now()
            """)
        // Forget quiet keys now and then, so sprayed e-mails do not pile up.
        if Int.random(in: 0..<64) == 0 {
            _ = try await pool.query("""
                DELETE FROM login_throttle WHERE last_failure_at < now() - make_interval(secs => \(p.memorySeconds)::float8)
                """)
        }
    }

    /// A correct password: the account's failures are forgotten (the address's are not, so a
    /// sprayer cannot reset its own delay by logging into an account of its own).
    func recordSuccess(_ conn: PostgresConnection) async throws {
        _ = try await conn.query("""
            DELETE FROM login_throttle WHERE scope = 'account' AND key = encode(sha256(convert_to(\(email), 'UTF8')), 'hex')
            """)
    }
}
