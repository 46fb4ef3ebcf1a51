/// One thing evaluators score (e.g. `relevance`), with its share of the
/// weighted score and the minimum an application must reach on it.
///
/// Weights are integer basis points (1/10,000) and minimums integer half
/// points so that a policy is exact data: it can be stored, compared and
/// validated without any floating point.
public struct Criterion: Hashable, Sendable, Codable {
    /// Stable machine key, used in score sheets and in reasons
    /// such as `below_minimum:relevance`.
    public var key: String
    /// Share of the weighted score in basis points; all weights of a policy
    /// sum to 10,000 (= 100 %).
    public var weightBasisPoints: Int
    /// Minimum mean score on this criterion, in half points (6 = 3.0 points).
    public var minimumHalfPoints: Int

    public init(key: String, weightBasisPoints: Int, minimumHalfPoints: Int) {
        self.key = key
        self.weightBasisPoints = weightBasisPoints
        self.minimumHalfPoints = minimumHalfPoints
    }

    /// The minimum in points as an exact rational.
    public var minimum: Rational { Rational(halfPoints: minimumHalfPoints) }
}
