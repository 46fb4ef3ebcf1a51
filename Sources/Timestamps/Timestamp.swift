import Foundation

/// The one timestamp parser: JSON bodies, query parameters (`as_of`, `from`, `to`) and
/// PostgreSQL's `timestamptz` output all go through `Timestamp.parse`, so an instant means the
/// same thing wherever it arrives, to the microsecond (Foundation's ISO 8601 parsers stop at
/// milliseconds). Pure code over bytes: any input gives a `Date` or `nil`, never a trap.
public enum Timestamp {
    /// Which spellings one source may use. The grammar is the same; only the separators and
    /// the offset forms differ.
    public struct Dialect: Sendable {
        /// Bytes allowed between the date and the time.
        var separators: [UInt8]
        /// A space where the offset's sign goes reads as `+` (a `+` sent unescaped in a query).
        var spaceIsPlus: Bool
        /// `±HH` and `±HH:MM:SS` offsets and `infinity` (PostgreSQL); RFC 3339 wants `±HH:MM`.
        var postgresOffsets: Bool

        /// RFC 3339 `date-time`: `2027-03-31T23:59:59.999999Z`, `2027-04-01T01:59:59+02:00`.
        public static let rfc3339 = Dialect(separators: [UInt8(ascii: "T"), UInt8(ascii: "t")], spaceIsPlus: false, postgresOffsets: false)
        /// RFC 3339 in a query string, where an unescaped `+` arrives as a space.
        public static let query = Dialect(separators: [UInt8(ascii: "T"), UInt8(ascii: "t")], spaceIsPlus: true, postgresOffsets: false)
        /// PostgreSQL's `timestamptz` output with `DateStyle=ISO`: `2024-01-31 12:34:56.123456+00`.
        public static let postgres = Dialect(separators: [UInt8(ascii: " "), UInt8(ascii: "T")], spaceIsPlus: false, postgresOffsets: true)
    }

    /// `YYYY-MM-DD<sep>HH:MM:SS[.fraction](Z|±HH:MM)`, years 0001-9999, real calendar days,
    /// seconds 00-59; digits of the fraction past the sixth are read and dropped.
    public static func parse(_ text: String, _ dialect: Dialect) -> Date? {
        if dialect.postgresOffsets {
            if text == "infinity" { return .distantFuture }
            if text == "-infinity" { return .distantPast }
        }
        var scanner = Scanner(bytes: Array(text.utf8))
        guard let year = scanner.number(4), scanner.take(UInt8(ascii: "-")), let month = scanner.number(2),
            scanner.take(UInt8(ascii: "-")), let day = scanner.number(2),
            (1...9999).contains(year), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            scanner.takeAny(of: dialect.separators),
            let hour = scanner.number(2), scanner.take(UInt8(ascii: ":")), let minute = scanner.number(2),
            scanner.take(UInt8(ascii: ":")), let second = scanner.number(2),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var micros: Int64 = 0
        if scanner.take(UInt8(ascii: ".")) {
            var digits = 0
            while let d = scanner.digit() {
                if digits < 6 { micros = micros * 10 + d }
                digits += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 6)..<6 { micros *= 10 }
        }
        guard let offset = scanner.offset(dialect), scanner.atEnd else { return nil }
        let seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }

    /// Howard Hinnant's days_from_civil: proleptic Gregorian, no Calendar needed.
    public static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Howard Hinnant's civil_from_days, the inverse of `daysFromCivil`: (year, month, day).
    public static func civilFromDays(_ z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Days in a month of the proleptic Gregorian calendar.
    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// A cursor over the bytes; every read checks the bound first.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func takeAny(of set: [UInt8]) -> Bool {
            guard index < bytes.count, set.contains(bytes[index]) else { return false }
            index += 1
            return true
        }

        mutating func digit() -> Int64? {
            guard index < bytes.count, (48...57).contains(bytes[index]) else { return nil }
            defer { index += 1 }
            return Int64(bytes[index] - 48)
        }

        /// Exactly `width` digits (at most 4 here, so no overflow).
        mutating func number(_ width: Int) -> Int64? {
            var value: Int64 = 0
            for _ in 0..<width {
                guard let d = digit() else { return nil }
                value = value * 10 + d
            }
            return value
        }

        /// Seconds east of UTC, or nil when the offset is malformed or missing.
        mutating func offset(_ dialect: Dialect) -> Int64? {
            if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) { return 0 }
            let sign: Int64
            if take(UInt8(ascii: "+")) || (dialect.spaceIsPlus && take(UInt8(ascii: " "))) {
                sign = 1
            } else if take(UInt8(ascii: "-")) {
                sign = -1
            } else {
                return nil
            }
            guard let hours = number(2), hours < 24 else { return nil }
            var minutes: Int64 = 0
            var seconds: Int64 = 0
            if take(UInt8(ascii: ":")) {
                guard let m = number(2), m < 60 else { return nil }
                minutes = m
                if dialect.postgresOffsets, take(UInt8(ascii: ":")) {
                    guard let s = number(2), s < 60 else { return nil }
                    seconds = s
                }
            } else if !dialect.postgresOffsets {
                return nil
            }
            return sign * (hours * 3600 + minutes * 60 + seconds)
        }
    }
}
