import Testing

@testable import Evaluation

/// Five passing candidates with strictly decreasing scores (ranks 1...5).
private func ladder(cents: [Int64], orgs: [Int64]? = nil) -> [Candidate] {
    let scores: [(Double, Double, Double)] = [(5, 5, 5), (4.5, 5, 5), (4.5, 4.5, 5), (4.5, 4.5, 4.5), (4, 4.5, 4.5)]
    return cents.indices.map { i in
        candidate(id: Int64(i + 1), org: orgs?[i], cents: cents[i], sheets: agreed(scores[i].0, scores[i].1, scores[i].2))
    }
}

private func decisions(_ proposals: [Proposal]) -> [String] {
    proposals.map { "\($0.candidateID):\($0.decision.rawValue):\($0.reason.code)" }
}

@Suite struct SelectionTests {
    @Test func budgetExhaustedMidRankingWithSkipOverOfCheaperLaterOnes() {
        let ranking = rank(ladder(cents: [150_000, 200_000, 100_000, 60_000, 50_000]), policy: policy)
        let proposals = select(ranking, context: SelectionContext(availableCents: 300_000))
        #expect(proposals.map(\.rank) == [1, 2, 3, 4, 5])
        #expect(
            decisions(proposals) == [
                "1:approved:passes_and_fits",
                "2:reserve:budget",  // 200k > 150k left
                "3:approved:passes_and_fits",  // skip-over: cheaper, lower-ranked
                "4:reserve:budget",  // 60k > 50k left
                "5:approved:passes_and_fits",  // exactly the 50k left
            ])
        let spent = proposals.filter { $0.decision == .approved }.reduce(0) { $0 + $1.requestedCents }
        #expect(spent == 300_000)
    }

    @Test func noBudgetMeansEveryPassingCandidateIsReserve() {
        let proposals = select(rank(ladder(cents: [1, 2]), policy: policy), context: SelectionContext(availableCents: 0))
        #expect(proposals.map(\.reason) == [.budget, .budget])
    }

    @Test func anOrganisationsSecondApplicationGoesToReserve() {
        let ranking = rank(ladder(cents: [100_000, 100_000, 100_000], orgs: [7, 7, 8]), policy: policy)
        let proposals = select(ranking, context: SelectionContext(availableCents: 1_000_000))
        #expect(
            decisions(proposals) == [
                "1:approved:passes_and_fits",
                "2:reserve:organisation_limit",
                "3:approved:passes_and_fits",
            ])
    }

    @Test func anOrganisationAlreadyFundedInTheProgrammeGetsNothingMore() {
        let ranking = rank(ladder(cents: [100_000, 100_000], orgs: [7, 8]), policy: policy)
        let proposals = select(ranking, context: SelectionContext(availableCents: 1_000_000, fundedOrganisations: [7]))
        #expect(decisions(proposals) == ["1:reserve:organisation_limit", "2:approved:passes_and_fits"])
    }

    @Test func perOrganisationCapOfSixtyThousandEuro() {
        #expect(SelectionContext.defaultPerOrganisationCapCents == 6_000_000)
        let context = SelectionContext(availableCents: 100_000_000, committedCentsByOrganisation: [7: 5_000_000, 8: 5_000_000])
        // org 7: 5,000,000 + 1,000,001 > 6,000,000; org 8: exactly at the cap is fine.
        let ranking = rank(ladder(cents: [1_000_001, 1_000_000], orgs: [7, 8]), policy: policy)
        #expect(decisions(select(ranking, context: context)) == ["1:reserve:organisation_limit", "2:approved:passes_and_fits"])
        // A single request above the cap can never be funded.
        let tooBig = rank(ladder(cents: [6_000_001]), policy: policy)
        #expect(select(tooBig, context: SelectionContext(availableCents: 100_000_000)).map(\.reason) == [.organisationLimit])
    }

    @Test func organisationLimitIsReportedBeforeBudget() {
        let ranking = rank(ladder(cents: [100, 500], orgs: [7, 7]), policy: policy)
        #expect(select(ranking, context: SelectionContext(availableCents: 100)).map(\.reason) == [.passesAndFits, .organisationLimit])
    }

    @Test func failingCandidatesAreRejectedWithTheMinimumTheyMissed() {
        let ranking = rank(
            [
                candidate(id: 1, org: 7, sheets: agreed(2.5, 5, 5)),
                candidate(id: 2, sheets: agreed(5, 2.5, 2)),
                candidate(id: 3, sheets: agreed(3, 3, 2.5)),
                candidate(id: 4, org: 7, sheets: agreed(3, 3, 3)),
            ], policy: policy)
        let proposals = select(ranking, context: SelectionContext(availableCents: 1_000_000))
        #expect(proposals.map(\.decision) == [.rejected, .rejected, .approved, .rejected])
        #expect(proposals.proposal(1)?.reason.code == "below_minimum:relevance")
        #expect(proposals.proposal(2)?.reason.code == "below_minimum:quality")  // first in policy order
        #expect(proposals.proposal(3)?.reason.code == "below_overall_minimum")
        // A rejected application does not use up its organisation's slot.
        #expect(proposals.proposal(4)?.reason == .passesAndFits)
    }

    @Test func negativeAmountIsRejected() {
        let proposals = select(rank([candidate(id: 1, cents: -5)], policy: policy), context: SelectionContext(availableCents: 10))
        #expect(proposals.map(\.reason) == [.invalidAmount])
    }

    @Test func unrankableApplicationsGetNoProposal() {
        let ranking = rank([candidate(id: 1, sheets: [sheet(1, 4, 4, 4)]), candidate(id: 2)], policy: policy)
        #expect(select(ranking, context: SelectionContext(availableCents: 1_000_000)).map(\.candidateID) == [2])
    }

    @Test func reasonCodesRoundTrip() {
        let reasons: [ProposalReason] = [
            .passesAndFits, .budget, .organisationLimit, .belowMinimum(criterion: "impact"), .belowOverallMinimum, .invalidAmount,
        ]
        for reason in reasons { #expect(ProposalReason(code: reason.code) == reason) }
        #expect(ProposalReason(code: "below_minimum:") == nil)
        #expect(ProposalReason(code: "nonsense") == nil)
    }
}

