import Testing

@testable import HTTP

/// The depth pass that runs before Foundation's decoder.
@Suite("JSON structure")
struct JSONStructureTests {
    func deep(_ text: String, _ limit: Int = 32) -> Bool {
        JSONStructure.check(Array(text.utf8), maxDepth: limit) == .tooDeep(limit: limit)
    }

    @Test func ordinaryDocumentsPass() {
        #expect(!deep("{}"))
        #expect(!deep("{\"a\":1,\"b\":[{\"a\":2},{\"a\":3}],\"c\":{\"a\":4}}"))
        #expect(!deep("{\"a\":\"" + String(repeating: "[", count: 100) + "\"}"), "brackets inside strings are text")
        #expect(!deep("{\"a\":\"\\\"" + String(repeating: "{", count: 100) + "\"}"), "an escaped quote does not end the string")
        #expect(!deep(""))
        #expect(!deep(String(repeating: "]", count: 100) + "[[["), "stray closers never go below zero")
    }

    @Test func depthLimit() {
        #expect(!deep(String(repeating: "[", count: 32) + String(repeating: "]", count: 32)))
        #expect(deep(String(repeating: "[", count: 33)))
        #expect(deep(String(repeating: "{\"a\":", count: 33)))
        #expect(deep(String(repeating: "[", count: 513)))
        #expect(deep("[[[", 2))
        #expect(!deep(String(repeating: "[1],", count: 1000), 2), "depth, not count")
    }
}

/// The duplicate-member half of the structural pass, from literals (issue 15, finding 8), with
/// no depth limit so deep documents are scanned through.
@Suite("Strict JSON: duplicate members")
struct JSONDuplicateMemberTests {
    func duplicate(_ json: String) -> String? {
        if case .duplicateMember(let path)? = JSONStructure.check(Array(json.utf8), maxDepth: .max) { return path }
        return nil
    }

    @Test func aWideObjectIsScannedInLinearTime() {
        // 80,000 distinct members in one object took 41.7 s per request when each name was
        // inserted into a copy of its object's set; one repeat at the end must still be found.
        let wide = "{" + (0..<80_000).map { "\"k\($0)\":0" }.joined(separator: ",") + ",\"k0\":1}"
        #expect(duplicate(wide) == "k0")
    }

    @Test(
        "a repeated member is found at any depth, after unescaping",
        arguments: [
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
        #expect(duplicate(json) == path)
    }

    @Test(
        "distinct members, equal names in different objects and strings that look like members pass",
        arguments: [
            #"{"a":1,"b":2}"#,
            #"{"a":{"a":{"a":1}}}"#,
            #"[{"a":1},{"a":2}]"#,
            #"{"a":"\"a\":","b":["a","a"]}"#,
            #"{"scores":{"relevance":4,"quality":4},"comments":{"relevance":"ok","quality":"ok"}}"#,
            "{}", "[]", "\"a\"", "12", "null",
        ])
    func noDuplicates(json: String) {
        #expect(duplicate(json) == nil)
    }

    @Test func deepNestingDoesNotRecurse() {
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        #expect(duplicate(deep) == nil)
        let objects = String(repeating: #"{"a":"#, count: 50_000) + #"{"b":1,"b":2}"# + String(repeating: "}", count: 50_000)
        #expect(duplicate(objects)?.hasSuffix("a.b") == true)
    }

    @Test("garbage gives no verdict (the decoder reports it)", arguments: [#"{"a"#, #"{"a\"#, "}}}", #"{"a":"\u12"}"#, ",,,", #""\x""#])
    func garbage(json: String) {
        _ = duplicate(json)
    }
}
