import Foundation
import Timestamps
import HTTP
import Postgres

/// The auditor reports (DESIGN.md §6, issue 6): spending, beneficiaries, overdue payments and a
/// spending chart. Coordinators and auditors only. Every figure is a sum over the ledger up to
/// `as_of` (DESIGN.md §3), so a report for a past instant shows the budget as it stood then.
/// JSON by default; CSV with `Accept: text/csv` or `?format=csv`.
enum ReportRoutes {
    /// The programme and the instant every report is about.
    static let reportScope: [QueryParameter] = [
        QueryParameter(name: "programme_id", schema: QueryParameter.positiveID, description: "the programme (422 when unknown)",
                       required: true),
        QueryParameter(name: "as_of", schema: ["type": "string", "anyOf": [["format": "date"], ["format": "date-time"]]],
                       description: "the instant reported on: a date (the end of that day, UTC) or an RFC 3339 timestamp; default now"),
    ]
    static let reportQuery = reportScope + [
        QueryParameter(name: "format", schema: ["type": "string", "enum": ["json", "csv"]],
                       description: "`csv` (or `Accept: text/csv`) for RFC 4180 CSV"),
    ]

    static func register(into table: inout RouteTable) {
        table.add(Route(
            .GET,
            "/v1/reports/spending",
            roles: .staff,
            id: "getSpendingReport",
            tag: .reports,
            summary: "Spending report",
            description: "Totals and breakdowns by host country, visitor country, organisation kind, call and month; "
                + "SME share. JSON, or CSV with `format=csv` / `Accept: text/csv`.",
            response: .jsonOrCSV(SpendingReport.self, csvHeader: "breakdown,key,count,committed_eur,paid_eur,label\r\n"),
            query: reportQuery,
            problems: [.storedAmountOutOfRange]),
            spending)
        table.add(Route(
            .GET,
            "/v1/reports/spending.svg",
            roles: .staff,
            id: "getSpendingChart",
            tag: .reports,
            summary: "Spending chart",
            description: "Committed and paid money over time against the cap, as SVG.",
            response: .content(["image/svg+xml": ["schema": ["type": "string"]]]),
            query: reportScope + [
                QueryParameter(name: "format", schema: ["type": "string"],
                    description: "refused (422): this report is only available as SVG"),
            ],
            problems: [.storedAmountOutOfRange]),
            spendingChart)
        table.add(Route(
            .GET,
            "/v1/reports/beneficiaries",
            roles: .staff,
            id: "getBeneficiariesReport",
            tag: .reports,
            summary: "Beneficiaries report",
            description: "One row per supported third party: name, country, kind, amounts, payment dates. JSON or "
                + "CSV.",
            response: .jsonOrCSV(BeneficiariesReport.self, csvHeader: "organisation_id,legal_name,country,kind,vat_number,exchanges,committed_eur,paid_eur,first_payment_on,last_payment_on\r\n"),
            query: reportQuery,
            problems: [.storedAmountOutOfRange]),
            beneficiaries)
        table.add(Route(
            .GET,
            "/v1/reports/overdue-payments",
            roles: .staff,
            id: "getOverduePaymentsReport",
            tag: .reports,
            summary: "Overdue payments",
            description: "Accepted reports past `payment_due_on` and not fully paid. JSON or CSV.",
            response: .jsonOrCSV(OverdueReport.self, csvHeader: "application_id,organisation_id,organisation,final_amount_eur,paid_eur,outstanding_eur,payment_due_on,days_overdue\r\n"),
            query: reportQuery,
            problems: [.storedAmountOutOfRange]),
            overduePayments)
    }

    // MARK: parameters

    /// `programme_id` (required), `as_of` (optional) and `format`, all checked in one 422.
    struct Parameters: Sendable {
        var programmeID: Int64
        /// Inclusive upper bound on ledger `created_at`.
        var asOf: Date
        /// The UTC calendar date of `asOf` (file names, overdue days).
        var asOfDate: CalendarDate
        var csv: Bool

