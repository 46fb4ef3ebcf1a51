@testable import Evaluation

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and fully determined by
/// its seed, so a failing generated case can be replayed from its number.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let policy = ScoringPolicy.clusterXchangeDefault

/// A sheet under the default policy, in points (relevance, quality, impact).
func sheet(_ evaluator: Int64, _ relevance: Double, _ quality: Double, _ impact: Double) -> ScoreSheet {
    ScoreSheet(
        evaluatorID: evaluator,
        scores: [
            "relevance": Score(points: relevance)!,
            "quality": Score(points: quality)!,
            "impact": Score(points: impact)!,
        ])
}

/// Two identical sheets: an application whose aggregate is exactly these points.
func agreed(_ relevance: Double, _ quality: Double, _ impact: Double) -> [ScoreSheet] {
    [sheet(1, relevance, quality, impact), sheet(2, relevance, quality, impact)]
}

func candidate(
    id: Int64,
    org: Int64? = nil,
    sme: Bool = false,
    at submittedAt: Int64 = 1_000,
    cents: Int64 = 100_000,
    sheets: [ScoreSheet] = agreed(4, 4, 4),
    consensus: ScoreSheet? = nil
) -> Candidate {
    Candidate(
        id: id, organisationID: org ?? id * 100, isSME: sme, submittedAt: submittedAt,
        requestedCents: cents, sheets: sheets, consensus: consensus
    )
}

func points(_ value: Double) -> Rational {
    Rational(halfPoints: Int(value * 2))
}

extension Array where Element == Proposal {
    func proposal(_ id: Int64) -> Proposal? { first { $0.candidateID == id } }
}
