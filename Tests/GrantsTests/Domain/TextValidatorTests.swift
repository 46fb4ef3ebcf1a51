import Testing

@testable import Grants

/// The one text validator: lengths in Unicode scalars and UTF-8 bytes, control characters.
@Suite("Validator: free text")
struct TextValidatorTests {
    func violations(_ value: String, max: Int, maxBytes: Int? = nil, multiline: Bool = false) -> [String] {
        var v = Validator()
        v.text("f", value, max: max, maxBytes: maxBytes, multiline: multiline)
        return v.violations.map(\.rule)
    }

    @Test func lengthsCountScalarsNotGraphemes() {
        let zalgo = "a" + String(repeating: "\u{0301}", count: 400_000)
        #expect(zalgo.count == 1)
        #expect(violations(zalgo, max: 10_000) == ["too_long"])
        #expect(violations(String(repeating: "é", count: 100), max: 100) == [])
        #expect(violations(String(repeating: "é", count: 101), max: 100) == ["too_long"])
        // Bytes are bounded too: 100 four-byte scalars are 400 bytes.
        #expect(violations(String(repeating: "😀", count: 100), max: 100, maxBytes: 399) == ["too_long"])
        #expect(violations(String(repeating: "😀", count: 100), max: 100) == [])
    }

    @Test func controlCharacters() {
        for c in ["\u{0}", "\u{1}", "\u{1B}", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}", "\t", "\n", "\r"] {
            #expect(violations("a\(c)b", max: 100) == ["control_characters"], "U+\(String(c.unicodeScalars.first!.value, radix: 16))")
        }
        for c in ["\u{0}", "\u{1}", "\u{7F}", "\u{85}", "\u{9F}", "\u{0B}", "\u{0C}"] {
            #expect(violations("a\(c)b", max: 100, multiline: true) == ["control_characters"])
        }
        #expect(violations("line one\r\nline two\tend", max: 100, multiline: true) == [])
        #expect(violations("Iași · ½ – “ok”", max: 100) == [])
    }
}
