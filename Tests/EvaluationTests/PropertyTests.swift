import Testing

@testable import Evaluation

/// Generated selection problems. Values are drawn from small ranges on
/// purpose so that ties, divergence, shared organisations, cap hits and
/// budget exhaustion all occur often.
private struct Scenario {
    var candidates: [Candidate]
    var context: SelectionContext

    init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let count = Int.random(in: 1...40, using: &rng)
        let ids = (1...Int64(200)).shuffled(using: &rng).prefix(count)
        let organisations = Int64(max(2, count / 2))
        candidates = ids.map { id in
            let sheetCount = Int.random(in: 0..<10, using: &rng) == 0 ? 1 : Int.random(in: 2...3, using: &rng)
            let base = (0..<3).map { _ in Int.random(in: 4...10, using: &rng) }
            let spread = Int.random(in: 0..<5, using: &rng) == 0 ? 4 : 2
            let sheets = (0..<sheetCount).map { evaluator in
                Scenario.sheet(Int64(evaluator + 1), base.map { $0 - Int.random(in: 0...spread, using: &rng) })
            }
            let consensus =
                Int.random(in: 0..<5, using: &rng) == 0
                ? Scenario.sheet(99, (0..<3).map { _ in Int.random(in: 4...10, using: &rng) })
                : nil
            let big = Int.random(in: 0..<10, using: &rng) == 0
            return Candidate(
                id: id,
                organisationID: Int64.random(in: 1...organisations, using: &rng),
                isSME: Bool.random(using: &rng),
                submittedAt: Int64.random(in: 0..<4, using: &rng),
                requestedCents: big ? Int64.random(in: 50...70, using: &rng) * 100_000 : Int64.random(in: 1...20, using: &rng) * 100_000,
                sheets: sheets,
                consensus: consensus
            )
        }
        var funded: Set<Int64> = []
        var committed: [Int64: Int64] = [:]
        for organisation in 1...organisations {
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: funded.insert(organisation)
            case 1: committed[organisation] = Int64.random(in: 0...60, using: &rng) * 100_000
            default: break
            }
        }
        context = SelectionContext(
            availableCents: Int64.random(in: 0...Int64(count), using: &rng) * 1_000_000,
            fundedOrganisations: funded,
            committedCentsByOrganisation: committed
        )
    }

    private static func sheet(_ evaluator: Int64, _ halfPoints: [Int]) -> ScoreSheet {
        let keys = ["relevance", "quality", "impact"]
        var scores: [String: Score] = [:]
        for (key, value) in zip(keys, halfPoints) { scores[key] = Score(halfPoints: min(max(value, 0), 10))! }
        return ScoreSheet(evaluatorID: evaluator, scores: scores)
    }
}

/// Independent re-derivation of "passes every minimum" from the raw sheets,
/// in plain integer half points: mean ≥ min ⇔ sum ≥ min × n, and
/// Σ wᵢ·sumᵢ ≥ overall × n × 10,000.
private func passesFromScratch(_ candidate: Candidate) -> Bool {
    let sheets = candidate.consensus.map { [$0] } ?? candidate.sheets
    let n = sheets.count
    var weighted = 0
    for criterion in policy.criteria {
        let sum = sheets.reduce(0) { $0 + $1.scores[criterion.key]!.halfPoints }
        if sum < criterion.minimumHalfPoints * n { return false }
        weighted += criterion.weightBasisPoints * sum
    }
    return weighted >= policy.overallMinimumHalfPoints * n * 10_000
}

private let cases: Range<UInt64> = 0..<500
private let seedBase: UInt64 = 0xC1_0575_E4C4_A46E

@Suite struct PropertyTests {
    @Test func approvalsNeverExceedTheAvailableBudget() {
        for index in cases {
            let s = Scenario(seed: seedBase &+ index)
            let proposals = select(rank(s.candidates, policy: policy), context: s.context)
            let spent = proposals.filter { $0.decision == .approved }.reduce(Int64(0)) { $0 + $1.requestedCents }
            #expect(spent <= s.context.availableCents, "case \(index)")
        }
    }

    @Test func noOrganisationGetsTwoApprovalsOrExceedsItsLimits() {
        for index in cases {
            let s = Scenario(seed: seedBase &+ index)
            let approved = select(rank(s.candidates, policy: policy), context: s.context).filter { $0.decision == .approved }
            let organisations = approved.map(\.organisationID)
            #expect(Set(organisations).count == organisations.count, "case \(index)")
            #expect(s.context.fundedOrganisations.isDisjoint(with: organisations), "case \(index)")
            for proposal in approved {
                let total = (s.context.committedCentsByOrganisation[proposal.organisationID] ?? 0) + proposal.requestedCents
                #expect(total <= s.context.perOrganisationCapCents, "case \(index)")
            }
        }
    }

