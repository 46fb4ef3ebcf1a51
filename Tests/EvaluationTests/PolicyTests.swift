import Testing

@testable import Evaluation

@Suite struct PolicyTests {
    @Test func productDefaultIsValidAndMatchesTheDesign() {
        #expect(policy.validate().isEmpty)
        #expect(policy.criteria.map(\.key) == ["relevance", "quality", "impact"])
        #expect(policy.criteria.map(\.weightBasisPoints) == [4_000, 3_000, 3_000])
        #expect(policy.criteria.map(\.minimumHalfPoints) == [6, 6, 5])
        #expect(policy.overallMinimumHalfPoints == 6)
        #expect(policy.divergenceLimitHalfPoints == 3)
        #expect(policy.minimumEvaluators == 2)
        #expect(policy.tieBreakCriterion == "relevance")
    }

    @Test func weightsNotSummingToTenThousandAreReported() {
        var p = policy
        p.criteria[0].weightBasisPoints = 3_999
        let issues = p.validate()
        #expect(issues.map(\.kind) == [.weightsDoNotSum])
        #expect(issues[0].message.contains("9999"))
    }

    @Test func reportsEveryProblemAtOnce() {
        let p = ScoringPolicy(
            criteria: [
                Criterion(key: "a", weightBasisPoints: 5_000, minimumHalfPoints: 11),
                Criterion(key: "a", weightBasisPoints: -1, minimumHalfPoints: 4),
                Criterion(key: "", weightBasisPoints: 5_000, minimumHalfPoints: -1),
            ],
            overallMinimumHalfPoints: 12,
            divergenceLimitHalfPoints: -1,
            minimumEvaluators: 0,
            tieBreakCriterion: "relevance"
        )
        #expect(
            p.validate().map(\.kind) == [
                .minimumOffScale,
                .duplicateKey, .negativeWeight,
                .emptyKey, .minimumOffScale,
                .weightsDoNotSum, .overallMinimumOffScale, .negativeDivergenceLimit,
                .tooFewEvaluators, .unknownTieBreakCriterion,
            ])
    }

    @Test func emptyPolicyIsInvalid() {
        let p = ScoringPolicy(criteria: [], overallMinimumHalfPoints: 6)
        #expect(p.validate().map(\.kind) == [.noCriteria, .unknownTieBreakCriterion])
    }
}
