import Postgres

/// Sliding-window limits on self-registration per client address and per e-mail domain,
/// counted in PostgreSQL (`registration_attempts`, Migrations/0010) so they hold across instances.
///
/// Every attempt that passed validation counts, successful or not: a failing one costs a bcrypt
/// as well. The check and the record happen in one transaction under advisory locks on the
/// address and the domain (always in that order, so two attempts cannot deadlock), so concurrent
/// attempts cannot all slip under the limit.
struct RegistrationLimit: Sendable {
    struct Policy: Sendable {
        var perAddress: Int
        var addressWindowSeconds: Int
        var perDomain: Int
        var domainWindowSeconds: Int
    }

    let policy: Policy

    /// Records the attempt, or throws 429 `rate_limited` saying when a new attempt can succeed.
    func admit(_ pool: PostgresPool, address: String, email: String) async throws {
        let domain = email.split(separator: "@").last.map(String.init) ?? email
        let p = policy
        let refusal = try await pool.transaction { conn -> GrantsError? in
            _ = try await conn.query(
                """
                SELECT pg_advisory_xact_lock(hashtextextended('registration address ' || \(address), 0)),
                       pg_advisory_xact_lock(hashtextextended('registration domain ' || \(domain), 0))
                """)
            // Counts in each window, and when its oldest attempt leaves it (when a new one can succeed).
            let addressWindow = Double(p.addressWindowSeconds)
            let domainWindow = Double(p.domainWindowSeconds)
            let row = try await conn.prepared(
                """
                SELECT a.n AS by_address,
                       ceil(extract(epoch FROM a.oldest + make_interval(secs => \(addressWindow)) - now()))::int AS address_wait,
                       d.n AS by_domain,
                       ceil(extract(epoch FROM d.oldest + make_interval(secs => \(domainWindow)) - now()))::int AS domain_wait
                FROM (SELECT count(*) AS n, min(attempted_at) AS oldest FROM registration_attempts
                      WHERE client_address = \(address) AND attempted_at > now() - make_interval(secs => \(addressWindow))) a,
                     (SELECT count(*) AS n, min(attempted_at) AS oldest FROM registration_attempts
                      WHERE email_domain = \(domain) AND attempted_at > now() - make_interval(secs => \(domainWindow))) d
                """
            ).single()
            if try row.decode("by_address", as: Int64.self) >= p.perAddress {
                let wait = max(1, try row.decode("address_wait", as: Int?.self) ?? p.addressWindowSeconds)
                return .rateLimited(
                    retryAfterSeconds: wait,
                    detail: Self.detail(
                        "this network address has made \(p.perAddress) registration attempts within \(p.addressWindowSeconds) seconds", wait
                    ))
            }
            if try row.decode("by_domain", as: Int64.self) >= p.perDomain {
                let wait = max(1, try row.decode("domain_wait", as: Int?.self) ?? p.domainWindowSeconds)
                return .rateLimited(
                    retryAfterSeconds: wait,
                    detail: Self.detail(
                        "addresses at \(domain) have made \(p.perDomain) registration attempts within \(p.domainWindowSeconds) seconds",
                        wait))
            }
            _ = try await conn.query(
                """
                INSERT INTO registration_attempts (client_address, email_domain) VALUES (\(address), \(domain))
                """)
            if Int.random(in: 0..<64) == 0 {
                let keep = max(p.addressWindowSeconds, p.domainWindowSeconds)
                _ = try await conn.query(
                    """
                    DELETE FROM registration_attempts WHERE attempted_at < now() - make_interval(secs => \(keep)::float8)
                    """)
            }
            return nil
        }
        if let refusal { throw refusal }
    }

    static func detail(_ reason: String, _ wait: Int) -> String {
        "\(reason); retry after \(wait) seconds. Staff accounts (evaluator, coordinator, auditor) are created by a "
            + "coordinator with POST /v1/users and are not limited; a coordinator can also help an organisation that cannot wait"
    }
}
