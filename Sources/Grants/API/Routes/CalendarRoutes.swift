import Foundation
import HTTP
import Postgres

/// Calendar feeds (DESIGN.md §7, issue 12): the caller's exchanges and deadlines as RFC 5545, for
/// the calendar application a coordinator or an SME already uses, read with a calendar token
/// of its own (a URL a calendar keeps for months must not carry the bearer token).
enum CalendarRoutes {
    struct TokenAnswer: Codable, Sendable {
        /// Shown once; only its SHA-256 is kept.
        var token: String
        /// The feed's address to paste into a calendar application.
        var url: String
    }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .POST,
                "/v1/calendar-token",
                roles: .everyone,
                id: "createCalendarToken",
                tag: .notifications,
                summary: "Create (or rotate) my calendar token",
                description: "The answer holds the token and the feed's URL once; a new token replaces the previous one, "
                    + "whose URL stops working.",
                response: .json(TokenAnswer.self),
                status: 201,
                traits: [.noLocation]),
            createToken)
        table.add(
            Route(
                .DELETE,
                "/v1/calendar-token",
                roles: .everyone,
                id: "revokeCalendarToken",
                tag: .notifications,
                summary: "Revoke my calendar token",
                status: 204),
            revokeToken)
        table.add(
            Route(
                .GET,
                "/v1/calendar.ics",
                roles: nil,
                id: "getCalendar",
                tag: .notifications,
                summary: "My exchanges and deadlines as a calendar (RFC 5545)",
                description: "Authenticated by the calendar token in `token` (no bearer token); an unknown or revoked token "
                    + "answers 404. All-day events: each exchange from its first to its last day (the applicant's own and those "
                    + "its organisation hosts; every funded exchange for coordinators and auditors) and each deadline of "
                    + "`GET /v1/deadlines`, with UIDs stable across requests.",
                response: .content(["text/calendar": ["schema": ["type": "string"]]]),
                query: [
                    QueryParameter(name: "token", kind: .text(maxLength: 100), description: "the calendar token", required: true)
                ],
                problems: [.notFound],
                errorNotes: [404: "the token is unknown, rotated or revoked: create a new one with POST /v1/calendar-token"]),
            feed)
    }

    @Sendable static func createToken(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let token = Token.generate()
        let audit = ctx.audit
        try await ctx.db.write { conn in
            _ = try await conn.query(
                """
                INSERT INTO calendar_tokens (user_id, token_hash) VALUES (\(user.userID), sha256(convert_to(\(token), 'UTF8')))
                ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = now()
                """)
            try await AuditTrail.record(
                conn, audit, action: "calendar_token.created", entity: "user", id: user.userID, after: ["rotated": true])
        }
        let url = "\(ctx.services.configuration.linkBase)/v1/calendar.ics?token=\(token)"
        return try .json(TokenAnswer(token: token, url: url), status: 201)
    }

    @Sendable static func revokeToken(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let audit = ctx.audit
        try await ctx.db.write { conn in
            _ = try await conn.query("DELETE FROM calendar_tokens WHERE user_id = \(user.userID)")
            try await AuditTrail.record(
                conn, audit, action: "calendar_token.revoked", entity: "user", id: user.userID, after: ["revoked": true])
        }
        return .noContent()
    }

    @Sendable static func feed(_ ctx: RequestContext) async throws -> HTTPResponse {
        guard let token = ctx.query.text("token") else { throw GrantsError.notFound() }
        let base = ctx.services.configuration.linkBase
        guard let today = CalendarDate.utcDay(of: Date()) else { throw GrantsError.unavailable("the clock") }
        let calendar = try await ctx.db.withConnection { conn -> ICalendar in
            let found = try await conn.query(
                """
                SELECT u.id, u.role, u.organisation_id, u.name, u.email FROM calendar_tokens c JOIN users u ON u.id = c.user_id AND u.active
                WHERE c.token_hash = sha256(convert_to(\(token), 'UTF8'))
                """
            ).rows
            guard let row = found.first, let role = Role(rawValue: try row.decode("role")) else { throw GrantsError.notFound() }
            let user = Principal(
                userID: try row.decode("id"), role: role, organisationID: try row.decode("organisation_id"),
                email: try row.decode("email"), name: try row.decode("name"))
            var calendar = ICalendar(name: "ClusterXchange: \(user.name)")
            let staff = role == .coordinator || role == .auditor
            let org = role == .applicant ? user.organisationID : nil
            let exchanges = try await conn.query(
                """
                SELECT a.id, a.participant_name, a.activity_start, a.activity_end, vo.legal_name AS visitor, ho.legal_name AS host,
                       ho.city, ho.country::text AS country
                FROM applications a JOIN organisations vo ON vo.id = a.organisation_id JOIN organisations ho ON ho.id = a.host_organisation_id
                WHERE a.status IN \(unescaped: ApplicationStatus.fundedSQLList)
                  AND (\(staff) OR a.organisation_id = \(org) OR a.host_organisation_id = \(org))
                ORDER BY a.activity_start, a.id LIMIT 2000
                """
            ).rows
            let domain = URL(string: base)?.host ?? "clusterxchange"
            for x in exchanges {
                let id: Int64 = try x.decode("id")
                let host: String = try x.decode("host")
                calendar.events.append(
                    ICalendar.Event(
                        uid: "exchange-\(id)@\(domain)", day: try x.decode("activity_start"), lastDay: try x.decode("activity_end"),
                        summary:
                            "Exchange: \(try x.decode("participant_name", as: String.self)) (\(try x.decode("visitor", as: String.self))) at \(host)",
                        description: "Application \(id)",
                        location: "\(host), \(try x.decode("city", as: String.self)), \(try x.decode("country", as: String.self))",
                        url: NotificationResource.link(base, applicationID: id)))
            }
            let (deadlines, _) = try await DeadlineResource.list(conn, for: user, until: nil, today: today)
            for d in deadlines {
                let subject = d.assignmentId.map { "assignment-\($0)" } ?? "application-\(d.applicationId)"
                calendar.events.append(
                    ICalendar.Event(
                        uid: "\(d.kind.rawValue)-\(subject)@\(domain)", day: d.dueOn, summary: "Due: \(d.title)",
                        description: d.overdue ? "Overdue." : nil, url: NotificationResource.link(base, applicationID: d.applicationId)))
            }
            return calendar
        }
        var r = HTTPResponse.text(calendar.rendered(stamp: Date()), contentType: "text/calendar; charset=utf-8")
        r.headers.set("Content-Disposition", "inline; filename=\"clusterxchange.ics\"")
        r.headers.set("Cache-Control", "private, max-age=300")
        return r
    }
}