        init(_ request: HTTPRequest, formats: Bool = true) throws {
            let q = request.query
            var v = Validator()
            var programme: Int64?
            if let raw = q["programme_id"] {
                if let n = Int64(raw), n > 0 { programme = n } else { v.fail("programme_id", "must be a positive integer", rule: "integer") }
            } else { v.fail("programme_id", "is required", rule: "required") }
            var asOf = Date()
            if let raw = q["as_of"] {
                if let d = AsOf.parse(raw) { asOf = d }
                else { v.fail("as_of", "must be a date YYYY-MM-DD (end of that day, UTC) or an RFC 3339 timestamp", rule: "date_time") }
            }
            if let f = q["format"] {
                if !formats { v.fail("format", "this report is only available as SVG", rule: "enum") }
                else if !["json", "csv"].contains(f) { v.fail("format", "must be json or csv", rule: "enum") }
            }
            try v.finish()
            programmeID = programme!
            self.asOf = asOf
            asOfDate = AsOf.utcDate(asOf)
            csv = formats && (q["format"] == "csv" || (q["format"] == nil && CSVWriter.isWanted(by: request)))
        }
    }

    /// Runs the report's queries in one snapshot; an unknown programme is an invalid parameter.
    static func snapshot<T: Sendable>(_ ctx: RequestContext, _ p: Parameters,
                                      _ body: @Sendable (PostgresConnection, ReportQueries.Programme) async throws -> T) async throws -> T {
        try await ctx.db.transaction(isolation: .repeatableRead) { conn in
            guard let programme = try await ReportQueries.programme(conn, id: p.programmeID) else {
                throw GrantsError.invalid("programme_id", "no such programme", rule: "not_found")
            }
            try await ReportQueries.prepare(conn)
            return try await body(conn, programme)
        }
    }

    static func filename(_ report: String, _ programme: ReportQueries.Programme, _ p: Parameters, ext: String) -> String {
        let code = String(programme.code.unicodeScalars.map { s -> Character in
            s.isASCII && (("A"..."Z").contains(s) || ("a"..."z").contains(s) || ("0"..."9").contains(s) || s == "-" || s == "_") ? Character(s) : "_"
        })
        return "\(report)-\(code)-\(p.asOfDate.iso).\(ext)"
    }

    static func csvResponse(_ text: String, filename: String) -> HTTPResponse {
        var r = HTTPResponse.text(text, contentType: "text/csv; charset=utf-8")
        r.headers.set("Content-Disposition", "attachment; filename=\"\(filename)\"")
        return r
    }

