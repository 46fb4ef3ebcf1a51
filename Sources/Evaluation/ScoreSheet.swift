/// The scores one evaluator (or, for a consensus sheet, the coordinator)
/// gave one application, keyed by criterion key.
public struct ScoreSheet: Hashable, Sendable, Codable {
    /// Who filled in the sheet. For a consensus sheet: the coordinator.
    public var evaluatorID: Int64
    public var scores: [String: Score]

    public init(evaluatorID: Int64, scores: [String: Score]) {
        self.evaluatorID = evaluatorID
        self.scores = scores
    }

    /// Whether the sheet has a score for every criterion of `policy`.
    ///
    /// Only complete sheets count towards aggregation: a half-filled sheet is
    /// a draft, not an evaluation. Extra keys are ignored here (they are
    /// reported by `validate(_:evaluatorID:against:)` at input time).
    public func isComplete(for policy: ScoringPolicy) -> Bool {
        policy.criteria.allSatisfy { scores[$0.key] != nil }
    }
}

/// One problem with a submitted score sheet, tied to a criterion so the
/// client can show it next to the right field.
public struct SheetIssue: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        /// The policy has this criterion but the sheet does not score it.
        case missing
        /// The sheet scores a criterion the policy does not have.
        case unknown
        /// Outside 0...5 (or not a finite number).
        case offScale = "off_scale"
        /// Within 0...5 but not a multiple of 0.5.
        case notHalfPoint = "not_half_point"
    }

    public var criterion: String
    public var kind: Kind
    /// Human-readable explanation.
    public var message: String

    public init(criterion: String, kind: Kind, message: String) {
        self.criterion = criterion
        self.kind = kind
        self.message = message
    }
}

/// The failure of `validate(_:evaluatorID:against:)`: all issues at once.
///
/// A wrapper exists because `Result` needs an `Error` and an array is not one.
public struct SheetValidationError: Error, Hashable, Sendable, Codable {
    /// Never empty. Policy criteria first (in policy order), then unknown
    /// keys (sorted), so the order is stable for tests and clients.
    public var issues: [SheetIssue]

    public init(issues: [SheetIssue]) {
        self.issues = issues
    }
}

/// Turns raw user input (criterion key → points) into a `ScoreSheet`,
/// reporting every problem at once rather than stopping at the first, so an
/// evaluator can fix the whole form in one round trip.
///
/// Per criterion at most one issue is reported: a value that is both off
/// scale and not a half point (`5.25`) is reported as `off_scale`.
public func validate(
    _ sheet: [String: Double],
    evaluatorID: Int64,
    against policy: ScoringPolicy
) -> Result<ScoreSheet, SheetValidationError> {
    var issues: [SheetIssue] = []
    var scores: [String: Score] = [:]
    scores.reserveCapacity(policy.criteria.count)
    var known: Set<String> = []

    for criterion in policy.criteria {
        let key = criterion.key
        known.insert(key)
        guard let value = sheet[key] else {
            issues.append(SheetIssue(criterion: key, kind: .missing, message: "no score for '\(key)'"))
            continue
        }
        guard value.isFinite, value >= 0, value <= 5 else {
            issues.append(SheetIssue(criterion: key, kind: .offScale, message: "score \(value) for '\(key)' is outside 0...5"))
            continue
        }
        guard let score = Score(points: value) else {
            issues.append(SheetIssue(criterion: key, kind: .notHalfPoint, message: "score \(value) for '\(key)' is not a multiple of 0.5"))
            continue
        }
        scores[key] = score
    }
    for key in sheet.keys.sorted() where !known.contains(key) {
        issues.append(SheetIssue(criterion: key, kind: .unknown, message: "'\(key)' is not a criterion of this call"))
    }

    if issues.isEmpty {
        return .success(ScoreSheet(evaluatorID: evaluatorID, scores: scores))
    }
    return .failure(SheetValidationError(issues: issues))
}
