import HTTP
import Postgres

/// A list report sent while its rows are read (issue 10): a cursor over the report's query in
/// the report's snapshot, a batch of rows per FETCH, each row written straight to bytes and
/// handed to the connection in pieces, so an export of 50,000 rows never exists whole in memory
/// (neither as rows, nor as values, nor as a body). The stream holds one database connection
/// while it runs; a client that stops reading is cut off by the server's write deadline.
enum StreamedReport {
    static let rowsPerFetch = 2000
    /// What is handed to the connection at a time.
    static let pieceBytes = 64 * 1024

    /// Calls `body` for each row of `query`, fetched through a cursor in the open transaction of
    /// `conn`, in order, `rowsPerFetch` at a time. The next batch is already being fetched while
    /// `body` runs over the current one (its statement waits on the connection's own thread), so
    /// PostgreSQL and the encoding work at the same time.
    static func forEachRow(
        _ conn: PostgresConnection, _ query: PostgresQuery, _ body: (PostgresRow) async throws -> Void
    ) async throws {
        _ = try await conn.query("DECLARE report_rows NO SCROLL CURSOR FOR \(fragment: query)")
        let fetch: PostgresQuery = "FETCH FORWARD \(unescaped: String(rowsPerFetch)) FROM report_rows"
        var pending = Task { try await conn.query(fetch).rows }
        while true {
            let batch = try await pending.value
            let more = batch.count == rowsPerFetch
            if more { pending = Task { try await conn.query(fetch).rows } }
            do {
                for row in batch { try await body(row) }
            } catch {
                if more { _ = try? await pending.value }  // the connection is free again before it is returned
                throw error
            }
            if !more { break }
        }
        _ = try await conn.query("CLOSE report_rows")
    }

    /// The JSON form: `envelope` (with no items) encoded once, its item array filled with one
    /// item per row written by `layout`. The envelope is the same `ProgrammeReport` the document
    /// describes, so the streamed bytes are what encoding the whole report would give.
    static func json<Item: ReportRow>(
        _ conn: PostgresConnection, envelope: ProgrammeReport<Item>, query: PostgresQuery, writer: HTTPBodyWriter,
        layout: JSONRowLayout
    ) async throws {
        var empty = envelope
        empty.items = []
        let whole = try JSONBytes.encode(empty)
        // The member's raw bytes cannot occur inside an encoded string (its quotes would be escaped).
        guard let at = whole.firstRange(of: Array(#""items":[]"#.utf8)) else {
            throw GrantsError.unavailable("a report envelope without its items")
        }
        var w = JSONObjectWriter()
        w.raw(whole[..<(at.upperBound - 1)])
        var first = true
        try await forEachRow(conn, query) { row in
            if !first { w.raw(CollectionOfOne(UInt8(ascii: ","))) }
            first = false
            try layout.write(row, to: &w)
            if w.count >= pieceBytes { try await writer.write(w.take()) }
        }
        w.raw(whole[(at.upperBound - 1)...])
        try await writer.write(w.take())
    }

    /// The CSV form: the header, one line per row, then `trailer`'s lines.
    static func csv(
        _ conn: PostgresConnection, header: [String], query: PostgresQuery, writer: HTTPBodyWriter,
        layout: CSVRowLayout, trailer: (inout CSVWriter) throws -> Void
    ) async throws {
        var w = CSVWriter(header: header, rowsHint: rowsPerFetch)
        try await forEachRow(conn, query) { r in
            try layout.write(r, to: &w)
            if w.bytes.count >= pieceBytes { try await writer.write(w.takeBytes()) }
        }
        try trailer(&w)
        try await writer.write(w.takeBytes())
    }

}
