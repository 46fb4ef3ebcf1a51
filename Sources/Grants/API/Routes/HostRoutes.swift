import Foundation
import HTTP
import Postgres

/// The host's side of an exchange: its users list and read the exchanges their organisation
/// hosts (public part only) and accept or decline the match; coordinators record a written
/// acceptance for hosts without users and the agency's pre-approval of a non-member SME host.
enum HostRoutes {
    struct DecisionBody: RequestBody {
        var decision: String
        var reason: String?
        var documentId: Int64?
    }
    struct PreapprovalBody: RequestBody {
        var documentId: Int64
        var note: String
    }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .POST,
                "/v1/applications/:id/host-decision",
                roles: [.applicant, .coordinator],
                id: "decideHostMatch",
                tag: .hosting,
                summary: "Accept or decline the match as host",
                description: "A user of the host organisation answers for its organisation; for a host with no users on the "
                    + "service a coordinator records the host's written answer with a `host_acceptance` document "
                    + "(409 `host_users_decide` when the host has users). Only while the application is a draft; a declined "
                    + "match needs a reason. Changing the host, dates, participant or objectives of the draft asks the host again.",
                body: .json(DecisionBody.self),
                response: .json(HostedExchangeResource.self),
                problems: [.invalidTransition, .hostUsersDecide]),
            decide)
        table.add(
            Route(
                .POST,
                "/v1/applications/:id/host-preapproval",
                roles: [.coordinator],
                id: "recordHostPreapproval",
                tag: .hosting,
                summary: "Record the agency's pre-approval of an SME host outside any cluster",
                description: "Needs an `agency_preapproval` document uploaded to the application and a note.",
                body: .json(PreapprovalBody.self),
                response: .json(ApplicationResource.self),
                traits: [.etag],
                problems: [.invalidTransition]),
            preapprove)
        table.add(
            Route(
                .GET,
                "/v1/hosted-exchanges",
                roles: [.applicant],
                id: "listHostedExchanges",
                tag: .hosting,
                summary: "Exchanges my organisation hosts",
                description: "The public part only: dates, participant name, objectives, the host's answer and signatures due.",
                response: .page(HostedExchangeResource.self)),
            list)
        table.add(
            Route(
                .GET,
                "/v1/hosted-exchanges/:id",
                roles: [.applicant],
                id: "getHostedExchange",
                tag: .hosting,
                summary: "One exchange my organisation hosts",
                response: .json(HostedExchangeResource.self)),
            get)
    }

    static func hosted(_ conn: PostgresConnection, id: Int64, user: Principal) async throws -> HostedExchangeResource {
        let org = user.role == .applicant ? user.organisationID : nil
        return try HostedExchangeResource(
            row: try await conn.query(
                """
                SELECT \(unescaped: HostedExchangeResource.columns) FROM \(unescaped: HostedExchangeResource.from)
                WHERE a.id = \(id) AND (\(org)::bigint IS NULL OR a.host_organisation_id = \(org))
                """
            ).single())
    }

    @Sendable static func decide(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(DecisionBody.self)
        var v = Validator()
        let decision = HostMatchWorkflow.Decision(rawValue: b.decision)
        if decision == nil { v.fail("decision", "must be 'accepted' or 'declined'", rule: "enum") }
        let reason = v.optionalText("reason", b.reason, max: 2000, multiline: true)
        if decision == .declined && reason == nil { v.fail("reason", "a declined match needs a reason for the visitor", rule: "required") }
        try v.finish()
        guard let decision else { throw GrantsError.invalid("decision", "must be 'accepted' or 'declined'", rule: "enum") }
        let audit = ctx.audit
        let view = try await ctx.db.write { conn in
            _ = try await HostMatchWorkflow.decide(
                conn, id: id, decision: decision, reason: reason, documentID: b.documentId, user: user, audit: audit)
            return try await hosted(conn, id: id, user: user)
        }
        return try HTTPResponse.json(view)
    }

    @Sendable static func preapprove(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(PreapprovalBody.self)
        var v = Validator()
        let note = v.text("note", b.note, max: 2000, multiline: true)
        try v.finish()
        let audit = ctx.audit
        let app = try await ctx.db.write { conn in
            try await HostMatchWorkflow.preapprove(conn, id: id, documentID: b.documentId, note: note, user: user, audit: audit)
        }
        return try ApplicationResource.respond(app)
    }

    @Sendable static func list(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        guard let org = user.organisationID else { throw GrantsError.forbidden("only a user of an organisation hosts exchanges") }
        let page = try Page(ctx.request)
        let rows = try await ctx.db.query(
            """
            SELECT \(unescaped: HostedExchangeResource.columns) FROM \(unescaped: HostedExchangeResource.from)
            WHERE a.host_organisation_id = \(org) AND a.id > \(page.afterID)
            ORDER BY a.id LIMIT \(page.fetchLimit)
            """
        ).rows
        return try page.response(try rows.map(HostedExchangeResource.init(row:)), id: \.id)
    }

    @Sendable static func get(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        return try HTTPResponse.json(try await ctx.db.withConnection { try await hosted($0, id: id, user: user) })
    }
}
