import Foundation

@testable import Grants

/// The spending chart with any stored figures (the database may hold anything a past version
/// or an operator wrote): rendering must finish and never print a non-finite coordinate.
enum SVGChartHarness {
    @Sendable static func run(_ data: [UInt8]) {
        var input = FuzzInput(data)
        let asOf = Date(timeIntervalSince1970: Double(input.int64() % 253_402_300_799))
        var points: [SpendingChart.Point] = []
        let count = Int(input.byte() % 64)
        for _ in 0..<count {
            points.append(
                SpendingChart.Point(
                    at: Date(timeIntervalSince1970: Double(input.int64() % 253_402_300_799)),
                    committedCents: input.int64(), paidCents: input.int64()))
        }
        points.sort { $0.at < $1.at }
        let chart = SpendingChart(
            programmeCode: input.string(), programmeName: input.string(), asOf: asOf,
            asOfText: input.string(), capCents: input.int64(), committedCents: input.int64(),
            paidCents: input.int64(), availableCents: input.int64(), points: points)
        let svg = chart.render()
        FuzzCheck.that(svg.hasSuffix("</svg>\n"), "unterminated svg")
        FuzzCheck.that(!svg.contains("nan") && !svg.contains("inf"), "non-finite number in the svg")
    }
}
