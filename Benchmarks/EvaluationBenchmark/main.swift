// Benchmark, not a test: rank + select for one large call.
//
// Generates 10,000 candidates with 3 sheets each from a fixed seed (so runs
// are comparable), runs rank + select 20 times and prints min / median / max
// wall-clock milliseconds as a Markdown table row. Run in release:
//
//     swift run -c release EvaluationBenchmark
//
// Uses only the standard library (ContinuousClock), like the module itself.
import Evaluation

/// SplitMix64: the same fixed-seed generator the property tests use.
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

let candidateCount = 10_000
let runs = 20
let policy = ScoringPolicy.clusterXchangeDefault
let keys = policy.criteria.map(\.key)

var rng = SplitMix64(seed: 20_240_601)
let candidates: [Candidate] = (0..<candidateCount).map { index in
    // Each criterion centres on a random level; evaluators stay within
    // ±1.0 point most of the time, so a few percent need consensus.
    let centres = keys.map { _ in Int.random(in: 3...9, using: &rng) }
    let sheets = (0..<3).map { evaluator in
        var scores: [String: Score] = [:]
        for (key, centre) in zip(keys, centres) {
            let jitter = Int.random(in: 0..<100, using: &rng) == 0 ? 4 : Int.random(in: -1...1, using: &rng)
            scores[key] = Score(halfPoints: min(max(centre + jitter, 0), 10))!
        }
        return ScoreSheet(evaluatorID: Int64(evaluator + 1), scores: scores)
    }
    return Candidate(
        id: Int64(index + 1),
        organisationID: Int64.random(in: 1...6_000, using: &rng),
        isSME: Bool.random(using: &rng),
        submittedAt: 1_700_000_000_000_000 + Int64.random(in: 0..<1_000_000_000, using: &rng),
        requestedCents: Int64.random(in: 5...60, using: &rng) * 100_000,
        sheets: sheets
    )
}
let context = SelectionContext(
    availableCents: 2_000_000_000,
    fundedOrganisations: Set((1...200).map { _ in Int64.random(in: 1...6_000, using: &rng) }),
    committedCentsByOrganisation: Dictionary(
        (1...500).map { _ in (Int64.random(in: 1...6_000, using: &rng), Int64(3_000_000)) }, uniquingKeysWith: { a, _ in a })
)

func milliseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
}

/// Two decimals without Foundation's String(format:).
func format(_ ms: Double) -> String {
    let hundredths = Int(ms * 100 + 0.5)  // not rounded(): that would need libm
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

let clock = ContinuousClock()
var timings: [Double] = []
var checksum = 0
for _ in 0..<runs {
    let start = clock.now
    let ranking = rank(candidates, policy: policy)
    let proposals = select(ranking, context: context)
    timings.append(milliseconds(clock.now - start))
    checksum &+= proposals.count &+ ranking.unrankable.count
}
timings.sort()
let median = (timings[runs / 2 - 1] + timings[runs / 2]) / 2

let last = select(rank(candidates, policy: policy), context: context)
let approved = last.filter { $0.decision == .approved }.count
let reserve = last.filter { $0.decision == .reserve }.count
let rejected = last.filter { $0.decision == .rejected }.count
print(
    "| rank+select 10,000 candidates x 3 sheets | min \(format(timings[0])) ms | median \(format(median)) ms | max \(format(timings[runs - 1])) ms |"
)
print(
    "<!-- \(last.count) ranked (\(approved) approved, \(reserve) reserve, \(rejected) rejected), \(candidateCount - last.count) unrankable; checksum \(checksum) -->"
)
