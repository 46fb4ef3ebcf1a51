/// Which minimums an aggregate misses. Passing requires every criterion mean
/// ≥ its minimum AND the weighted score ≥ the overall minimum; "≥" because a
/// score exactly at the published minimum must pass.
public struct Assessment: Hashable, Sendable, Codable {
    /// Keys of the criteria whose mean is below their minimum, in policy order.
    public var failedMinimums: [String]
    /// Whether the weighted score is below the overall minimum.
    public var belowOverallMinimum: Bool

    public init(failedMinimums: [String], belowOverallMinimum: Bool) {
        self.failedMinimums = failedMinimums
        self.belowOverallMinimum = belowOverallMinimum
    }

    public var passes: Bool { failedMinimums.isEmpty && !belowOverallMinimum }
}

extension ScoringPolicy {
    /// Checks `aggregate` against every minimum of this policy, exactly.
    public func assess(_ aggregate: Aggregate) -> Assessment {
        var failed: [String] = []
        for criterion in criteria where aggregate[criterion: criterion.key] < criterion.minimum {
            failed.append(criterion.key)
        }
        return Assessment(failedMinimums: failed, belowOverallMinimum: aggregate.weighted < overallMinimum)
    }
}
