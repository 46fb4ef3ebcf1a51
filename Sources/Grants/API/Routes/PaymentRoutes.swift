import Foundation
import HTTP
import Postgres

/// Payments: requested with a computed amount, approved by a second coordinator (four
/// eyes), executed with the bank reference — the ledger entry in the same transaction.
enum PaymentRoutes {
    struct PaymentResource: Codable, Sendable {
        var id: Int64; var applicationId: Int64; var programmeId: Int64; var kind: String; var amountCents: Int64; var status: String
        var requestedBy: Int64; var requestedAt: Date; var approvedBy: Int64?; var approvedAt: Date?; var executedBy: Int64?
        var bankReference: String?; var valueDate: CalendarDate?; var paidAt: Date?; var failureReason: String?
        /// The IBAN the transfer went to: the organisation's validated IBAN when it was executed.
        var payeeIban: String?
        static let columns = """
            p.id, p.application_id, p.programme_id, p.kind, p.amount_cents, p.status, p.requested_by, p.requested_at, p.approved_by,
            p.approved_at, p.executed_by, p.bank_reference, p.value_date::text AS value_date, p.paid_at, p.failure_reason, p.payee_iban
            """
        init(row: PostgresRow) throws {
            id = try row.decode("id"); applicationId = try row.decode("application_id"); programmeId = try row.decode("programme_id")
            kind = try row.decode("kind"); amountCents = try row.decode("amount_cents"); status = try row.decode("status")
            requestedBy = try row.decode("requested_by"); requestedAt = try row.decode("requested_at")
            approvedBy = try row.decode("approved_by"); approvedAt = try row.decode("approved_at"); executedBy = try row.decode("executed_by")
            bankReference = try row.decode("bank_reference")
            valueDate = try row.decode("value_date", as: String?.self).map(CalendarDate.init(db:))
            paidAt = try row.decode("paid_at"); failureReason = try row.decode("failure_reason")
            payeeIban = try row.decode("payee_iban")
        }
        enum CodingKeys: String, CodingKey {
            case id, applicationId, programmeId, kind, amountCents, status, requestedBy, requestedAt, approvedBy, approvedAt
            case executedBy, bankReference, valueDate, paidAt, failureReason, payeeIban
        }
        /// Explicit nulls: clients rely on `approved_by` and `bank_reference` being present.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id); try c.encode(applicationId, forKey: .applicationId); try c.encode(programmeId, forKey: .programmeId)
            try c.encode(kind, forKey: .kind); try c.encode(amountCents, forKey: .amountCents); try c.encode(status, forKey: .status)
            try c.encode(requestedBy, forKey: .requestedBy); try c.encode(requestedAt, forKey: .requestedAt)
            try c.encode(approvedBy, forKey: .approvedBy); try c.encode(approvedAt, forKey: .approvedAt)
            try c.encode(executedBy, forKey: .executedBy); try c.encode(bankReference, forKey: .bankReference)
            try c.encode(valueDate, forKey: .valueDate); try c.encode(paidAt, forKey: .paidAt); try c.encode(failureReason, forKey: .failureReason)
            try c.encode(payeeIban, forKey: .payeeIban)
        }
    }
    struct CreateBody: RequestBody { var applicationId: Int64; var kind: String }
    struct ExecuteBody: RequestBody {
        var bankReference: String; var valueDate: String
    }
    struct FailBody: RequestBody { var reason: String }

    static func register(into table: inout RouteTable) {
        table.add(Route(
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
        table.add(Route(
            .GET,
            "/v1/payments",
            roles: [.applicant, .coordinator, .auditor],
            id: "listPayments",
            tag: .payments,
            summary: "List payments",
            description: "An applicant sees its organisation's.",
            response: .page(PaymentResource.self),
            query: [
                QueryParameter(name: "status", schema: ["type": "string", "enum": ["requested", "approved", "paid"]],
                    description: "only payments in this status"),
                .id("application_id", "only payments of this application"),
            ]),
            list)
        table.add(Route(
            .GET,
            "/v1/payments/:id",
            roles: [.applicant, .coordinator, .auditor],
            id: "getPayment",
            tag: .payments,
            summary: "Get a payment",
            response: .json(PaymentResource.self)),
            get)
        table.add(Route(
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
        table.add(Route(
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
        table.add(Route(
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

    static func load(_ conn: PostgresConnection, id: Int64, user: Principal, lock: Bool = false) async throws -> PaymentResource {
        try PaymentResource(row: try await conn.query("""
            SELECT \(unescaped: PaymentResource.columns) FROM payments p JOIN applications a ON a.id = p.application_id
            WHERE p.id = \(id) AND (\(user.applicantOrganisation)::bigint IS NULL OR a.organisation_id = \(user.applicantOrganisation))
            \(unescaped: lock ? "FOR UPDATE OF p" : "")
            """).single())
    }

    static func respond(_ p: PaymentResource, status: Int = 200) throws -> HTTPResponse {
        var r = try HTTPResponse.json(p, status: status)
        if status == 201 { r.headers.set("Location", "/v1/payments/\(p.id)") }
        return r
    }

    /// The amount is computed, never typed in: pre-financing = granted x percentage (rounded
    /// down); final = final amount minus what was already paid.
    @Sendable static func create(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let b = try ctx.body(CreateBody.self)
        guard ["prefinancing", "final"].contains(b.kind) else { throw GrantsError.invalid("kind", "must be prefinancing or final", rule: "enum") }
        let audit = ctx.audit
        return try await ctx.db.write { conn in
            try await Idempotency.run(ctx, conn) {
                guard let appRow = try await conn.query("SELECT id FROM applications WHERE id = \(b.applicationId)").rows.first else {
                    throw GrantsError.invalid("application_id", "no such application", rule: "not_found")
                }
                let rules = try await DecisionRoutes.lockProgramme(conn, applicationID: try appRow.decode("id"))
                let app = try await ApplicationResource.load(conn, id: b.applicationId, for: user, lock: true)
                let totals = try await Ledger.applicationTotals(conn, applicationID: app.id)
                let amount: Int64
                if b.kind == "prefinancing" {
                    guard [.approved, .agreementSigned].contains(app.status) else { throw GrantsError.invalidTransition(from: app.status, action: "request_prefinancing") }
                    guard rules.prefinancingPercent > 0 else {
                        throw GrantsError.conflict(code: "no_prefinancing", detail: "the programme pays in one payment after the exchange (pre-financing 0%)")
                    }
                    amount = try CheckedAmounts.percentage(app.grantedCents ?? 0, rules.prefinancingPercent, "the pre-financing amount")
                } else {
                    guard app.status == .reportAccepted else { throw GrantsError.invalidTransition(from: app.status, action: "request_final_payment") }
                    amount = try CheckedAmounts.difference(app.finalAmountCents ?? 0, totals.paid, "the final payment amount")
                }
                guard amount > 0 else { throw GrantsError.conflict(code: "nothing_to_pay", detail: "no amount is due for this payment") }
                let existing: Int64 = try await conn.query("""
                    SELECT count(*)::bigint AS n FROM payments WHERE application_id = \(app.id) AND (kind = \(b.kind) OR status <> 'paid')
                    """).single().decode("n")
                if existing > 0 { throw GrantsError.conflict(code: "payment_exists", detail: "this payment was already requested") }
                let id: Int64 = try await conn.query("""
                    INSERT INTO payments (application_id, programme_id, kind, amount_cents, requested_by)
                    VALUES (\(app.id), \(app.programmeId), \(b.kind), \(amount), \(user.userID)) RETURNING id
                    """).single().decode("id")
                let p = try await load(conn, id: id, user: user)
                try await AuditTrail.record(conn, audit, action: "payment.requested", entity: "payment", id: id, after: p)
                return try respond(p, status: 201)
            }
        }
    }

    @Sendable static func list(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let page = try Page(ctx.request)
        var v = Validator()
        let status = ctx.request.query["status"]
        if let status, !["requested", "approved", "paid"].contains(status) { v.fail("status", "unknown status", rule: "enum") }
        let application = v.positiveID("application_id", ctx.request.query["application_id"])
        try v.finish()
        let rows = try await ctx.db.query("""
            SELECT \(unescaped: PaymentResource.columns) FROM payments p JOIN applications a ON a.id = p.application_id
            WHERE p.id > \(page.afterID) AND (\(user.applicantOrganisation)::bigint IS NULL OR a.organisation_id = \(user.applicantOrganisation))
              AND (\(status)::text IS NULL OR p.status = \(status)) AND (\(application)::bigint IS NULL OR p.application_id = \(application))
            ORDER BY p.id LIMIT \(page.fetchLimit)
            """).rows
        return try page.response(try rows.map(PaymentResource.init(row:)), id: \.id)
    }

    @Sendable static func get(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        return try respond(try await ctx.db.withConnection { try await load($0, id: id, user: user) })
    }

    static func invalid(_ p: PaymentResource, _ action: String) -> GrantsError {
        .conflict(code: "invalid_transition", detail: "'\(action)' is not allowed while the payment is '\(p.status)'")
    }

    @Sendable static func approve(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let audit = ctx.audit
        return try await ctx.db.write { conn in
            try await Idempotency.run(ctx, conn) {
                let before = try await load(conn, id: id, user: user, lock: true)
                guard before.status == "requested" else { throw invalid(before, "approve") }
                let fourEyes: Bool = try await conn.query("SELECT four_eyes_payments FROM programmes WHERE id = \(before.programmeId)").single()
                    .decode("four_eyes_payments")
                if fourEyes && before.requestedBy == user.userID { throw GrantsError.fourEyes }
                _ = try await conn.query("""
                    UPDATE payments SET status = 'approved', approved_by = \(user.userID), approved_at = now(), version = version + 1 WHERE id = \(id)
                    """)
                let after = try await load(conn, id: id, user: user)
                try await AuditTrail.record(conn, audit, action: "payment.approved", entity: "payment", id: id, before: before, after: after)
                return try respond(after)
            }
        }
    }

    @Sendable static func execute(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(ExecuteBody.self)
        var v = Validator()
        let reference = v.text("bank_reference", b.bankReference, max: 100)
        let valueDate = v.date("value_date", b.valueDate)
        try v.finish()
        let audit = ctx.audit
        return try await ctx.db.write { conn in
            try await Idempotency.run(ctx, conn) {
                let before = try await load(conn, id: id, user: user, lock: true)
                guard before.status == "approved" else { throw invalid(before, "execute") }
                var app = try await ApplicationResource.load(conn, id: before.applicationId, for: user, lock: true)
                // Only a validated organisation's IBAN is paid to: a change of it waits in
                // organisation_changes until a second person approves it, so this is the IBAN in force.
                let org = try await conn.query("SELECT iban, status FROM organisations WHERE id = \(app.organisationId) FOR SHARE").single()
                guard try org.decode("status", as: String.self) == OrganisationStatus.validated.rawValue else {
                    throw GrantsError.conflict(code: "organisation_not_validated",
                        detail: "the beneficiary organisation is not validated; "
                            + "a coordinator must validate it (and its IBAN) before it is paid")
                }
                let iban: String? = try org.decode("iban")
                guard let iban, let payee = IBAN.normalised(iban) else {
                    throw GrantsError.conflict(code: "iban_missing",
                        detail: "the beneficiary organisation has no valid IBAN on file; "
                            + "its owner must request one and a coordinator approve it")
                }
                try await Ledger.append(conn, .payment, app: app, cents: before.amountCents, reason: "\(before.kind) payment \(reference)", audit: audit)
                _ = try await conn.query("""
                    UPDATE payments SET status = 'paid', executed_by = \(user.userID), bank_reference = \(reference), payee_iban = \(payee),
                      value_date = \(valueDate!.iso)::date, paid_at = now(), failure_reason = NULL, version = version + 1 WHERE id = \(id)
                    """)
                if before.kind == "final" {
                    app = try await ApplicationRoutes.move(conn, app, .pay, reason: nil, audit: audit, user: user)
                }
                let after = try await load(conn, id: id, user: user)
                try await AuditTrail.record(conn, audit, action: "payment.executed", entity: "payment", id: id, before: before, after: after)
                return try respond(after)
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
                let before = try await load(conn, id: id, user: user, lock: true)
                guard before.status == "approved" else { throw invalid(before, "fail") }
                _ = try await conn.query("UPDATE payments SET failure_reason = \(reason), version = version + 1 WHERE id = \(id)")
                let after = try await load(conn, id: id, user: user)
                try await AuditTrail.record(conn, audit, action: "payment.failed", entity: "payment", id: id, before: before, after: after)
                return try respond(after)
            }
        }
    }
}
