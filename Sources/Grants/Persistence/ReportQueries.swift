import Foundation
import Postgres

/// The SQL behind the auditor reports (issue 6). Every figure is a sum over the ledger
/// (DESIGN.md §3) restricted to `created_at <= asOf`, so a report for a past instant shows
/// exactly what the budget endpoint showed at that instant. The queries of one report run in
/// one REPEATABLE READ transaction, so they all see the same snapshot and always reconcile.
///
/// The aggregation happens in PostgreSQL: a report over 50,000 applications returns tens of
/// rows (spending, chart) or only the rows it prints (beneficiaries, overdue payments), because
/// moving rows into Swift costs about a microsecond per cell.
enum ReportQueries {
    /// The programme as the reports name it.
    struct Programme: Sendable {
        var id: Int64
        var code: String
        var name: String
        var capCents: Int64
        var targetExchanges: Int
        var retentionUntil: CalendarDate?
    }

    /// nil when the programme does not exist.
    static func programme(_ conn: PostgresConnection, id: Int64) async throws -> Programme? {
        guard
            let row = try await conn.query(
                """
                SELECT p.id, p.code, p.name, p.cap_cents, p.target_exchanges, \(unescaped: ProgrammeResource.retentionUntilColumn)
                FROM programmes p WHERE p.id = \(id)
                """
            ).rows.first
        else { return nil }
        return Programme(
            id: try row.decode(0), code: try row.decode(1), name: try row.decode(2),
            capCents: try row.decode(3), targetExchanges: try row.decode(4), retentionUntil: try row.decode(5))
    }

    /// Where a report's per-application and per-day figures come from in its snapshot.
    enum LedgerSource: Sendable {
        /// The running totals the ledger trigger keeps (Migrations/0015): one row per application
        /// or day. Equal to summing the entries when no visible entry was booked after `asOf`.
        case summaries
        /// The entries themselves, summed up to `asOf`: a report of an earlier instant.
        case entries
    }

    /// `.summaries` when no entry of the programme visible in this snapshot was booked after
    /// `asOf` (one backward step of the programme/time index), otherwise `.entries`.
    static func source(_ conn: PostgresConnection, programmeID: Int64, asOf: Date) async throws -> LedgerSource {
        let covered: Bool = try await conn.query(
            """
            SELECT coalesce(max(l.created_at) <= \(asOf), true)
            FROM ledger_entries l WHERE l.programme_id = \(programmeID)
            """
        ).single().decode(0)
        return covered ? .summaries : .entries
    }

    /// The per-application ledger figures up to `asOf` (one row per application with at least one
    /// entry): net commitment (commitments minus releases), payments, the first commitment and the
    /// first and last payment instants. Shared by the spending, beneficiaries and overdue queries.
    static func perApplication(programmeID: Int64, asOf: Date, source: LedgerSource) -> PostgresQuery {
        switch source {
        case .summaries:
            """
            SELECT t.application_id, t.committed_cents AS committed, t.paid_cents AS paid, t.committed_at,
                   t.first_payment_at, t.last_payment_at
            FROM ledger_application_totals t
            WHERE t.programme_id = \(programmeID)
            """
        case .entries:
            """
            SELECT l.application_id,
                   sum(ledger_committed_delta(l.kind, l.amount_cents))::bigint AS committed,
                   sum(ledger_paid_delta(l.kind, l.amount_cents))::bigint AS paid,
                   min(l.created_at) FILTER (WHERE l.kind = 'commitment') AS committed_at,
                   min(l.created_at) FILTER (WHERE l.kind = 'payment') AS first_payment_at,
                   max(l.created_at) FILTER (WHERE l.kind = 'payment') AS last_payment_at
            FROM ledger_entries l
            WHERE l.programme_id = \(programmeID) AND l.created_at <= \(asOf)
            GROUP BY l.application_id
            """
        }
    }

