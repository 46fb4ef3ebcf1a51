import Testing

@testable import Evaluation

@Suite struct AggregationTests {
    @Test func meanAndWeightedAreExact() throws {
        // relevance 4.0, quality (3.0+4.0)/2 = 3.5, impact 4.0
        // weighted = 0.4*4 + 0.3*3.5 + 0.3*4 = 3.85 — not exact in binary.
        let outcome = aggregate(sheets: [sheet(1, 4, 3, 4), sheet(2, 4, 4, 4)], consensus: nil, policy: policy)
        let aggregate = try #require(outcome.aggregate)
        #expect(aggregate.source == .evaluators)
        #expect(aggregate.sheetCount == 2)
        #expect(aggregate.perCriterion["quality"] == Rational(7, 2))
        #expect(aggregate.weighted == Rational(77, 20))
        #expect(aggregate.weighted.double == 3.85)
    }

    @Test func meanOfThreeSheetsKeepsThirds() throws {
        let outcome = aggregate(sheets: [sheet(1, 4, 3, 3), sheet(2, 4, 3, 3), sheet(3, 4.5, 3, 3)], consensus: nil, policy: policy)
        let aggregate = try #require(outcome.aggregate)
        #expect(aggregate.perCriterion["relevance"] == Rational(25, 6))
    }

    @Test func insufficientSheets() {
        #expect(
            aggregate(sheets: [sheet(1, 4, 4, 4)], consensus: nil, policy: policy)
                == .insufficientSheets(have: 1, need: 2))
        #expect(
            aggregate(sheets: [], consensus: nil, policy: policy)
                == .insufficientSheets(have: 0, need: 2))
    }

    @Test func incompleteSheetsAndRepeatedEvaluatorsDoNotCount() {
        let partial = ScoreSheet(evaluatorID: 2, scores: ["relevance": Score(points: 4)!])
        #expect(
            aggregate(sheets: [sheet(1, 4, 4, 4), partial], consensus: nil, policy: policy)
                == .insufficientSheets(have: 1, need: 2))
        #expect(
            aggregate(sheets: [sheet(1, 4, 4, 4), sheet(1, 4, 4, 4)], consensus: nil, policy: policy)
                == .insufficientSheets(have: 1, need: 2))
    }

    @Test func consensusDoesNotReplaceMissingEvaluations() {
        #expect(
            aggregate(sheets: [sheet(1, 4, 4, 4)], consensus: sheet(99, 4, 4, 4), policy: policy)
                == .insufficientSheets(have: 1, need: 2))
    }

    @Test func divergenceOfExactlyOnePointFiveIsFine() throws {
        let sheets = [sheet(1, 4, 3, 3), sheet(2, 2.5, 3, 3)]
        #expect(divergence(sheets: sheets, policy: policy).isEmpty)
        let aggregate = try #require(aggregate(sheets: sheets, consensus: nil, policy: policy).aggregate)
        #expect(aggregate.perCriterion["relevance"] == Rational(13, 4))
    }

    @Test func divergenceOfTwoPointsNeedsConsensus() {
        let sheets = [sheet(1, 4, 3, 3), sheet(2, 2, 3, 3)]
        #expect(divergence(sheets: sheets, policy: policy) == ["relevance"])
        #expect(aggregate(sheets: sheets, consensus: nil, policy: policy) == .needsConsensus(diverging: ["relevance"]))
    }

    @Test func divergenceComparesAnyPairAndSortsKeys() {
        // Sheets 1 and 3 differ by 2.0 on impact and quality although neighbours differ by 1.0.
        let sheets = [sheet(1, 3, 2, 2), sheet(2, 3, 3, 3), sheet(3, 3, 4, 4)]
        #expect(divergence(sheets: sheets, policy: policy) == ["impact", "quality"])
    }

    @Test func consensusReplacesTheAggregateAndClearsDivergence() throws {
        let sheets = [sheet(1, 5, 3, 3), sheet(2, 2, 3, 3)]
        let outcome = aggregate(sheets: sheets, consensus: sheet(99, 3.5, 4, 2.5), policy: policy)
        let aggregate = try #require(outcome.aggregate)
        #expect(aggregate.source == .consensus)
        #expect(aggregate.perCriterion == ["relevance": points(3.5), "quality": points(4), "impact": points(2.5)])
        // 0.4*3.5 + 0.3*4 + 0.3*2.5 = 1.4 + 1.2 + 0.75 = 3.35
        #expect(aggregate.weighted == Rational(67, 20))
        #expect(aggregate.sheetCount == 2)
    }

    @Test func consensusAlsoOverridesAnUndivergedMean() throws {
        let outcome = aggregate(sheets: agreed(4, 4, 4), consensus: sheet(99, 3, 3, 3), policy: policy)
        #expect(outcome.aggregate?.weighted == Rational(3))
    }

    @Test func incompleteConsensusIsTreatedAsNotYetRecorded() {
        let draft = ScoreSheet(evaluatorID: 99, scores: ["relevance": Score(points: 3)!])
        let outcome = aggregate(sheets: [sheet(1, 5, 3, 3), sheet(2, 2, 3, 3)], consensus: draft, policy: policy)
        #expect(outcome == .needsConsensus(diverging: ["relevance"]))
    }
}

