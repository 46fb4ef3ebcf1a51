import Foundation
import Testing

@testable import Grants

@Suite("iCalendar writer")
struct ICalendarTests {
    @Test(arguments: [
        ("a,b;c\\d", "a\\,b\\;c\\\\d"), ("line1\r\nline2\nline3\rline4", "line1\\nline2\\nline3\\nline4"), ("bell\u{07}", "bell"),
    ])
    func textIsEscaped(_ raw: String, _ escaped: String) {
        #expect(ICalendar.escape(raw) == escaped)
    }

    @Test func longLinesFoldAtSeventyFiveOctetsBetweenWholeCharacters() {
        let summary = "SUMMARY:" + String(repeating: "Ștefan Núñez ", count: 12)
        let folded = ICalendar.fold(summary)
        let lines = folded.components(separatedBy: "\r\n")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 75 }, "\(lines.map(\.utf8.count))")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(lines.first! + lines.dropFirst().map { String($0.dropFirst()) }.joined() == summary, "unfolds to the original")
    }

    @Test func allDayEventsAreDatesWithAnExclusiveEnd() {
        var c = ICalendar(name: "ClusterXchange: Ana")
        c.events.append(
            ICalendar.Event(
                uid: "exchange-1@x", day: CalendarDate(iso: "2027-03-01")!, lastDay: CalendarDate(iso: "2027-03-05")!, summary: "Exchange"))
        let text = c.rendered(stamp: Date(timeIntervalSince1970: 1_796_657_711))
        #expect(text.contains("\r\nDTSTART;VALUE=DATE:20270301\r\nDTEND;VALUE=DATE:20270306\r\n"))
        #expect(text.contains("\r\nDTSTAMP:20261207T153511Z\r\n"))
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") && text.hasSuffix("END:VCALENDAR\r\n"))
    }
}
