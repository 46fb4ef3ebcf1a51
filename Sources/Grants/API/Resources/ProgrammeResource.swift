import Foundation
import Postgres

struct ProgrammeResource: Codable, Sendable {
    var id: Int64
    var code: String
    var name: String
    var periodStart: CalendarDate
    var periodEnd: CalendarDate
    var capCents: Int64
    var targetExchanges: Int
    var rules: ProgrammeRules
    /// Lump sum of a full exchange by host country (ISO alpha-2).
    var lumpSumsCents: [String: Int64]
    /// Which lump sums are sourced from the programme texts and which are illustrative defaults.
    var lumpSumSources: [String: String]
    /// The agency's balance payment to the partnership, when recorded.
    var balanceReceivedOn: CalendarDate?
    /// Records (documents, ledger, audit trail) are kept at least until this day: 5 years after
    /// the balance payment (S). Null until that payment is recorded.
    var retentionUntil: CalendarDate?
    /// Where each rule comes from: a public text (sourced) or a product default.
    var ruleSources: [String: String] = RuleSources.rules
    /// The closing report's proofs, each marked sourced or product default.
    var closingReportProofs: [RuleSources.Proof] = RuleSources.closingReportProofs
    var version: Int

    static let columns = """
        p.id, p.code, p.name, p.period_start, p.period_end, p.cap_cents,
        p.target_exchanges, p.per_visit_cap_cents, p.per_third_party_cap_cents, p.halving_distance_km,
        p.halving_working_days, p.minimum_working_days, p.maximum_calendar_days, p.max_funded_exchanges_per_visitor,
        p.prefinancing_percent, p.payment_due_days, p.four_eyes_payments, p.payment_due_from, p.appeal_days, p.report_due_days, p.reminder_offsets,
        p.balance_received_on, \(retentionUntilColumn), p.version
        """

    /// Records are kept 5 years after the agency's balance payment (S): the one definition of
    /// `retention_until`, next to `p` (the programmes alias).
    static let retentionUntilColumn = "(p.balance_received_on + interval '5 years')::date AS retention_until"

    var etag: String { "\"programme-\(id)-v\(version)\"" }

    static func rules(from row: PostgresRow) throws -> ProgrammeRules {
        var r = ProgrammeRules()
        r.perVisitCapCents = try row.decode("per_visit_cap_cents")
        r.perThirdPartyCapCents = try row.decode("per_third_party_cap_cents")
        r.halvingDistanceKm = try row.decode("halving_distance_km")
        r.halvingWorkingDays = try row.decode("halving_working_days")
        r.minimumWorkingDays = try row.decode("minimum_working_days")
        r.maximumCalendarDays = try row.decode("maximum_calendar_days")
        r.maxFundedExchangesPerVisitor = try row.decode("max_funded_exchanges_per_visitor")
        r.prefinancingPercent = try row.decode("prefinancing_percent")
        r.paymentDueDays = try row.decode("payment_due_days")
        r.fourEyesPayments = try row.decode("four_eyes_payments")
        r.paymentDueFrom = try PaymentClock(stored: row.decode("payment_due_from"))
        r.appealDays = try row.decode("appeal_days")
        r.reportDueDays = try row.decode("report_due_days")
        r.reminderOffsetDays = try row.decode("reminder_offsets", as: [Int64].self).map { Int(clamping: $0) }
        return r
    }

    static func load(_ conn: PostgresConnection, id: Int64, lock: Bool = false) async throws -> ProgrammeResource {
        let row = try await conn.prepared(
            """
            SELECT \(unescaped: columns) FROM programmes p WHERE p.id = \(id) \(unescaped: lock ? "FOR UPDATE" : "")
            """
        ).single()
        let sums = try await conn.prepared(
            """
            SELECT country, amount_cents, sourced, note FROM programme_lump_sums WHERE programme_id = \(id) ORDER BY country
            """
        ).rows
        var lumpSums: [String: Int64] = [:]
        var sources: [String: String] = [:]
        for s in sums {
            let c: String = try s.decode("country")
            lumpSums[c] = try s.decode("amount_cents")
            sources[c] = try s.decode("sourced", as: Bool.self) ? "sourced" : "illustrative"
        }
        return ProgrammeResource(
            id: try row.decode("id"), code: try row.decode("code"), name: try row.decode("name"),
            periodStart: try row.decode("period_start"), periodEnd: try row.decode("period_end"),
            capCents: try row.decode("cap_cents"), targetExchanges: try row.decode("target_exchanges"),
            rules: try rules(from: row), lumpSumsCents: lumpSums, lumpSumSources: sources,
            balanceReceivedOn: try row.decode("balance_received_on"), retentionUntil: try row.decode("retention_until"),
            version: try row.decode("version"))
    }
}

extension PaymentClock {
    /// A stored setting; the column's CHECK keeps it valid, so anything else is a tampered row.
    init(stored: String) throws {
        guard let clock = PaymentClock(rawValue: stored) else { throw GrantsError.unavailable("unknown payment clock in storage") }
        self = clock
    }
}

/// Budget figures, always sums over the ledger (DESIGN.md §3).
struct BudgetResource: Codable, Sendable {
    var programmeId: Int64
    var capCents: Int64
    var committedCents: Int64
    var paidCents: Int64
    var outstandingCents: Int64
    var availableCents: Int64
    /// The programme's running totals (used by approvals under the lock) equal these ledger sums.
    var reconciled: Bool

    static func load(_ conn: PostgresConnection, programmeID: Int64) async throws -> BudgetResource {
        let row = try await conn.prepared(
            """
            SELECT p.cap_cents, p.committed_cents AS running_committed, p.paid_cents AS running_paid,
                   coalesce(sum(ledger_committed_delta(l.kind, l.amount_cents)), 0)::bigint AS committed,
                   coalesce(sum(ledger_paid_delta(l.kind, l.amount_cents)), 0)::bigint AS paid
            FROM programmes p LEFT JOIN ledger_entries l ON l.programme_id = p.id
            WHERE p.id = \(programmeID) GROUP BY p.id
            """
        ).single()
        let cap: Int64 = try row.decode("cap_cents")
        let committed: Int64 = try row.decode("committed")
        let paid: Int64 = try row.decode("paid")
        let reconciled =
            try row.decode("running_committed", as: Int64.self) == committed && row.decode("running_paid", as: Int64.self) == paid
        return BudgetResource(
            programmeId: programmeID, capCents: cap, committedCents: committed, paidCents: paid,
            outstandingCents: try CheckedAmounts.difference(committed, paid, "the outstanding amount"),
            availableCents: try CheckedAmounts.difference(cap, committed, "the available amount"), reconciled: reconciled)
    }
}
