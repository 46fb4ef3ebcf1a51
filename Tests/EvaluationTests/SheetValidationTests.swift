import Testing

@testable import Evaluation

@Suite struct SheetValidationTests {
    @Test func validSheetBecomesAScoreSheet() throws {
        let result = validate(["relevance": 4, "quality": 3.5, "impact": 2.5], evaluatorID: 7, against: policy)
        let sheet = try result.get()
        #expect(sheet.evaluatorID == 7)
        #expect(sheet.scores["quality"] == Score(points: 3.5))
        #expect(sheet.isComplete(for: policy))
    }

    @Test func reportsAllIssuesAtOnceInStableOrder() {
        let result = validate(["relevance": 2.25, "impact": 5.5, "zeal": 3, "charm": 1], evaluatorID: 7, against: policy)
        guard case .failure(let error) = result else {
            Issue.record("expected failure")
            return
        }
        #expect(error.issues.map(\.criterion) == ["relevance", "quality", "impact", "charm", "zeal"])
        #expect(error.issues.map(\.kind) == [.notHalfPoint, .missing, .offScale, .unknown, .unknown])
    }

    @Test(arguments: [-0.5, 5.5, Double.nan, 5.25])
    func offScaleWinsOverNotHalfPoint(_ value: Double) throws {
        let result = validate(["relevance": value, "quality": 3, "impact": 3], evaluatorID: 1, against: policy)
        guard case .failure(let error) = result else {
            Issue.record("expected failure")
            return
        }
        #expect(error.issues.map(\.kind) == [.offScale])
    }
}
