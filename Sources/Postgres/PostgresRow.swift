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

/// One result row, already copied out of the PGresult (which is cleared on the
/// connection thread before the caller resumes).
public struct PostgresRow: Sendable {
    let columns: PostgresColumns
    let values: [String?]

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
        guard values.indices.contains(index) else {
            throw PostgresError.decoding("column index \(index) out of range (\(values.count) columns)")
        }
        let cell = PostgresCell(text: values[index], typeOID: columns.typeOIDs[index], columnName: columns.names[index])
        return try T.postgresDecode(cell)
    }

    /// True for SQL NULL and for unknown columns (there is nothing there).
    public func isNull(_ column: String) -> Bool {
        guard let index = columns.indexByName[column] else { return true }
        return values[index] == nil
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
