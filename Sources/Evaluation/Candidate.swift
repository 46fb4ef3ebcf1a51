/// One application as far as evaluation is concerned: who applies, when,
/// for how much, and the sheets it was scored with.
public struct Candidate: Hashable, Sendable, Codable {
    /// Application id. Must be unique within one ranking: it is the last
    /// tie-breaker, so uniqueness is what makes the ranking a total order.
    public var id: Int64
    /// The visiting organisation (the one the per-organisation limits apply to).
    public var organisationID: Int64
    /// Whether the visitor is an SME; SMEs win ties (programme priority).
    public var isSME: Bool
    /// Submission time in microseconds since the Unix epoch; earlier wins ties.
    /// An integer rather than a `Date` so the module needs no Foundation.
    public var submittedAt: Int64
    /// Requested support in euro cents (≥ 0).
    public var requestedCents: Int64
    /// The evaluators' sheets.
    public var sheets: [ScoreSheet]
    /// The coordinator's consensus sheet, once recorded.
    public var consensus: ScoreSheet?

    public init(
        id: Int64,
        organisationID: Int64,
        isSME: Bool,
        submittedAt: Int64,
        requestedCents: Int64,
        sheets: [ScoreSheet],
        consensus: ScoreSheet? = nil
    ) {
        self.id = id
        self.organisationID = organisationID
        self.isSME = isSME
        self.submittedAt = submittedAt
        self.requestedCents = requestedCents
        self.sheets = sheets
        self.consensus = consensus
    }
}
