import Testing
@testable import Grants

@Suite("CSV cells")
struct CSVTests {
    @Test("RFC 4180 quoting and formula neutralisation", arguments: [
        ("plain", "plain"),
        ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
        ("+1", "'+1"), ("-5", "'-5"), ("@sum", "'@sum"), ("\tx", "'\tx"),
        ("a,b", "\"a,b\""), ("line\r\nbreak", "\"line\r\nbreak\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("Ιάσιο, \"Bio\" Lab", "\"Ιάσιο, \"\"Bio\"\" Lab\""), ("Iași", "Iași"), ("", ""),
    ])
    func cell(raw: String, expected: String) {
        #expect(CSVWriter.cell(raw) == expected)
    }

    @Test func eurosFromCents() {
        #expect(CSVWriter.euros(78_000) == "780.00")
        #expect(CSVWriter.euros(5) == "0.05")
        #expect(CSVWriter.euros(-39_005) == "-390.05")
    }
}
