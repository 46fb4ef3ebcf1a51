import Foundation
import Testing

@testable import Postgres

@Suite struct PostgresQueryTests {
    @Test func interpolationNumbersPlaceholdersInOrder() {
        let name = "Iași"
        let id = 7
        let missing: String? = nil
        let query: PostgresQuery = "SELECT * FROM t WHERE name = \(name) AND id = \(id) AND note IS NOT DISTINCT FROM \(missing)"
        #expect(query.sql == "SELECT * FROM t WHERE name = $1 AND id = $2 AND note IS NOT DISTINCT FROM $3")
        #expect(query.binds.count == 3)
        #expect(query.binds[0] == .text("Iași"))
        #expect(query.binds[1] == .text("7", typeOID: PostgresTypeOID.int8))
        #expect(query.binds[2].bytes == nil)
    }

    @Test func unescapedFragmentIsSplicedVerbatim() {
        let column = "created_at"
        let query: PostgresQuery = "SELECT \(unescaped: column) FROM t WHERE id = \(1)"
        #expect(query.sql == "SELECT created_at FROM t WHERE id = $1")
    }

    @Test func appendRenumbersPlaceholders() {
        var query: PostgresQuery = "SELECT * FROM t WHERE a = \(1)"
        query.append(" AND b = \(2) AND c = '$1' AND d = \(3)")
        #expect(query.sql == "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = '$1' AND d = $3")
        #expect(query.binds.map { String(decoding: $0.bytes ?? [], as: UTF8.self) } == ["1", "2", "3"])
        let combined = query + " LIMIT \(10)"
        #expect(combined.sql.hasSuffix("LIMIT $4"))
        let nested: PostgresQuery = "SELECT \(5), (\(fragment: "SELECT \(6)"))"
        #expect(nested.sql == "SELECT $1, (SELECT $2)")
    }

    @Test func unsafeSQLKeepsBinds() {
        let query = PostgresQuery(unsafeSQL: "SELECT $1", binds: [.text("x")])
        #expect(query.sql == "SELECT $1")
        #expect(query.binds.count == 1)
    }

    @Test func byteaBindsAreBinary() {
        let bytes: [UInt8] = [0, 1, 255]
        let query: PostgresQuery = "SELECT \(bytes)"
        #expect(query.binds[0].format == .binary)
        #expect(query.binds[0].typeOID == PostgresTypeOID.bytea)
        #expect(query.binds[0].bytes == bytes)
    }

    @Test func dateAndTimestampText() throws {
        let date = try #require(PostgresTimestamp.parse("2024-01-31 12:34:56.123456+00"))
        #expect(PostgresTimestamp.format(date) == "2024-01-31T12:34:56.123456Z")
        #expect(PostgresTimestamp.parse("2024-01-31 14:34:56.5+02") == PostgresTimestamp.parse("2024-01-31 12:34:56.5+00"))
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000000Z")
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500000Z")
    }

    @Test func arrayLiteralParsing() {
        #expect(PostgresArrayLiteral.parse("{}") == [])
        #expect(PostgresArrayLiteral.parse("{a,\"b c\",NULL,\"NULL\",\"q\\\"x\\\\\"}") == ["a", "b c", nil, "NULL", "q\"x\\"])
    }
}
