import Foundation
import Testing

@testable import Postgres

@Suite struct TypeRoundTripTests {
    /// Sends a value as a typed parameter and decodes it back.
    private func roundTrip<T: PostgresEncodable & PostgresDecodable>(
        _ pool: PostgresPool, _ value: T, cast: String
    ) async throws -> T {
        let result = try await pool.query("SELECT \(value)::\(unescaped: cast) AS v")
        return try result.rows[0].decode("v", as: T.self)
    }

    @Test func scalarsRoundTrip() async throws {
        let pool = try await makePool()
        defer { Task { await pool.close() } }
        for text in ["", "plain", "Ιάσιο", "Iași", "León", "emoji 🚀👩🏽‍🔬", "'; DROP TABLE x; --", "quote\"back\\slash"] {
            #expect(try await roundTrip(pool, text, cast: "text") == text)
        }
        for int in [0, 1, -1, Int.max, Int.min] { #expect(try await roundTrip(pool, int, cast: "bigint") == int) }
        for int in [Int64.max, Int64.min, 9_007_199_254_740_993] {
            #expect(try await roundTrip(pool, int, cast: "bigint") == int)
        }
        for int in [Int32.max, Int32.min] { #expect(try await roundTrip(pool, int, cast: "int") == int) }
        #expect(try await roundTrip(pool, true, cast: "boolean") == true)
        #expect(try await roundTrip(pool, false, cast: "boolean") == false)
        for double in [0.1, -2.5e-300, 1.7976931348623157e308, Double.pi] {
            #expect(try await roundTrip(pool, double, cast: "float8") == double)
        }
        #expect(try await roundTrip(pool, Double.infinity, cast: "float8") == .infinity)
        let uuid = UUID()
        #expect(try await roundTrip(pool, uuid, cast: "uuid") == uuid)
        let numeric = PostgresNumeric("12345678901234567890.000000000000000001")
        #expect(try await roundTrip(pool, numeric, cast: "numeric") == numeric)
        let json = PostgresJSON(#"{"name": "Iași", "n": [1, 2]}"#)
        let back = try await roundTrip(pool, json, cast: "jsonb")
        #expect(back.text == #"{"n": [1, 2], "name": "Iași"}"#)
        struct Payload: Codable, Equatable {
            var name: String
            var n: [Int]
        }
        #expect(try back.decode(Payload.self) == Payload(name: "Iași", n: [1, 2]))
        #expect(try await roundTrip(pool, [Int64.min, 0, Int64.max], cast: "bigint[]") == [Int64.min, 0, Int64.max])
        #expect(try await roundTrip(pool, [Int64](), cast: "bigint[]") == [])
        let strings = ["a", "", "NULL", "with,comma", "{brace}", "q\"uote", "back\\slash", "Ιάσιο 🚀", " spaced "]
        #expect(try await roundTrip(pool, strings, cast: "text[]") == strings)
    }

    @Test func timestampsKeepMicroseconds() async throws {
        let pool = try await makePool()
        defer { Task { await pool.close() } }
        let row = try await pool.query("SELECT '2024-01-31 12:34:56.123456+00'::timestamptz AS t").rows[0]
        let date = try row.decode("t", as: Date.self)
        #expect(PostgresTimestamp.format(date) == "2024-01-31T12:34:56.123456Z")
        let text = try await pool.query("SELECT (\(date))::timestamptz::text AS t").rows[0].decode("t", as: String.self)
        #expect(text == "2024-01-31 12:34:56.123456+00")
        let now = Date()
        let back = try await roundTrip(pool, now, cast: "timestamptz")
        #expect(abs(back.timeIntervalSince(now)) < 0.000_001)
        let before1970 = try #require(PostgresTimestamp.parse("1969-07-20 20:17:40.000001+00"))
        #expect(PostgresTimestamp.format(try await roundTrip(pool, before1970, cast: "timestamptz")) == "1969-07-20T20:17:40.000001Z")
    }

    @Test func byteaRoundTripsAllByteValues() async throws {
        let pool = try await makePool()
        defer { Task { await pool.close() } }
        let all = (0...255).map(UInt8.init)
        #expect(try await roundTrip(pool, all, cast: "bytea") == all)
        #expect(try await roundTrip(pool, [UInt8](), cast: "bytea") == [])
        let length = try await pool.query("SELECT length(\(all)) AS n").rows[0].decode("n", as: Int.self)
        #expect(length == 256)
        #expect(try await roundTrip(pool, Data(all), cast: "bytea") == Data(all))
    }

    @Test func nullsDecodeAsNilAndThrowForNonOptional() async throws {
        let pool = try await makePool()
        defer { Task { await pool.close() } }
        try await pool.query(
            """
            CREATE TABLE everything (s text, i bigint, i4 int, b boolean, d float8, t timestamptz, dt date,
              by bytea, n numeric, j jsonb, u uuid, ia bigint[], sa text[])
            """)
        let none: String? = nil
        try await pool.query(
            """
            INSERT INTO everything VALUES (\(none), \(Int?.none), \(Int32?.none), \(Bool?.none), \(Double?.none),
              \(Date?.none), \(String?.none), \([UInt8]?.none), \(PostgresNumeric?.none), \(PostgresJSON?.none),
              \(UUID?.none), \([Int64]?.none), \([String]?.none))
            """)
        let row = try await pool.query("SELECT * FROM everything").rows[0]
        #expect(row.columnNames.count == 13)
        for column in row.columnNames { #expect(row.isNull(column)) }
        #expect(try row.decode("s", as: String?.self) == nil)
        #expect(try row.decode("i", as: Int?.self) == nil)
        #expect(try row.decode("i4", as: Int32?.self) == nil)
        #expect(try row.decode("b", as: Bool?.self) == nil)
        #expect(try row.decode("d", as: Double?.self) == nil)
        #expect(try row.decode("t", as: Date?.self) == nil)
        #expect(try row.decode("dt", as: String?.self) == nil)
        #expect(try row.decode("by", as: [UInt8]?.self) == nil)
        #expect(try row.decode("n", as: PostgresNumeric?.self) == nil)
        #expect(try row.decode("j", as: PostgresJSON?.self) == nil)
        #expect(try row.decode("u", as: UUID?.self) == nil)
        #expect(try row.decode("ia", as: [Int64]?.self) == nil)
        #expect(try row.decode("sa", as: [String]?.self) == nil)
        let error = try #require(throws: PostgresError.self) { try row.decode("i", as: Int.self) }
        #expect(error.kind == .decoding)
        #expect(throws: PostgresError.self) { try row.decode("nope", as: Int?.self) }
        // Optional with a value decodes the value.
        let some = try await pool.query("SELECT \(Optional(5)) AS v").rows[0]
        #expect(try some.decode("v", as: Int?.self) == 5)
    }

    @Test func injectionAttemptsAreStoredVerbatim() async throws {
        let pool = try await makePool()
        defer { Task { await pool.close() } }
        try await pool.query("CREATE TABLE x (id serial PRIMARY KEY, name text NOT NULL)")
        let evil = "'; DROP TABLE x; --"
        let also = "Robert\"); DELETE FROM x; -- $1 \\"
        let inserted = try await pool.query("INSERT INTO x (name) VALUES (\(evil)), (\(also))")
        #expect(inserted.affectedRows == 2)
        let names = try await pool.query("SELECT name FROM x ORDER BY id").rows.map { try $0.decode("name", as: String.self) }
        #expect(names == [evil, also])
        let found = try await pool.query("SELECT count(*) AS n FROM x WHERE name = \(evil)").rows[0]
        #expect(try found.decode("n", as: Int.self) == 1)
    }

    @Test func numericIsExactAndAnyColumnDecodesAsString() async throws {
        let pool = try await makePool()
        defer { Task { await pool.close() } }
        let row = try await pool.query("SELECT 0.1::numeric + 0.2::numeric AS n, 42::int AS i").rows[0]
        #expect(try row.decode("n", as: PostgresNumeric.self).string == "0.3")
        #expect(try row.decode("n", as: String.self) == "0.3")
        #expect(try row.decode("i", as: String.self) == "42")
        #expect(try row.decode(0, as: PostgresNumeric.self).decimal == Decimal(string: "0.3"))
        let updated = try await pool.query("SELECT generate_series(1, 3) AS g")
        #expect(updated.affectedRows == 3)
    }
}