    /// Net movements per UTC day or month up to `asOf`: `ledger_movements` over the entries, or
    /// `ledger_summary_movements` over the daily totals (the same columns).
    static func movements(programmeID: Int64, asOf: Date, bucket: String, source: LedgerSource) -> PostgresQuery {
        switch source {
        case .summaries: "SELECT * FROM ledger_summary_movements(\(programmeID), \(bucket))"
        case .entries: "SELECT * FROM ledger_movements(\(programmeID), \(asOf), \(bucket))"
        }
    }

    /// Report queries aggregate a whole programme's ledger in one statement: enough memory for the
    /// per-application hash aggregate not to spill (the setting ends with the transaction).
    static func prepare(_ conn: PostgresConnection) async throws {
        _ = try await conn.query("SET LOCAL work_mem = '32MB'")
    }

    // MARK: spending

    /// One group of a breakdown: `count` = funded applications (net commitment > 0), the amounts
    /// over every application with money on the ledger.
    struct Group: Sendable {
        var key: String
        var label: String?
        var count: Int
        var committedCents: Int64
        var paidCents: Int64
    }

    struct SpendingFigures: Sendable {
        var committedCents: Int64 = 0
        var paidCents: Int64 = 0
        /// Funded: a net commitment remains (paid money stays committed).
        var fundedExchanges = 0
        /// Funded and fully paid (paid >= net commitment).
        var completedExchanges = 0
        /// Funded with at least one payment.
        var paidExchanges = 0
        var smeExchanges = 0
        var smeCommittedCents: Int64 = 0
        var byHostCountry: [Group] = []
        var byVisitorCountry: [Group] = []
        var byOrganisationKind: [Group] = []
        var byCall: [Group] = []
        /// Funded applications per `YYYY-MM` (UTC) of their commitment entry.
        var approvalsByMonth: [String: Int] = [:]
    }

    /// The spending report's sums per combination of its breakdown keys (a few thousand rows even
    /// for 50,000 applications), over the applications on the ledger: from the cube the ledger
    /// trigger keeps, or summed from the per-application figures up to `asOf`.
    static func spendingCombinations(programmeID: Int64, asOf: Date, source: LedgerSource) -> PostgresQuery {
        switch source {
        case .summaries:
            """
            SELECT c.host_country, c.visitor_country, c.visitor_kind AS kind, c.call_id, c.commitment_month, c.funded,
                   c.committed_cents AS committed, c.paid_cents AS paid, c.completed, c.paid_exchanges,
                   c.funded_committed_cents AS funded_committed
            FROM ledger_spending_cube c
            WHERE c.programme_id = \(programmeID) AND c.applications <> 0
            """
        case .entries:
            """
            SELECT ho.country::text AS host_country, vo.country::text AS visitor_country, vo.kind, a.call_id,
                   date_trunc('month', t.committed_at AT TIME ZONE 'UTC') AS commitment_month,
                   count(*) FILTER (WHERE t.committed > 0) AS funded,
                   sum(t.committed) AS committed,
                   sum(t.paid) AS paid,
                   count(*) FILTER (WHERE t.committed > 0 AND t.paid >= t.committed) AS completed,
                   count(*) FILTER (WHERE t.committed > 0 AND t.paid > 0) AS paid_exchanges,
                   sum(t.committed) FILTER (WHERE t.committed > 0) AS funded_committed
            FROM (\(fragment: perApplication(programmeID: programmeID, asOf: asOf, source: .entries))) t
            JOIN applications a ON a.id = t.application_id
            JOIN organisations vo ON vo.id = a.organisation_id
            JOIN organisations ho ON ho.id = a.host_organisation_id
            WHERE t.committed <> 0 OR t.paid <> 0
            GROUP BY 1, 2, 3, 4, 5
            """
        }
    }

