/// Documentation of payments, the ledger and the audit trail (PaymentRoutes, LedgerRoutes, AuditRoutes).
private typealias F = SchemaFragments

extension PaymentResource: DocumentedSchema {
    static let schemaName = "Payment"
    static let schemaHints = SchemaHints(
        fields: [
            "kind": F.oneOf(PaymentKind.self), "status": F.oneOf(PaymentStatus.self),
            "payee_iban": ["description": "the IBAN paid to: the organisation's validated IBAN when the payment was executed"],
        ])
}

extension PaymentRoutes.CreateBody {
    static let schemaName = "PaymentRequest"
    static let schemaHints = SchemaHints(
        "The amount is computed: pre-financing = granted x the programme's percentage; final = final amount - paid.",
        fields: ["application_id": F.positive, "kind": F.oneOf(PaymentKind.self)])
}

extension PaymentRoutes.ExecuteBody {
    static let schemaName = "PaymentExecution"
    static let schemaHints = SchemaHints(fields: ["bank_reference": ["minLength": 1, "maxLength": 100], "value_date": F.date])
}

extension PaymentRoutes.FailBody {
    static let schemaName = "PaymentFailure"
    static let schemaHints = SchemaHints(fields: ["reason": ["minLength": 1, "maxLength": 2000]])
}

extension LedgerRoutes.Entry: DocumentedSchema {
    static let schemaName = "LedgerEntry"
    static let schemaHints = SchemaHints(
        "An append-only movement: budget figures are sums over these.",
        fields: ["kind": F.oneOf(["commitment", "release", "payment"])])
}

extension AuditRoutes.Entry: DocumentedSchema {
    static let schemaName = "AuditEntry"
    static let schemaHints = SchemaHints(
        "One change: who, what, when, from which request; hash-chained to the previous entry.",
        fields: ["prev_hash": F.sha256, "hash": F.sha256])
}

extension AuditRoutes.Verification: DocumentedSchema {
    static let schemaName = "AuditVerification"
}
