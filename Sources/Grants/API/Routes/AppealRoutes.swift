import Foundation
import HTTP
import Postgres

/// Appeals against an ineligible or rejected outcome (redress).
enum AppealRoutes {
    struct AppealBody: RequestBody {
        var grounds: String
    }
    struct DecisionBody: RequestBody {
        var decision: String
        var reason: String
    }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .POST,
                "/v1/applications/:id/appeal",
                roles: [.applicant],
                id: "fileAppeal",
                tag: .appeals,
                summary: "Appeal an ineligible or rejected outcome",
                description: "Within the programme's `appeal_days` (default 14) of the outcome (409 `appeal_window_closed` "
                    + "after, or once the outcome's appeal was decided); the application is then `under_appeal`.",
                body: .json(AppealBody.self),
                response: .json(AppealResource.self),
                status: 201,
                problems: [.invalidTransition, .appealWindowClosed]),
            file)
        table.add(
            Route(
                .POST,
                "/v1/appeals/:id/decision",
                roles: [.coordinator],
                id: "decideAppeal",
                tag: .appeals,
                summary: "Uphold or grant an appeal",
                description: "By a coordinator other than the one who decided the outcome (403 `four_eyes`). `upheld`: the "
                    + "outcome stands; `granted`: an ineligible application returns to `submitted` (eligibility checking), a "
                    + "rejected one to `evaluated` (the ranking).",
                body: .json(DecisionBody.self),
                response: .json(AppealResource.self),
                problems: [.fourEyes, .changeAlreadyDecided, .invalidTransition]),
            decide)
        table.add(
            Route(
                .GET,
                "/v1/appeals",
                roles: .staff,
                id: "listAppeals",
                tag: .appeals,
                summary: "Appeals",
                response: .page(AppealResource.self),
                query: [
                    .oneOf("decision", AppealDecision.self, "only appeals with this decision"),
                    .id("application_id", "only appeals of this application"),
                ]),
            list)
    }

    enum AppealDecision: String, CaseIterable, Sendable {
        case upheld, granted
    }

    @Sendable static func file(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        var v = Validator()
        let grounds = v.text("grounds", try ctx.body(AppealBody.self).grounds, max: 10_000, multiline: true)
        try v.finish()
        let audit = ctx.audit
        let appeal = try await ctx.db.write { conn in
            try await AppealWorkflow.file(conn, applicationID: id, grounds: grounds, user: user, audit: audit)
        }
        var r = try HTTPResponse.json(appeal, status: 201)
        r.headers.set("Location", "/v1/appeals?application_id=\(id)")
        return r
    }

    @Sendable static func decide(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(DecisionBody.self)
        var v = Validator()
        let decision = AppealDecision(rawValue: b.decision)
        if decision == nil { v.fail("decision", "must be 'upheld' or 'granted'", rule: "enum") }
        let reason = v.text("reason", b.reason, max: 2000, multiline: true)
        try v.finish()
        let audit = ctx.audit
        let appeal = try await ctx.db.write { conn in
            try await AppealWorkflow.decide(conn, appealID: id, granted: decision == .granted, reason: reason, user: user, audit: audit)
        }
        return try HTTPResponse.json(appeal)
    }

    @Sendable static func list(_ ctx: RequestContext) async throws -> HTTPResponse {
        let page = try Page(ctx.request)
        let decision = ctx.query.text("decision")
        let application = ctx.query.id("application_id")
        let rows = try await ctx.db.query(
            """
            SELECT \(unescaped: AppealResource.columns) FROM appeals p
            WHERE p.id > \(page.afterID) AND (\(decision)::text IS NULL OR p.decision = \(decision))
              AND (\(application)::bigint IS NULL OR p.application_id = \(application))
            ORDER BY p.id LIMIT \(page.fetchLimit)
            """
        ).rows
        return try page.response(try rows.map(AppealResource.init(row:)), id: \.id)
    }
}

extension AppealRoutes.AppealDecision: SchemaEnum {}

extension AppealRoutes.AppealBody {
    static let schemaName = "AppealRequest"
    static let schemaHints = SchemaHints(fields: ["grounds": ["minLength": 1, "maxLength": 10000]])
}

extension AppealRoutes.DecisionBody {
    static let schemaName = "AppealDecisionRequest"
    static let schemaHints = SchemaHints(fields: [
        "decision": SchemaFragments.oneOf(AppealRoutes.AppealDecision.self), "reason": ["minLength": 1, "maxLength": 2000],
    ])
}

extension AppealResource: DocumentedSchema {
    static let schemaName = "Appeal"
    static let schemaHints = SchemaHints(fields: ["decision": SchemaFragments.oneOf(AppealRoutes.AppealDecision.self)])
}
