import Foundation
import Testing

@testable import HTTP

/// The streaming writer against the stock encoder it replaces: the same bytes where there are no
/// objects (Foundation orders members differently on every call), the same JSON value everywhere, and the stock encoder's answer for
/// what it does not cover.
@Suite("JSON bytes")
struct JSONBytesTests {
    func stock<T: Encodable>(_ v: T) throws -> [UInt8] { [UInt8](try JSON.encoder.encode(v)) }

    func sameValue(_ a: [UInt8], _ b: [UInt8]) throws -> Bool {
        let x = try JSONSerialization.jsonObject(with: Data(a), options: [.fragmentsAllowed])
        let y = try JSONSerialization.jsonObject(with: Data(b), options: [.fragmentsAllowed])
        return NSArray(object: x).isEqual(NSArray(object: y))
    }

    @Test func scalarsAndArraysAreByteIdentical() throws {
        let doubles: [Double] = [
            0, -0.0, 2, 46.7712, 1e-7, 1e15, 1e16, 1e21, 0.1 + 0.2, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -12.05,
        ]
        #expect(try JSONBytes.encode(doubles) == stock(doubles))
        let ints: [Int64] = [0, 1, -1, .max, .min, 1_000_000]
        #expect(try JSONBytes.encode(ints) == stock(ints))
        let strings = ["", "plain", "a\"b\\c/d", "\u{0}\u{1}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f}\u{7f}", "\u{2028}é😀 Ιάσιο", "</script>"]
        #expect(try JSONBytes.encode(strings) == stock(strings))
        let dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_800_000_000.987), Date(timeIntervalSince1970: -1.5),
            Date(timeIntervalSince1970: 253_402_300_799), Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
        ]
        #expect(try JSONBytes.encode(dates) == stock(dates))
        #expect(try JSONBytes.encode([true, false]) == stock([true, false]))
        let optionals: [Int?] = [1, nil, 3]
        #expect(try JSONBytes.encode(optionals) == stock(optionals))
        #expect(try JSONBytes.encode([[1, 2], [], [3]]) == stock([[1, 2], [], [3]]))
    }

    enum Status: String, Codable {
        case draft
        case approvedOnReserve = "approved_on_reserve"
    }

    struct Inner: Codable, Equatable {
        var cityName: String
        var latitude: Double
        var iban: String?
    }

    struct Resource: Codable {
        var id: Int64
        var legalName: String
        var status: Status
        var createdAt: Date
        var vatNumber: String?
        var userIDs: [Int]
        var origin: Inner
        var history: [Inner]
        var byCountry: [String: Int]
        var flag: Bool
        var nothing: Empty
    }

    struct Empty: Codable {}

    /// Explicit nulls, a nested keyed container and an unkeyed one, written in order.
    struct Custom: Encodable {
        enum K: String, CodingKey { case firstName, nested, list }
        enum N: String, CodingKey { case aB }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encodeNil(forKey: .firstName)
            var n = c.nestedContainer(keyedBy: N.self, forKey: .nested)
            try n.encode(1, forKey: .aB)
            var l = c.nestedUnkeyedContainer(forKey: .list)
            try l.encode("x")
            try l.encodeNil()
        }
    }

    @Test func structsEncodeToTheSameValue() throws {
        let inner = Inner(cityName: "León", latitude: 42.5987, iban: nil)
        let r = Resource(
            id: 7, legalName: "Acme \"SRL\"", status: .approvedOnReserve, createdAt: Date(timeIntervalSince1970: 1_800_000_000),
            vatNumber: nil, userIDs: [1, 2], origin: inner, history: [inner, Inner(cityName: "Cluj", latitude: -1, iban: "RO49")],
            byCountry: ["helloWorld": 1, "PT": 2], flag: true, nothing: Empty())
        let ours = try JSONBytes.encode(r)
        #expect(try sameValue(ours, stock(r)))
        let text = String(decoding: ours, as: UTF8.self)
        // Declaration order; member names converted, dictionary keys kept.
        #expect(text.hasPrefix(#"{"id":7,"legal_name":"Acme \"SRL\"","status":"approved_on_reserve","created_at":"2027-01-15T08:00:00Z","#))
        #expect(text.contains(#""user_i_ds":[1,2]"#) == (String(decoding: try stock(r), as: UTF8.self).contains(#""user_i_ds""#)))
        #expect(text.contains(#""helloWorld":1"#))
        #expect(text.contains(#""nothing":{}"#))
        #expect(!text.contains("vat_number"))
        #expect(try sameValue(JSONBytes.encode(Custom()), stock(Custom())))
        #expect(
            String(decoding: try JSONBytes.encode(Custom()), as: UTF8.self) == #"{"first_name":null,"nested":{"a_b":1},"list":["x",null]}"#)
        #expect(try sameValue(JSONBytes.encode([r, r]), stock([r, r])))
    }

    /// Out-of-order container use, `superEncoder`, Data: the stock encoder's answer.
    struct Interleaved: Encodable {
        enum K: String, CodingKey { case a, b, c }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            var first = c.nestedUnkeyedContainer(forKey: .a)
            var second = c.nestedUnkeyedContainer(forKey: .b)
            try first.encode(1)  // the first array is written to after the second was opened
            try second.encode(2)
            try c.encode(Data([1, 2, 3]), forKey: .c)
        }
    }

    struct WithSuper: Encodable {
        enum K: String, CodingKey { case x }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(1, forKey: .x)
            try 5.encode(to: c.superEncoder())
        }
    }

    @Test func whatItDoesNotCoverFallsBackToTheStockEncoder() throws {
        // Foundation writes members in a different order on every call, so values are compared.
        #expect(try sameValue(JSONBytes.encode(Interleaved()), stock(Interleaved())))
        #expect(try sameValue(JSONBytes.encode(WithSuper()), stock(WithSuper())))
        #expect(try JSONBytes.encode([Data([0xFF])]) == stock([Data([0xFF])]))
        #expect(try JSONBytes.encode([Float(1.1)]) == stock([Float(1.1)]))
        #expect(throws: EncodingError.self) { try JSONBytes.encode([Double.nan]) }
    }
}
