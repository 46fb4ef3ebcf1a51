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

extension AppealFigures: DocumentedSchema {
    static let schemaName = "AppealFigures"
    static let schemaHints = SchemaHints("Appeals filed up to `as_of`: open then, upheld or granted by then.")
}

extension Beneficiary: ReportRow {
    typealias Totals = ReportTotals
    static let reportSchemaName = "BeneficiariesReport"
    static let reportDescription = "One row per supported third party."
}

extension OverduePayment: ReportRow {
    typealias Totals = OverdueTotals
    static let reportSchemaName = "OverdueReport"
    static let reportDescription = "Accepted reports whose payment was due before `as_of` and is not fully paid at `as_of`."
}

extension ProgrammeReport: DocumentedSchema {
    static var schemaName: String { Item.reportSchemaName }
    static var schemaHints: SchemaHints { SchemaHints(Item.reportDescription, fields: ["as_of": asOfSchema]) }
}

extension Beneficiary: DocumentedSchema {
    static let schemaName = "Beneficiary"
    static let schemaHints = SchemaHints(
        fields: ["country": F.country, "kind": F.oneOf(OrganisationKind.self)])
}

extension ReportTotals: DocumentedSchema {
    static let schemaName = "ReportTotals"
}

extension OverduePayment: DocumentedSchema {
    static let schemaName = "OverduePayment"
}

extension OverdueTotals: DocumentedSchema {
    static let schemaName = "OverdueTotals"
}