    /// The top figures and every breakdown in one statement: the combinations
    /// (`spendingCombinations`) grouped by GROUPING SETS, one set per breakdown plus the grand total.
    static func spending(_ conn: PostgresConnection, programmeID: Int64, asOf: Date, source: LedgerSource) async throws
        -> SpendingFigures
    {
        let rows = try await conn.query(
            """
            WITH combos AS (\(fragment: spendingCombinations(programmeID: programmeID, asOf: asOf, source: source))),
            sets AS (
                SELECT GROUPING(host_country, visitor_country, kind, call_id, commitment_month)::int AS grouping_set,
                       coalesce(host_country, visitor_country, kind, call_id::text,
                                coalesce(to_char(commitment_month, 'YYYY-MM'), commitment_month::text)) AS key,
                       call_id,
                       coalesce(sum(funded), 0)::bigint AS funded,
                       coalesce(sum(committed), 0)::bigint AS committed,
                       coalesce(sum(paid), 0)::bigint AS paid,
                       coalesce(sum(completed), 0)::bigint AS completed,
                       coalesce(sum(paid_exchanges), 0)::bigint AS paid_exchanges,
                       coalesce(sum(funded) FILTER (WHERE kind = 'sme'), 0)::bigint AS sme,
                       coalesce(sum(funded_committed) FILTER (WHERE kind = 'sme'), 0)::bigint AS sme_committed
                FROM combos
                GROUP BY GROUPING SETS ((host_country), (visitor_country), (kind), (call_id), (commitment_month), ())
            )
            SELECT s.grouping_set, s.key, c.title, s.funded, s.committed, s.paid, s.completed, s.paid_exchanges, s.sme, s.sme_committed
            FROM sets s LEFT JOIN calls c ON c.id = s.call_id
            """
        ).rows
        var s = SpendingFigures()
        for r in rows {
            // GROUPING(...) has a bit per argument, 1 = not grouped by it: 0b01111 = host country, ...
            let set: Int = try r.decode(0)
            let group = Group(
                key: try r.decode(1, as: String?.self) ?? "", label: try r.decode(2), count: try r.decode(3),
                committedCents: try r.decode(4), paidCents: try r.decode(5))
            switch set {
            case 0b01111: s.byHostCountry.append(group)
            case 0b10111: s.byVisitorCountry.append(group)
            case 0b11011: s.byOrganisationKind.append(group)
            case 0b11101: s.byCall.append(group)
            case 0b11110:
                let (sum, overflow) = s.approvalsByMonth[group.key, default: 0].addingReportingOverflow(group.count)
                if overflow { throw GrantsError.storedAmountOutOfRange("a month's approval count") }
                s.approvalsByMonth[group.key] = sum
            case 0b11111:
                s.committedCents = group.committedCents
                s.paidCents = group.paidCents
                s.fundedExchanges = group.count
                s.completedExchanges = try r.decode(6)
                s.paidExchanges = try r.decode(7)
                s.smeExchanges = try r.decode(8)
                s.smeCommittedCents = try r.decode(9)
            default: throw GrantsError.unavailable("unexpected grouping set \(set) in the spending report")
            }
        }
        return s
    }

    /// Appeals of the programme's applications filed up to `asOf`, by how they stood at `asOf`.
    static func appeals(_ conn: PostgresConnection, programmeID: Int64, asOf: Date) async throws -> AppealFigures {
        let r = try await conn.query(
            """
            SELECT count(*)::bigint,
                   count(*) FILTER (WHERE x.decided_at IS NULL OR x.decided_at > \(asOf))::bigint,
                   count(*) FILTER (WHERE x.decided_at <= \(asOf) AND x.decision = 'upheld')::bigint,
                   count(*) FILTER (WHERE x.decided_at <= \(asOf) AND x.decision = 'granted')::bigint
            FROM appeals x JOIN applications a ON a.id = x.application_id
            WHERE a.programme_id = \(programmeID) AND x.filed_at <= \(asOf)
            """
        ).single()
        return AppealFigures(
            filed: Int(clamping: try r.decode(0, as: Int64.self)), open: Int(clamping: try r.decode(1, as: Int64.self)),
            upheld: Int(clamping: try r.decode(2, as: Int64.self)), granted: Int(clamping: try r.decode(3, as: Int64.self)))
    }

