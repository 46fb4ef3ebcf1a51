import Testing
@testable import HTTP

/// The structural pass that runs before Foundation's decoder: depth and duplicate members.
@Suite("JSON structure")
struct JSONStructureTests {
    func check(_ text: String, depth: Int = 32) -> JSONStructure.Problem? {
        JSONStructure.check(Array(text.utf8), maxDepth: depth)
    }

    @Test func acceptsOrdinaryDocuments() {
        #expect(check("{}") == nil)
        #expect(check("[]") == nil)
        #expect(check("{\"a\":1,\"b\":[{\"a\":2},{\"a\":3}],\"c\":{\"a\":4}}") == nil)
        #expect(check("{\"a\":\"{\\\"a\\\":1,\\\"a\\\":2}\"}") == nil, "braces and quotes inside strings are text")
        #expect(check("{\"a\":\"x\",\"b\":\"a\"}") == nil, "a value equal to a name is not a duplicate")
        #expect(check("[\"a\",\"a\"]") == nil, "array elements are not names")
        #expect(check("") == nil)
        #expect(check("not json at all") == nil, "syntax is the decoder's job")
    }

    @Test func depthLimit() {
        #expect(check(String(repeating: "[", count: 32) + String(repeating: "]", count: 32)) == nil)
        #expect(check(String(repeating: "[", count: 33)) == .tooDeep(limit: 32))
        #expect(check(String(repeating: "{\"a\":", count: 33)) == .tooDeep(limit: 32))
        #expect(check(String(repeating: "[", count: 513)) == .tooDeep(limit: 32))
        #expect(check("[[[", depth: 2) == .tooDeep(limit: 2))
    }

    @Test func duplicateMembers() {
        #expect(check("{\"a\":1,\"a\":2}") == .duplicateMember("a"))
        #expect(check("{\"x\":{\"a\":1,\"b\":{},\"a\":2}}") == .duplicateMember("a"))
        #expect(check("{\"a\":1,\"\\u0061\":2}") == .duplicateMember("a"), "escapes are compared decoded")
        #expect(check("{\"\\ud83d\\ude00\":1,\"😀\":2}") == .duplicateMember("😀"), "surrogate pairs decode to one scalar")
        #expect(check("{\"a\":{\"a\":1},\"b\":{\"a\":1}}") == nil, "the same name in sibling objects is fine")
        #expect(check("[{\"a\":1},{\"a\":1}]") == nil)
    }

    @Test func neverTrapsOnTruncatedOrBrokenInput() {
        for text in ["\"", "{\"", "{\"\\", "{\"\\u", "{\"\\u12", "{\"\\ud800\\u", "}}}]]]", "{,,,\"a\",\"a\"", "\\"] {
            _ = check(text)
        }
    }
}
