/// One rankable application at its place in the ranking, with everything
/// selection needs so that `select` does not have to see the sheets again.
public struct RankedCandidate: Hashable, Sendable, Codable {
    /// 1-based position; ranks are consecutive and never shared.
    public var rank: Int
    public var candidateID: Int64
    public var organisationID: Int64
    public var isSME: Bool
    public var submittedAt: Int64
    public var requestedCents: Int64
    public var aggregate: Aggregate
    /// Criterion keys whose mean is below their minimum, in policy order.
    public var failedMinimums: [String]
    public var belowOverallMinimum: Bool

    public init(
        rank: Int, candidateID: Int64, organisationID: Int64, isSME: Bool, submittedAt: Int64,
        requestedCents: Int64, aggregate: Aggregate, failedMinimums: [String], belowOverallMinimum: Bool
    ) {
        self.rank = rank
        self.candidateID = candidateID
        self.organisationID = organisationID
        self.isSME = isSME
        self.submittedAt = submittedAt
        self.requestedCents = requestedCents
        self.aggregate = aggregate
        self.failedMinimums = failedMinimums
        self.belowOverallMinimum = belowOverallMinimum
    }

    /// Every criterion minimum and the overall minimum are met.
    public var passes: Bool { failedMinimums.isEmpty && !belowOverallMinimum }
}

/// Why an application is left out of the ranking.
public enum UnrankableReason: Hashable, Sendable, Codable {
    /// Evaluators diverge on these criteria and no consensus is recorded yet.
    case needsConsensus(diverging: [String])
    /// Too few distinct evaluators have completed a sheet.
    case insufficientSheets(have: Int, need: Int)

    /// Stable machine word: `needs_consensus` or `insufficient_sheets`.
    public var code: String {
        switch self {
        case .needsConsensus: "needs_consensus"
        case .insufficientSheets: "insufficient_sheets"
        }
    }
}

/// An application that could not be ranked, and why.
public struct Unrankable: Hashable, Sendable, Codable {
    public var candidateID: Int64
    public var reason: UnrankableReason

    public init(candidateID: Int64, reason: UnrankableReason) {
        self.candidateID = candidateID
        self.reason = reason
    }
}

/// The ranking of one call.
public struct Ranking: Hashable, Sendable, Codable {
    /// Rankable applications, best first. Failing ones are included (at their
    /// score's place) so the committee sees them; `select` rejects them.
    public var ranked: [RankedCandidate]
    /// Applications that cannot be ranked yet, sorted by id.
    public var unrankable: [Unrankable]

    public init(ranked: [RankedCandidate], unrankable: [Unrankable]) {
        self.ranked = ranked
        self.unrankable = unrankable
    }
}

/// The sort key of a ranked application. One type backs both `rank` and
/// `ScoringPolicy.ranksBefore`, so the public comparator cannot drift from
/// the order actually produced.
struct RankKey {
    var weighted: Rational
    var isSME: Bool
    var tieBreak: Rational
    var submittedAt: Int64
    var id: Int64

    /// Strict "comes before": weighted score descending, then SME first,
    /// then tie-break criterion descending, then earlier submission, then
    /// smaller id. With unique ids no two keys tie, so the order is total.
    static func precedes(_ a: RankKey, _ b: RankKey) -> Bool {
        if a.weighted != b.weighted { return a.weighted > b.weighted }
        if a.isSME != b.isSME { return a.isSME }
        if a.tieBreak != b.tieBreak { return a.tieBreak > b.tieBreak }
        if a.submittedAt != b.submittedAt { return a.submittedAt < b.submittedAt }
        return a.id < b.id
    }
}

extension ScoringPolicy {
    /// Whether `a` is ranked above `b` under this policy's ordering:
    /// weighted score descending; ties broken by (1) SME visitor first,
    /// (2) higher `tieBreakCriterion` mean, (3) earlier submission,
    /// (4) smaller id. Exposed so callers and tests can check an order
    /// without re-implementing it.
    public func ranksBefore(_ a: RankedCandidate, _ b: RankedCandidate) -> Bool {
        RankKey.precedes(key(a), key(b))
    }

    private func key(_ r: RankedCandidate) -> RankKey {
        RankKey(
            weighted: r.aggregate.weighted, isSME: r.isSME,
            tieBreak: r.aggregate[criterion: tieBreakCriterion],
            submittedAt: r.submittedAt, id: r.candidateID
        )
    }
}

/// Ranks the applications of one call.
///
/// Each candidate is aggregated (`aggregate(sheets:consensus:policy:)`);
/// those not `.ready` go to `unrankable` with their reason, the rest are
/// ordered by `ScoringPolicy.ranksBefore` and numbered from 1. Because the
/// order is total (ids are unique) and `unrankable` is sorted by id, the
/// result does not depend on the order of `candidates`.
public func rank(_ candidates: [Candidate], policy: ScoringPolicy) -> Ranking {
    // Sort plain keys with an index rather than whole candidates: the keys
    // hold no references, so the sort's swaps involve no reference counting.
    var keys: [(key: RankKey, index: Int)] = []
    keys.reserveCapacity(candidates.count)
    var aggregates: [Aggregate?] = Array(repeating: nil, count: candidates.count)
    var unrankable: [Unrankable] = []

    for (index, candidate) in candidates.enumerated() {
        switch aggregate(sheets: candidate.sheets, consensus: candidate.consensus, policy: policy) {
        case .ready(let aggregate):
            let key = RankKey(
                weighted: aggregate.weighted, isSME: candidate.isSME,
                tieBreak: aggregate[criterion: policy.tieBreakCriterion],
                submittedAt: candidate.submittedAt, id: candidate.id
            )
            keys.append((key, index))
            aggregates[index] = aggregate
        case .needsConsensus(let diverging):
            unrankable.append(Unrankable(candidateID: candidate.id, reason: .needsConsensus(diverging: diverging)))
        case .insufficientSheets(let have, let need):
            unrankable.append(Unrankable(candidateID: candidate.id, reason: .insufficientSheets(have: have, need: need)))
        }
    }

    keys.sort { RankKey.precedes($0.key, $1.key) }
    unrankable.sort { $0.candidateID < $1.candidateID }

    var ranked: [RankedCandidate] = []
    ranked.reserveCapacity(keys.count)
    for (position, entry) in keys.enumerated() {
        let candidate = candidates[entry.index]
        guard let aggregate = aggregates[entry.index] else { continue }
        let assessment = policy.assess(aggregate)
        ranked.append(
            RankedCandidate(
                rank: position + 1,
                candidateID: candidate.id,
                organisationID: candidate.organisationID,
                isSME: candidate.isSME,
                submittedAt: candidate.submittedAt,
                requestedCents: candidate.requestedCents,
                aggregate: aggregate,
                failedMinimums: assessment.failedMinimums,
                belowOverallMinimum: assessment.belowOverallMinimum
            ))
    }
    return Ranking(ranked: ranked, unrankable: unrankable)
}