@Suite struct ThresholdTests {
    private func assess(_ sheets: [ScoreSheet], _ p: ScoringPolicy = policy) throws -> Assessment {
        let aggregate = try #require(aggregate(sheets: sheets, consensus: nil, policy: p).aggregate)
        return p.assess(aggregate)
    }

    @Test func exactlyAtEveryCriterionMinimumPasses() throws {
        // relevance 3.0 = min, quality 3.0 = min, impact 3.5; weighted 3.15
        #expect(try assess(agreed(3, 3, 3.5)).passes)
        // impact 2.5 = its minimum; weighted 1.6 + 1.2 + 0.75 = 3.55
        #expect(try assess(agreed(4, 4, 2.5)).passes)
    }

    @Test func halfAPointBelowACriterionMinimumFails() throws {
        let relevance = try assess(agreed(2.5, 4, 4))
        #expect(relevance.failedMinimums == ["relevance"])
        #expect(!relevance.passes)
        let impact = try assess(agreed(4, 4, 2))
        #expect(impact.failedMinimums == ["impact"])
    }

    @Test func aMeanBelowTheMinimumFailsEvenIfOneEvaluatorMetIt() throws {
        // (3.0 + 2.5) / 2 = 2.75 < 3.0
        #expect(try assess([sheet(1, 3, 4, 4), sheet(2, 2.5, 4, 4)]).failedMinimums == ["relevance"])
        // (3.5 + 2.5) / 2 = 3.0 exactly
        #expect(try assess([sheet(1, 3.5, 4, 4), sheet(2, 2.5, 4, 4)]).passes)
    }

    @Test func overallMinimumIsInclusive() throws {
        // 0.4*3 + 0.3*3 + 0.3*3 = 3.0 exactly
        let atMinimum = try assess(agreed(3, 3, 3))
        #expect(atMinimum.passes)
        // All criterion minimums met, weighted 1.2 + 0.9 + 0.75 = 2.85 < 3.0
        let below = try assess(agreed(3, 3, 2.5))
        #expect(below.failedMinimums.isEmpty)
        #expect(below.belowOverallMinimum)
    }

    @Test func halfAPointBelowTheOverallMinimumFails() throws {
        var lenient = policy
        for index in lenient.criteria.indices { lenient.criteria[index].minimumHalfPoints = 0 }
        #expect(try assess(agreed(3, 3, 3), lenient).passes)
        let below = try assess(agreed(2.5, 2.5, 2.5), lenient)
        #expect(below.belowOverallMinimum && below.failedMinimums.isEmpty)
    }
}
