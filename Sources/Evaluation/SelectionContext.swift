/// The money and the per-organisation facts a selection walk starts from.
///
/// Everything the walk must respect but cannot know from the ranking itself
/// comes in here, so `select` stays a pure function of its inputs.
public struct SelectionContext: Hashable, Sendable, Codable {
    /// The EUR 60,000 per-organisation ceiling, in cents.
    public static let defaultPerOrganisationCapCents: Int64 = 6_000_000

    /// Budget still available for this walk, in cents.
    public var availableCents: Int64
    /// Organisations that are already the visitor in a funded exchange of this programme
    /// (each counted once; `fundedExchangesByOrganisation` gives larger counts).
    public var fundedOrganisations: Set<Int64>
    /// Funded exchanges per organisation where more than one is known (missing: 1 if the
    /// organisation is in `fundedOrganisations`, else 0).
    public var fundedExchangesByOrganisation: [Int64: Int]
    /// Support already committed per organisation, in cents (missing = 0).
    public var committedCentsByOrganisation: [Int64: Int64]
    /// Maximum total support per organisation, in cents.
    public var perOrganisationCapCents: Int64
    /// Funded exchanges allowed per organisation (`max_funded_exchanges_per_visitor`).
    public var maxFundedExchangesPerOrganisation: Int

    public init(
        availableCents: Int64,
        fundedOrganisations: Set<Int64> = [],
        committedCentsByOrganisation: [Int64: Int64] = [:],
        perOrganisationCapCents: Int64 = SelectionContext.defaultPerOrganisationCapCents,
        fundedExchangesByOrganisation: [Int64: Int] = [:],
        maxFundedExchangesPerOrganisation: Int = 1
    ) {
        self.availableCents = availableCents
        self.fundedOrganisations = fundedOrganisations
        self.committedCentsByOrganisation = committedCentsByOrganisation
        self.perOrganisationCapCents = perOrganisationCapCents
        self.fundedExchangesByOrganisation = fundedExchangesByOrganisation
        self.maxFundedExchangesPerOrganisation = maxFundedExchangesPerOrganisation
    }

    /// The organisation's funded exchanges before the walk.
    func fundedExchanges(of organisationID: Int64) -> Int {
        max(fundedExchangesByOrganisation[organisationID] ?? 0, fundedOrganisations.contains(organisationID) ? 1 : 0)
    }

    var rule: FundingRule {
        FundingRule(
            maxFundedExchangesPerOrganisation: maxFundedExchangesPerOrganisation,
            perOrganisationCapCents: perOrganisationCapCents)
    }
}

/// The running state of one walk down a ranking: budget left and what each organisation has
/// received so far. Shared by `select` and `promotable` so that promotion applies exactly the
/// rules of the original selection; the rule itself is `FundingRule`.
struct FundingWalk {
    private(set) var remainingCents: Int64
    private let context: SelectionContext
    private var fundedInWalk: [Int64: Int] = [:]
    private var committed: [Int64: Int64]
    private let rule: FundingRule

    init(_ context: SelectionContext) {
        self.context = context
        remainingCents = context.availableCents
        committed = context.committedCentsByOrganisation
        rule = context.rule
    }

    /// Decides one passing candidate and, if approved, books it.
    mutating func consider(organisationID: Int64, requestedCents: Int64) -> ProposalReason {
        let funded = context.fundedExchanges(of: organisationID).addingReportingOverflow(fundedInWalk[organisationID] ?? 0)
        let already = max(committed[organisationID] ?? 0, 0)
        switch rule.decide(
            requestedCents: requestedCents, fundedExchanges: funded.overflow ? .max : funded.partialValue,
            committedCents: already, availableCents: remainingCents)
        {
        case .exchangeLimit, .ceiling: return .organisationLimit
        case .budget: return .budget
        case .fund:
            // `decide` checked requested <= remaining and requested <= cap - already.
            remainingCents -= requestedCents
            fundedInWalk[organisationID, default: 0] += 1
            committed[organisationID] = already + requestedCents
            return .passesAndFits
        }
    }
}
