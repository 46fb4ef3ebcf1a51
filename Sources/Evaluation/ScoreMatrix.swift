/// The half points of the *complete* sheets of one application, laid out in
/// one flat array (`halfPoints[sheet * criteriaCount + criterion]`, criteria
/// in policy order).
///
/// Aggregation and divergence both need every score of every sheet; reading
/// each `[String: Score]` dictionary once into a flat array keeps string
/// hashing out of the inner loops, which is what makes ranking 10,000
/// applications cheap.
struct ScoreMatrix {
    let criteriaCount: Int
    let sheetCount: Int
    /// Number of distinct evaluator IDs among the complete sheets.
    let distinctEvaluators: Int
    let halfPoints: [Int]

    init(sheets: [ScoreSheet], policy: ScoringPolicy) {
        let k = policy.criteria.count
        var values: [Int] = []
        values.reserveCapacity(sheets.count * k)
        var evaluators: [Int64] = []
        evaluators.reserveCapacity(sheets.count)
        for sheet in sheets {
            let start = values.count
            var complete = true
            for criterion in policy.criteria {
                guard let score = sheet.scores[criterion.key] else {
                    complete = false
                    break
                }
                values.append(score.halfPoints)
            }
            if complete {
                evaluators.append(sheet.evaluatorID)
            } else {
                values.removeSubrange(start...)
            }
        }
        // Sheet counts are tiny (2-5), so a quadratic scan beats a Set.
        var distinct = 0
        for (i, id) in evaluators.enumerated() where !evaluators[..<i].contains(id) {
            distinct += 1
        }
        self.criteriaCount = k
        self.sheetCount = evaluators.count
        self.distinctEvaluators = distinct
        self.halfPoints = values
    }

    subscript(sheet: Int, criterion: Int) -> Int {
        halfPoints[sheet * criteriaCount + criterion]
    }

    /// Sum of half points on one criterion over all complete sheets.
    func sum(criterion: Int) -> Int {
        var total = 0
        for sheet in 0..<sheetCount { total += self[sheet, criterion] }
        return total
    }

    /// Largest minus smallest half points on one criterion (0 with < 2 sheets).
    func spread(criterion: Int) -> Int {
        guard sheetCount > 0 else { return 0 }
        var low = Int.max
        var high = Int.min
        for sheet in 0..<sheetCount {
            let value = self[sheet, criterion]
            low = min(low, value)
            high = max(high, value)
        }
        return high - low
    }
}
