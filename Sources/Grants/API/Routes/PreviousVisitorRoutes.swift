import Foundation
import HTTP
import Postgres

/// The earlier-visitors list (S: an organisation visits once in the whole scheme): coordinators
/// import other partnerships' lists as CSV and export ours, so partnerships can share them.
enum PreviousVisitorRoutes {
    struct ImportResult: Codable, Sendable {
        /// Rows added to the list.
        var imported: Int
        /// Rows already on the list (same normalised name, country, partnership and year).
        var alreadyListed: Int
    }

    static let csvColumns = ["id", "legal_name", "country", "vat_number", "partnership", "year", "imported_at"]

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .POST,
                "/v1/previous-visitors/import",
                roles: [.coordinator],
                id: "importPreviousVisitors",
                tag: .previousVisitors,
                summary: "Import earlier visitors from CSV",
                description: "RFC 4180 CSV in UTF-8 with a header row naming the columns legal_name, country, vat_number "
                    + "(may be empty), partnership and year, in any order. Every row is checked: when any row is bad nothing "
                    + "is imported and the 422 `import_rejected` lists every bad row and column (`rows[3].country`). Rows "
                    + "already on the list are counted, not duplicated. Names are matched after normalisation (case, accents, "
                    + "punctuation and legal-form suffixes such as SRL, S.L., GmbH, Sp. z o.o. ignored); VAT numbers without "
                    + "separators or country prefix.",
                body: .upload(description: "the CSV file (UTF-8, at most 2 MiB, 10,000 rows)", mediaTypes: ["text/csv"]),
                response: .json(ImportResult.self),
                traits: [.noLocation],
                problems: [.importRejected],
                bodyLimit: 2 << 20),
            importCSV)
        table.add(
            Route(
                .GET,
                "/v1/previous-visitors",
                roles: .staff,
                id: "listPreviousVisitors",
                tag: .previousVisitors,
                summary: "The earlier-visitors list",
                description: "JSON pages, or the whole list as CSV in the import's columns (re-importable as it is).",
                response: .pageOrCSV(PreviousVisitorResource.self, csvColumns: csvColumns),
                query: [.csvFormat("`csv` (or `Accept: text/csv`): the whole list as CSV")]),
            list)
    }

    @Sendable static func importCSV(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let rows: [[String]]
        switch CSVReader().read(ctx.request.body) {
        case .success(let r): rows = r
        case .failure(let f):
            throw GrantsError.validation([
                RuleViolation(field: "body", rule: ProblemCode.importRejected.rawValue, message: "line \(f.line): \(f.message)")
            ])
        }
        let parsed = PreviousVisitorImport.parse(rows)
        if !parsed.errors.isEmpty {
            throw GrantsError.validation(
                parsed.errors.prefix(500).map {
                    RuleViolation(
                        field: $0.column.isEmpty ? "rows[\($0.row)]" : "rows[\($0.row)].\($0.column)",
                        rule: ProblemCode.importRejected.rawValue, message: $0.message)
                })
        }
        let audit = ctx.audit
        let result = try await ctx.db.write { conn in
            var imported = 0
            for r in parsed.records {
                let inserted = try await conn.query(
                    """
                    INSERT INTO previous_visitors (legal_name, country, vat_number, partnership, year, normalised_name, normalised_vat, imported_by)
                    VALUES (\(r.legalName), \(r.country), \(r.vatNumber), \(r.partnership), \(r.year), \(r.normalisedName),
                      \(r.normalisedVAT), \(user.userID))
                    ON CONFLICT (normalised_name, country, partnership, year) DO NOTHING
                    RETURNING id
                    """
                ).rows
                imported += inserted.count
            }
            let result = ImportResult(imported: imported, alreadyListed: parsed.records.count - imported)
            try await AuditTrail.record(
                conn, audit, action: "previous_visitors.imported", entity: "previous_visitors", id: nil, after: result)
            return result
        }
        return try HTTPResponse.json(result)
    }

    @Sendable static func list(_ ctx: RequestContext) async throws -> HTTPResponse {
        let csv = CSVWriter.isWanted(format: ctx.query.text("format"), by: ctx.request)
        let page = try Page(ctx.request)
        let limit = csv ? Int.max / 2 : page.fetchLimit
        let rows = try await ctx.db.query(
            """
            SELECT \(unescaped: PreviousVisitorResource.columns) FROM previous_visitors v
            WHERE v.id > \(csv ? 0 : page.afterID) ORDER BY v.id LIMIT \(Int64(limit))
            """
        ).rows
        let list = try rows.map(PreviousVisitorResource.init(row:))
        guard csv else { return try page.response(list, id: \.id) }
        var w = CSVWriter(header: csvColumns, rowsHint: list.count)
        for v in list {
            w.row([
                .integer(v.id), .text(v.legalName), .text(v.country), .text(v.vatNumber ?? ""), .text(v.partnership),
                .integer(Int64(v.year)), .text(v.importedAt.ISO8601Format()),
            ])
        }
        return w.response(filename: "previous-visitors-\(Date().ISO8601Format().prefix(10)).csv")
    }
}

extension PreviousVisitorRoutes.ImportResult: DocumentedSchema {
    static let schemaName = "PreviousVisitorImport"
}
