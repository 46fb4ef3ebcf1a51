import Postgres

/// A streamed CSV export's columns, read straight from the query's cells: a 50,000-row export
/// decodes no model value and makes no `String` per cell (perf showed the decoding and the
/// per-row cell arrays at most of the export's CPU). The report's JSON form decodes its model
/// instead; the end-to-end report tests hold the two forms equal, row by row.
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
                guard let bytes = cell.utf8 else {
                    w.empty()
                    continue
                }
                // A valid date's ISO form is exactly its 10 bytes.
                guard CalendarDate(isoUTF8: bytes) != nil else { throw cell.failure(CalendarDate.self) }
                w.verbatim(bytes)
            }
        }
        w.endRow()
    }
}