@Suite struct PromotionTests {
    private let proposals = select(
        rank(ladder(cents: [150_000, 200_000, 100_000, 60_000, 50_000]), policy: policy),
        context: SelectionContext(availableCents: 300_000)
    )

    private func funded(_ proposals: [Proposal]) -> Set<Int64> {
        Set(proposals.filter { $0.decision == .approved }.map(\.organisationID))
    }

    @Test func promotesTheFirstReserveEntriesThatFitFreedMoney() {
        #expect(proposals.filter { $0.decision == .reserve }.map(\.candidateID) == [2, 4])
        let still = funded(proposals)
        #expect(promotable(proposals, context: SelectionContext(availableCents: 50_000, fundedOrganisations: still)) == [])
        #expect(promotable(proposals, context: SelectionContext(availableCents: 70_000, fundedOrganisations: still)) == [4])
        #expect(promotable(proposals, context: SelectionContext(availableCents: 200_000, fundedOrganisations: still)) == [2])
        #expect(promotable(proposals, context: SelectionContext(availableCents: 260_000, fundedOrganisations: still)) == [2, 4])
    }

    @Test func anOrganisationLimitedReserveIsPromotedOnceItsOtherExchangeIsWithdrawn() {
        let proposals = select(
            rank(ladder(cents: [100_000, 100_000], orgs: [7, 7]), policy: policy),
            context: SelectionContext(availableCents: 1_000_000)
        )
        #expect(proposals.map(\.reason) == [.passesAndFits, .organisationLimit])
        // Approval 1 still stands: org 7 remains funded.
        #expect(promotable(proposals, context: SelectionContext(availableCents: 100_000, fundedOrganisations: [7])) == [])
        // Approval 1 withdrawn: its money is free and org 7 is eligible again.
        #expect(promotable(proposals, context: SelectionContext(availableCents: 100_000)) == [2])
    }

    @Test func promotionAppliesOrganisationLimitsWithinItsOwnWalk() {
        let reserve = [
            Proposal(rank: 3, candidateID: 30, organisationID: 7, requestedCents: 10, decision: .reserve, reason: .budget),
            Proposal(rank: 1, candidateID: 10, organisationID: 7, requestedCents: 10, decision: .reserve, reason: .budget),
            Proposal(rank: 2, candidateID: 20, organisationID: 8, requestedCents: 10, decision: .approved, reason: .passesAndFits),
            Proposal(rank: 4, candidateID: 40, organisationID: 9, requestedCents: 10, decision: .rejected, reason: .belowOverallMinimum),
        ]
        #expect(promotable(reserve, context: SelectionContext(availableCents: 1_000)) == [10])
    }
}
