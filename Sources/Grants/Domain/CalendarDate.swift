import Foundation
import Timestamps

/// A calendar date without time zone (ISO 8601 `YYYY-MM-DD`).
///
/// Activity dates are civil dates agreed between visitor and host; carrying them as
/// instants would shift them across time zones, so the domain keeps its own value type
/// and does day arithmetic on a day number (Howard Hinnant's civil-from-days algorithm).
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            day >= 1, day <= CalendarDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`; anything else (times, offsets, short forms) is refused.
    public init?(iso: String) {
        var iso = iso
        guard let date = iso.withUTF8({ CalendarDate(isoUTF8: $0) }) else { return nil }
        self = date
    }

    /// `YYYY-MM-DD` from its UTF-8 bytes (a database cell read without making a `String`).
    public init?<Bytes: Collection<UInt8>>(isoUTF8 u: Bytes) where Bytes.Index == Int {
        let base = u.startIndex
        guard u.count == 10, u[base + 4] == UInt8(ascii: "-"), u[base + 7] == UInt8(ascii: "-") else { return nil }
        func digits(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                let c = u[base + i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let y = digits(0..<4), let m = digits(5..<7), let d = digits(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Days since 1970-01-01.
    public init(dayNumber: Int) {
        let (y, m, d) = Timestamp.civilFromDays(Int64(dayNumber))
        self.year = Int(y)
        self.month = Int(m)
        self.day = Int(d)
    }

    public var dayNumber: Int { Int(Timestamp.daysFromCivil(Int64(year), Int64(month), Int64(day))) }

    /// ISO weekday: 1 = Monday ... 7 = Sunday (1970-01-01 was a Thursday).
    public var isoWeekday: Int {
        let w = (dayNumber % 7 + 7 + 3) % 7
        return w + 1
    }

    public func adding(days: Int) -> CalendarDate { CalendarDate(dayNumber: dayNumber + days) }

    /// The UTC day of an instant; nil for a non-finite one or one beyond ±100,000 years (only a
    /// tampered row holds such a value, and converting it would trap).
    public static func utcDay(of instant: Date) -> CalendarDate? {
        let seconds = instant.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 3.2e12 else { return nil }
        return CalendarDate(dayNumber: Int((seconds / 86_400).rounded(.down)))
    }

    public var iso: String {
        if (0...9999).contains(year) {
            // Ten ASCII digits and dashes at once: the String-interpolating form below was an
            // eighth of the beneficiaries CSV's time (perf).
            let bytes: [UInt8] = [
                UInt8(48 + year / 1000), UInt8(48 + year / 100 % 10), UInt8(48 + year / 10 % 10), UInt8(48 + year % 10), 0x2D,
                UInt8(48 + month / 10), UInt8(48 + month % 10), 0x2D, UInt8(48 + day / 10), UInt8(48 + day % 10),
            ]
            return String(decoding: bytes, as: UTF8.self)
        }
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
    public var description: String { iso }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool { a.dayNumber < b.dayNumber }

    static func daysIn(month: Int, year: Int) -> Int { Int(Timestamp.daysIn(month: Int64(month), year: Int64(year))) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let d = CalendarDate(iso: s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected an ISO 8601 date YYYY-MM-DD")
        }
        self = d
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso)
    }
}