    /// Ledger movements of one calendar month (UTC).
    struct MonthFigures: Sendable {
        var month: String
        var committedCents: Int64
        var paidCents: Int64
    }

    /// Net ledger movements per month of booking (UTC), up to `asOf`.
    static func months(_ conn: PostgresConnection, programmeID: Int64, asOf: Date, source: LedgerSource) async throws
        -> [MonthFigures]
    {
        try await conn.query(
            """
            -- A non-finite booking time (only a tampered row) has no month: its key is `-infinity`.
            SELECT coalesce(to_char(m.bucket_start, 'YYYY-MM'), m.bucket_start::text), m.committed, m.paid
            FROM (\(fragment: movements(programmeID: programmeID, asOf: asOf, bucket: "month", source: source))) m
            ORDER BY m.bucket_start
            """
        ).rows.map { r in
            MonthFigures(month: try r.decode(0), committedCents: try r.decode(1), paidCents: try r.decode(2))
        }
    }

    // MARK: chart

    /// The running ledger totals at the end of one UTC day with entries.
    struct DayTotals: Sendable {
        /// The day's first movement.
        var at: Date
        /// Commitments minus releases up to the end of that day (and `asOf`), and payments.
        var cumulativeCommittedCents: Int64
        var cumulativePaidCents: Int64
    }

    /// One row per UTC day with ledger entries up to `asOf`, in order, with running totals
    /// (at most one row per day: a chart point each, about 700 for two years).
    static func dailyTotals(_ conn: PostgresConnection, programmeID: Int64, asOf: Date, source: LedgerSource) async throws
        -> [DayTotals]
    {
        try await conn.query(
            """
            SELECT d.first_at,
                   sum(d.committed) OVER (ORDER BY d.bucket_start)::bigint,
                   sum(d.paid) OVER (ORDER BY d.bucket_start)::bigint
            FROM (\(fragment: movements(programmeID: programmeID, asOf: asOf, bucket: "day", source: source))) d
            ORDER BY d.bucket_start
            """
        ).rows.map { r in
            DayTotals(at: try r.decode(0), cumulativeCommittedCents: try r.decode(1), cumulativePaidCents: try r.decode(2))
        }
    }

    // MARK: beneficiaries

    /// One visitor organisation with money on the ledger up to `asOf`, in the report's column order:
    /// organisation_id, legal_name, country, kind, vat_number, exchanges (funded applications),
    /// committed, paid, first_payment_on, last_payment_on (UTC dates). Ordered by organisation.
    static func beneficiaries(programmeID: Int64, asOf: Date, source: LedgerSource) -> PostgresQuery {
        switch source {
        case .summaries:
            """
            SELECT o.organisation_id, vo.legal_name, vo.country::text, vo.kind, vo.vat_number, o.exchanges,
                   o.committed_cents AS committed, o.paid_cents AS paid, (o.first_payment_at AT TIME ZONE 'UTC')::date,
                   (o.last_payment_at AT TIME ZONE 'UTC')::date
            FROM ledger_organisation_totals o
            JOIN organisations vo ON vo.id = o.organisation_id
            WHERE o.programme_id = \(programmeID) AND o.applications <> 0
            ORDER BY o.organisation_id
            """
        case .entries:
            """
            WITH per_app AS (\(fragment: perApplication(programmeID: programmeID, asOf: asOf, source: .entries)))
            SELECT a.organisation_id, vo.legal_name, vo.country::text, vo.kind, vo.vat_number,
                   count(*) FILTER (WHERE t.committed > 0) AS exchanges,
                   sum(t.committed)::bigint AS committed, sum(t.paid)::bigint AS paid,
                   (min(t.first_payment_at) AT TIME ZONE 'UTC')::date AS first_payment_on,
                   (max(t.last_payment_at) AT TIME ZONE 'UTC')::date AS last_payment_on
            FROM per_app t
            JOIN applications a ON a.id = t.application_id
            JOIN organisations vo ON vo.id = a.organisation_id
            WHERE t.committed <> 0 OR t.paid <> 0
            GROUP BY a.organisation_id, vo.id
            ORDER BY a.organisation_id
            """
        }
    }

