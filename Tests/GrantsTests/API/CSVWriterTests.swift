import Testing

@testable import Grants

@Suite("CSV writer")
struct CSVWriterTests {
    @Test(
        "RFC 4180 quoting and formula neutralisation",
        arguments: [
            ("plain", "plain"),
            ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
            ("+1", "'+1"), ("-5", "'-5"), ("@sum", "'@sum"), ("\tx", "'\tx"),
            ("a,b", "\"a,b\""), ("line\r\nbreak", "\"line\r\nbreak\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("Ιάσιο, \"Bio\" Lab", "\"Ιάσιο, \"\"Bio\"\" Lab\""), ("Iași", "Iași"), ("", ""),
        ])
    func cell(raw: String, expected: String) {
        #expect(CSVWriter.cell(raw) == expected)
    }

    @Test func formulaStartsAreOneRule() {
        for byte in UInt8.min...UInt8.max { #expect(CSVWriter.isFormulaStart(byte) == CSVWriter.formulaStarts.contains(byte)) }
    }

    @Test func datesAsISO() {
        let dates = [(1, 1, 1), (999, 12, 31), (2027, 3, 1), (9999, 12, 31)].compactMap { CalendarDate(year: $0.0, month: $0.1, day: $0.2) }
        #expect(dates.map(\.iso) == ["0001-01-01", "0999-12-31", "2027-03-01", "9999-12-31"])
        #expect(dates.allSatisfy { CalendarDate(iso: $0.iso) == $0 })
    }

    @Test func eurosFromCents() {
        #expect(CSVWriter.euros(78_000) == "780.00")
        #expect(CSVWriter.euros(5) == "0.05")
        #expect(CSVWriter.euros(0) == "0.00")
        #expect(CSVWriter.euros(-39_005) == "-390.05")
        #expect(CSVWriter.euros(-5) == "-0.05")
        #expect(CSVWriter.euros(.max) == "92233720368547758.07")
        #expect(CSVWriter.euros(.min) == "-92233720368547758.08")
    }

    /// Numbers the service computed are not neutralised: a negative movement stays a number.
    @Test func rowOfMixedCells() {
        var w = CSVWriter(header: ["id", "name", "amount_eur", "note", "count"])
        w.row([.integer(.min), .text("-Acme, SRL"), .euros(-39_000), .empty, .integer(0)])
        w.row([.integer(.max), .text(""), .euros(1), .text("ok"), .integer(-7)])
        #expect(
            w.string == "id,name,amount_eur,note,count\r\n"
                + "-9223372036854775808,\"'-Acme, SRL\",-390.00,,0\r\n"
                + "9223372036854775807,,0.01,ok,-7\r\n")
    }
}
