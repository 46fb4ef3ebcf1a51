/// Documentation of the spending, beneficiaries and overdue-payments reports (ReportRoutes).
private typealias F = SchemaFragments

private let asOfSchema: OrderedJSON = ["format": "date-time"]

extension BreakdownItem: DocumentedSchema {
    static let schemaName = "BreakdownItem"
    static let schemaHints = SchemaHints(fields: [
        "label": ["description": "a human-readable name where the key is an id (calls)"],
        "count": ["description": "funded exchanges in the group"],
    ])
}

extension SpendingReport: DocumentedSchema {
    static let schemaName = "SpendingReport"
    static let schemaHints = SchemaHints(
        "Sums over the ledger up to `as_of`; every breakdown adds up to the top figures.",
        fields: ["as_of": asOfSchema, "sme_share": ["description": "share of funded exchanges by SMEs (4 decimals)"]])
}

extension Beneficiary: DocumentedSchema {
    static let schemaName = "Beneficiary"
    static let schemaHints = SchemaHints(
        fields: ["country": F.country, "kind": F.oneOf(OrganisationKind.self)])
}

extension ReportTotals: DocumentedSchema {
    static let schemaName = "ReportTotals"
}

extension BeneficiariesReport: DocumentedSchema {
    static let schemaName = "BeneficiariesReport"
    static let schemaHints = SchemaHints("One row per supported third party.", fields: ["as_of": asOfSchema])
}

extension OverduePayment: DocumentedSchema {
    static let schemaName = "OverduePayment"
}

extension OverdueTotals: DocumentedSchema {
    static let schemaName = "OverdueTotals"
}

extension OverdueReport: DocumentedSchema {
    static let schemaName = "OverdueReport"
    static let schemaHints = SchemaHints(
        "Accepted reports whose payment was due before `as_of` and is not fully paid at `as_of`.", fields: ["as_of": asOfSchema])
}
