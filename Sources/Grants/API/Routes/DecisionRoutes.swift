import Evaluation
import Foundation
import HTTP
import Postgres

/// Decisions and everything after them up to payment: the single approval path that
/// enforces the programme cap and the per-organisation limits, cancellations,
/// closing reports and their review.
enum DecisionRoutes {
    struct DecisionBody: RequestBody {
        var decision: String
        var reason: String?
    }
    struct ReportBody: RequestBody {
        var actualStart: String
        var actualEnd: String
        var summary: String
    }
    struct ReviewBody: RequestBody {
        var accepted: Bool
        var reason: String?
    }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .POST,
                "/v1/applications/:id/decision",
                roles: [.coordinator],
                id: "decideApplication",
                tag: .decisions,
                summary: "Decide an application",
                description: "Approval commits the lump sum within the programme cap and the per-organisation limits.",
                body: .json(DecisionBody.self),
                response: .json(ApplicationResource.self),
                traits: [.etag, .idempotent],
                problems: [.invalidTransition, .budgetExceeded, .organisationLimit, .storedAmountOutOfRange, .previousVisit]),
            decision)
        table.add(
            Route(
                .POST,
                "/v1/applications/:id/cancel",
                roles: [.coordinator],
                id: "cancelApplication",
                tag: .decisions,
                summary: "Cancel an approved exchange",
                description: "Releases what was committed and not paid.",
                body: .json(ReasonBody.self, required: false),
                response: .json(ApplicationResource.self),
                traits: [.etag],
                problems: [.invalidTransition, .openPayment, .storedAmountOutOfRange]),
            cancel)
        table.add(
            Route(
                .POST,
                "/v1/applications/:id/report",
                roles: [.applicant],
                id: "submitReport",
                tag: .decisions,
                summary: "File the closing report",
                body: .json(ReportBody.self),
                response: .json(ApplicationResource.self),
                traits: [.etag],
                problems: [.invalidTransition]),
            report)
        table.add(
            Route(
                .POST,
                "/v1/applications/:id/report/review",
                roles: [.coordinator],
                id: "reviewReport",
                tag: .decisions,
                summary: "Accept or return the closing report",
                description: "Accepting recomputes the final amount on the actual dates, releases the difference and "
                    + "sets `payment_due_on`.",
                body: .json(ReviewBody.self),
                response: .json(ApplicationResource.self),
                traits: [.etag],
                problems: [.invalidTransition, .storedAmountOutOfRange]),
            review)
        table.add(
            Route(
                .POST,
                "/v1/applications/:id/close",
                roles: [.coordinator],
                id: "closeApplication",
                tag: .decisions,
                summary: "Close a paid exchange",
                response: .json(ApplicationResource.self),
                traits: [.etag],
                problems: [.invalidTransition]),
            close)
    }

    @Sendable static func decision(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(DecisionBody.self)
        var v = Validator()
        let decision = ProposedDecision(rawValue: b.decision)
        if decision == nil { v.fail("decision", "must be approved, reserve or rejected", rule: "enum") }
        let reason = v.optionalText("reason", b.reason, max: 2000, multiline: true)
        if decision == .rejected && reason == nil { v.fail("reason", "a rejection needs a reason", rule: "required") }
        try v.finish()
        guard let decision else { throw GrantsError.invalid("decision", "must be approved, reserve or rejected", rule: "enum") }
        let audit = ctx.audit
        do {
            return try await ctx.db.write { conn in
                try await Idempotency.run(ctx, conn) {
                    try ApplicationResource.respond(
                        try await ApprovalWorkflow.decide(
                            conn, applicationID: id, decision: decision, reason: reason, user: user, audit: audit, bookAtCommit: true)
                    )
                }
            }
        } catch let error as PostgresError where error.constraint == "ledger_within_cap" {
            throw try await ApprovalWorkflow.refusedAtCommit(ctx.db, applicationID: id)
        }
    }

    /// Cancelling releases what was committed and not paid; the money goes back to `available`.
    @Sendable static func cancel(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let reason = try ReasonBody.reason(of: ctx)
        let audit = ctx.audit
        let app = try await ctx.db.write { conn in
            // The application before the programme, in the order every approval takes them.
            let app = try await ApplicationResource.load(conn, id: id, for: user, lock: true)
            _ = try await ApprovalWorkflow.lockProgramme(conn, applicationID: id)
            guard app.status.apply(.cancel) != nil else { throw GrantsError.invalidTransition(from: app.status, action: "cancel") }
            let open: Int64 = try await conn.query(
                """
                SELECT count(*)::bigint AS n FROM payments WHERE application_id = \(id) AND status <> 'paid'
                """
            ).single().decode("n")
            if open > 0 {
                throw GrantsError.conflict(
                    code: .openPayment, detail: "a payment of this application is requested or approved; settle it first")
            }
            let totals = try await Ledger.applicationTotals(conn, applicationID: id)
            let unpaid = try CheckedAmounts.difference(totals.committed, totals.paid, "the unpaid commitment")
            try await Ledger.append(conn, .release, app: app, cents: unpaid, reason: reason ?? "cancelled", audit: audit)
            return try await ApplicationLifecycle.move(conn, app, .cancel, reason: reason, audit: audit, user: user)
        }
        return try ApplicationResource.respond(app)
    }

    @Sendable static func report(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(ReportBody.self)
        var v = Validator()
        let start = v.date("actual_start", b.actualStart)
        let end = v.date("actual_end", b.actualEnd)
        let summary = v.text("summary", b.summary, max: 20_000, multiline: true)
        if let start, let end, end < start { v.fail("actual_end", "actual_end is before actual_start", rule: "end_before_start") }
        v.notInFuture("actual_start", start, ctx)
        v.notInFuture("actual_end", end, ctx)
        try v.finish()
        guard let start, let end else { throw GrantsError.invalid("actual_start", "must be a date YYYY-MM-DD", rule: "date") }
        let audit = ctx.audit
        let app = try await ctx.db.write { conn in
            let app = try await ApplicationResource.load(conn, id: id, for: user, lock: true)
            guard app.status.apply(.submitReport) != nil else {
                throw GrantsError.invalidTransition(from: app.status, action: "submit_report", needs: .agreementSigned)
            }
            let kinds = Set(
                try await conn.query("SELECT DISTINCT kind FROM documents WHERE application_id = \(id)").rows
                    .compactMap { DocumentKind(rawValue: try $0.decode("kind", as: String.self)) })
            var missing: [RuleViolation] = []
            if kinds.isDisjoint(with: [.boardingPass, .invoice]) {
                missing.append(
                    RuleViolation(field: "documents", rule: "travel_proof_missing", message: "upload at least one boarding_pass or invoice")
                )
            }
            if !kinds.contains(.hostConfirmation) {
                missing.append(
                    RuleViolation(field: "documents", rule: "host_confirmation_missing", message: "upload the host_confirmation"))
            }
            if !missing.isEmpty { throw GrantsError.validation(missing) }
            return try await ApplicationLifecycle.move(
                conn, app, .submitReport, reason: nil, audit: audit, user: user,
                also: "actual_start = \(start), actual_end = \(end), report_summary = \(summary)")
        }
        return try ApplicationResource.respond(app)
    }

    /// Accepting recomputes the lump sum on the actual dates (never above the grant), releases
    /// the difference and sets the payment due date; returning sends the report back.
    @Sendable static func review(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(ReviewBody.self)
        var v = Validator()
        let reason = v.optionalText("reason", b.reason, max: 2000, multiline: true)
        if !b.accepted && reason == nil { v.fail("reason", "say what must change", rule: "required") }
        try v.finish()
        let audit = ctx.audit
        let app = try await ctx.db.write { conn in
            let app = try await ApplicationResource.load(conn, id: id, for: user, lock: true)
            let rules = try await ApprovalWorkflow.lockProgramme(conn, applicationID: id)
            guard b.accepted else {
                return try await ApplicationLifecycle.move(conn, app, .returnReport, reason: reason, audit: audit, user: user)
            }
            guard app.status.apply(.acceptReport) != nil, let start = app.actualStart, let end = app.actualEnd,
                let granted = app.grantedCents
            else {
                throw GrantsError.invalidTransition(from: app.status, action: "accept_report")
            }
            let base: Int64 = try await conn.query(
                """
                SELECT l.amount_cents FROM programme_lump_sums l JOIN organisations o ON o.country = l.country
                WHERE l.programme_id = \(app.programmeId) AND o.id = \(app.hostOrganisationId)
                """
            ).single().decode("amount_cents")
            let workingDays = ExchangeMetrics.workingDays(from: start, to: end)
            let actual = LumpSum.compute(baseCents: base, workingDays: workingDays, distanceKm: app.distanceKm, rules: rules).amountCents
            let final = min(actual, granted)
            let released = try CheckedAmounts.difference(granted, final, "the released difference")
            try await Ledger.append(conn, .release, app: app, cents: released, reason: "final amount on actual dates", audit: audit)
            let today: CalendarDate = try await conn.query("SELECT (now() AT TIME ZONE 'UTC')::date AS today").single().decode("today")
            let due = rules.paymentDueFrom.dueOn(exchangeEnd: end, reportAcceptedOn: today, days: rules.paymentDueDays)
            return try await ApplicationLifecycle.move(
                conn, app, .acceptReport, reason: reason, audit: audit, user: user,
                also: "final_amount_cents = \(final), report_accepted_on = \(today), payment_due_on = \(due)")
        }
        return try ApplicationResource.respond(app)
    }

    @Sendable static func close(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let audit = ctx.audit
        let app = try await ctx.db.write { conn in
            let app = try await ApplicationResource.load(conn, id: id, for: user, lock: true)
            return try await ApplicationLifecycle.move(conn, app, .close, reason: nil, audit: audit, user: user)
        }
        return try ApplicationResource.respond(app)
    }
}
