/// The earlier-visitors list a coordinator imports (S: once in the scheme): rows of a CSV
/// with the columns legal_name, country, vat_number, partnership, year (any order, header
/// names case-insensitive). All rows are checked; one bad row means nothing is imported, and
/// the answer lists every bad row so the file is fixed in one go.
public enum PreviousVisitorImport {
    public static let columns = ["legal_name", "country", "vat_number", "partnership", "year"]

    public struct Record: Sendable, Hashable {
        public var legalName: String
        public var country: String
        public var vatNumber: String?
        public var partnership: String
        public var year: Int
        public var normalisedName: String { LegalIdentity.normalisedName(legalName) }
        public var normalisedVAT: String? { LegalIdentity.normalisedVAT(vatNumber, country: country) }
    }

    /// One problem of one row: `row` is the data row's 1-based number (the header is row 0).
    public struct RowError: Sendable, Hashable {
        public var row: Int
        public var column: String
        public var message: String
    }

    /// Either every row as a record (errors empty) or every problem found (records then unused).
    public struct Outcome: Sendable {
        public var records: [Record]
        public var errors: [RowError]
    }

    public static func parse(_ rows: [[String]]) -> Outcome {
        guard let header = rows.first else {
            return Outcome(
                records: [], errors: [RowError(row: 0, column: "", message: "the file is empty; the first row names the columns")])
        }
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() {
            let key = name.trimmingSpaces.lowercased()
            if index[key] == nil { index[key] = i }
        }
        let missing = columns.filter { index[$0] == nil && $0 != "vat_number" }
        if !missing.isEmpty {
            return Outcome(
                records: [],
                errors: missing.map {
                    RowError(row: 0, column: $0, message: "the header has no '\($0)' column (columns: \(columns.joined(separator: ", ")))")
                })
        }
        var records: [Record] = []
        var errors: [RowError] = []
        for (n, row) in rows.dropFirst().enumerated() {
            let rowNumber = n + 1
            func cell(_ column: String) -> String {
                guard let i = index[column], i < row.count else { return "" }
                return unneutralised(row[i].trimmingSpaces)
            }
            var ok = true
            func fail(_ column: String, _ message: String) {
                errors.append(RowError(row: rowNumber, column: column, message: message))
                ok = false
            }
            if row.count > header.count { fail("", "the row has \(row.count) fields; the header has \(header.count)") }
            let name = cell("legal_name")
            if name.isEmpty || name.count > 300 { fail("legal_name", "is required, at most 300 characters") }
            let country = cell("country").uppercased()
            if !Countries.isAlpha2(country) { fail("country", "must be an ISO 3166-1 alpha-2 code such as RO") }
            let vatText = cell("vat_number")
            if vatText.count > 32 { fail("vat_number", "at most 32 characters") }
            let partnership = cell("partnership")
            if partnership.isEmpty || partnership.count > 300 { fail("partnership", "is required, at most 300 characters") }
            let yearText = cell("year")
            let year = yearText.utf8.count == 4 && yearText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) ? Int(yearText) : nil
            if year == nil || !(2000...2100).contains(year ?? 0) { fail("year", "must be a year such as 2023") }
            if ok, let year {
                records.append(
                    Record(
                        legalName: name, country: country, vatNumber: vatText.isEmpty ? nil : vatText,
                        partnership: partnership, year: year))
            }
        }
        if records.isEmpty && errors.isEmpty {
            errors.append(RowError(row: 0, column: "", message: "the file has a header but no rows"))
        }
        return Outcome(records: records, errors: errors)
    }

    /// Our own CSV exports prefix a formula-like cell with `'`; reading one back removes it,
    /// so an exported list re-imports unchanged.
    static func unneutralised(_ s: String) -> String {
        guard s.first == "'", let next = s.dropFirst().first, "=+-@\t\r".contains(next) else { return s }
        return String(s.dropFirst())
    }
}
