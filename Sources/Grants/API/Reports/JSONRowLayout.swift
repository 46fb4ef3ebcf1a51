import HTTP
import Postgres

/// A streamed JSON list's items written straight from the query's cells, member by member, with
/// the keys of the item's `Codable` model: the same bytes `JSONBytes.encode` gives for the model
/// decoded from the row (RowLayoutTests), without decoding it. perf showed the decoding, a
/// `String` per cell, at a third of the beneficiaries export's CPU.
struct JSONRowLayout: Sendable {
    enum Member: Sendable {
        /// A string; NULL (never in a NOT NULL column) is written as null.
        case text
        /// A whole number; NULL is a decoding error.
        case integer
        /// A `date` as `"YYYY-MM-DD"`; NULL is null.
        case date
    }

    let keys: [[UInt8]]
    let members: [Member]

    /// `members` in the query's column order, named like the model's coding keys.
    init(_ members: [(key: String, member: Member)]) {
        keys = members.map { JSONObjectWriter.key($0.key) }
        self.members = members.map(\.member)
    }

    func write(_ r: PostgresRow, to w: inout JSONObjectWriter) throws {
        w.begin()
        for (index, member) in members.enumerated() {
            let cell = try r.cell(index)
            let key = keys[index]
            switch member {
            case .text:
                if cell.withText({ w.string(key, utf8: $0) }) == nil { w.null(key) }
            case .integer:
                w.integer(key, try Int64.postgresDecode(cell))
            case .date:
                if let bytes = try cell.isoDateBytes() {
                    bytes.withUnsafeBufferPointer { w.string(key, utf8: $0) }
                } else {
                    w.null(key)
                }
            }
        }
        w.end()
    }
}
