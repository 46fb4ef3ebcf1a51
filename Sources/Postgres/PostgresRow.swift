/// Column metadata shared by every row of one result, so rows stay small.
final class PostgresColumns: Sendable {
    let names: [String]
    let typeOIDs: [UInt32]
    /// First occurrence wins, like `SELECT a.id, b.id` in most drivers.
    let indexByName: [String: Int]

    init(names: [String], typeOIDs: [UInt32]) {
        self.names = names
        self.typeOIDs = typeOIDs
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
        self.indexByName = index
    }
}

/// Every value of one result, copied out of the PGresult (which is cleared on the connection
/// thread before the caller resumes) into one byte buffer: one allocation per result rather than
/// a `String` per cell, so a 2,000-row batch of a report costs two arrays, and a value becomes a
/// `String` only when a decoder asks for one.
///
/// Invariant: `spans[row * columnCount + column]` is that cell's range in `bytes` (`start`,
/// `count`), or `count == -1` for SQL NULL; every range lies inside `bytes` (built that way by
/// `append`, never changed after). Immutable once built, so it is shared between rows freely.
final class PostgresValues: Sendable {
    let bytes: [UInt8]
    let spans: [(start: Int, count: Int)]
    let columnCount: Int

    init(bytes: [UInt8], spans: [(start: Int, count: Int)], columnCount: Int) {
        self.bytes = bytes
        self.spans = spans
        self.columnCount = columnCount
    }
}

/// One result row: its result's values and its position among them.
public struct PostgresRow: Sendable {
    let columns: PostgresColumns
    let values: PostgresValues
    let row: Int

    public var columnNames: [String] { columns.names }

    /// Decodes a column by name. `Optional<T>` maps NULL to nil; any other type throws on NULL.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let index = columns.indexByName[column] else {
            throw PostgresError.decoding("no column named \"\(column)\" (have \(columns.names))")
        }
        return try decode(index, as: type)
    }

    /// Decodes a column by position, for unnamed expressions.
    public func decode<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        try T.postgresDecode(try cell(index))
    }

    /// A column by position as a cell, for writers that copy its bytes without decoding.
    public func cell(_ index: Int) throws(PostgresError) -> PostgresCell {
        guard index >= 0, index < values.columnCount else {
            throw PostgresError.decoding("column index \(index) out of range (\(values.columnCount) columns)")
        }
        return PostgresCell(
            values: values, span: values.spans[row * values.columnCount + index], typeOID: columns.typeOIDs[index],
            columnName: columns.names[index])
    }

    /// True for SQL NULL and for unknown columns (there is nothing there).
    public func isNull(_ column: String) -> Bool {
        guard let index = columns.indexByName[column] else { return true }
        return values.spans[row * values.columnCount + index].count < 0
    }
}

/// Rows plus the command's affected-row count (INSERT/UPDATE/DELETE, or the
/// number of rows for SELECT).
public struct PostgresResult: Sendable {
    public var rows: [PostgresRow]
    public var affectedRows: Int

    public init(rows: [PostgresRow], affectedRows: Int) {
        self.rows = rows
        self.affectedRows = affectedRows
    }

    public var first: PostgresRow? { rows.first }
    public var isEmpty: Bool { rows.isEmpty }
}
