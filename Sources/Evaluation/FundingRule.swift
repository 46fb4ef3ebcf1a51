/// The one rule that says whether an approval may commit money: the per-organisation
/// exchange count, the per-third-party ceiling (EUR 60,000 by default) and the programme cap,
/// checked in this order. The ranking's selection walk and the approval transaction both ask
/// it, so a proposal and a decision can never disagree.
///
/// Organisation limits come before the budget: they are the more permanent obstacle (more
/// money would not help), so they are the more useful reason to show. Pure and total: any
/// `Int64` inputs give an answer, never a trap.
public struct FundingRule: Hashable, Sendable {
    /// Funded exchanges allowed per visitor organisation and programme (`max_funded_exchanges_per_visitor`).
    public var maxFundedExchangesPerOrganisation: Int
    /// Maximum total support to one third party, in cents (`per_third_party_cap_cents`).
    public var perOrganisationCapCents: Int64

    public init(
        maxFundedExchangesPerOrganisation: Int = 1,
        perOrganisationCapCents: Int64 = SelectionContext.defaultPerOrganisationCapCents
    ) {
        self.maxFundedExchangesPerOrganisation = maxFundedExchangesPerOrganisation
        self.perOrganisationCapCents = perOrganisationCapCents
    }

    public enum Decision: Hashable, Sendable {
        case fund
        /// The organisation already holds the exchanges it may have.
        case exchangeLimit
        /// The organisation's support would pass the ceiling.
        case ceiling
        /// The programme has less than the amount available.
        case budget
    }

    /// What the facts allow for one more commitment of `requestedCents`.
    /// - Parameters:
    ///   - fundedExchanges: the organisation's funded exchanges in the programme, this one excluded.
    ///   - committedCents: what is committed to the organisation (net of releases), this one excluded.
    ///   - availableCents: the programme cap minus everything committed.
    public func decide(requestedCents: Int64, fundedExchanges: Int, committedCents: Int64, availableCents: Int64) -> Decision {
        if fundedExchanges >= maxFundedExchangesPerOrganisation { return .exchangeLimit }
        let (headroom, overflow) = perOrganisationCapCents.subtractingReportingOverflow(max(committedCents, 0))
        if overflow || requestedCents > headroom { return .ceiling }
        if requestedCents > availableCents { return .budget }
        return .fund
    }
}
