import Foundation
import HTTP
import Postgres

/// Payments: requested with a computed amount, approved by a second coordinator (four
/// eyes), executed with the bank reference — the ledger entry in the same transaction.
enum PaymentRoutes {
    struct CreateBody: RequestBody {
        var applicationId: Int64
        var kind: String
    }
    struct ExecuteBody: RequestBody {
        var bankReference: String
        var valueDate: String
    }
    struct FailBody: RequestBody { var reason: String }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .POST,
                "/v1/payments",
                roles: [.coordinator],
                id: "requestPayment",
                tag: .payments,
                summary: "Request a payment",
                body: .json(CreateBody.self),
                response: .json(PaymentResource.self),
                status: 201,
                traits: [.idempotent],
                problems: [.invalidTransition, .noPrefinancing, .nothingToPay, .paymentExists, .storedAmountOutOfRange]),
            create)
        table.add(
            Route(
                .GET,
                "/v1/payments",
                roles: [.applicant, .coordinator, .auditor],
                id: "listPayments",
                tag: .payments,
                summary: "List payments",
                description: "An applicant sees its organisation's.",
                response: .page(PaymentResource.self),
                query: [
                    .oneOf("status", PaymentStatus.self, "only payments in this status"),
                    .id("application_id", "only payments of this application"),
                ]),
            list)
        table.add(
            Route(
                .GET,
                "/v1/payments/:id",
                roles: [.applicant, .coordinator, .auditor],
                id: "getPayment",
                tag: .payments,
                summary: "Get a payment",
                response: .json(PaymentResource.self)),
            get)
        table.add(
            Route(
                .POST,
                "/v1/payments/:id/approve",
                roles: [.coordinator],
                id: "approvePayment",
                tag: .payments,
                summary: "Approve a payment",
                description: "Four eyes: 403 `four_eyes` when the requester approves.",
                response: .json(PaymentResource.self),
                traits: [.idempotent],
                problems: [.invalidTransition, .fourEyes]),
            approve)
        table.add(
            Route(
                .POST,
                "/v1/payments/:id/execute",
                roles: [.coordinator],
                id: "executePayment",
                tag: .payments,
                summary: "Record the transfer",
                description: "Books the payment in the ledger; a final payment moves the application to `paid`. Pays "
                    + "only a validated organisation, to its validated IBAN (recorded as `payee_iban`); a pending "
                    + "change of it does not count.",
                body: .json(ExecuteBody.self),
                response: .json(PaymentResource.self),
                traits: [.idempotent],
                problems: [.invalidTransition, .ibanMissing, .organisationNotValidated, .paymentExceedsGrant]),
            execute)
        table.add(
            Route(
                .POST,
                "/v1/payments/:id/fail",
                roles: [.coordinator],
                id: "failPayment",
                tag: .payments,
                summary: "Record a rejected transfer",
                description: "The payment stays approved; nothing is booked.",
                body: .json(FailBody.self),
                response: .json(PaymentResource.self),
                traits: [.idempotent],
                problems: [.invalidTransition]),
            fail)
    }

    static func respond(_ p: PaymentResource, status: Int = 200) throws -> HTTPResponse {
        var r = try HTTPResponse.json(p, status: status)
        if status == 201 { r.headers.set("Location", "/v1/payments/\(p.id)") }
        return r
    }

    /// The amount is computed, never typed in (`PaymentRules.amount`).
    @Sendable static func create(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let b = try ctx.body(CreateBody.self)
        guard let kind = PaymentKind(rawValue: b.kind) else {
            throw GrantsError.invalid("kind", "must be prefinancing or final", rule: "enum")
        }
        let audit = ctx.audit
        return try await ctx.db.write { conn in
            try await Idempotency.run(ctx, conn) {
                try respond(
                    try await PaymentWorkflow.request(conn, applicationID: b.applicationId, kind: kind, user: user, audit: audit),
                    status: 201)
            }
        }
    }

    @Sendable static func list(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let page = try Page(ctx.request)
        let status = ctx.query.text("status")
        let application = ctx.query.id("application_id")
        let rows = try await ctx.db.query(
            """
            SELECT \(unescaped: PaymentResource.columns) FROM payments p JOIN applications a ON a.id = p.application_id
            WHERE p.id > \(page.afterID) AND (\(user.applicantOrganisation)::bigint IS NULL OR a.organisation_id = \(user.applicantOrganisation))
              AND (\(status)::text IS NULL OR p.status = \(status)) AND (\(application)::bigint IS NULL OR p.application_id = \(application))
            ORDER BY p.id LIMIT \(page.fetchLimit)
            """
        ).rows
        return try page.response(try rows.map(PaymentResource.init(row:)), id: \.id)
    }

    @Sendable static func get(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        return try respond(try await ctx.db.withConnection { try await PaymentResource.load($0, id: id, user: user) })
    }

    @Sendable static func approve(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let audit = ctx.audit
        return try await ctx.db.write { conn in
            try await Idempotency.run(ctx, conn) {
                try respond(try await PaymentWorkflow.approve(conn, id: id, user: user, audit: audit))
            }
        }
    }

    @Sendable static func execute(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(ExecuteBody.self)
        var v = Validator()
        let reference = v.text("bank_reference", b.bankReference, max: 100)
        let valueDate = v.date("value_date", b.valueDate)
        v.notInFuture("value_date", valueDate, ctx)
        try v.finish()
        guard let valueDate else { throw GrantsError.invalid("value_date", "must be a date YYYY-MM-DD", rule: "date") }
        let audit = ctx.audit
        return try await ctx.db.write { conn in
            try await Idempotency.run(ctx, conn) {
                try respond(
                    try await PaymentWorkflow.execute(
                        conn, id: id, reference: reference, valueDate: valueDate, user: user,
                        audit: audit))
            }
        }
    }

    /// A transfer the bank rejected: the payment stays approved, nothing is booked.
    @Sendable static func fail(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(FailBody.self)
        var v = Validator()
        let reason = v.text("reason", b.reason, max: 2000, multiline: true)
        try v.finish()
        let audit = ctx.audit
        return try await ctx.db.write { conn in
            try await Idempotency.run(ctx, conn) {
                try respond(try await PaymentWorkflow.fail(conn, id: id, reason: reason, user: user, audit: audit))
            }
        }
    }
}
