import Foundation
import HTTP
import Postgres

/// In-app notifications, e-mail preferences and the caller's deadlines (DESIGN.md §7, issue 12):
/// nobody has to poll the applications to learn that it is their turn.
enum NotificationRoutes {
    struct PreferencesBody: RequestBody {
        /// The kinds the user gets no e-mail for (in-app notifications stay).
        var emailOff: [String]
    }

    struct Preferences: Codable, Sendable {
        var emailOff: [NotificationKind]
        /// Every kind there is, for the settings page.
        var kinds: [NotificationKind]
    }

    struct Summary: Codable, Sendable {
        var unread: Int64
    }

    struct Deadlines: Codable, Sendable {
        var items: [DeadlineResource]
        /// More were due than the answer holds (`DeadlineResource.limit`); narrow with `until`.
        var truncated: Bool
    }

    struct MarkedRead: Codable, Sendable {
        var marked: Int64
    }

    enum Unread: String, CaseIterable, Sendable {
        case `true`, `false`
    }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .GET,
                "/v1/notifications",
                roles: .everyone,
                id: "listNotifications",
                tag: .notifications,
                summary: "My notifications",
                description: "Unread first, newest first within each; `unread=true` lists the unread only.",
                response: .page(NotificationResource.self),
                query: [.oneOf("unread", Unread.self, "true: only the unread ones")]),
            list)
        table.add(
            Route(
                .GET,
                "/v1/notifications/summary",
                roles: .everyone,
                id: "getNotificationSummary",
                tag: .notifications,
                summary: "How many of my notifications are unread",
                response: .json(Summary.self)),
            summary)
        table.add(
            Route(
                .POST,
                "/v1/notifications/:id/read",
                roles: .everyone,
                id: "markNotificationRead",
                tag: .notifications,
                summary: "Mark one of my notifications read",
                description: "Idempotent: marking a read notification again keeps its first `read_at`. Another user's "
                    + "notification answers 404.",
                response: .json(NotificationResource.self)),
            markRead)
        table.add(
            Route(
                .POST,
                "/v1/notifications/read",
                roles: .everyone,
                id: "markAllNotificationsRead",
                tag: .notifications,
                summary: "Mark all my notifications read",
                response: .json(MarkedRead.self)),
            markAllRead)
        table.add(
            Route(
                .GET,
                "/v1/notification-preferences",
                roles: .everyone,
                id: "getNotificationPreferences",
                tag: .notifications,
                summary: "My e-mail preferences",
                response: .json(Preferences.self)),
            preferences)
        table.add(
            Route(
                .PUT,
                "/v1/notification-preferences",
                roles: .everyone,
                id: "putNotificationPreferences",
                tag: .notifications,
                summary: "Turn e-mail off (or on) per kind of notification",
                description: "`email_off` replaces the set of kinds mailed to nobody but the app; in-app notifications "
                    + "cannot be turned off.",
                body: .json(PreferencesBody.self),
                response: .json(Preferences.self)),
            putPreferences)
        table.add(
            Route(
                .GET,
                "/v1/deadlines",
                roles: .everyone,
                id: "listDeadlines",
                tag: .notifications,
                summary: "What is due for me, soonest first",
                description: "Applicants: their organisation's closing reports and appeal windows; evaluators: their open "
                    + "score sheets; coordinators and auditors: every closing report, score sheet and payment due. "
                    + "`overdue` marks a date before today (UTC).",
                response: .json(Deadlines.self),
                query: [QueryParameter(name: "until", kind: .date, description: "only what is due on or before this date")]),
            deadlines)
    }

    @Sendable static func list(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let page = try Page(ctx.request)
        let unreadOnly = ctx.query.choice("unread", as: Unread.self) == .true
        let base = ctx.services.configuration.linkBase
        let rows = try await ctx.db.query(
            """
            SELECT \(unescaped: NotificationResource.columns) FROM \(unescaped: NotificationResource.from)
            WHERE n.user_id = \(user.userID) AND \(unescaped: NotificationResource.sortKeySQL) > \(page.afterID)
              AND (NOT \(unreadOnly) OR n.read_at IS NULL)
            ORDER BY \(unescaped: NotificationResource.sortKeySQL) LIMIT \(page.fetchLimit)
            """
        ).rows
        return try page.response(try rows.map { try NotificationResource(row: $0, linkBase: base) }, id: \.sortKey)
    }

    @Sendable static func summary(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let n: Int64 = try await ctx.db.query(
            "SELECT count(*)::bigint AS n FROM notifications WHERE user_id = \(user.userID) AND read_at IS NULL"
        ).single().decode("n")
        return try .json(Summary(unread: n))
    }

    @Sendable static func markRead(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let base = ctx.services.configuration.linkBase
        let rows = try await ctx.db.query(
            """
            WITH marked AS (
              UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = \(id) AND user_id = \(user.userID)
              RETURNING *
            )
            SELECT \(unescaped: NotificationResource.columns)
            FROM marked n JOIN applications a ON a.id = n.application_id
            JOIN organisations vo ON vo.id = a.organisation_id JOIN organisations ho ON ho.id = a.host_organisation_id
            """
        ).rows
        guard let row = rows.first else { throw GrantsError.notFound() }
        return try .json(try NotificationResource(row: row, linkBase: base))
    }

    @Sendable static func markAllRead(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let result = try await ctx.db.query(
            "UPDATE notifications SET read_at = now() WHERE user_id = \(user.userID) AND read_at IS NULL")
        return try .json(MarkedRead(marked: Int64(result.affectedRows)))
    }

    @Sendable static func preferences(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        return try .json(try await loadPreferences(ctx.db, userID: user.userID))
    }

    @Sendable static func putPreferences(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let b = try ctx.body(PreferencesBody.self)
        var v = Validator()
        var kinds: [NotificationKind] = []
        for (i, raw) in b.emailOff.prefix(NotificationKind.allCases.count + 1).enumerated() {
            if let k = NotificationKind(rawValue: raw) {
                if !kinds.contains(k) { kinds.append(k) }
            } else {
                v.fail("email_off[\(i)]", "is not a kind of notification (see `kinds` in GET /v1/notification-preferences)", rule: "enum")
            }
        }
        if b.emailOff.count > NotificationKind.allCases.count * 2 {
            v.fail("email_off", "lists more kinds than there are", rule: "max_items")
        }
        try v.finish()
        let raws = kinds.map(\.rawValue)
        let audit = ctx.audit
        try await ctx.db.write { conn in
            _ = try await conn.query("DELETE FROM notification_email_opt_outs WHERE user_id = \(user.userID)")
            _ = try await conn.query(
                """
                INSERT INTO notification_email_opt_outs (user_id, kind) SELECT \(user.userID), k FROM unnest(\(raws)::text[]) AS k
                """)
            try await AuditTrail.record(
                conn, audit, action: "notification_preferences.updated", entity: "user", id: user.userID, after: ["email_off": raws])
        }
        return try .json(try await loadPreferences(ctx.db, userID: user.userID))
    }

    static func loadPreferences(_ db: PostgresPool, userID: Int64) async throws -> Preferences {
        let off = try await db.query(
            "SELECT kind FROM notification_email_opt_outs WHERE user_id = \(userID) ORDER BY kind"
        ).rows.compactMap { NotificationKind(rawValue: try $0.decode("kind")) }
        return Preferences(emailOff: off, kinds: NotificationKind.allCases)
    }

    @Sendable static func deadlines(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let until = ctx.query.date("until")
        guard let today = CalendarDate.utcDay(of: Date()) else { throw GrantsError.unavailable("the clock") }
        let (items, truncated) = try await ctx.db.withConnection { conn in
            try await DeadlineResource.list(conn, for: user, until: until, today: today)
        }
        return try .json(Deadlines(items: items, truncated: truncated))
    }
}

extension NotificationRoutes.Unread: SchemaEnum {}
extension NotificationKind: SchemaEnum {}
