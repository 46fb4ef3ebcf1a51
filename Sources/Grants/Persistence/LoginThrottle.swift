import Postgres

/// Login throttling by exponential backoff, shared through PostgreSQL (`login_throttle`,
/// Migrations/0010) so every instance sees the same state. Three keys per attempt:
/// - the account from this address (`account_address`): after `freeFailuresPerAccount` failures
///   each further one doubles the wait (base, 2·base, … capped at `maxDelaySeconds`);
/// - the client address (`address`), for spraying many accounts: `freeFailuresPerAddress`;
/// - the account from anywhere (`account`), a much looser bound (ten times the per-account
///   allowance) for guessing spread over many addresses. Kept loose on purpose: an account-wide
///   wait is the one an attacker could impose on the owner.
/// During a wait, attempts answer 429 without checking the password (no bcrypt, not counted).
/// Nothing is ever locked beyond the current wait: afterwards the right password always logs
/// in and forgets the account's failures. Keys are SHA-256 hashes, so e-mails typed at the
/// login form are not kept in clear; keys quiet for `memorySeconds` are forgotten.
///
/// Every method runs inside the login's transaction: the rows stay locked from the check to the
/// recorded outcome, so parallel guesses cannot all pass one check before any failure counts.
struct LoginThrottle: Sendable {
    struct Policy: Sendable {
        var freeFailuresPerAccount: Int
        var freeFailuresPerAddress: Int
        var baseDelaySeconds: Int
        var maxDelaySeconds: Int
        var memorySeconds: Int
    }

    enum Verdict: Sendable, Equatable {
        case proceed
        /// Seconds until the next attempt is heard.
        case wait(Int)
        /// Another attempt for this account from this address is being checked right now.
        case attemptInProgress
    }

    let policy: Policy
    let email: String
    let address: String

    private var accountAddress: String { email + "\n" + address }

    /// Creates the keys' rows if needed and locks them, in one order (account-and-address, then
    /// account, then address) so concurrent logins never deadlock.
    func begin(_ conn: PostgresConnection) async throws -> Verdict {
        _ = try await conn.query(
            """
            INSERT INTO login_throttle (scope, key, failures)
            SELECT v.scope, encode(sha256(convert_to(v.raw, 'UTF8')), 'hex'), 0
            FROM (VALUES ('account_address', \(accountAddress)), ('account', \(email)), ('address', \(address))) AS v(scope, raw)
            ON CONFLICT (scope, key) DO NOTHING
            """)
        let mine = try await conn.query(
            """
            SELECT 1 AS locked FROM login_throttle
            WHERE scope = 'account_address' AND key = encode(sha256(convert_to(\(accountAddress), 'UTF8')), 'hex')
            FOR UPDATE SKIP LOCKED
            """)
        if mine.rows.isEmpty { return .attemptInProgress }
        let rows = try await conn.query(
            """
            SELECT coalesce(ceil(extract(epoch FROM blocked_until - now()))::int, 0) AS wait FROM login_throttle
            WHERE (scope = 'account_address' AND key = encode(sha256(convert_to(\(accountAddress), 'UTF8')), 'hex'))
               OR (scope = 'account' AND key = encode(sha256(convert_to(\(email), 'UTF8')), 'hex'))
               OR (scope = 'address' AND key = encode(sha256(convert_to(\(address), 'UTF8')), 'hex'))
            ORDER BY scope
            FOR UPDATE
            """
        ).rows
        let wait = try rows.map { try $0.decode("wait", as: Int.self) }.max() ?? 0
        return wait > 0 ? .wait(wait) : .proceed
    }

    /// Counts one failure on the three keys and sets their next waits (Migrations/0010's functions).
    func recordFailure(_ conn: PostgresConnection) async throws {
        let p = policy
        let accountWide = min(p.freeFailuresPerAccount, 100_000) * 10
        _ = try await conn.query(
            """
            UPDATE login_throttle AS t SET
                failures = login_next_failures(t.failures, t.last_failure_at, \(p.memorySeconds)::float8),
                blocked_until = login_backoff_until(
                    login_next_failures(t.failures, t.last_failure_at, \(p.memorySeconds)::float8),
                    CASE t.scope WHEN 'account_address' THEN \(p.freeFailuresPerAccount)::int
                                 WHEN 'account' THEN \(accountWide)::int
                                 ELSE \(p.freeFailuresPerAddress)::int END,
                    \(p.baseDelaySeconds)::float8, \(p.maxDelaySeconds)::float8),
                last_failure_at = now()
            WHERE (scope = 'account_address' AND key = encode(sha256(convert_to(\(accountAddress), 'UTF8')), 'hex'))
               OR (scope = 'account' AND key = encode(sha256(convert_to(\(email), 'UTF8')), 'hex'))
               OR (scope = 'address' AND key = encode(sha256(convert_to(\(address), 'UTF8')), 'hex'))
            """)
        // Forget quiet keys now and then, so sprayed e-mails do not pile up.
        if Int.random(in: 0..<64) == 0 {
            _ = try await conn.query(
                """
                DELETE FROM login_throttle WHERE last_failure_at < now() - make_interval(secs => \(p.memorySeconds)::float8)
                """)
        }
    }

    /// A correct password: the account's failures are forgotten (the address's are not, so a
    /// sprayer cannot reset its own wait by logging into an account of its own).
    func recordSuccess(_ conn: PostgresConnection) async throws {
        _ = try await conn.query(
            """
            DELETE FROM login_throttle
            WHERE (scope = 'account_address' AND key = encode(sha256(convert_to(\(accountAddress), 'UTF8')), 'hex'))
               OR (scope = 'account' AND key = encode(sha256(convert_to(\(email), 'UTF8')), 'hex'))
            """)
    }
}
