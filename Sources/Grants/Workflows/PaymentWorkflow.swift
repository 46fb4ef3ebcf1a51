import Foundation
import Postgres

/// Payments as transactions: each locks what it changes, asks the pure rules
/// (`PaymentStatus`, `PaymentRules`), writes, books the ledger and audits. The caller holds the
/// transaction (and the idempotency record around it).
enum PaymentWorkflow {
    /// Requests a payment of the computed amount; the programme row is locked like an approval's.
    static func request(
        _ conn: PostgresConnection, applicationID: Int64, kind: PaymentKind, user: Principal,
        audit: AuditContext
    ) async throws -> PaymentResource {
        guard try await conn.query("SELECT id FROM applications WHERE id = \(applicationID)").rows.first != nil else {
            throw GrantsError.invalid("application_id", "no such application", rule: "not_found")
        }
        // The application before the programme, in the order every approval takes them.
        let app = try await ApplicationResource.load(conn, id: applicationID, for: user, lock: true)
        let rules = try await ApprovalWorkflow.lockProgramme(conn, applicationID: applicationID)
        let totals = try await Ledger.applicationTotals(conn, applicationID: app.id)
        let amount: Int64
        switch PaymentRules.amount(
            kind: kind, status: app.status, grantedCents: app.grantedCents, finalAmountCents: app.finalAmountCents,
            paidCents: totals.paid, prefinancingPercent: rules.prefinancingPercent)
        {
        case .due(let cents): amount = cents
        case .notNow(let action, let needs): throw GrantsError.invalidTransition(from: app.status, action: action, needs: needs)
        case .noPrefinancing:
            throw GrantsError.conflict(
                code: .noPrefinancing, detail: "the programme pays in one payment after the exchange (pre-financing 0%)")
        case .nothingToPay: throw GrantsError.conflict(code: .nothingToPay, detail: "no amount is due for this payment")
        case .outOfRange:
            throw GrantsError.storedAmountOutOfRange(kind == .prefinancing ? "the pre-financing amount" : "the final payment amount")
        }
        let existing: Int64 = try await conn.query(
            """
            SELECT count(*)::bigint AS n FROM payments WHERE application_id = \(app.id) AND (kind = \(kind.rawValue) OR status <> 'paid')
            """
        ).single().decode("n")
        if existing > 0 { throw GrantsError.conflict(code: .paymentExists, detail: "this payment was already requested") }
        let id: Int64 = try await conn.query(
            """
            INSERT INTO payments (application_id, programme_id, kind, amount_cents, requested_by)
            VALUES (\(app.id), \(app.programmeId), \(kind.rawValue), \(amount), \(user.userID)) RETURNING id
            """
        ).single().decode("id")
        let p = try await PaymentResource.load(conn, id: id, user: user)
        try await AuditTrail.record(conn, audit, action: "payment.requested", entity: "payment", id: id, after: p)
        return p
    }

    /// Approval by a second coordinator when the programme asks for four eyes.
    static func approve(_ conn: PostgresConnection, id: Int64, user: Principal, audit: AuditContext) async throws -> PaymentResource {
        let before = try await locked(conn, id: id, user: user, for: .approve)
        let fourEyes: Bool = try await conn.query("SELECT four_eyes_payments FROM programmes WHERE id = \(before.programmeId)").single()
            .decode("four_eyes_payments")
        guard PaymentRules.mayApprove(requestedBy: before.requestedBy, approver: user.userID, fourEyes: fourEyes) else {
            throw GrantsError.fourEyes
        }
        _ = try await conn.query(
            """
            UPDATE payments SET status = 'approved', approved_by = \(user.userID), approved_at = now(), version = version + 1 WHERE id = \(id)
            """)
        return try await audited(conn, "payment.approved", id: id, before: before, user: user, audit: audit)
    }

    /// Records the transfer: only a validated organisation is paid, to the IBAN in force (a
    /// change of it waits in organisation_changes until a second person approves it).
    static func execute(
        _ conn: PostgresConnection, id: Int64, reference: String, valueDate: CalendarDate, user: Principal,
        audit: AuditContext
    ) async throws -> PaymentResource {
        let before = try await locked(conn, id: id, user: user, for: .execute)
        let app = try await ApplicationResource.load(conn, id: before.applicationId, for: user, lock: true)
        let org = try await conn.query("SELECT iban, status FROM organisations WHERE id = \(app.organisationId) FOR SHARE").single()
        guard try org.decode("status", as: String.self) == OrganisationStatus.validated.rawValue else {
            throw GrantsError.conflict(
                code: .organisationNotValidated,
                detail: "the beneficiary organisation is not validated; a coordinator must validate it (and its IBAN) before it is paid")
        }
        let iban: String? = try org.decode("iban")
        guard let iban, let payee = IBAN.normalised(iban) else {
            throw GrantsError.conflict(
                code: .ibanMissing,
                detail: "the beneficiary organisation has no valid IBAN on file; its owner must request one and a coordinator approve it")
        }
        _ = try await conn.query(
            """
            UPDATE payments SET status = 'paid', executed_by = \(user.userID), bank_reference = \(reference), payee_iban = \(payee),
              value_date = \(valueDate), paid_at = now(), failure_reason = NULL, version = version + 1 WHERE id = \(id)
            """)
        // The ledger row at commit, queued before any audit row (the move's and the payment's):
        // its trigger locks the programme row until COMMIT, which must come before the audit
        // chain's lock as in every approval. Pipelined with the COMMIT, it holds the programme
        // row for no round trip, so the programme's other payments wait less.
        try await Ledger.appendAtCommit(
            conn, .payment, app: app, cents: before.amountCents, reason: "\(before.kind) payment \(reference)", audit: audit)
        if before.kind == PaymentKind.final.rawValue {
            _ = try await ApplicationLifecycle.move(conn, app, .pay, reason: nil, audit: audit, user: user)
        }
        return try await audited(conn, "payment.executed", id: id, before: before, user: user, audit: audit)
    }

    /// A transfer the bank rejected: the payment stays approved, nothing is booked.
    static func fail(_ conn: PostgresConnection, id: Int64, reason: String, user: Principal, audit: AuditContext) async throws
        -> PaymentResource
    {
        let before = try await locked(conn, id: id, user: user, for: .fail)
        _ = try await conn.query("UPDATE payments SET failure_reason = \(reason), version = version + 1 WHERE id = \(id)")
        return try await audited(conn, "payment.failed", id: id, before: before, user: user, audit: audit)
    }

    /// The payment, locked, when `event` is allowed in its status.
    private static func locked(_ conn: PostgresConnection, id: Int64, user: Principal, for event: PaymentStatus.Event) async throws
        -> PaymentResource
    {
        let p = try await PaymentResource.load(conn, id: id, user: user, lock: true)
        guard PaymentStatus(rawValue: p.status)?.apply(event) != nil else {
            throw GrantsError.conflict(
                code: .invalidTransition, detail: "'\(event.rawValue)' is not allowed while the payment is '\(p.status)'")
        }
        return p
    }

    private static func audited(
        _ conn: PostgresConnection, _ action: String, id: Int64, before: PaymentResource, user: Principal,
        audit: AuditContext
    ) async throws -> PaymentResource {
        let after = try await PaymentResource.load(conn, id: id, user: user)
        try await AuditTrail.record(conn, audit, action: action, entity: "payment", id: id, before: before, after: after)
        return after
    }
}
