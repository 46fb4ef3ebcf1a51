/// Where an aggregate's numbers come from.
public enum AggregateSource: String, Hashable, Sendable, Codable {
    /// The mean of the evaluators' complete sheets.
    case evaluators
    /// A coordinator's consensus sheet, which replaces the mean entirely.
    case consensus
}

/// The scores an application is ranked and judged on, in points, exactly.
public struct Aggregate: Hashable, Sendable, Codable {
    /// Mean score per criterion key, in points (e.g. `7/2` = 3.5).
    public var perCriterion: [String: Rational]
    /// Σ weight × mean, in points (e.g. `77/20` = 3.85).
    public var weighted: Rational
    public var source: AggregateSource
    /// Number of complete evaluator sheets the evaluators' mean was taken
    /// over (also recorded for consensus aggregates, for the audit trail).
    public var sheetCount: Int

    public init(perCriterion: [String: Rational], weighted: Rational, source: AggregateSource, sheetCount: Int) {
        self.perCriterion = perCriterion
        self.weighted = weighted
        self.source = source
        self.sheetCount = sheetCount
    }

    /// The criterion mean in points, or zero when the policy has no such key.
    public subscript(criterion key: String) -> Rational {
        perCriterion[key] ?? .zero
    }
}

/// The result of aggregating one application's sheets.
public enum AggregateOutcome: Hashable, Sendable, Codable {
    /// Rankable, with these scores.
    case ready(Aggregate)
    /// Evaluators diverge on these criteria (sorted keys); a coordinator must
    /// record a consensus sheet before the application can be ranked.
    case needsConsensus(diverging: [String])
    /// Fewer distinct evaluators than the policy requires.
    case insufficientSheets(have: Int, need: Int)

    /// The aggregate when `.ready`, else `nil`.
    public var aggregate: Aggregate? {
        if case .ready(let aggregate) = self { return aggregate }
        return nil
    }
}

/// Aggregates one application's score sheets under `policy`.
///
/// Rules, in order:
/// 1. Only *complete* sheets (a score for every criterion) count. Fewer
///    distinct evaluators than `policy.minimumEvaluators` →
///    `.insufficientSheets`. This comes first, even when a consensus sheet
///    exists, because a consensus reconciles independent evaluations and
///    cannot stand in for missing ones. (Two sheets from the same evaluator
///    count as one evaluator, though both enter the mean.)
/// 2. A complete consensus sheet replaces the evaluators' mean — and thereby
///    settles any divergence — and yields `.ready` with source `.consensus`.
///    An incomplete consensus sheet is treated as not yet recorded.
/// 3. Any divergence beyond the limit → `.needsConsensus`.
/// 4. Otherwise the per-criterion mean and its weighted sum → `.ready`.
///
/// Means and the weighted score are exact rationals: the weighted score is
/// `Σ wᵢ·sumᵢ / (2 · n · 10,000)` with weights in basis points and sums in
/// half points, so nothing is rounded before it is compared.
public func aggregate(sheets: [ScoreSheet], consensus: ScoreSheet?, policy: ScoringPolicy) -> AggregateOutcome {
    aggregate(ScoreMatrix(sheets: sheets, policy: policy), consensus: consensus, policy: policy)
}

func aggregate(_ matrix: ScoreMatrix, consensus: ScoreSheet?, policy: ScoringPolicy) -> AggregateOutcome {
    guard matrix.distinctEvaluators >= policy.minimumEvaluators else {
        return .insufficientSheets(have: matrix.distinctEvaluators, need: policy.minimumEvaluators)
    }
    if let consensus, consensus.isComplete(for: policy) {
        let single = ScoreMatrix(sheets: [consensus], policy: policy)
        return .ready(meanAggregate(single, policy: policy, source: .consensus, sheetCount: matrix.sheetCount))
    }
    let diverging = divergence(matrix, policy: policy)
    guard diverging.isEmpty else { return .needsConsensus(diverging: diverging) }
    return .ready(meanAggregate(matrix, policy: policy, source: .evaluators, sheetCount: matrix.sheetCount))
}

/// Mean per criterion and weighted mean of all sheets in `matrix` (≥ 1 sheet).
private func meanAggregate(_ matrix: ScoreMatrix, policy: ScoringPolicy, source: AggregateSource, sheetCount: Int) -> Aggregate {
    let n = Int64(matrix.sheetCount)
    var perCriterion: [String: Rational] = [:]
    perCriterion.reserveCapacity(policy.criteria.count)
    var weightedHalfPointSum: Int64 = 0
    for (index, criterion) in policy.criteria.enumerated() {
        let sum = Int64(matrix.sum(criterion: index))
        perCriterion[criterion.key] = Rational(sum, 2 * n)
        weightedHalfPointSum += Int64(criterion.weightBasisPoints) * sum
    }
    let weighted = Rational(weightedHalfPointSum, 2 * n * Int64(ScoringPolicy.totalWeightBasisPoints))
    return Aggregate(perCriterion: perCriterion, weighted: weighted, source: source, sheetCount: sheetCount)
}
