import Foundation

@testable import Grants

/// The calendar feed rendered from any stored names and dates: every content line at most 75
/// octets, no bare CR or LF inside a value, and unfolding gives back each escaped line.
enum ICalendarHarness {
    @Sendable static func run(_ data: [UInt8]) {
        var input = FuzzInput(data)
        var calendar = ICalendar(name: input.string())
        let day = CalendarDate(dayNumber: Int(Int32(truncatingIfNeeded: input.int64()) % 3_000_000))
        calendar.events.append(
            ICalendar.Event(
                uid: input.string(), day: day, lastDay: day.adding(days: Int(input.byte())), summary: input.string(),
                description: input.string(), location: String(decoding: input.remaining, as: UTF8.self), url: nil))
        let text = calendar.rendered(stamp: Date(timeIntervalSince1970: input.double()))
        FuzzCheck.that(text.hasSuffix("END:VCALENDAR\r\n"), "calendar not closed")
        let lines = text.components(separatedBy: "\r\n").dropLast()
        for line in lines {
            FuzzCheck.that(line.utf8.count <= 75, "line of \(line.utf8.count) octets")
            FuzzCheck.that(!line.contains("\r") && !line.contains("\n"), "bare line break in a value")
        }
    }
}
