import Foundation
import HTTP
import Postgres

/// Exports for the agency (DESIGN.md §8), JSON or RFC 4180 CSV (formula-safe): beneficiaries in
/// the Financial Transparency System's shape, and the exchange list in the ClusterXchange IT
/// Tool's columns. Both carry the programme's record-retention date.
enum ExportRoutes {
    struct TransparencyRow: Codable, Sendable {
        var name: String
        var country: String
        /// Only for natural persons (FR Art. 38); every beneficiary here is an organisation, so null.
        var nuts2: String?
        var purpose: String
        var amountCents: Int64
        var programme: String
        var year: Int
    }
    struct TransparencyExport: Codable, Sendable {
        var programmeId: Int64
        var programmeCode: String
        /// Publication is due by 30 June of the year after the support (FR Art. 38).
        var publishBy: String?
        var retentionUntil: CalendarDate?
        var items: [TransparencyRow]
    }
    struct ExchangeRow: Codable, Sendable {
        var applicationId: Int64
        var visitor: String
        var visitorCountry: String
        var visitorKind: String
        var visitorPartnership: String
        var host: String
        var hostCountry: String
        /// The host's cluster (its own name when it is a cluster); its partnership when known.
        var hostPartnership: String?
        var startDate: CalendarDate
        var endDate: CalendarDate
        var amountCents: Int64?
        var status: String
    }
    struct ExchangeExport: Codable, Sendable {
        var programmeId: Int64
        var programmeCode: String
        var retentionUntil: CalendarDate?
        var items: [ExchangeRow]
    }

    static let transparencyColumns = ["name", "country", "nuts2", "purpose", "amount_eur", "programme", "year"]
    static let exchangeColumns = [
        "application_id", "visitor", "visitor_country", "visitor_kind", "visitor_partnership", "host", "host_country",
        "host_partnership", "start_date", "end_date", "amount_eur", "status",
    ]
    static let purpose = "ClusterXchange short-term mobility exchange (financial support to third parties)"

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .GET,
                "/v1/exports/financial-transparency",
                roles: .staff,
                id: "exportFinancialTransparency",
                tag: .exports,
                summary: "Beneficiaries for the Financial Transparency System",
                description: "One row per beneficiary and calendar year of payment (UTC): name, country, NUTS2 (natural "
                    + "persons only, so empty), purpose, amount paid, programme, year. JSON, or CSV with `format=csv` / "
                    + "`Accept: text/csv`.",
                response: .jsonOrCSV(TransparencyExport.self, csvColumns: transparencyColumns),
                query: [
                    .id("programme_id", "the programme", required: true),
                    .id("year", "only support paid in this calendar year (2000..2100)"),
                    .csvFormat("`csv` (or `Accept: text/csv`)"),
                ],
                problems: [.notFound]),
            transparency)
        table.add(
            Route(
                .GET,
                "/v1/exports/exchanges",
                roles: .staff,
                id: "exportExchanges",
                tag: .exports,
                summary: "The exchange list for the ClusterXchange IT Tool",
                description: "Every submitted exchange: visitor, host, partnerships, dates (actual once reported), amount "
                    + "(final once accepted, else granted), status. JSON, or CSV with `format=csv` / `Accept: text/csv`.",
                response: .jsonOrCSV(ExchangeExport.self, csvColumns: exchangeColumns),
                query: [.id("programme_id", "the programme", required: true), .csvFormat("`csv` (or `Accept: text/csv`)")],
                problems: [.notFound]),
            exchanges)
    }

    /// The programme as the reports name it (404 when there is none).
    static func programme(_ conn: PostgresConnection, _ id: Int64) async throws -> ReportQueries.Programme {
        guard let p = try await ReportQueries.programme(conn, id: id) else { throw GrantsError.notFound("no such programme") }
        return p
    }

    @Sendable static func transparency(_ ctx: RequestContext) async throws -> HTTPResponse {
        guard let pid = ctx.query.id("programme_id") else { throw GrantsError.invalid("programme_id", "is required", rule: "required") }
        let year = ctx.query.id("year")
        if let year, !(2000...2100).contains(year) {
            throw GrantsError.invalid("year", "must be a year between 2000 and 2100", rule: "range")
        }
        let yearInt = year.map { Int($0) }
        let (p, items) = try await ctx.db.withConnection { conn in
            let p = try await programme(conn, pid)
            return (p, try await ExportQueries.beneficiaries(conn, programme: p, year: yearInt))
        }
        if CSVWriter.isWanted(format: ctx.query.text("format"), by: ctx.request) {
            var w = CSVWriter(header: transparencyColumns, rowsHint: items.count)
            for i in items {
                w.row([
                    .text(i.name), .text(i.country), .empty, .text(i.purpose), .euros(i.amountCents), .text(i.programme),
                    .integer(Int64(i.year)),
                ])
            }
            return w.response(filename: "financial-transparency-\(p.code)\(yearInt.map { "-\($0)" } ?? "").csv")
        }
        return try .json(
            TransparencyExport(
                programmeId: pid, programmeCode: p.code, publishBy: yearInt.map { "\($0 + 1)-06-30" }, retentionUntil: p.retentionUntil,
                items: items))
    }

    @Sendable static func exchanges(_ ctx: RequestContext) async throws -> HTTPResponse {
        guard let pid = ctx.query.id("programme_id") else { throw GrantsError.invalid("programme_id", "is required", rule: "required") }
        let (p, items) = try await ctx.db.withConnection { conn in
            let p = try await programme(conn, pid)
            return (p, try await ExportQueries.exchanges(conn, programme: p))
        }
        if CSVWriter.isWanted(format: ctx.query.text("format"), by: ctx.request) {
            var w = CSVWriter(header: exchangeColumns, rowsHint: items.count)
            for e in items {
                w.row([
                    .integer(e.applicationId), .text(e.visitor), .text(e.visitorCountry), .text(e.visitorKind), .text(e.visitorPartnership),
                    .text(e.host), .text(e.hostCountry), .text(e.hostPartnership ?? ""), .text(e.startDate.iso), .text(e.endDate.iso),
                    e.amountCents.map(CSVWriter.Cell.euros) ?? .empty, .text(e.status),
                ])
            }
            return w.response(filename: "exchanges-\(p.code).csv")
        }
        return try .json(ExchangeExport(programmeId: pid, programmeCode: p.code, retentionUntil: p.retentionUntil, items: items))
    }
}

extension ExportRoutes.TransparencyRow: DocumentedSchema { static let schemaName = "TransparencyRow" }
extension ExportRoutes.TransparencyExport: DocumentedSchema { static let schemaName = "TransparencyExport" }
extension ExportRoutes.ExchangeRow: DocumentedSchema { static let schemaName = "ExchangeRow" }
extension ExportRoutes.ExchangeExport: DocumentedSchema { static let schemaName = "ExchangeExport" }
