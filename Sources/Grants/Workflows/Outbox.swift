import Postgres

/// The notification outbox (DESIGN.md §7): a change's notices become one row per recipient in
/// the transaction that made the change. The INSERT is queued for COMMIT (`atCommit`), so it
/// costs no round trip, and a rollback writes nothing and sends nothing. Audiences are turned
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
        try await conn.atCommit(
            """
            INSERT INTO notifications (user_id, kind, application_id, status_after, reason, due_on, email_status)
            SELECT DISTINCT ON (u.id, n.kind) u.id, n.kind, a.id, \(statusAfter.rawValue), \(reason), \(dueOn),
                   CASE WHEN o.user_id IS NULL THEN 'pending' ELSE 'opted_out' END
            FROM unnest(\(kinds)::text[], \(audiences)::text[]) AS n(kind, audience)
            JOIN applications a ON a.id = \(applicationID)
            JOIN users u ON u.active AND u.id IS DISTINCT FROM \(actorID)::bigint AND (
                   (n.audience = 'coordinators' AND u.role = 'coordinator')
                OR (n.audience = 'applicant' AND u.role = 'applicant' AND u.organisation_id = a.organisation_id)
                OR (n.audience = 'host' AND u.role = 'applicant' AND u.organisation_id = a.host_organisation_id)
                OR n.audience = 'user:' || u.id::text)
            LEFT JOIN notification_email_opt_outs o ON o.user_id = u.id AND o.kind = n.kind
            ORDER BY u.id, n.kind
            """)
        // One delivery per subscribed endpoint and kind (not per recipient): a webhook receives
        // the event, whoever is told in the app.
        try await conn.atCommit(
            """
            INSERT INTO webhook_deliveries (endpoint_id, kind, application_id, status_after, reason, due_on)
            SELECT e.id, k.kind, \(applicationID), \(statusAfter.rawValue), \(reason), \(dueOn)
            FROM (SELECT DISTINCT unnest(\(kinds)::text[]) AS kind) k
            JOIN webhook_endpoints e ON e.active AND (cardinality(e.kinds) = 0 OR k.kind = ANY(e.kinds))
            ORDER BY e.id, k.kind
            """)
    }

    static func audienceKey(_ audience: NotificationAudience) -> String {
        switch audience {
        case .coordinators: "coordinators"
        case .applicantOrganisation: "applicant"
        case .hostOrganisation: "host"
        case .user(let id): "user:\(id)"
        }
    }
}
