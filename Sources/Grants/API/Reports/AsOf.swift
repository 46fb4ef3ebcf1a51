import Foundation

/// The reports' instants: microseconds, their UTC day, and `as_of` as the answers write it
/// (parsed as `QueryParameter.Kind.instant`).
enum AsOf {
    static func micros(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1_000_000).rounded()) }

    static func utcDate(_ d: Date) -> CalendarDate {
        let m = micros(d)
        return CalendarDate(dayNumber: Int((m - ((m % 86_400_000_000) + 86_400_000_000) % 86_400_000_000) / 86_400_000_000))
    }

    /// RFC 3339 UTC with microseconds when there are any: `2027-03-31T23:59:59.999999Z`.
    static func format(_ d: Date) -> String {
        let m = micros(d)
        let day = utcDate(d)
        let inDay = m - Int64(day.dayNumber) * 86_400_000_000
        let secs = inDay / 1_000_000
        let frac = inDay % 1_000_000
        func pad(_ v: Int64, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        let time = "\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))"
        return "\(day.iso)T\(time)\(frac == 0 ? "" : "." + pad(frac, 6))Z"
    }
}
