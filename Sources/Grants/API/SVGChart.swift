import Foundation

/// A tiny SVG writer of our own (no dependencies): elements with escaped attributes and text.
struct SVGWriter {
    private(set) var text = ""

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters even as references.
                if c.value < 0x20 && c != "\n" && c != "\t" && c != "\r" { out += " " } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    static func attributes(_ attrs: KeyValuePairs<String, String>) -> String {
        attrs.map { " \($0.key)=\"\(escape($0.value))\"" }.joined()
    }

    mutating func raw(_ s: String) { text += s }

    mutating func open(_ name: String, _ attrs: KeyValuePairs<String, String> = [:]) {
        text += "<\(name)\(Self.attributes(attrs))>\n"
    }

    mutating func close(_ name: String) { text += "</\(name)>\n" }

    mutating func empty(_ name: String, _ attrs: KeyValuePairs<String, String>) {
        text += "<\(name)\(Self.attributes(attrs))/>\n"
    }

    mutating func element(_ name: String, _ attrs: KeyValuePairs<String, String> = [:], text content: String) {
        text += "<\(name)\(Self.attributes(attrs))>\(Self.escape(content))</\(name)>\n"
    }
}

/// The spending chart: cumulative committed and paid money over time (step lines through the
/// ledger's running totals, one point per UTC day with movements) against the programme cap.
/// Amounts stay integer cents until they become pixel positions; the exact figures are in
/// `data-*` attributes and the `<desc>`.
struct SpendingChart {
    /// Running totals after the movements of one day, placed at that day's first movement.
    struct Point {
        var at: Date
        var committedCents: Int64
        var paidCents: Int64
    }

    var programmeCode: String
    var programmeName: String
    var asOf: Date
    var asOfText: String
    var capCents: Int64
    var committedCents: Int64
    var paidCents: Int64
    var availableCents: Int64
    var points: [Point]

    // Geometry.
    let width = 960.0, height = 540.0
    let left = 96.0, right = 190.0, top = 112.0, bottom = 64.0
    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    static let committedColour = "#1f5fa8", paidColour = "#1e8a4c", capColour = "#c0392b", gridColour = "#e3e6ea", inkColour = "#1d2430"
    static let muted = "#5b6472"

    // MARK: number formatting (integers only)

