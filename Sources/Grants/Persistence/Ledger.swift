import Postgres

/// The append-only money ledger. Every figure the service shows is a sum over it.
enum Ledger {
    enum Kind: String { case commitment, release, payment }

    /// Books an entry now: its trigger checks the limits and locks the programme row to COMMIT.
    static func append(
        _ conn: PostgresConnection, _ kind: Kind, app: ApplicationResource, cents: Int64, reason: String?,
        audit: AuditContext
    ) async throws {
        guard cents > 0 else { return }
        _ = try await conn.query(insert(kind, app: app, cents: cents, reason: reason, audit: audit))
    }

    /// Books an entry as the transaction's last statements (`atCommit`, in call order, with the
    /// COMMIT in one pipeline), for a workflow that reads nothing after it: the programme row
    /// its trigger locks is then held for the server's work alone, not across round trips. A
    /// refusal by the trigger fails the transaction at commit with the same SQLSTATE. Queue it
    /// before anything that records an audit row (`AuditTrail.record`, a lifecycle move), so the
    /// programme lock is taken before the audit chain's, in the order every approval takes them.
    static func appendAtCommit(
        _ conn: PostgresConnection, _ kind: Kind, app: ApplicationResource, cents: Int64, reason: String?,
        audit: AuditContext
    ) async throws {
        guard cents > 0 else { return }
        try await conn.atCommit(insert(kind, app: app, cents: cents, reason: reason, audit: audit))
    }

    private static func insert(_ kind: Kind, app: ApplicationResource, cents: Int64, reason: String?, audit: AuditContext)
        -> PostgresQuery
    {
        """
        INSERT INTO ledger_entries (programme_id, application_id, organisation_id, kind, amount_cents, actor_id, reason, request_id)
        VALUES (\(app.programmeId), \(app.id), \(app.organisationId), \(kind.rawValue), \(cents), \(audit.actorID.flatMap { $0 > 0 ? $0 : nil }),
                \(reason), \(audit.requestID))
        """
    }

    /// Committed (net of releases) and paid money of one application.
    static func applicationTotals(_ conn: PostgresConnection, applicationID: Int64) async throws -> (committed: Int64, paid: Int64) {
        let row = try await conn.query(
            """
            SELECT coalesce(sum(ledger_committed_delta(kind, amount_cents)), 0)::bigint AS committed,
                   coalesce(sum(ledger_paid_delta(kind, amount_cents)), 0)::bigint AS paid
            FROM ledger_entries WHERE application_id = \(applicationID)
            """
        ).single()
        return (try row.decode("committed"), try row.decode("paid"))
    }
}
