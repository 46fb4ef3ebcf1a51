import Testing

@testable import Evaluation

@Suite struct RankingTests {
    private func order(_ candidates: [Candidate], _ p: ScoringPolicy = policy) -> [Int64] {
        let forward = rank(candidates, policy: p)
        let backward = rank(candidates.reversed(), policy: p)
        #expect(forward == backward, "ranking must not depend on input order")
        #expect(forward.ranked.map(\.rank) == Array(forward.ranked.indices.map { $0 + 1 }))
        return forward.ranked.map(\.candidateID)
    }

    @Test func higherWeightedScoreFirst() {
        #expect(order([candidate(id: 1, sheets: agreed(4, 4, 4)), candidate(id: 2, sheets: agreed(4.5, 4, 4))]) == [2, 1])
    }

    @Test func tieOnScoreSMEFirst() {
        #expect(order([candidate(id: 1), candidate(id: 2, sme: true)]) == [2, 1])
    }

    @Test func tieOnScoreAndSMEHigherRelevanceFirst() {
        // Both weighted 3.9: 0.4*4.5 + 0.3*3.5 + 0.3*3.5  vs  0.4*3 + 0.3*4.5 + 0.3*4.5
        let low = candidate(id: 1, sheets: agreed(3, 4.5, 4.5))
        let high = candidate(id: 2, sheets: agreed(4.5, 3.5, 3.5))
        #expect(order([low, high]) == [2, 1])
        let r = rank([low, high], policy: policy)
        #expect(r.ranked[0].aggregate.weighted == r.ranked[1].aggregate.weighted)
    }

    @Test func smePreferenceComesBeforeRelevance() {
        let smeLowRelevance = candidate(id: 1, sme: true, sheets: agreed(3, 4.5, 4.5))
        let highRelevance = candidate(id: 2, sheets: agreed(4.5, 3.5, 3.5))
        #expect(order([highRelevance, smeLowRelevance]) == [1, 2])
    }

    @Test func tieBreakCriterionIsConfigurable() {
        var byQuality = policy
        byQuality.tieBreakCriterion = "quality"
        let a = candidate(id: 1, sheets: agreed(3, 4.5, 4.5))
        let b = candidate(id: 2, sheets: agreed(4.5, 3.5, 3.5))
        #expect(order([a, b], byQuality) == [1, 2])
    }

    @Test func tieOnScoreSMEAndRelevanceEarlierSubmissionFirst() {
        #expect(order([candidate(id: 1, at: 2_000), candidate(id: 2, at: 1_999)]) == [2, 1])
    }

    @Test func fullTieSmallerIdFirst() {
        #expect(order([candidate(id: 9), candidate(id: 3), candidate(id: 5)]) == [3, 5, 9])
    }

    @Test func failingCandidatesAreRankedButMarked() throws {
        let r = rank([candidate(id: 1, sheets: agreed(2.5, 5, 5)), candidate(id: 2, sheets: agreed(3, 3, 3))], policy: policy)
        #expect(r.ranked.map(\.candidateID) == [1, 2])
        #expect(r.ranked[0].failedMinimums == ["relevance"])
        #expect(!r.ranked[0].passes)
        #expect(r.ranked[1].passes)
    }

    @Test func unrankableAreListedWithReasonSortedById() {
        let r = rank(
            [
                candidate(id: 5, sheets: [sheet(1, 4, 4, 4)]),
                candidate(id: 2, sheets: [sheet(1, 5, 4, 4), sheet(2, 3, 4, 1)]),
                candidate(id: 3),
            ], policy: policy)
        #expect(r.ranked.map(\.candidateID) == [3])
        #expect(
            r.unrankable == [
                Unrankable(candidateID: 2, reason: .needsConsensus(diverging: ["impact", "relevance"])),
                Unrankable(candidateID: 5, reason: .insufficientSheets(have: 1, need: 2)),
            ])
        #expect(r.unrankable.map(\.reason.code) == ["needs_consensus", "insufficient_sheets"])
    }

    @Test func consensusMakesADivergedApplicationRankable() {
        let diverged = [sheet(1, 5, 4, 4), sheet(2, 2, 4, 4)]
        let r = rank(
            [candidate(id: 1, sheets: diverged, consensus: sheet(9, 4, 4, 4)), candidate(id: 2, sheets: agreed(3.5, 4, 4))], policy: policy)
        #expect(r.ranked.map(\.candidateID) == [1, 2])
        #expect(r.ranked[0].aggregate.source == .consensus)
        #expect(r.unrankable.isEmpty)
    }

    @Test func publicComparatorAgreesWithTheRanking() {
        let r = rank([candidate(id: 1), candidate(id: 2, sme: true), candidate(id: 3, sheets: agreed(5, 5, 5))], policy: policy)
        #expect(r.ranked.map(\.candidateID) == [3, 2, 1])
        #expect(policy.ranksBefore(r.ranked[0], r.ranked[1]))
        #expect(policy.ranksBefore(r.ranked[1], r.ranked[2]))
        #expect(!policy.ranksBefore(r.ranked[1], r.ranked[0]))
        #expect(!policy.ranksBefore(r.ranked[0], r.ranked[0]))
    }
}
