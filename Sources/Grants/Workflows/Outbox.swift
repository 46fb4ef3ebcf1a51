import Postgres

/// The notification outbox (DESIGN.md §7): a change's notices become one row per recipient in
/// the transaction that made the change. The INSERT is queued for COMMIT (`atCommit`), so it
/// costs no round trip, and a rollback writes nothing and sends nothing; it runs ahead of the
/// ledger and audit rows there (`beforeLocks`), so the programme and audit-chain locks those
/// take are not held while recipients are looked up. Audiences are turned
/// into users here, in SQL: active users only, each once per kind, never the person who acted.
/// A user who turned e-mail off for the kind gets the in-app row with `opted_out` e-mail. Each
/// active webhook endpoint subscribed to a kind gets one delivery row per event.
enum Outbox {
    static func notify(
        _ conn: PostgresConnection, _ notices: [Notice], applicationID: Int64, statusAfter: ApplicationStatus,
        reason: String?, dueOn: CalendarDate?, actorID: Int64?
    ) async throws {
        guard !notices.isEmpty else { return }
        let kinds = notices.map(\.kind.rawValue)
        let audiences = notices.map { audienceKey($0.audience) }
        let users = notices.map { notice -> Int64 in if case .user(let id) = notice.audience { id } else { 0 } }
        // One indexed branch per audience (users by role, by organisation, by id): an OR across
        // them made PostgreSQL scan every user at COMMIT.
        try await conn.atCommit(
            """
            WITH n AS (SELECT * FROM unnest(\(kinds)::text[], \(audiences)::text[], \(users)::bigint[]) AS n(kind, audience, user_id)),
            a AS (SELECT id, organisation_id, host_organisation_id FROM applications WHERE id = \(applicationID)),
            r AS (
              SELECT n.kind, u.id FROM n JOIN users u ON u.role = 'coordinator' WHERE n.audience = 'coordinators' AND u.active
              UNION SELECT n.kind, u.id FROM n, a JOIN users u ON u.organisation_id = a.organisation_id
                WHERE n.audience = 'applicant' AND u.role = 'applicant' AND u.active
              UNION SELECT n.kind, u.id FROM n, a JOIN users u ON u.organisation_id = a.host_organisation_id
                WHERE n.audience = 'host' AND u.role = 'applicant' AND u.active
              UNION SELECT n.kind, u.id FROM n JOIN users u ON u.id = n.user_id WHERE n.audience = 'user' AND u.active
            )
            INSERT INTO notifications (user_id, kind, application_id, status_after, reason, due_on, email_status)
            SELECT r.id, r.kind, \(applicationID), \(statusAfter.rawValue), \(reason), \(dueOn),
                   CASE WHEN o.user_id IS NULL THEN 'pending' ELSE 'opted_out' END
            FROM r LEFT JOIN notification_email_opt_outs o ON o.user_id = r.id AND o.kind = r.kind
            WHERE r.id IS DISTINCT FROM \(actorID)::bigint
            ORDER BY r.id, r.kind
            """, beforeLocks: true)
        // One delivery per subscribed endpoint and kind (not per recipient): a webhook receives
        // the event, whoever is told in the app.
        try await conn.atCommit(
            """
            INSERT INTO webhook_deliveries (endpoint_id, kind, application_id, status_after, reason, due_on)
            SELECT e.id, k.kind, \(applicationID), \(statusAfter.rawValue), \(reason), \(dueOn)
            FROM (SELECT DISTINCT unnest(\(kinds)::text[]) AS kind) k
            JOIN webhook_endpoints e ON e.active AND (cardinality(e.kinds) = 0 OR k.kind = ANY(e.kinds))
            ORDER BY e.id, k.kind
            """, beforeLocks: true)
    }

    static func audienceKey(_ audience: NotificationAudience) -> String {
        switch audience {
        case .coordinators: "coordinators"
        case .applicantOrganisation: "applicant"
        case .hostOrganisation: "host"
        case .user: "user"
        }
    }
}
