/// The criteria on which evaluators disagree too much for a plain mean to be
/// trusted: those where the highest and lowest score differ by *more than*
/// `policy.divergenceLimitHalfPoints` (exactly the limit is fine).
///
/// Comparing the extremes is the same as "any two evaluators differ by more
/// than the limit", without looking at every pair. Only complete sheets
/// count, as in `aggregate(sheets:consensus:policy:)`.
///
/// - Returns: criterion keys, sorted, so the result is stable for storage
///   and display regardless of policy or sheet order.
public func divergence(sheets: [ScoreSheet], policy: ScoringPolicy) -> [String] {
    divergence(ScoreMatrix(sheets: sheets, policy: policy), policy: policy)
}

func divergence(_ matrix: ScoreMatrix, policy: ScoringPolicy) -> [String] {
    var keys: [String] = []
    for (index, criterion) in policy.criteria.enumerated()
    where matrix.spread(criterion: index) > policy.divergenceLimitHalfPoints {
        keys.append(criterion.key)
    }
    return keys.count > 1 ? keys.sorted() : keys
}
