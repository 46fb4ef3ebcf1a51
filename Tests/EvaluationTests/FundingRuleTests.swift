import Testing

@testable import Evaluation

/// The one funding rule, from literals: order, bounds and extremes.
@Suite struct FundingRuleTests {
    let rule = FundingRule(maxFundedExchangesPerOrganisation: 2, perOrganisationCapCents: 6_000_000)

    @Test func fundsWhatFitsEveryLimit() {
        #expect(rule.decide(requestedCents: 78_000, fundedExchanges: 1, committedCents: 78_000, availableCents: 78_000) == .fund)
        // Exactly at the ceiling and exactly the money left are both fine.
        #expect(rule.decide(requestedCents: 1_000_000, fundedExchanges: 0, committedCents: 5_000_000, availableCents: 1_000_000) == .fund)
    }

    @Test func organisationLimitsComeBeforeTheBudget() {
        // Both the exchange count and the budget fail: the count is the answer.
        #expect(rule.decide(requestedCents: 78_000, fundedExchanges: 2, committedCents: 0, availableCents: 0) == .exchangeLimit)
        // Both the ceiling and the budget fail: the ceiling is the answer.
        #expect(rule.decide(requestedCents: 1_000_001, fundedExchanges: 0, committedCents: 5_000_000, availableCents: 0) == .ceiling)
        #expect(rule.decide(requestedCents: 78_001, fundedExchanges: 0, committedCents: 0, availableCents: 78_000) == .budget)
    }

    @Test func extremeInputsAnswerWithoutTrapping() {
        let extremes: [Int64] = [.min, -1, 0, 1, 6_000_000, .max]
        for requested in extremes {
            for committed in extremes {
                for available in extremes {
                    _ = rule.decide(requestedCents: requested, fundedExchanges: .max, committedCents: committed, availableCents: available)
                    _ = rule.decide(requestedCents: requested, fundedExchanges: 0, committedCents: committed, availableCents: available)
                }
            }
        }
        #expect(rule.decide(requestedCents: .max, fundedExchanges: 0, committedCents: 0, availableCents: .max) == .ceiling)
        let unbounded = FundingRule(maxFundedExchangesPerOrganisation: .max, perOrganisationCapCents: .max)
        #expect(unbounded.decide(requestedCents: 1, fundedExchanges: 0, committedCents: .min, availableCents: 1) == .fund)
    }

    /// The known bug: with two funded exchanges allowed per visitor, the walk put an
    /// organisation's second application on reserve although a direct decision approves it.
    @Test func theWalkHonoursTwoFundedExchangesPerOrganisation() {
        let context = SelectionContext(
            availableCents: 1_000_000, fundedExchangesByOrganisation: [7: 1],
            maxFundedExchangesPerOrganisation: 2)
        let rule = FundingRule(maxFundedExchangesPerOrganisation: 2)
        var walk = FundingWalk(context)
        #expect(walk.consider(organisationID: 7, requestedCents: 78_000) == .passesAndFits)
        #expect(rule.decide(requestedCents: 78_000, fundedExchanges: 1, committedCents: 0, availableCents: 1_000_000) == .fund)
        // The third is one too many, in the walk and in the rule alike.
        #expect(walk.consider(organisationID: 7, requestedCents: 78_000) == .organisationLimit)
        #expect(rule.decide(requestedCents: 78_000, fundedExchanges: 2, committedCents: 78_000, availableCents: 922_000) == .exchangeLimit)
        // The default still allows one.
        var strict = FundingWalk(SelectionContext(availableCents: 1_000_000, fundedOrganisations: [7]))
        #expect(strict.consider(organisationID: 7, requestedCents: 78_000) == .organisationLimit)
    }
}
