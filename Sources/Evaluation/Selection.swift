/// What the walk proposes for one ranked application. A proposal, not a
/// decision: the committee confirms it.
public enum ProposedDecision: String, Hashable, Sendable, Codable {
    case approved
    case reserve
    case rejected
}

/// Why a proposal is what it is. `code` is a stable machine word stored in
/// the database and shown in the API, so it must never change.
public enum ProposalReason: Hashable, Sendable {
    /// Passes every minimum and fits budget and organisation limits → approved.
    case passesAndFits
    /// Passes, but the requested amount exceeds the budget left → reserve.
    case budget
    /// Passes, but the organisation already has a funded exchange or would
    /// exceed the per-organisation cap → reserve.
    case organisationLimit
    /// The mean on this criterion is below its minimum → rejected.
    case belowMinimum(criterion: String)
    /// All criterion minimums met, but the weighted score is below the
    /// overall minimum → rejected.
    case belowOverallMinimum
    /// The requested amount is negative, which no budget rule can judge → rejected.
    case invalidAmount

    /// `passes_and_fits`, `budget`, `organisation_limit`,
    /// `below_minimum:<criterion>`, `below_overall_minimum`, `invalid_amount`.
    public var code: String {
        switch self {
        case .passesAndFits: "passes_and_fits"
        case .budget: "budget"
        case .organisationLimit: "organisation_limit"
        case .belowMinimum(let criterion): "below_minimum:\(criterion)"
        case .belowOverallMinimum: "below_overall_minimum"
        case .invalidAmount: "invalid_amount"
        }
    }

    /// Parses a `code` back; `nil` for unknown words.
    public init?(code: String) {
        switch code {
        case "passes_and_fits": self = .passesAndFits
        case "budget": self = .budget
        case "organisation_limit": self = .organisationLimit
        case "below_overall_minimum": self = .belowOverallMinimum
        case "invalid_amount": self = .invalidAmount
        default:
            let prefix = "below_minimum:"
            guard code.hasPrefix(prefix), code.count > prefix.count else { return nil }
            self = .belowMinimum(criterion: String(code.dropFirst(prefix.count)))
        }
    }
}

extension ProposalReason: Codable, CustomStringConvertible {
    /// Coded as its `code` string, the same word the database stores.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let code = try container.decode(String.self)
        guard let reason = ProposalReason(code: code) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown proposal reason '\(code)'")
        }
        self = reason
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }

    public var description: String { code }
}

/// The proposal for one ranked application. Carries the organisation and
/// amount so that `promotable` can re-walk reserve entries without the ranking.
public struct Proposal: Hashable, Sendable, Codable {
    public var rank: Int
    public var candidateID: Int64
    public var organisationID: Int64
    public var requestedCents: Int64
    public var decision: ProposedDecision
    public var reason: ProposalReason

    public init(
        rank: Int, candidateID: Int64, organisationID: Int64, requestedCents: Int64,
        decision: ProposedDecision, reason: ProposalReason
    ) {
        self.rank = rank
        self.candidateID = candidateID
        self.organisationID = organisationID
        self.requestedCents = requestedCents
        self.decision = decision
        self.reason = reason
    }
}

/// Proposes approved / reserve / rejected for every ranked application by
/// walking the ranking from rank 1 down.
///
/// For each application, in rank order:
/// - fails any minimum → `rejected`, reason `below_minimum:<first failing
///   criterion in policy order>`, else `below_overall_minimum`;
/// - else if its organisation is already funded in this programme (given in
///   the context, or approved earlier in this walk), or the organisation's
///   committed plus requested cents would exceed the cap → `reserve`,
///   `organisation_limit`;
/// - else if the requested cents exceed the budget still left → `reserve`,
///   `budget`;
/// - else → `approved`, `passes_and_fits`, and the amount is booked.
///
/// **Skip-over rule ("walk the ranking"):** the walk does not stop at the
/// first application that does not fit. A cheaper, lower-ranked application
/// *is* approved after a more expensive, higher-ranked one went to reserve
/// for lack of budget. Stopping would leave money unspent that the programme
/// must spend, and the reserve entry keeps its rank: if money is freed,
/// `promotable` offers it before anything ranked below it.
///
/// Unrankable applications get no proposal. The result is in rank order.
public func select(_ ranking: Ranking, context: SelectionContext) -> [Proposal] {
    var walk = FundingWalk(context)
    var proposals: [Proposal] = []
    proposals.reserveCapacity(ranking.ranked.count)
    for entry in ranking.ranked {
        let decision: ProposedDecision
        let reason: ProposalReason
        if let failed = entry.failedMinimums.first {
            (decision, reason) = (.rejected, .belowMinimum(criterion: failed))
        } else if entry.belowOverallMinimum {
            (decision, reason) = (.rejected, .belowOverallMinimum)
        } else if entry.requestedCents < 0 {
            (decision, reason) = (.rejected, .invalidAmount)
        } else {
            reason = walk.consider(organisationID: entry.organisationID, requestedCents: entry.requestedCents)
            decision = reason == .passesAndFits ? .approved : .reserve
        }
        proposals.append(
            Proposal(
                rank: entry.rank, candidateID: entry.candidateID, organisationID: entry.organisationID,
                requestedCents: entry.requestedCents, decision: decision, reason: reason
            ))
    }
    return proposals
}
