import Foundation
import Testing

@testable import Evaluation

@Suite struct ScoreTests {
    @Test(arguments: [0.0, 0.5, 2.5, 3.0, 4.5, 5.0])
    func acceptsHalfPointsOnScale(_ value: Double) throws {
        let score = try #require(Score(points: value))
        #expect(score.points == value)
        #expect(score.halfPoints == Int(value * 2))
    }

    @Test(arguments: [2.25, 5.5, -0.5, 0.1, 4.75, 5.000001, -0.0000001, .nan, .infinity, -.infinity])
    func rejectsEverythingElse(_ value: Double) {
        #expect(Score(points: value) == nil)
    }

    @Test func halfPointInitialiserEnforcesRange() {
        #expect(Score(halfPoints: 0) != nil)
        #expect(Score(halfPoints: 10) != nil)
        #expect(Score(halfPoints: 11) == nil)
        #expect(Score(halfPoints: -1) == nil)
    }

    @Test func descriptionAndOrdering() {
        #expect(Score(points: 3.5)!.description == "3.5")
        #expect(Score(points: 4)!.description == "4.0")
        #expect(Score(points: 2.5)! < Score(points: 3)!)
        #expect(Score(points: 2)!.exactPoints == Rational(2))
    }
}

@Suite struct ScoreCodableTests {
    @Test func encodesAsPointsAndValidatesOnDecode() throws {
        let data = try JSONEncoder().encode([Score(points: 3.5)!])
        #expect(String(decoding: data, as: UTF8.self) == "[3.5]")
        #expect(try JSONDecoder().decode([Score].self, from: data) == [Score(points: 3.5)!])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Score].self, from: Data("[2.25]".utf8)) }
    }
}
