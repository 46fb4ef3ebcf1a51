import Foundation
import HTTP
import Postgres
import Timestamps

/// The auditor reports (DESIGN.md §6, issue 6): spending, beneficiaries, overdue payments and a
/// spending chart. Coordinators and auditors only. Every figure is a sum over the ledger up to
/// `as_of` (DESIGN.md §3), so a report for a past instant shows the budget as it stood then.
/// JSON by default; CSV with `Accept: text/csv` or `?format=csv`.
enum ReportRoutes {
    /// The programme and the instant every report is about.
    static let reportScope: [QueryParameter] = [
        .id("programme_id", "the programme (422 when unknown)", required: true),
        QueryParameter(
            name: "as_of", kind: .instant(dayMeans: .end),
            description: "the instant reported on: a date (the end of that day, UTC) or an RFC 3339 timestamp; default now"),
    ]
    static let reportQuery = reportScope + [.csvFormat("`csv` (or `Accept: text/csv`) for RFC 4180 CSV")]

    static let spendingColumns = ["breakdown", "key", "count", "committed_eur", "paid_eur", "label"]
    static let beneficiaryColumns = [
        "organisation_id", "legal_name", "country", "kind", "vat_number", "exchanges", "committed_eur",
        "paid_eur", "first_payment_on", "last_payment_on",
    ]
    static let overdueColumns = [
        "application_id", "organisation_id", "organisation", "final_amount_eur", "paid_eur", "outstanding_eur",
        "payment_due_on", "days_overdue", "due_from_exchange_end", "due_from_report_acceptance", "payment_clock",
    ]

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .GET,
                "/v1/reports/spending",
                roles: .staff,
                id: "getSpendingReport",
                tag: .reports,
                summary: "Spending report",
                description: "Totals and breakdowns by host country, visitor country, organisation kind, call and month; "
                    + "SME share. JSON, or CSV with `format=csv` / `Accept: text/csv`.",
                response: .jsonOrCSV(SpendingReport.self, csvColumns: spendingColumns),
                query: reportQuery,
                problems: [.storedAmountOutOfRange]),
            spending)
        table.add(
            Route(
                .GET,
                "/v1/reports/spending.svg",
                roles: .staff,
                id: "getSpendingChart",
                tag: .reports,
                summary: "Spending chart",
                description: "Committed and paid money over time against the cap, as SVG.",
                response: .content(["image/svg+xml": ["schema": ["type": "string"]]]),
                query: reportScope + [
                    QueryParameter(
                        name: "format", kind: .refused("this report is only available as SVG"),
                        description: "refused (422): this report is only available as SVG")
                ],
                problems: [.storedAmountOutOfRange]),
            spendingChart)
        table.add(
            Route(
                .GET,
                "/v1/reports/beneficiaries",
                roles: .staff,
                id: "getBeneficiariesReport",
                tag: .reports,
                summary: "Beneficiaries report",
                description: "One row per supported third party: name, country, kind, amounts, payment dates. JSON or "
                    + "CSV.",
                response: .jsonOrCSV(BeneficiariesReport.self, csvColumns: beneficiaryColumns),
                query: reportQuery,
                problems: [.storedAmountOutOfRange]),
            beneficiaries)
        table.add(
            Route(
                .GET,
                "/v1/reports/overdue-payments",
                roles: .staff,
                id: "getOverduePaymentsReport",
                tag: .reports,
                summary: "Overdue payments",
                description: "Accepted reports past `payment_due_on` and not fully paid. JSON or CSV.",
                response: .jsonOrCSV(OverdueReport.self, csvColumns: overdueColumns),
                query: reportQuery,
                problems: [.storedAmountOutOfRange]),
            overduePayments)
    }

    // MARK: parameters

    /// Runs the report's queries in one snapshot; an unknown programme is an invalid parameter.
    static func snapshot<T: Sendable>(
        _ ctx: RequestContext, _ p: ReportParameters,
        _ body: @Sendable (PostgresConnection, ReportQueries.Programme, ReportQueries.LedgerSource) async throws -> T
    ) async throws -> T {
        try await ctx.db.transaction(isolation: .repeatableRead) { conn in
            guard let programme = try await ReportQueries.programme(conn, id: p.programmeID) else {
                throw GrantsError.invalid("programme_id", "no such programme", rule: "not_found")
            }
            try await ReportQueries.prepare(conn)
            return try await body(conn, programme, try await ReportQueries.source(conn, programmeID: programme.id, asOf: p.asOf))
        }
    }

    static func filename(_ report: String, _ programme: ReportQueries.Programme, _ p: ReportParameters, ext: String) -> String {
        let code = String(
            programme.code.unicodeScalars.map { s -> Character in
                s.isASCII && (("A"..."Z").contains(s) || ("a"..."z").contains(s) || ("0"..."9").contains(s) || s == "-" || s == "_")
                    ? Character(s) : "_"
            })
        return "\(report)-\(code)-\(p.asOfDate.iso).\(ext)"
    }

    // MARK: spending

    /// `numerator / denominator` rounded to four decimals (0 when the denominator is 0). Exact in
    /// integers while `numerator x 10,000` fits; beyond that (only tampered rows) in floating point.
    static func ratio(_ numerator: Int64, _ denominator: Int64) -> Double {
        guard denominator > 0 else { return 0 }
        let (scaled, overflow) = numerator.multipliedReportingOverflow(by: 10_000)
        let (rounded, overflow2) = scaled.addingReportingOverflow(denominator / 2)
        if !overflow && !overflow2 { return Double(rounded / denominator) / 10_000 }
        return (Double(numerator) / Double(denominator) * 10_000).rounded() / 10_000
    }

    static func buildSpending(
        _ programme: ReportQueries.Programme, _ p: ReportParameters, figures f: ReportQueries.SpendingFigures,
        months: [ReportQueries.MonthFigures], appeals: AppealFigures
    ) throws -> SpendingReport {
        // Every application with money on the ledger is in exactly one group of each breakdown,
        // so the groups add up to the top figures; `count` counts the funded ones.
        func items(_ groups: [ReportQueries.Group], numericKeys: Bool = false) -> [BreakdownItem] {
            groups.map {
                BreakdownItem(key: $0.key, label: $0.label, count: $0.count, committedCents: $0.committedCents, paidCents: $0.paidCents)
            }
            .sorted { numericKeys ? (Int64($0.key) ?? 0, $0.key) < (Int64($1.key) ?? 0, $1.key) : $0.key < $1.key }
        }
        var byMonth = months.map {
            BreakdownItem(
                key: $0.month, label: nil, count: f.approvalsByMonth[$0.month] ?? 0, committedCents: $0.committedCents,
                paidCents: $0.paidCents)
        }
        byMonth.sort { $0.key < $1.key }

        return SpendingReport(
            programmeId: programme.id, programmeCode: programme.code, asOf: AsOf.format(p.asOf),
            capCents: programme.capCents, committedCents: f.committedCents, paidCents: f.paidCents,
            outstandingCents: try CheckedAmounts.difference(f.committedCents, f.paidCents, "the outstanding amount"),
            availableCents: try CheckedAmounts.difference(programme.capCents, f.committedCents, "the available amount"),
            approvedExchanges: f.fundedExchanges, completedExchanges: f.completedExchanges,
            paidExchanges: f.paidExchanges, targetExchanges: programme.targetExchanges,
            progress: ratio(Int64(f.fundedExchanges), Int64(programme.targetExchanges)),
            smeExchanges: f.smeExchanges, smeShare: ratio(Int64(f.smeExchanges), Int64(f.fundedExchanges)),
            smeCommittedCents: f.smeCommittedCents, smeShareOfMoney: ratio(f.smeCommittedCents, f.committedCents),
            byHostCountry: items(f.byHostCountry), byVisitorCountry: items(f.byVisitorCountry),
            byOrganisationKind: items(f.byOrganisationKind), byCall: items(f.byCall, numericKeys: true),
            byMonth: byMonth, appeals: appeals, retentionUntil: programme.retentionUntil)
    }

    static func spendingReport(
        _ conn: PostgresConnection, _ programme: ReportQueries.Programme, _ p: ReportParameters, source: ReportQueries.LedgerSource
    ) async throws -> SpendingReport {
        let figures = try await ReportQueries.spending(conn, programmeID: programme.id, asOf: p.asOf, source: source)
        let months = try await ReportQueries.months(conn, programmeID: programme.id, asOf: p.asOf, source: source)
        let appeals = try await ReportQueries.appeals(conn, programmeID: programme.id, asOf: p.asOf)
        return try buildSpending(programme, p, figures: figures, months: months, appeals: appeals)
    }

    @Sendable static func spending(_ ctx: RequestContext) async throws -> HTTPResponse {
        let p = try ReportParameters(ctx)
        let (programme, report) = try await snapshot(ctx, p) { conn, programme, source in
            (programme, try await spendingReport(conn, programme, p, source: source))
        }
        guard p.csv else { return try .json(report) }
        var w = CSVWriter(header: spendingColumns)
        let sections: [(String, [BreakdownItem])] = [
            ("by_host_country", report.byHostCountry), ("by_visitor_country", report.byVisitorCountry),
            ("by_organisation_kind", report.byOrganisationKind), ("by_call", report.byCall), ("by_month", report.byMonth),
        ]
        for (name, items) in sections {
            for i in items {
                w.row([
                    .text(name), .text(i.key), .integer(Int64(i.count)), .euros(i.committedCents), .euros(i.paidCents),
                    .text(i.label ?? ""),
                ])
            }
            let count = try CheckedAmounts.total(items.map { Int64($0.count) }, "a breakdown count")
            w.row([
                .text(name), .text("total"), .integer(count),
                .euros(try CheckedAmounts.total(items.map(\.committedCents), "a breakdown's committed total")),
                .euros(try CheckedAmounts.total(items.map(\.paidCents), "a breakdown's paid total")), .empty,
            ])
        }
        return w.response(filename: filename("spending", programme, p, ext: "csv"))
    }

    // MARK: beneficiaries

    /// The CSV form of `ReportQueries.beneficiaries`' columns (`beneficiaryColumns`).
    static let beneficiaryCSV = CSVRowLayout([
        .integer, .text, .text, .text, .text, .integer, .euros, .euros, .date, .date,
    ])

    /// Streamed (`StreamedReport`): one row per beneficiary as the cursor reads them. The totals
    /// are summed by PostgreSQL in the same snapshot first, so a sum beyond 64 bits (only a
    /// tampered ledger) is still a clean problem answer before any byte is sent.
    @Sendable static func beneficiaries(_ ctx: RequestContext) async throws -> HTTPResponse {
        let p = try ReportParameters(ctx)
        let contentType = p.csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8"
        return .streaming(contentType: contentType) { writer in
            try await snapshot(ctx, p) { conn, programme, source in
                let query = ReportQueries.beneficiaries(programmeID: programme.id, asOf: p.asOf, source: source)
                let totals = try await ReportQueries.beneficiaryTotals(conn, programmeID: programme.id, asOf: p.asOf, source: source)
                if p.csv {
                    writer.setHeader(
                        "Content-Disposition", "attachment; filename=\"\(filename("beneficiaries", programme, p, ext: "csv"))\"")
                    try await StreamedReport.csv(
                        conn, header: beneficiaryColumns, query: query, writer: writer,
                        layout: beneficiaryCSV,
                        trailer: { w in
                            w.row([
                                .text("TOTAL"), .empty, .empty, .empty, .empty, .integer(totals.exchanges), .euros(totals.committedCents),
                                .euros(totals.paidCents), .empty, .empty,
                            ])
                        })
                } else {
                    let envelope = BeneficiariesReport(
                        programmeId: programme.id, programmeCode: programme.code, asOf: AsOf.format(p.asOf),
                        retentionUntil: programme.retentionUntil, items: [],
                        totals: ReportTotals(count: totals.count, committedCents: totals.committedCents, paidCents: totals.paidCents))
                    try await StreamedReport.json(conn, envelope: envelope, query: query, writer: writer, layout: Beneficiary.jsonLayout)
                }
            }
        }
    }

    // MARK: overdue payments

    /// Accepted reports whose payment was due before the `as_of` date and that the ledger does not
    /// show as fully paid at `as_of`. An application paid since then was still overdue at `as_of`.
    static func buildOverdue(_ programme: ReportQueries.Programme, _ p: ReportParameters, rows: [ReportQueries.Overdue]) throws
        -> OverdueReport
    {
        let items = try rows.map { a in
            OverduePayment(
                applicationId: a.applicationId, organisationId: a.organisationId, organisation: a.legalName,
                finalAmountCents: a.finalAmountCents, paidCents: a.paidCents,
                outstandingCents: try CheckedAmounts.difference(a.finalAmountCents, a.paidCents, "an outstanding amount"),
                paymentDueOn: a.paymentDueOn, daysOverdue: p.asOfDate.dayNumber - a.paymentDueOn.dayNumber,
                dueFromExchangeEnd: a.actualEnd.map { $0.adding(days: a.paymentDueDays) },
                dueFromReportAcceptance: a.reportAcceptedOn.map { $0.adding(days: a.paymentDueDays) }, paymentClock: a.paymentClock)
        }
        return OverdueReport(
            programmeId: programme.id, programmeCode: programme.code, asOf: AsOf.format(p.asOf),
            retentionUntil: programme.retentionUntil, items: items,
            totals: OverdueTotals(
                count: items.count,
                finalAmountCents: try CheckedAmounts.total(items.map(\.finalAmountCents), "the final amounts' total"),
                paidCents: try CheckedAmounts.total(items.map(\.paidCents), "the paid total"),
                outstandingCents: try CheckedAmounts.total(items.map(\.outstandingCents), "the outstanding total")))
    }

    @Sendable static func overduePayments(_ ctx: RequestContext) async throws -> HTTPResponse {
        let p = try ReportParameters(ctx)
        let (programme, report) = try await snapshot(ctx, p) { conn, programme, source in
            (
                programme,
                try buildOverdue(
                    programme, p,
                    rows: try await ReportQueries.overdue(
                        conn, programmeID: programme.id, asOf: p.asOf,
                        asOfDate: p.asOfDate, source: source))
            )
        }
        guard p.csv else { return try .json(report) }
        var w = CSVWriter(header: overdueColumns, rowsHint: report.items.count)
        for o in report.items {
            w.row([
                .integer(o.applicationId), .integer(o.organisationId), .text(o.organisation), .euros(o.finalAmountCents),
                .euros(o.paidCents), .euros(o.outstandingCents), .text(o.paymentDueOn.iso), .integer(Int64(o.daysOverdue)),
                .text(o.dueFromExchangeEnd?.iso ?? ""), .text(o.dueFromReportAcceptance?.iso ?? ""), .text(o.paymentClock.rawValue),
            ])
        }
        w.row([
            .text("TOTAL"), .empty, .empty, .euros(report.totals.finalAmountCents), .euros(report.totals.paidCents),
            .euros(report.totals.outstandingCents), .empty, .empty, .empty, .empty, .empty,
        ])
        return w.response(filename: filename("overdue-payments", programme, p, ext: "csv"))
    }

    // MARK: chart

    /// The chart needs only the running totals per day: the last day's totals are the sums over
    /// every ledger entry up to `as_of`, i.e. exactly the spending report's committed and paid
    /// figures (same snapshot, same entries), so the breakdown query is not run.
    @Sendable static func spendingChart(_ ctx: RequestContext) async throws -> HTTPResponse {
        let p = try ReportParameters(ctx)
        let (programme, days) = try await snapshot(ctx, p) { conn, programme, source in
            (programme, try await ReportQueries.dailyTotals(conn, programmeID: programme.id, asOf: p.asOf, source: source))
        }
        let committed = days.last?.cumulativeCommittedCents ?? 0
        let paid = days.last?.cumulativePaidCents ?? 0
        let svg = SpendingChart(
            programmeCode: programme.code, programmeName: programme.name, asOf: p.asOf, asOfText: AsOf.format(p.asOf),
            capCents: programme.capCents, committedCents: committed, paidCents: paid,
            availableCents: try CheckedAmounts.difference(programme.capCents, committed, "the available amount"),
            points: days.map {
                SpendingChart.Point(at: $0.at, committedCents: $0.cumulativeCommittedCents, paidCents: $0.cumulativePaidCents)
            }
        ).render()
        var r = HTTPResponse.text(svg, contentType: "image/svg+xml; charset=utf-8")
        r.headers.set("Content-Disposition", "inline; filename=\"\(filename("spending", programme, p, ext: "svg"))\"")
        return r
    }
}
