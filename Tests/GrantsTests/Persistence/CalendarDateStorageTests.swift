import Grants
import Postgres
import Testing

/// `CalendarDate` binds as a SQL `date` and reads back from one with no `::text` cast, and a
/// stored value it cannot represent is a decoding error, not a trap.
@Suite("CalendarDate in PostgreSQL")
struct CalendarDateStorageTests {
    @Test func roundTripsThroughDateColumns() async throws {
        try await TestApp.with { app in
            for text in ["2024-02-29", "0001-01-01", "9999-12-31", "2027-03-01"] {
                let date = try #require(CalendarDate(iso: text))
                let row = try await app.sql("SELECT \(date) AS d, (\(date) + 1)::text AS next").rows[0]
                #expect(try row.decode("d", as: CalendarDate.self) == date)
                if text != "9999-12-31" { #expect(try row.decode("next", as: String.self) > text) }
            }
            let none = try await app.sql("SELECT NULL::date AS d").rows[0]
            #expect(try none.decode("d", as: CalendarDate?.self) == nil)
            for stored in ["infinity", "-infinity", "0044-03-15 BC", "10000-01-01"] {
                let row = try await app.sql("SELECT \(stored)::date AS d").rows[0]
                #expect(throws: PostgresError.self) { try row.decode("d", as: CalendarDate.self) }
            }
        }
    }
}
