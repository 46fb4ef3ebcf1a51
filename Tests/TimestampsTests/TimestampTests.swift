import Foundation
import Testing
import Timestamps

/// The one timestamp parser, from literals: what each dialect accepts, what it refuses, and the
/// microsecond it lands on.
@Suite("Timestamp parser")
struct TimestampTests {
    static func micros(_ date: Date?) -> Int64? { date.map { Int64(($0.timeIntervalSince1970 * 1_000_000).rounded()) } }

    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("1970-01-01t00:00:00z", 0),
        ("2027-03-31T23:59:59.999999Z", 1_806_537_599_999_999),
        ("2027-04-01T01:59:59.999999+02:00", 1_806_537_599_999_999),
        ("2027-03-31T18:59:59.999999-05:00", 1_806_537_599_999_999),
        ("1969-12-31T23:59:59.5Z", -500_000),
        ("2024-02-29T12:00:00.1234567891Z", 1_709_208_000_123_456),
        ("0001-01-01T00:00:00Z", -62_135_596_800_000_000),
        ("9999-12-31T23:59:59Z", 253_402_300_799_000_000),
    ])
    func rfc3339Accepts(_ text: String, _ expected: Int64) {
        #expect(Self.micros(Timestamp.parse(text, .rfc3339)) == expected)
        #expect(Self.micros(Timestamp.parse(text, .query)) == expected)
    }

    @Test(arguments: [
        "", "2027-03-31", "2027-03-31T23:59:59", "2027-03-31 23:59:59Z", "2027-03-31T23:59:60Z", "2027-03-31T24:00:00Z",
        "2027-02-29T00:00:00Z", "2027-13-01T00:00:00Z", "0000-01-01T00:00:00Z", "2027-03-31T23:59:59.Z",
        "2027-03-31T23:59:59+02", "2027-03-31T23:59:59+0200", "2027-03-31T23:59:59+24:00", "2027-03-31T23:59:59+02:60",
        "2027-03-31T23:59:59Z ", " 2027-03-31T23:59:59Z", "2027-03-31T23:59:59 02:00", "+2027-03-31T23:59:59Z",
        "２０２７-03-31T23:59:59Z", "2027-03-31T23:59:59+02:00:00", "infinity", "2027-3-31T23:59:59Z",
    ])
    func rfc3339Refuses(_ text: String) {
        #expect(Timestamp.parse(text, .rfc3339) == nil)
    }

    @Test func queryReadsASpaceAsPlus() {
        #expect(Self.micros(Timestamp.parse("2027-04-01T01:59:59 02:00", .query)) == 1_806_537_599_000_000)
        #expect(Timestamp.parse("2027-04-01T01:59:59 02:00", .rfc3339) == nil)
    }

    @Test func postgresOutput() {
        #expect(Self.micros(Timestamp.parse("2024-01-31 12:34:56.123456+00", .postgres)) == 1_706_704_496_123_456)
        #expect(Timestamp.parse("2024-01-31 14:34:56.5+02", .postgres) == Timestamp.parse("2024-01-31 12:34:56.5+00", .postgres))
        #expect(
            Self.micros(Timestamp.parse("1900-01-01 00:00:00+01:34:08", .postgres))
                == Self.micros(Timestamp.parse("1899-12-31T22:25:52Z", .rfc3339)))
        #expect(Timestamp.parse("infinity", .postgres) == .distantFuture)
        #expect(Timestamp.parse("-infinity", .postgres) == .distantPast)
        #expect(Timestamp.parse("0044-03-15 12:00:00+00 BC", .postgres) == nil)
        #expect(Timestamp.parse("12345-01-01 00:00:00+00", .postgres) == nil)
    }

    @Test func anyBytesGiveAnAnswer() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789-:T Z+.tz".utf8)
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...40, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            _ = Timestamp.parse(String(decoding: bytes, as: UTF8.self), .postgres)
            _ = Timestamp.parse(String(decoding: bytes, as: UTF8.self), .query)
        }
    }
}
