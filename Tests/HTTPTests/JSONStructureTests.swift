import Testing
@testable import HTTP

/// The depth pass that runs before Foundation's decoder.
@Suite("JSON structure")
struct JSONStructureTests {
    func deep(_ text: String, _ limit: Int = 32) -> Bool { JSONStructure.nestsDeeper(than: limit, Array(text.utf8)) }

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