    // MARK: spending

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
    }

    /// `numerator / denominator` rounded to four decimals (0 when the denominator is 0). Exact in
    /// integers while `numerator x 10,000` fits; beyond that (only tampered rows) in floating point.
    static func ratio(_ numerator: Int64, _ denominator: Int64) -> Double {
        guard denominator > 0 else { return 0 }
        let (scaled, overflow) = numerator.multipliedReportingOverflow(by: 10_000)
        let (rounded, overflow2) = scaled.addingReportingOverflow(denominator / 2)
        if !overflow && !overflow2 { return Double(rounded / denominator) / 10_000 }
        return (Double(numerator) / Double(denominator) * 10_000).rounded() / 10_000
    }

    static func buildSpending(_ programme: ReportQueries.Programme, _ p: Parameters, figures f: ReportQueries.SpendingFigures,
                              months: [ReportQueries.MonthFigures]) throws -> SpendingReport {
        // Every application with money on the ledger is in exactly one group of each breakdown,
        // so the groups add up to the top figures; `count` counts the funded ones.
        func items(_ groups: [ReportQueries.Group], numericKeys: Bool = false) -> [BreakdownItem] {
            groups.map { BreakdownItem(key: $0.key, label: $0.label, count: $0.count, committedCents: $0.committedCents, paidCents: $0.paidCents) }
                .sorted { numericKeys ? (Int64($0.key) ?? 0, $0.key) < (Int64($1.key) ?? 0, $1.key) : $0.key < $1.key }
        }
        var byMonth = months.map {
            BreakdownItem(key: $0.month, label: nil, count: f.approvalsByMonth[$0.month] ?? 0, committedCents: $0.committedCents, paidCents: $0.paidCents)
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
            byMonth: byMonth)
    }

    static func spendingReport(_ conn: PostgresConnection, _ programme: ReportQueries.Programme, _ p: Parameters) async throws -> SpendingReport {
        let figures = try await ReportQueries.spending(conn, programmeID: programme.id, asOf: p.asOf)
        let months = try await ReportQueries.months(conn, programmeID: programme.id, asOf: p.asOf)
        return try buildSpending(programme, p, figures: figures, months: months)
    }

    @Sendable static func spending(_ ctx: RequestContext) async throws -> HTTPResponse {
        let p = try Parameters(ctx.request)
        let (programme, report) = try await snapshot(ctx, p) { conn, programme in
            (programme, try await spendingReport(conn, programme, p))
        }
        guard p.csv else { return try .json(report) }
        var w = ReportCSV(header: ["breakdown", "key", "count", "committed_eur", "paid_eur", "label"])
        let sections: [(String, [BreakdownItem])] = [
            ("by_host_country", report.byHostCountry), ("by_visitor_country", report.byVisitorCountry),
            ("by_organisation_kind", report.byOrganisationKind), ("by_call", report.byCall), ("by_month", report.byMonth)]
        for (name, items) in sections {
            for i in items {
                w.row([.text(name), .text(i.key), .number(String(i.count)), .euros(i.committedCents), .euros(i.paidCents), .text(i.label ?? "")])
            }
            let count = try CheckedAmounts.total(items.map { Int64($0.count) }, "a breakdown count")
            w.row([.text(name), .text("total"), .number(String(count)),
                   .euros(try CheckedAmounts.total(items.map(\.committedCents), "a breakdown's committed total")),
                   .euros(try CheckedAmounts.total(items.map(\.paidCents), "a breakdown's paid total")), .text("")])
        }
        return csvResponse(w.text, filename: filename("spending", programme, p, ext: "csv"))
    }

    // MARK: beneficiaries

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

        enum CodingKeys: String, CodingKey {
            case organisationId, legalName, country, kind, vatNumber, exchanges, committedCents, paidCents, firstPaymentOn, lastPaymentOn
        }
        /// Explicit nulls: every row has every column.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(organisationId, forKey: .organisationId); try c.encode(legalName, forKey: .legalName)
            try c.encode(country, forKey: .country); try c.encode(kind, forKey: .kind); try c.encode(vatNumber, forKey: .vatNumber)
            try c.encode(exchanges, forKey: .exchanges); try c.encode(committedCents, forKey: .committedCents)
            try c.encode(paidCents, forKey: .paidCents); try c.encode(firstPaymentOn, forKey: .firstPaymentOn)
            try c.encode(lastPaymentOn, forKey: .lastPaymentOn)
        }
    }

    struct Totals: Codable, Sendable {
        var count: Int
        var committedCents: Int64
        var paidCents: Int64
    }

    struct BeneficiariesReport: Codable, Sendable {
        var programmeId: Int64
        var programmeCode: String
        var asOf: String
        var items: [Beneficiary]
        /// `count` = beneficiaries; the amounts equal the spending report's top figures.
        var totals: Totals
    }

    /// The report's rows straight from the aggregated query (see `ReportQueries.beneficiaries`).
    static func buildBeneficiaries(_ programme: ReportQueries.Programme, _ p: Parameters, rows: [PostgresRow]) throws -> BeneficiariesReport {
        var items: [Beneficiary] = []
        items.reserveCapacity(rows.count)
        var committed: Int64 = 0, paid: Int64 = 0
        for r in rows {
            let b = Beneficiary(
                organisationId: try r.decode(0), legalName: try r.decode(1), country: try r.decode(2), kind: try r.decode(3),
                vatNumber: try r.decode(4), exchanges: try r.decode(5), committedCents: try r.decode(6), paidCents: try r.decode(7),
                firstPaymentOn: try r.decode(8),
                lastPaymentOn: try r.decode(9))
            committed = try CheckedAmounts.sum(committed, b.committedCents, "the beneficiaries' committed total")
            paid = try CheckedAmounts.sum(paid, b.paidCents, "the beneficiaries' paid total")
            items.append(b)
        }
        return BeneficiariesReport(
            programmeId: programme.id, programmeCode: programme.code, asOf: AsOf.format(p.asOf), items: items,
            totals: Totals(count: items.count, committedCents: committed, paidCents: paid))
    }

    /// The CSV written directly from the query's rows into one preallocated byte buffer: one row
    /// per beneficiary, then a TOTAL row. The same cells `ReportCSV` writes (text through
    /// `CSVWriter.cell`, euros as `CSVWriter.euros`), without a String per cell: 50,000 rows.
    static func beneficiariesCSV(rows: [PostgresRow]) throws -> [UInt8] {
        var out = CSVBytes(capacity: 128 + rows.count * 96)
        out.append("organisation_id,legal_name,country,kind,vat_number,exchanges,committed_eur,paid_eur,first_payment_on,last_payment_on\r\n")
        var exchanges = 0, committed: Int64 = 0, paid: Int64 = 0
        for r in rows {
            let rowExchanges: Int = try r.decode(5), rowCommitted: Int64 = try r.decode(6), rowPaid: Int64 = try r.decode(7)
            exchanges += rowExchanges
            committed = try CheckedAmounts.sum(committed, rowCommitted, "the beneficiaries' committed total")
            paid = try CheckedAmounts.sum(paid, rowPaid, "the beneficiaries' paid total")
            out.integer(try r.decode(0, as: Int64.self))
            out.comma(); out.cell(try r.decode(1, as: String.self))
            out.comma(); out.cell(try r.decode(2, as: String.self))
            out.comma(); out.cell(try r.decode(3, as: String.self))
            out.comma(); out.cell(try r.decode(4, as: String?.self) ?? "")
            out.comma(); out.integer(Int64(rowExchanges))
            out.comma(); out.euros(rowCommitted)
            out.comma(); out.euros(rowPaid)
            out.comma(); if let d = try r.decode(8, as: CalendarDate?.self) { out.append(d.iso) }
            out.comma(); if let d = try r.decode(9, as: CalendarDate?.self) { out.append(d.iso) }
            out.append("\r\n")
        }
        out.append("TOTAL,,,,,"); out.integer(Int64(exchanges)); out.comma(); out.euros(committed); out.comma(); out.euros(paid)
        out.append(",,\r\n")
        return out.bytes
    }

    @Sendable static func beneficiaries(_ ctx: RequestContext) async throws -> HTTPResponse {
        let p = try Parameters(ctx.request)
        let (programme, rows) = try await snapshot(ctx, p) { conn, programme in
            (programme, try await ReportQueries.beneficiaries(conn, programmeID: programme.id, asOf: p.asOf))
        }
        guard p.csv else { return try .json(try buildBeneficiaries(programme, p, rows: rows)) }
        var r = HTTPResponse(status: 200, headers: ["Content-Type": "text/csv; charset=utf-8"], body: try beneficiariesCSV(rows: rows))
        r.headers.set("Content-Disposition", "attachment; filename=\"\(filename("beneficiaries", programme, p, ext: "csv"))\"")
        return r
    }

    // MARK: overdue payments

    struct OverduePayment: Codable, Sendable {
        var applicationId: Int64
        var organisationId: Int64
        var organisation: String
        var finalAmountCents: Int64
        var paidCents: Int64
        var outstandingCents: Int64
        var paymentDueOn: CalendarDate
        var daysOverdue: Int
    }

    struct OverdueReport: Codable, Sendable {
        var programmeId: Int64
        var programmeCode: String
        var asOf: String
        var items: [OverduePayment]
        var totals: OverdueTotals
    }

    struct OverdueTotals: Codable, Sendable {
        var count: Int
        var finalAmountCents: Int64
        var paidCents: Int64
        var outstandingCents: Int64
    }

    /// Accepted reports whose payment was due before the `as_of` date and that the ledger does not
    /// show as fully paid at `as_of`. An application paid since then was still overdue at `as_of`.
    static func buildOverdue(_ programme: ReportQueries.Programme, _ p: Parameters, rows: [ReportQueries.Overdue]) throws -> OverdueReport {
        let items = try rows.map { a in
            OverduePayment(applicationId: a.applicationId, organisationId: a.organisationId, organisation: a.legalName,
                           finalAmountCents: a.finalAmountCents, paidCents: a.paidCents,
                           outstandingCents: try CheckedAmounts.difference(a.finalAmountCents, a.paidCents, "an outstanding amount"),
                           paymentDueOn: a.paymentDueOn, daysOverdue: p.asOfDate.dayNumber - a.paymentDueOn.dayNumber)
        }
        return OverdueReport(
            programmeId: programme.id, programmeCode: programme.code, asOf: AsOf.format(p.asOf), items: items,
            totals: OverdueTotals(count: items.count,
                                  finalAmountCents: try CheckedAmounts.total(items.map(\.finalAmountCents), "the final amounts' total"),
                                  paidCents: try CheckedAmounts.total(items.map(\.paidCents), "the paid total"),
                                  outstandingCents: try CheckedAmounts.total(items.map(\.outstandingCents), "the outstanding total")))
    }

    @Sendable static func overduePayments(_ ctx: RequestContext) async throws -> HTTPResponse {
        let p = try Parameters(ctx.request)
        let (programme, report) = try await snapshot(ctx, p) { conn, programme in
            (programme, try buildOverdue(programme, p, rows: try await ReportQueries.overdue(conn, programmeID: programme.id, asOf: p.asOf,
                                                                                         asOfDate: p.asOfDate)))
        }
        guard p.csv else { return try .json(report) }
        var w = ReportCSV(header: ["application_id", "organisation_id", "organisation", "final_amount_eur", "paid_eur", "outstanding_eur",
                                   "payment_due_on", "days_overdue"])
        for o in report.items {
            w.row([.number(String(o.applicationId)), .number(String(o.organisationId)), .text(o.organisation), .euros(o.finalAmountCents),
                   .euros(o.paidCents), .euros(o.outstandingCents), .text(o.paymentDueOn.iso), .number(String(o.daysOverdue))])
        }
        w.row([.text("TOTAL"), .text(""), .text(""), .euros(report.totals.finalAmountCents), .euros(report.totals.paidCents),
               .euros(report.totals.outstandingCents), .text(""), .text("")])
        return csvResponse(w.text, filename: filename("overdue-payments", programme, p, ext: "csv"))
    }

    // MARK: chart

    /// The chart needs only the running totals per day: the last day's totals are the sums over
    /// every ledger entry up to `as_of`, i.e. exactly the spending report's committed and paid
    /// figures (same snapshot, same entries), so the breakdown query is not run.
    @Sendable static func spendingChart(_ ctx: RequestContext) async throws -> HTTPResponse {
        let p = try Parameters(ctx.request, formats: false)
        let (programme, days) = try await snapshot(ctx, p) { conn, programme in
            (programme, try await ReportQueries.dailyTotals(conn, programmeID: programme.id, asOf: p.asOf))
        }
        let committed = days.last?.cumulativeCommittedCents ?? 0, paid = days.last?.cumulativePaidCents ?? 0
        let svg = SpendingChart(
            programmeCode: programme.code, programmeName: programme.name, asOf: p.asOf, asOfText: AsOf.format(p.asOf),
            capCents: programme.capCents, committedCents: committed, paidCents: paid,
            availableCents: try CheckedAmounts.difference(programme.capCents, committed, "the available amount"),
            points: days.map { SpendingChart.Point(at: $0.at, committedCents: $0.cumulativeCommittedCents, paidCents: $0.cumulativePaidCents) }).render()
        var r = HTTPResponse.text(svg, contentType: "image/svg+xml; charset=utf-8")
        r.headers.set("Content-Disposition", "inline; filename=\"\(filename("spending", programme, p, ext: "svg"))\"")
        return r
    }
}

