import Foundation
import HTTP

/// The auditor reports' answers (DESIGN.md §6): the JSON bodies, and the rows the CSV forms write.

struct BreakdownItem: Codable, Sendable {
    var key: String
    /// Human-readable name where the key is an id (calls).
    var label: String?
    var count: Int
    var committedCents: Int64
    var paidCents: Int64
}

struct SpendingReport: Codable, Sendable {
    var programmeId: Int64
    var programmeCode: String
    var asOf: String
    var capCents: Int64
    var committedCents: Int64
    var paidCents: Int64
    var outstandingCents: Int64
    var availableCents: Int64
    var approvedExchanges: Int
    var completedExchanges: Int
    var paidExchanges: Int
    var targetExchanges: Int
    var progress: Double
    var smeExchanges: Int
    var smeShare: Double
    var smeCommittedCents: Int64
    var smeShareOfMoney: Double
    var byHostCountry: [BreakdownItem]
    var byVisitorCountry: [BreakdownItem]
    var byOrganisationKind: [BreakdownItem]
    var byCall: [BreakdownItem]
    var byMonth: [BreakdownItem]
    /// Appeals filed up to `as_of` and how they stood then.
    var appeals: AppealFigures
    /// Records are kept at least until this day (5 years after the agency's balance payment).
    var retentionUntil: CalendarDate?
}

struct AppealFigures: Codable, Sendable {
    var filed: Int
    var open: Int
    var upheld: Int
    var granted: Int
}

struct Beneficiary: Codable, Sendable {
    var organisationId: Int64
    var legalName: String
    var country: String
    var kind: String
    var vatNumber: String?
    var exchanges: Int
    var committedCents: Int64
    var paidCents: Int64
    var firstPaymentOn: CalendarDate?
    var lastPaymentOn: CalendarDate?

    /// In this order in `write(to:)` too.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case organisationId, legalName, country, kind, vatNumber, exchanges, committedCents, paidCents, firstPaymentOn, lastPaymentOn
    }
    /// Explicit nulls: every row has every column.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(organisationId, forKey: .organisationId)
        try c.encode(legalName, forKey: .legalName)
        try c.encode(country, forKey: .country)
        try c.encode(kind, forKey: .kind)
        try c.encode(vatNumber, forKey: .vatNumber)
        try c.encode(exchanges, forKey: .exchanges)
        try c.encode(committedCents, forKey: .committedCents)
        try c.encode(paidCents, forKey: .paidCents)
        try c.encode(firstPaymentOn, forKey: .firstPaymentOn)
        try c.encode(lastPaymentOn, forKey: .lastPaymentOn)
    }
}

struct ReportTotals: Codable, Sendable {
    var count: Int
    var committedCents: Int64
    var paidCents: Int64
}

/// A programme's list report: which programme, at which instant, its rows and their totals.
struct ProgrammeReport<Item: ReportRow>: Codable, Sendable {
    var programmeId: Int64
    var programmeCode: String
    var asOf: String
    /// Records are kept at least until this day (5 years after the agency's balance payment).
    var retentionUntil: CalendarDate?
    var items: [Item]
    var totals: Item.Totals
}

/// A row of a list report, with the totals its report carries and the report's schema name.
protocol ReportRow: Codable, Sendable {
    associatedtype Totals: Codable, Sendable
    static var reportSchemaName: String { get }
    static var reportDescription: String { get }
}

extension Beneficiary {
    /// The streamed form of `ReportQueries.beneficiaries`' columns, in `CodingKeys` order.
    static let jsonLayout = JSONRowLayout(
        zip(
            CodingKeys.allCases.map(\.stringValue),
            [.integer, .text, .text, .text, .text, .integer, .integer, .integer, .date, .date] as [JSONRowLayout.Member]
        )
        .map { (key: $0, member: $1) })
}

/// Totals: `count` = beneficiaries; the amounts equal the spending report's top figures.
typealias BeneficiariesReport = ProgrammeReport<Beneficiary>

typealias OverdueReport = ProgrammeReport<OverduePayment>

struct OverduePayment: Codable, Sendable {
    var applicationId: Int64
    var organisationId: Int64
    var organisation: String
    var finalAmountCents: Int64
    var paidCents: Int64
    var outstandingCents: Int64
    var paymentDueOn: CalendarDate
    var daysOverdue: Int
    /// Both readings of the 10-day clock, and which one the programme applies (`payment_clock`).
    var dueFromExchangeEnd: CalendarDate?
    var dueFromReportAcceptance: CalendarDate?
    var paymentClock: PaymentClock
}

struct OverdueTotals: Codable, Sendable {
    var count: Int
    var finalAmountCents: Int64
    var paidCents: Int64
    var outstandingCents: Int64
}
