import Testing
@testable import Grants

/// The strict decoder's duplicate-member scan, from literals (issue 15, finding 8).
@Suite("Strict JSON: duplicate members")
struct StrictJSONTests {
    @Test("a repeated member is found at any depth, after unescaping", arguments: [
        (#"{"a":1,"a":2}"#, "a"),
        (#"{"a":1,"\u0061":2}"#, "a"),
        (#"{"iban":"RO49AAAA1B31007593840000","legal_name":"x","iban":"DE89370400440532013000"}"#, "iban"),
        (#"{"organisation":{"city":"Porto","city":"Lisboa"}}"#, "organisation.city"),
        (#"{"criteria":[{"key":"a"},{"key":"b","key":"c"}]}"#, "criteria[1].key"),
        (#"{"x":[[{"y":{"z":1,"z":2}}]]}"#, "x[0][0].y.z"),
        (#"{"a":{"b":1},"a":{"b":1}}"#, "a"),
        (#"{"s":"with \" quote","s":"again"}"#, "s"),
        (#"{"\ud83d\ude00":1,"😀":2}"#, "😀"),
    ])
    func duplicates(json: String, path: String) {
        #expect(StrictJSON.duplicateMember(in: Array(json.utf8)) == path)
    }

    @Test("distinct members, equal names in different objects and strings that look like members pass", arguments: [
        #"{"a":1,"b":2}"#,
        #"{"a":{"a":{"a":1}}}"#,
        #"[{"a":1},{"a":2}]"#,
        #"{"a":"\"a\":","b":["a","a"]}"#,
        #"{"scores":{"relevance":4,"quality":4},"comments":{"relevance":"ok","quality":"ok"}}"#,
        "{}", "[]", "\"a\"", "12", "null",
    ])
    func noDuplicates(json: String) {
        #expect(StrictJSON.duplicateMember(in: Array(json.utf8)) == nil)
    }

    @Test func deepNestingDoesNotRecurse() {
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        #expect(StrictJSON.duplicateMember(in: Array(deep.utf8)) == nil)
        let objects = String(repeating: #"{"a":"#, count: 50_000) + #"{"b":1,"b":2}"# + String(repeating: "}", count: 50_000)
        #expect(StrictJSON.duplicateMember(in: Array(objects.utf8))?.hasSuffix("a.b") == true)
    }

    @Test("garbage gives no verdict (the decoder reports it)", arguments: [#"{"a"#, #"{"a\"#, "}}}", #"{"a":"\u12"}"#, ",,,", #""\x""#])
    func garbage(json: String) {
        _ = StrictJSON.duplicateMember(in: Array(json.utf8))
    }
}

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