/// `as_of`: an ISO date (the end of that day, UTC) or an RFC 3339 timestamp, to the microsecond.
enum AsOf {
    static func parse(_ raw: String) -> Date? {
        if let d = CalendarDate(iso: raw) {
            // The last microsecond of that day: ledger times are microseconds.
            return Date(timeIntervalSince1970: TimeInterval(d.adding(days: 1).dayNumber) * 86_400 - 0.000_001)
        }
        return parseTimestamp(raw)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; a `+` that arrived as a space in a query is accepted.
    static func parseTimestamp(_ raw: String) -> Date? { Timestamp.parse(raw, .query) }

    static func micros(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1_000_000).rounded()) }

    static func utcDate(_ d: Date) -> CalendarDate {
        let m = micros(d)
        return CalendarDate(dayNumber: Int((m - ((m % 86_400_000_000) + 86_400_000_000) % 86_400_000_000) / 86_400_000_000))
    }

    /// RFC 3339 UTC with microseconds when there are any: `2027-03-31T23:59:59.999999Z`.
    static func format(_ d: Date) -> String {
        let m = micros(d)
        let day = utcDate(d)
        let inDay = m - Int64(day.dayNumber) * 86_400_000_000
        let secs = inDay / 1_000_000, frac = inDay % 1_000_000
        func pad(_ v: Int64, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
        let time = "\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))"
        return "\(day.iso)T\(time)\(frac == 0 ? "" : "." + pad(frac, 6))Z"
    }
}

