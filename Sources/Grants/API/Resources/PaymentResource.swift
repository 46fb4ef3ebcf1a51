import Foundation
import Postgres

/// A payment as the API shows it, with explicit nulls for what has not happened yet.
struct PaymentResource: Codable, Sendable {
    var id: Int64
    var applicationId: Int64
    var programmeId: Int64
    var kind: String
    var amountCents: Int64
    var status: String
    var requestedBy: Int64
    var requestedAt: Date
    var approvedBy: Int64?
    var approvedAt: Date?
    var executedBy: Int64?
    var bankReference: String?
    var valueDate: CalendarDate?
    var paidAt: Date?
    var failureReason: String?
    /// The IBAN the transfer went to: the organisation's validated IBAN when it was executed.
    var payeeIban: String?
    static let columns = """
        p.id, p.application_id, p.programme_id, p.kind, p.amount_cents, p.status, p.requested_by, p.requested_at, p.approved_by,
        p.approved_at, p.executed_by, p.bank_reference, p.value_date, p.paid_at, p.failure_reason, p.payee_iban
        """
    init(row: PostgresRow) throws {
        id = try row.decode("id")
        applicationId = try row.decode("application_id")
        programmeId = try row.decode("programme_id")
        kind = try row.decode("kind")
        amountCents = try row.decode("amount_cents")
        status = try row.decode("status")
        requestedBy = try row.decode("requested_by")
        requestedAt = try row.decode("requested_at")
        approvedBy = try row.decode("approved_by")
        approvedAt = try row.decode("approved_at")
        executedBy = try row.decode("executed_by")
        bankReference = try row.decode("bank_reference")
        valueDate = try row.decode("value_date")
        paidAt = try row.decode("paid_at")
        failureReason = try row.decode("failure_reason")
        payeeIban = try row.decode("payee_iban")
    }
    enum CodingKeys: String, CodingKey {
        case id, applicationId, programmeId, kind, amountCents, status, requestedBy, requestedAt, approvedBy, approvedAt
        case executedBy, bankReference, valueDate, paidAt, failureReason, payeeIban
    }
    /// Explicit nulls: clients rely on `approved_by` and `bank_reference` being present.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(applicationId, forKey: .applicationId)
        try c.encode(programmeId, forKey: .programmeId)
        try c.encode(kind, forKey: .kind)
        try c.encode(amountCents, forKey: .amountCents)
        try c.encode(status, forKey: .status)
        try c.encode(requestedBy, forKey: .requestedBy)
        try c.encode(requestedAt, forKey: .requestedAt)
        try c.encode(approvedBy, forKey: .approvedBy)
        try c.encode(approvedAt, forKey: .approvedAt)
        try c.encode(executedBy, forKey: .executedBy)
        try c.encode(bankReference, forKey: .bankReference)
        try c.encode(valueDate, forKey: .valueDate)
        try c.encode(paidAt, forKey: .paidAt)
        try c.encode(failureReason, forKey: .failureReason)
        try c.encode(payeeIban, forKey: .payeeIban)
    }
}

extension PaymentResource {
    static func load(_ conn: PostgresConnection, id: Int64, user: Principal, lock: Bool = false) async throws -> PaymentResource {
        try PaymentResource(
            row: try await conn.prepared(
                """
                SELECT \(unescaped: PaymentResource.columns) FROM payments p JOIN applications a ON a.id = p.application_id
                WHERE p.id = \(id) AND (\(user.applicantOrganisation)::bigint IS NULL OR a.organisation_id = \(user.applicantOrganisation))
                \(unescaped: lock ? "FOR UPDATE OF p" : "")
                """
            ).single())
    }
}