    @Test func resultsAreIdenticalUnderShuffledInput() {
        for index in cases {
            let s = Scenario(seed: seedBase &+ index)
            var rng = SplitMix64(seed: ~index)
            let reference = rank(s.candidates, policy: policy)
            let shuffled = rank(s.candidates.shuffled(using: &rng), policy: policy)
            #expect(shuffled == reference, "case \(index)")
            #expect(select(shuffled, context: s.context) == select(reference, context: s.context), "case \(index)")
        }
    }

    @Test func rankingIsAStrictTotalOrderConsistentWithTheComparator() {
        for index in cases {
            let s = Scenario(seed: seedBase &+ index)
            let ranking = rank(s.candidates, policy: policy)
            let ranked = ranking.ranked
            #expect(ranked.map(\.rank) == Array(ranked.indices.map { $0 + 1 }), "case \(index)")
            #expect(
                Set(ranked.map(\.candidateID) + ranking.unrankable.map(\.candidateID)) == Set(s.candidates.map(\.id))
                    && ranked.count + ranking.unrankable.count == s.candidates.count,
                "case \(index)"
            )
            for i in ranked.indices {
                #expect(!policy.ranksBefore(ranked[i], ranked[i]), "case \(index): irreflexive")
                for j in ranked.indices where i < j {
                    #expect(policy.ranksBefore(ranked[i], ranked[j]), "case \(index): \(i) before \(j)")
                    #expect(!policy.ranksBefore(ranked[j], ranked[i]), "case \(index): asymmetric")
                    // Weighted scores never increase down the ranking.
                    #expect(ranked[i].aggregate.weighted >= ranked[j].aggregate.weighted, "case \(index)")
                }
            }
        }
    }

    @Test func everyApprovedCandidatePassesAllMinimums() {
        for index in cases {
            let s = Scenario(seed: seedBase &+ index)
            let byID = Dictionary(uniqueKeysWithValues: s.candidates.map { ($0.id, $0) })
            let ranking = rank(s.candidates, policy: policy)
            for entry in ranking.ranked {
                #expect(entry.passes == passesFromScratch(byID[entry.candidateID]!), "case \(index)")
            }
            for proposal in select(ranking, context: s.context) where proposal.decision == .approved {
                #expect(passesFromScratch(byID[proposal.candidateID]!), "case \(index)")
            }
        }
    }

    @Test func everyBudgetReserveAskedForMoreThanWasLeft() {
        for index in cases {
            let s = Scenario(seed: seedBase &+ index)
            var left = s.context.availableCents
            for proposal in select(rank(s.candidates, policy: policy), context: s.context) {
                switch (proposal.decision, proposal.reason) {
                case (.approved, _):
                    left -= proposal.requestedCents
                case (.reserve, .budget):
                    #expect(proposal.requestedCents > left, "case \(index)")
                default:
                    break
                }
                #expect(left >= 0, "case \(index)")
            }
        }
    }

    @Test func promotionStaysWithinFreedBudgetAndOnlyPromotesReserve() {
        for index in cases {
            let s = Scenario(seed: seedBase &+ index)
            let proposals = select(rank(s.candidates, policy: policy), context: s.context)
            let approvedOrganisations = proposals.filter { $0.decision == .approved }.map(\.organisationID)
            var now = s.context
            now.availableCents = Int64(index % 7) * 500_000
            now.fundedOrganisations.formUnion(approvedOrganisations)
            let promoted = promotable(proposals, context: now)
            let byID = Dictionary(uniqueKeysWithValues: proposals.map { ($0.candidateID, $0) })
            #expect(promoted.allSatisfy { byID[$0]?.decision == .reserve }, "case \(index)")
            #expect(promoted.reduce(Int64(0)) { $0 + byID[$1]!.requestedCents } <= now.availableCents, "case \(index)")
            let organisations = promoted.map { byID[$0]!.organisationID }
            #expect(
                Set(organisations).count == organisations.count && now.fundedOrganisations.isDisjoint(with: organisations), "case \(index)")
        }
    }

    /// Guards against vacuous properties: the generator must actually produce
    /// every outcome the properties above are about.
    @Test func generatorCoversEveryOutcome() {
        var reasons: Set<String> = []
        for index in cases {
            let s = Scenario(seed: seedBase &+ index)
            let ranking = rank(s.candidates, policy: policy)
            reasons.formUnion(ranking.unrankable.map(\.reason.code))
            reasons.formUnion(
                select(ranking, context: s.context).map { $0.reason.code.hasPrefix("below_minimum:") ? "below_minimum" : $0.reason.code })
        }
        #expect(
            reasons == [
                "needs_consensus", "insufficient_sheets", "passes_and_fits", "budget",
                "organisation_limit", "below_minimum", "below_overall_minimum",
            ])
    }
}