/// CSV rows for the reports: text cells go through `CSVWriter.cell` (RFC 4180 quoting and
/// formula neutralisation); numbers the service computed itself are written as they are, so a
/// negative monthly movement stays a number (`-390.00`) instead of the text `'-390.00`.
struct ReportCSV {
    enum Cell { case text(String), number(String), euros(Int64) }
    private(set) var text = ""

    init(header: [String]) { row(header.map { .text($0) }) }

    mutating func row(_ cells: [Cell]) {
        text += cells.map { cell -> String in
            switch cell {
            case .text(let s): return CSVWriter.cell(s)
            case .number(let s): return s
            case .euros(let c): return CSVWriter.euros(c)
            }
        }.joined(separator: ",") + "\r\n"
    }
}

/// A CSV body built as bytes, cell by cell, with the rules of `CSVWriter` (large reports).
struct CSVBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func comma() { bytes.append(UInt8(ascii: ",")) }

    /// Decimal digits, as `String(n)` writes them.
    mutating func integer(_ n: Int64) {
        if n < 0 { bytes.append(UInt8(ascii: "-")) }
        var m = n.magnitude
        var divisor: UInt64 = 1
        while m / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(m / divisor))
            m %= divisor
            divisor /= 10
        }
    }

    /// `CSVWriter.euros`: `-12.05` from -1205 cents.
    mutating func euros(_ cents: Int64) {
        if cents < 0 { bytes.append(UInt8(ascii: "-")) }
        let a = cents.magnitude
        integer(Int64(a / 100))
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(a % 100 / 10))
        bytes.append(UInt8(ascii: "0") + UInt8(a % 10))
    }

    mutating func cell(_ raw: String) { CSVWriter.appendCell(raw, to: &bytes) }
}
