import Foundation
import HTTP
import Postgres

/// The ledger export, JSON by default and CSV with `Accept: text/csv` or `?format=csv`.
enum LedgerRoutes {
    struct Entry: Codable, Sendable {
        var id: Int64
        var programmeId: Int64
        var applicationId: Int64
        var organisationId: Int64
        var kind: String
        var amountCents: Int64
        var actorId: Int64?
        var reason: String?
        var requestId: String?
        var createdAt: Date
    }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .GET,
                "/v1/ledger",
                roles: .staff,
                id: "listLedger",
                tag: .ledger,
                summary: "The ledger",
                description: "JSON pages, or RFC 4180 CSV (amounts in euros, formula-like cells neutralised).",
                response: .pageOrCSV(Entry.self, csvColumns: csvColumns),
                query: [
                    .id("programme_id", "only this programme"),
                    .id("application_id", "only this application"),
                    QueryParameter(name: "from", kind: .date, description: "entries on or after this day (UTC)"),
                    QueryParameter(name: "to", kind: .date, description: "entries up to and including this day (UTC)"),
                    .csvFormat("`csv` (or `Accept: text/csv`): every matching entry as CSV"),
                ]),
            list)
    }

    static let csvColumns = [
        "id", "created_at", "programme_id", "application_id", "organisation_id", "kind", "amount_eur", "actor_id",
        "reason", "request_id",
    ]

    @Sendable static func list(_ ctx: RequestContext) async throws -> HTTPResponse {
        let programme = ctx.query.id("programme_id")
        let application = ctx.query.id("application_id")
        let from = ctx.query.date("from")
        let to = ctx.query.date("to")
        let csv = CSVWriter.isWanted(format: ctx.query.text("format"), by: ctx.request)
        let page = try Page(ctx.request)
        let limit = csv ? Int.max / 2 : page.fetchLimit
        let rows = try await ctx.db.query(
            """
            SELECT id, programme_id, application_id, organisation_id, kind, amount_cents, actor_id, reason, request_id, created_at
            FROM ledger_entries
            WHERE id > \(csv ? 0 : page.afterID) AND (\(programme)::bigint IS NULL OR programme_id = \(programme))
              AND (\(application)::bigint IS NULL OR application_id = \(application))
              AND (\(from)::date IS NULL OR created_at >= \(from)::date) AND (\(to)::date IS NULL OR created_at < \(to)::date + 1)
            ORDER BY id LIMIT \(Int64(limit))
            """
        ).rows
        let entries = try rows.map { r in
            Entry(
                id: try r.decode("id"), programmeId: try r.decode("programme_id"), applicationId: try r.decode("application_id"),
                organisationId: try r.decode("organisation_id"), kind: try r.decode("kind"), amountCents: try r.decode("amount_cents"),
                actorId: try r.decode("actor_id"), reason: try r.decode("reason"), requestId: try r.decode("request_id"),
                createdAt: try r.decode("created_at"))
        }
        guard csv else { return try page.response(entries, id: \.id) }
        var w = CSVWriter(header: csvColumns, rowsHint: entries.count)
        for e in entries {
            w.row([
                .integer(e.id), .text(e.createdAt.ISO8601Format()), .integer(e.programmeId), .integer(e.applicationId),
                .integer(e.organisationId), .text(e.kind), .euros(e.amountCents), e.actorId.map(CSVWriter.Cell.integer) ?? .empty,
                .text(e.reason ?? ""), .text(e.requestId ?? ""),
            ])
        }
        return w.response(filename: "ledger-\(Date().ISO8601Format().prefix(10)).csv")
    }
}