    /// `1,234` from an integer.
    static func grouped(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "−" : "") + out
    }

    /// `€1,234.50`
    static func euros(_ cents: Int64) -> String {
        let frac = cents.magnitude % 100
        return (cents < 0 ? "−" : "") + "€" + grouped(Int64(cents.magnitude / 100)) + "." + (frac < 10 ? "0" : "") + String(frac)
    }

    /// A coordinate with one decimal. Positions are clamped to ±1e9 px first: `Int(_:)` of a
    /// non-finite or huge double traps, and no drawing needs more.
    static func fmt(_ x: Double) -> String {
        let bounded = x.isFinite ? min(max(x, -1e9), 1e9) : 0
        let r = (bounded * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// Amounts are drawn within 0...EUR 10 trillion: stored amounts are bounded far below (EUR 100
    /// million, `MoneyBounds`), and with this clamp every scale computation below fits in 64 bits
    /// whatever a row holds. The exact figures stay in the text and `data-*` attributes.
    static let plotLimitCents: Int64 = 1_000_000_000_000_000

    static func plotted(_ cents: Int64) -> Int64 { min(max(cents, 0), plotLimitCents) }

    /// Committed as a share of the cap in tenths of a percent, `(12.5% of cap)`; exact in integers
    /// while they fit, in floating point beyond (only for tampered rows).
    static func shareOfCap(_ committed: Int64, cap: Int64) -> String {
        guard cap > 0 else { return "" }
        let (scaled, o1) = committed.multipliedReportingOverflow(by: 1000)
        let (rounded, o2) = scaled.addingReportingOverflow(cap / 2)
        var permille: Int64
        if !o1 && !o2 {
            permille = rounded / cap
        } else {
            let share = (Double(committed) / Double(cap) * 1000).rounded()
            permille = share.isFinite ? Int64(min(max(share, -1e15), 1e15)) : 0
        }
        let sign = permille < 0 ? "−" : ""
        let m = permille.magnitude
        return " (\(sign)\(m / 10).\(m % 10)% of cap)"
    }

    // MARK: scales

    /// A 1-2-5 step of at least one euro giving about five intervals up to `maxCents`.
    static func euroStep(_ maxCents: Int64) -> Int64 {
        let raw = max(plotted(maxCents) / 5, 100)
        var magnitude: Int64 = 100
        while magnitude <= raw / 10 { magnitude *= 10 }
        for m: Int64 in [1, 2, 5, 10] where magnitude * m >= raw { return magnitude * m }
        return magnitude * 10
    }

    enum TimeStep {
        case seconds(Double)
        case months(Int)
    }

    static let timeSteps: [TimeStep] =
        [
            0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800,
            21_600, 43_200,
            86_400, 172_800, 604_800, 1_209_600,
        ].map { .seconds($0) } + [1, 2, 3, 6, 12, 24, 60].map { .months($0) }

    /// Tick instants between `start` and `end` (seconds since 1970), at most `maxTicks`.
    static func timeTicks(start: Double, end: Double, maxTicks: Int = 7) -> (ticks: [Double], step: TimeStep) {
        for step in timeSteps {
            var ticks: [Double] = []
            switch step {
            case .seconds(let s):
                let approx = (end - start) / s
                if approx > Double(maxTicks) { continue }
                var k = (start / s).rounded(.up)
                while k * s <= end {
                    ticks.append(k * s)
                    k += 1
                }
            case .months(let n):
                let approx = (end - start) / (30.44 * 86_400 * Double(n))
                if approx > Double(maxTicks) { continue }
                let first = CalendarDate(dayNumber: Int((start / 86_400).rounded(.down)))
                var index = first.year * 12 + (first.month - 1) + 1
                index = (index + n - 1) / n * n
                while true {
                    // Outside years 1...9999 (a tampered ledger time) there are no month ticks.
                    guard let d = CalendarDate(year: index / 12, month: index % 12 + 1, day: 1) else { break }
                    let t = Double(d.dayNumber) * 86_400
                    if t > end { break }
                    if t >= start { ticks.append(t) }
                    index += n
                }
            }
            return (ticks, step)
        }
        return ([start, end], .months(60))
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func label(_ t: Double, step: TimeStep, first: Bool) -> String {
        let totalMs = Int64((t * 1000).rounded())
        let day = CalendarDate(dayNumber: Int((totalMs - ((totalMs % 86_400_000) + 86_400_000) % 86_400_000) / 86_400_000))
        let msOfDay = Int(totalMs - Int64(day.dayNumber) * 86_400_000)
        let secs = msOfDay / 1000
        let ms = msOfDay % 1000
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        let hms = "\(pad(secs / 3600)):\(pad(secs / 60 % 60)):\(pad(secs % 60))"
        switch step {
        case .seconds(let s) where s < 1: return hms + "." + (ms < 100 ? "0" : "") + pad(ms)
        case .seconds(let s) where s < 60: return hms
        case .seconds(let s) where s < 86_400: return "\(pad(secs / 3600)):\(pad(secs / 60 % 60))"
        case .seconds: return "\(day.day) \(monthNames[day.month - 1])" + (first || (day.month == 1 && day.day <= 14) ? " \(day.year)" : "")
        case .months: return "\(monthNames[day.month - 1]) \(day.year)"
        }
    }

    // MARK: rendering

    func render() -> String {
        let end = asOf.timeIntervalSince1970
        var start = points.first.map { $0.at.timeIntervalSince1970 } ?? end - 30 * 86_400
        if end - start <= 0 { start = end - 86_400 }
        start -= (end - start) * 0.03  // a little room before the first movement
        let span = end - start

        let peakCommitted = points.reduce(Int64(0)) { max($0, Self.plotted($1.committedCents)) }
        let yMaxCents = max(Self.plotted(capCents), peakCommitted, Self.plotted(committedCents), 100_000)
        let step = Self.euroStep(yMaxCents)
        let topCents = (yMaxCents + step / 4 + step - 1) / step * step  // headroom above the cap
        func x(_ t: Double) -> Double { left + (t - start) / span * plotWidth }
        func y(_ cents: Int64) -> Double { top + plotHeight - Double(Self.plotted(cents)) / Double(topCents) * plotHeight }

        var w = SVGWriter()
        w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        w.open(
            "svg",
            [
                "xmlns": "http://www.w3.org/2000/svg", "width": Self.fmt(width), "height": Self.fmt(height),
                "viewBox": "0 0 \(Self.fmt(width)) \(Self.fmt(height))", "role": "img",
                "aria-labelledby": "chart-title chart-desc", "font-family": "DejaVu Sans, Helvetica, Arial, sans-serif",
                "data-programme-code": programmeCode, "data-as-of": asOfText, "data-cap-cents": String(capCents),
                "data-committed-cents": String(committedCents), "data-paid-cents": String(paidCents),
                "data-available-cents": String(availableCents),
            ])
        let title = "\(programmeCode): committed and paid against the cap"
        w.element("title", ["id": "chart-title"], text: title)
        w.element(
            "desc", ["id": "chart-desc"],
            text: "As of \(asOfText): cap \(capCents) cents, committed \(committedCents) cents, "
                + "paid \(paidCents) cents, available \(availableCents) cents. Cumulative ledger totals over time.")
        w.empty("rect", ["x": "0", "y": "0", "width": Self.fmt(width), "height": Self.fmt(height), "fill": "#ffffff"])

        // Title, subtitle, legend.
        w.element("text", ["x": Self.fmt(left), "y": "34", "font-size": "20", "font-weight": "bold", "fill": Self.inkColour], text: title)
        let percent = Self.shareOfCap(committedCents, cap: capCents)
        w.element(
            "text", ["x": Self.fmt(left), "y": "58", "font-size": "13", "fill": Self.muted],
            text:
                "As of \(Self.humanTime(asOf)) · committed \(Self.euros(committedCents))\(percent) · paid \(Self.euros(paidCents)) · available \(Self.euros(availableCents))"
        )
        var lx = left
        for (name, colour, dashed) in [
            ("Committed (net of releases)", Self.committedColour, false), ("Paid", Self.paidColour, false),
            ("Cap", Self.capColour, true),
        ] {
            w.empty(
                "line",
                [
                    "x1": Self.fmt(lx), "y1": "84", "x2": Self.fmt(lx + 26), "y2": "84", "stroke": colour, "stroke-width": "3",
                    "stroke-dasharray": dashed ? "7 4" : "none",
                ])
            w.element("text", ["x": Self.fmt(lx + 32), "y": "88.5", "font-size": "13", "fill": Self.inkColour], text: name)
            lx += 32 + Double(name.count) * 6.9 + 26
        }

        // Grid and EUR axis.
        w.open("g", ["class": "y-axis", "font-size": "12", "fill": Self.muted, "text-anchor": "end"])
        var c: Int64 = 0
        while c <= topCents {
            let yy = Self.fmt(y(c))
            w.empty(
                "line",
                [
                    "x1": Self.fmt(left), "y1": yy, "x2": Self.fmt(left + plotWidth), "y2": yy,
                    "stroke": c == 0 ? "#9aa3ad" : Self.gridColour, "stroke-width": "1",
                ])
            w.element("text", ["x": Self.fmt(left - 10), "y": Self.fmt(y(c) + 4)], text: "€" + Self.grouped(c / 100))
            c += step
        }
        w.close("g")
        w.element(
            "text",
            [
                "x": "22", "y": Self.fmt(top + plotHeight / 2), "font-size": "12", "fill": Self.muted, "text-anchor": "middle",
                "transform": "rotate(-90 22 \(Self.fmt(top + plotHeight / 2)))",
            ], text: "EUR (cumulative)")

        // Time axis.
        let (ticks, tstep) = Self.timeTicks(start: start, end: end)
        w.open("g", ["class": "x-axis", "font-size": "12", "fill": Self.muted, "text-anchor": "middle"])
        for (i, t) in ticks.enumerated() {
            let xx = Self.fmt(x(t))
            w.empty(
                "line", ["x1": xx, "y1": Self.fmt(top + plotHeight), "x2": xx, "y2": Self.fmt(top + plotHeight + 6), "stroke": "#9aa3ad"])
            w.element("text", ["x": xx, "y": Self.fmt(top + plotHeight + 22)], text: Self.label(t, step: tstep, first: i == 0))
        }
        w.close("g")
        var axisCaption = "Booking time (UTC)"
        if case .seconds(let s) = tstep, s < 86_400 {
            let d0 = AsOf.utcDate(Date(timeIntervalSince1970: start))
            let d1 = AsOf.utcDate(asOf)
            axisCaption += d0 == d1 ? ", \(Self.humanDate(d0))" : ", \(Self.humanDate(d0)) – \(Self.humanDate(d1))"
        }
        w.element(
            "text",
            [
                "x": Self.fmt(left + plotWidth / 2), "y": Self.fmt(height - 16), "font-size": "12", "fill": Self.muted,
                "text-anchor": "middle",
            ], text: axisCaption)

        // Cap line.
        let capY = y(capCents)
        w.empty(
            "line",
            [
                "class": "cap", "x1": Self.fmt(left), "y1": Self.fmt(capY), "x2": Self.fmt(left + plotWidth), "y2": Self.fmt(capY),
                "stroke": Self.capColour, "stroke-width": "2", "stroke-dasharray": "7 4", "data-cap-cents": String(capCents),
            ])

        // Step lines.
        func path(_ total: (Point) -> Int64) -> (d: String, area: String, last: Int64) {
            var d = "M\(Self.fmt(x(start))) \(Self.fmt(y(0)))"
            var value: Int64 = 0
            for point in points {
                let next = total(point)
                if next == value { continue }
                value = next
                d += " H\(Self.fmt(x(point.at.timeIntervalSince1970))) V\(Self.fmt(y(value)))"
            }
            d += " H\(Self.fmt(x(end)))"
            return (d, d + " V\(Self.fmt(y(0))) Z", value)
        }
        let committed = path(\.committedCents)
        let paid = path(\.paidCents)
        w.empty("path", ["d": committed.area, "fill": Self.committedColour, "fill-opacity": "0.10", "stroke": "none"])
        w.empty("path", ["d": paid.area, "fill": Self.paidColour, "fill-opacity": "0.14", "stroke": "none"])
        w.empty(
            "path",
            [
                "class": "committed", "d": committed.d, "fill": "none", "stroke": Self.committedColour, "stroke-width": "2.5",
                "stroke-linejoin": "round",
            ])
        w.empty(
            "path",
            [
                "class": "paid", "d": paid.d, "fill": "none", "stroke": Self.paidColour, "stroke-width": "2.5",
                "stroke-linejoin": "round",
            ])
        w.empty(
            "circle",
            [
                "class": "end-committed", "cx": Self.fmt(x(end)), "cy": Self.fmt(y(committed.last)), "r": "4",
                "fill": Self.committedColour, "data-committed-cents": String(committed.last),
            ])
        w.empty(
            "circle",
            [
                "class": "end-paid", "cx": Self.fmt(x(end)), "cy": Self.fmt(y(paid.last)), "r": "4",
                "fill": Self.paidColour, "data-paid-cents": String(paid.last),
            ])

        // End labels at the right, pushed apart when they would overlap.
        var labels: [(y: Double, text: String, colour: String)] = [
            (capY, "Cap " + Self.euros(capCents), Self.capColour),
            (y(committed.last), "Committed " + Self.euros(committed.last), Self.committedColour),
            (y(paid.last), "Paid " + Self.euros(paid.last), Self.paidColour),
        ]
        labels.sort { $0.y < $1.y }
        for i in 1..<labels.count where labels[i].y - labels[i - 1].y < 17 { labels[i].y = labels[i - 1].y + 17 }
        if let last = labels.last, last.y > top + plotHeight + 4 {
            labels[labels.count - 1].y = top + plotHeight + 4
            for i in stride(from: labels.count - 2, through: 0, by: -1) where labels[i + 1].y - labels[i].y < 17 {
                labels[i].y = labels[i + 1].y - 17
            }
        }
        for l in labels {
            w.element(
                "text",
                [
                    "x": Self.fmt(left + plotWidth + 10), "y": Self.fmt(l.y + 4), "font-size": "13", "font-weight": "bold",
                    "fill": l.colour,
                ], text: l.text)
        }
        w.close("svg")
        return w.text
    }

    static func humanDate(_ d: CalendarDate) -> String { "\(d.day) \(monthNames[d.month - 1]) \(d.year)" }

    static func humanTime(_ date: Date) -> String {
        let d = AsOf.utcDate(date)
        let secs = Int(AsOf.micros(date) / 1_000_000 - Int64(d.dayNumber) * 86_400)
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        return "\(humanDate(d)) \(pad(secs / 3600)):\(pad(secs / 60 % 60)) UTC"
    }
}
