/// The money and the per-organisation facts a selection walk starts from.
///
/// Everything the walk must respect but cannot know from the ranking itself
/// comes in here, so `select` stays a pure function of its inputs.
public struct SelectionContext: Hashable, Sendable, Codable {
    /// The EUR 60,000 per-organisation ceiling, in cents.
    public static let defaultPerOrganisationCapCents: Int64 = 6_000_000

    /// Budget still available for this walk, in cents.
    public var availableCents: Int64
    /// Organisations that are already the visitor in a funded exchange of
    /// this programme; they cannot get another one.
    public var fundedOrganisations: Set<Int64>
    /// Support already committed per organisation, in cents (missing = 0).
    public var committedCentsByOrganisation: [Int64: Int64]
    /// Maximum total support per organisation, in cents.
    public var perOrganisationCapCents: Int64

    public init(
        availableCents: Int64,
        fundedOrganisations: Set<Int64> = [],
        committedCentsByOrganisation: [Int64: Int64] = [:],
        perOrganisationCapCents: Int64 = SelectionContext.defaultPerOrganisationCapCents
    ) {
        self.availableCents = availableCents
        self.fundedOrganisations = fundedOrganisations
        self.committedCentsByOrganisation = committedCentsByOrganisation
        self.perOrganisationCapCents = perOrganisationCapCents
    }
}

/// The running state of one walk down a ranking: budget left and what each
/// organisation has received so far. Shared by `select` and `promotable` so
/// that promotion applies exactly the rules of the original selection.
struct FundingWalk {
    private(set) var remainingCents: Int64
    private var funded: Set<Int64>
    private var committed: [Int64: Int64]
    private let cap: Int64

    init(_ context: SelectionContext) {
        remainingCents = context.availableCents
        funded = context.fundedOrganisations
        committed = context.committedCentsByOrganisation
        cap = context.perOrganisationCapCents
    }

    /// Decides one passing candidate and, if approved, books it.
    ///
    /// Organisation limits are checked before the budget: they are the more
    /// permanent obstacle (more money would not help), so they are the more
    /// useful reason to show.
    mutating func consider(organisationID: Int64, requestedCents: Int64) -> ProposalReason {
        let already = max(committed[organisationID] ?? 0, 0)
        let (headroom, overflow) = cap.subtractingReportingOverflow(already)
        if funded.contains(organisationID) || overflow || requestedCents > headroom {
            return .organisationLimit
        }
        if requestedCents > remainingCents {
            return .budget
        }
        remainingCents -= requestedCents
        funded.insert(organisationID)
        committed[organisationID] = already + requestedCents
        return .passesAndFits
    }
}
