import Testing

@testable import Postgres

/// Integers are read straight from the cell's bytes with checked arithmetic: what a tampered or
/// unexpected column holds is a decoding error, never a trap and never a wrapped value.
@Suite struct PostgresCellTests {
    private func cell(_ text: String?) -> PostgresCell { PostgresCell(text: text, typeOID: PostgresTypeOID.int8, columnName: "n") }

    @Test(arguments: [
        ("0", Int64(0)), ("-0", 0), ("7", 7), ("+7", 7), ("-42", -42), ("000123", 123),
        ("9223372036854775807", .max), ("-9223372036854775808", .min),
    ])
    func int64Reads(_ text: String, _ expected: Int64) throws {
        #expect(try Int64.postgresDecode(cell(text)) == expected)
        #expect(try Int64?.postgresDecode(cell(text)) == expected)
    }

    @Test(arguments: ["", "-", "+", "1.5", " 1", "1 ", "1e3", "0x10", "9223372036854775808", "-9223372036854775809", "١٢", "--1"])
    func int64Refuses(_ text: String) {
        #expect(throws: PostgresError.self) { try Int64.postgresDecode(cell(text)) }
    }

    @Test func narrowerTypesCheckTheirOwnBounds() throws {
        #expect(try Int32.postgresDecode(cell("2147483647")) == .max)
        #expect(throws: PostgresError.self) { try Int32.postgresDecode(cell("2147483648")) }
        #expect(try Int32.postgresDecode(cell("-2147483648")) == .min)
        #expect(try Int.postgresDecode(cell("-1")) == -1)
    }

    @Test func nullIsNilForOptionalsAndAnErrorOtherwise() throws {
        #expect(try Int64?.postgresDecode(cell(nil)) == nil)
        #expect(try String?.postgresDecode(cell(nil)) == nil)
        #expect(throws: PostgresError.self) { try Int64.postgresDecode(cell(nil)) }
        #expect(try String.postgresDecode(cell("")) == "")
        #expect(cell("").isNull == false)
    }

    @Test func textKeepsUTF8AndRepairsInvalidBytes() throws {
        #expect(try String.postgresDecode(cell("Iași — ✓")) == "Iași — ✓")
        let values = PostgresValues(bytes: [0x61, 0xFF, 0x62], spans: [(0, 3)], columnCount: 1)
        let raw = PostgresCell(values: values, span: (0, 3), typeOID: PostgresTypeOID.text, columnName: "t")
        #expect(raw.text == "a\u{FFFD}b")
    }
}
