import Postgres

/// A streamed CSV export's columns, read straight from the query's cells: a 50,000-row export
/// decodes no model value and makes no `String` per cell (perf showed the decoding and the
/// per-row cell arrays at most of the export's CPU). `RowLayoutTests` holds the lines equal to
/// the decoded model's cells, and the end-to-end report tests the CSV equal to the JSON.
struct CSVRowLayout: Sendable {
    enum Column: Sendable {
        /// Text; NULL is an empty cell.
        case text
        /// A whole number (NULL is a decoding error).
        case integer
        /// Integer cents written as euros (NULL is a decoding error).
        case euros
        /// A `date` column; NULL is an empty cell.
        case date
    }

    /// One kind per column of the query, in order.
    var columns: [Column]

    init(_ columns: [Column]) { self.columns = columns }

    /// Writes row `r` as one CSV line (text as valid UTF-8 whatever was stored: `withText`).
    func write(_ r: PostgresRow, to w: inout CSVWriter) throws {
        for (index, column) in columns.enumerated() {
            let cell = try r.cell(index)
            switch column {
            case .text:
                if cell.withText({ w.text(utf8: $0) }) == nil { w.empty() }
            case .integer:
                w.integer(try Int64.postgresDecode(cell))
            case .euros:
                w.euros(try Int64.postgresDecode(cell))
            case .date:
                if let bytes = try cell.isoDateBytes() { w.verbatim(bytes) } else { w.empty() }
            }
        }
        w.endRow()
    }
}
