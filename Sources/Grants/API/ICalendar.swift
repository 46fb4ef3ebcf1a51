import Foundation

/// An RFC 5545 calendar of all-day events, written as the feed's bytes: text values escaped
/// (§3.3.11), content lines folded at 75 octets without splitting a UTF-8 sequence (§3.1), CRLF
/// line ends, DATE values for all-day events (DTEND the day after, exclusive), and UIDs stable
/// across requests so a calendar application updates an event instead of duplicating it.
struct ICalendar {
    struct Event: Sendable, Hashable {
        var uid: String
        var day: CalendarDate
        /// The last day, inclusive (nil: one day).
        var lastDay: CalendarDate?
        var summary: String
        var description: String?
        var location: String?
        var url: String?
    }

    var name: String
    var events: [Event] = []

    func rendered(stamp: Date) -> String {
        var out = ""
        func line(_ s: String) { out += Self.fold(s) + "\r\n" }
        line("BEGIN:VCALENDAR")
        line("VERSION:2.0")
        line("PRODID:-//ClusterXchange//Grants//EN")
        line("CALSCALE:GREGORIAN")
        line("METHOD:PUBLISH")
        line("X-WR-CALNAME:" + Self.escape(name))
        let dtstamp = Self.utcStamp(stamp)
        for e in events {
            line("BEGIN:VEVENT")
            line("UID:" + Self.escape(e.uid))
            line("DTSTAMP:" + dtstamp)
            line("DTSTART;VALUE=DATE:" + Self.basic(e.day))
            line("DTEND;VALUE=DATE:" + Self.basic((e.lastDay ?? e.day).adding(days: 1)))
            line("SUMMARY:" + Self.escape(e.summary))
            if let d = e.description { line("DESCRIPTION:" + Self.escape(d)) }
            if let l = e.location { line("LOCATION:" + Self.escape(l)) }
            if let u = e.url { line("URL:" + Self.escape(u)) }
            line("TRANSP:TRANSPARENT")
            line("END:VEVENT")
        }
        line("END:VCALENDAR")
        return out
    }

    /// TEXT escaping: backslash, semicolon, comma, line breaks as `\n`; other controls dropped.
    static func escape(_ s: String) -> String {
        var out = ""
        var previousCR = false
        for scalar in s.unicodeScalars {
            defer { previousCR = scalar == "\r" }
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r": out += "\\n"
            case "\n": if !previousCR { out += "\\n" }
            default:
                if scalar.properties.generalCategory == .control { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Lines longer than 75 octets continue on lines starting with a space, split only
    /// between whole UTF-8 sequences.
    static func fold(_ s: String) -> String {
        var out = ""
        var used = 0
        var limit = 75
        for scalar in s.unicodeScalars {
            let n = String(scalar).utf8.count
            if used + n > limit {
                out += "\r\n "
                used = 0
                limit = 74  // the leading space counts
            }
            out.unicodeScalars.append(scalar)
            used += n
        }
        return out
    }

    static func basic(_ d: CalendarDate) -> String { d.iso.replacingOccurrences(of: "-", with: "") }

    /// `20261207T164400Z`.
    static func utcStamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.isFinite && abs(seconds) < 1e11 ? Int((seconds).rounded(.down)) : 0
        let day = CalendarDate(dayNumber: whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400)
        let s = whole - day.dayNumber * 86_400
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return basic(day) + "T" + two(s / 3600) + two(s / 60 % 60) + two(s % 60) + "Z"
    }
}