    /// The beneficiaries report's totals: beneficiaries, funded exchanges and both amounts.
    struct BeneficiaryTotals: Sendable {
        var count: Int
        var exchanges: Int64
        var committedCents: Int64
        var paidCents: Int64
    }

    /// Sums the rows of `beneficiaries` in PostgreSQL: a sum beyond 64 bits fails here
    /// (22003, answered as stored_amount_out_of_range), before the report's first byte.
    static func beneficiaryTotals(_ conn: PostgresConnection, programmeID: Int64, asOf: Date, source: LedgerSource) async throws
        -> BeneficiaryTotals
    {
        let rows: PostgresQuery
        switch source {
        case .summaries:
            // The organisation totals alone: the report's query only adds names to them.
            rows = """
                SELECT o.exchanges, o.committed_cents AS committed, o.paid_cents AS paid
                FROM ledger_organisation_totals o WHERE o.programme_id = \(programmeID) AND o.applications <> 0
                """
        case .entries:
            rows = beneficiaries(programmeID: programmeID, asOf: asOf, source: .entries)
        }
        let r = try await conn.query(
            """
            SELECT count(*)::bigint, coalesce(sum(b.exchanges), 0)::bigint, coalesce(sum(b.committed), 0)::bigint,
                   coalesce(sum(b.paid), 0)::bigint
            FROM (\(fragment: rows)) b
            """
        ).single()
        return BeneficiaryTotals(
            count: Int(clamping: try r.decode(0, as: Int64.self)), exchanges: try r.decode(1), committedCents: try r.decode(2),
            paidCents: try r.decode(3))
    }

    // MARK: overdue payments

    /// One overdue application (see `overdue`).
    struct Overdue: Sendable {
        var applicationId: Int64
        var organisationId: Int64
        var legalName: String
        var finalAmountCents: Int64
        var paidCents: Int64
        var paymentDueOn: CalendarDate
        var actualEnd: CalendarDate?
        var reportAcceptedOn: CalendarDate?
        var paymentDueDays: Int
        var paymentClock: PaymentClock
    }

    /// Applications with ledger entries up to `asOf` whose report was accepted (status
    /// report_accepted, paid or closed), with a final amount and a payment due date before
    /// `asOfDate`, that the ledger does not show as fully paid at `asOf`; by due date, then id.
    static func overdue(
        _ conn: PostgresConnection, programmeID: Int64, asOf: Date, asOfDate: CalendarDate, source: LedgerSource
    ) async throws -> [Overdue] {
        try await conn.query(
            """
            SELECT a.id, a.organisation_id, vo.legal_name, a.final_amount_cents, t.paid, a.payment_due_on,
                   a.actual_end, a.report_accepted_on, p.payment_due_days, p.payment_due_from
            FROM (\(fragment: perApplication(programmeID: programmeID, asOf: asOf, source: source))) t
            JOIN applications a ON a.id = t.application_id
            JOIN organisations vo ON vo.id = a.organisation_id
            JOIN programmes p ON p.id = a.programme_id
            WHERE a.status IN ('report_accepted', 'paid', 'closed')
              AND a.final_amount_cents IS NOT NULL
              AND a.payment_due_on < \(asOfDate)
              AND t.paid < a.final_amount_cents
            ORDER BY a.payment_due_on, a.id
            """
        ).rows.map { r in
            Overdue(
                applicationId: try r.decode(0), organisationId: try r.decode(1), legalName: try r.decode(2),
                finalAmountCents: try r.decode(3), paidCents: try r.decode(4), paymentDueOn: try r.decode(5),
                actualEnd: try r.decode(6), reportAcceptedOn: try r.decode(7), paymentDueDays: try r.decode(8),
                paymentClock: try PaymentClock(stored: r.decode(9)))
        }
    }
}
