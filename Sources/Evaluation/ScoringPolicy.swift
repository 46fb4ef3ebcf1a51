/// The scoring rules of one call: its criteria, the overall minimum, the
/// divergence limit that triggers consensus, how many evaluators are needed,
/// and which criterion breaks ties.
///
/// The policy is plain data so that it can be stored per call and audited;
/// `validate()` reports everything wrong with it at once. Functions in this
/// module assume a valid policy (`validate()` is empty); callers validate a
/// call's policy when it is saved, not on every ranking. With an invalid
/// policy the results are unspecified.
public struct ScoringPolicy: Hashable, Sendable, Codable {
    /// The criteria, in display order. Reasons that name "the first failing
    /// criterion" use this order.
    public var criteria: [Criterion]
    /// Minimum weighted score, in half points (6 = 3.0 points).
    public var overallMinimumHalfPoints: Int
    /// Two evaluators may differ by at most this many half points on a
    /// criterion (3 = 1.5 points; exactly the limit is fine).
    public var divergenceLimitHalfPoints: Int
    /// Number of distinct evaluators required before an application is rankable.
    public var minimumEvaluators: Int
    /// Criterion whose aggregate breaks ties after the SME preference.
    public var tieBreakCriterion: String

    public init(
        criteria: [Criterion],
        overallMinimumHalfPoints: Int,
        divergenceLimitHalfPoints: Int = 3,
        minimumEvaluators: Int = 2,
        tieBreakCriterion: String = "relevance"
    ) {
        self.criteria = criteria
        self.overallMinimumHalfPoints = overallMinimumHalfPoints
        self.divergenceLimitHalfPoints = divergenceLimitHalfPoints
        self.minimumEvaluators = minimumEvaluators
        self.tieBreakCriterion = tieBreakCriterion
    }

    /// The ClusterXchange product default: relevance 40 % (min 3.0),
    /// quality 30 % (min 3.0), impact 30 % (min 2.5); overall minimum 3.0;
    /// divergence limit 1.5; two evaluators; ties broken on relevance.
    public static let clusterXchangeDefault = ScoringPolicy(
        criteria: [
            Criterion(key: "relevance", weightBasisPoints: 4_000, minimumHalfPoints: 6),
            Criterion(key: "quality", weightBasisPoints: 3_000, minimumHalfPoints: 6),
            Criterion(key: "impact", weightBasisPoints: 3_000, minimumHalfPoints: 5),
        ],
        overallMinimumHalfPoints: 6
    )

    /// Weights are basis points and must add up to exactly this.
    public static let totalWeightBasisPoints = 10_000

    /// The overall minimum in points as an exact rational.
    public var overallMinimum: Rational { Rational(halfPoints: overallMinimumHalfPoints) }

    /// The criterion with `key`, if the policy has one.
    public func criterion(_ key: String) -> Criterion? {
        criteria.first { $0.key == key }
    }
}

/// One problem with a `ScoringPolicy`.
public struct PolicyIssue: Hashable, Sendable, Codable {
    /// What kind of problem, as a stable machine word.
    public enum Kind: String, Hashable, Sendable, Codable {
        case noCriteria = "no_criteria"
        case emptyKey = "empty_key"
        case duplicateKey = "duplicate_key"
        case negativeWeight = "negative_weight"
        case weightsDoNotSum = "weights_do_not_sum"
        case minimumOffScale = "minimum_off_scale"
        case overallMinimumOffScale = "overall_minimum_off_scale"
        case negativeDivergenceLimit = "negative_divergence_limit"
        case tooFewEvaluators = "too_few_evaluators"
        case unknownTieBreakCriterion = "unknown_tie_break_criterion"
    }

    public var kind: Kind
    /// The criterion concerned, or `nil` for policy-wide issues.
    public var criterion: String?
    /// Human-readable explanation, for logs and admin screens.
    public var message: String

    public init(kind: Kind, criterion: String?, message: String) {
        self.kind = kind
        self.criterion = criterion
        self.message = message
    }
}

extension ScoringPolicy {
    /// Every problem with this policy, in a stable order (criteria in policy
    /// order first, then policy-wide checks); empty when the policy is valid.
    ///
    /// Reported all at once so an administrator can fix a call in one go.
    public func validate() -> [PolicyIssue] {
        var issues: [PolicyIssue] = []
        if criteria.isEmpty {
            issues.append(PolicyIssue(kind: .noCriteria, criterion: nil, message: "a policy needs at least one criterion"))
        }
        var seen: Set<String> = []
        var weightSum = 0
        for criterion in criteria {
            let key = criterion.key
            if key.isEmpty {
                issues.append(PolicyIssue(kind: .emptyKey, criterion: key, message: "criterion key must not be empty"))
            }
            if !seen.insert(key).inserted {
                issues.append(PolicyIssue(kind: .duplicateKey, criterion: key, message: "criterion '\(key)' appears more than once"))
            }
            if criterion.weightBasisPoints < 0 {
                issues.append(
                    PolicyIssue(
                        kind: .negativeWeight, criterion: key,
                        message: "weight of '\(key)' is negative (\(criterion.weightBasisPoints) basis points)"))
            }
            if !Score.halfPointRange.contains(criterion.minimumHalfPoints) {
                issues.append(
                    PolicyIssue(
                        kind: .minimumOffScale, criterion: key,
                        message: "minimum of '\(key)' is \(criterion.minimumHalfPoints) half points, outside 0...10"))
            }
            // Clamp so absurd inputs cannot overflow the sum.
            weightSum += min(max(criterion.weightBasisPoints, -1_000_000), 1_000_000)
        }
        if !criteria.isEmpty, weightSum != ScoringPolicy.totalWeightBasisPoints {
            issues.append(
                PolicyIssue(
                    kind: .weightsDoNotSum, criterion: nil,
                    message: "weights sum to \(weightSum) basis points, expected \(ScoringPolicy.totalWeightBasisPoints)"))
        }
        if !Score.halfPointRange.contains(overallMinimumHalfPoints) {
            issues.append(
                PolicyIssue(
                    kind: .overallMinimumOffScale, criterion: nil,
                    message: "overall minimum is \(overallMinimumHalfPoints) half points, outside 0...10"))
        }
        if divergenceLimitHalfPoints < 0 {
            issues.append(PolicyIssue(kind: .negativeDivergenceLimit, criterion: nil, message: "divergence limit must not be negative"))
        }
        if minimumEvaluators < 1 {
            issues.append(PolicyIssue(kind: .tooFewEvaluators, criterion: nil, message: "at least one evaluator must be required"))
        }
        if !seen.contains(tieBreakCriterion) {
            issues.append(
                PolicyIssue(
                    kind: .unknownTieBreakCriterion, criterion: tieBreakCriterion,
                    message: "tie-break criterion '\(tieBreakCriterion)' is not a criterion of this policy"))
        }
        return issues
    }
}
