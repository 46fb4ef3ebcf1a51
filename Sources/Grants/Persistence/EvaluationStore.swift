import Evaluation
import Foundation
import Postgres

/// Reads what the Evaluation module needs (policy, sheets, consensus) from the database.
enum EvaluationStore {
    struct StoredSheet: Sendable {
        var assignmentID: Int64
        var evaluatorID: Int64
        var halfPoints: [String: Int]
        var comments: [String: String]
        var comment: String?
        var submittedAt: Date
        var sheet: ScoreSheet {
            ScoreSheet(evaluatorID: evaluatorID, scores: halfPoints.compactMapValues { Score(halfPoints: $0) })
        }
    }
    struct StoredConsensus: Sendable {
        var halfPoints: [String: Int]
        var justification: String
        var recordedBy: Int64
        var recordedAt: Date
        var sheet: ScoreSheet { ScoreSheet(evaluatorID: 0, scores: halfPoints.compactMapValues { Score(halfPoints: $0) }) }
    }

    static func sheets(_ conn: PostgresConnection, applicationIDs: [Int64]) async throws -> [Int64: [StoredSheet]] {
        let rows = try await conn.query(
            """
            SELECT s.application_id, s.assignment_id, s.evaluator_id, s.scores::text AS scores, s.comments::text AS comments,
                   s.comment, s.submitted_at
            FROM score_sheets s JOIN assignments a ON a.id = s.assignment_id
            WHERE s.application_id = ANY(\(applicationIDs)) AND a.status <> 'void'
            ORDER BY s.application_id, s.assignment_id
            """
        ).rows
        var out: [Int64: [StoredSheet]] = [:]
        for r in rows {
            let sheet = StoredSheet(
                assignmentID: try r.decode("assignment_id"), evaluatorID: try r.decode("evaluator_id"),
                halfPoints: try JSONDecoder().decode([String: Int].self, from: Data(try r.decode("scores", as: String.self).utf8)),
                comments: try JSONDecoder().decode([String: String].self, from: Data(try r.decode("comments", as: String.self).utf8)),
                comment: try r.decode("comment"), submittedAt: try r.decode("submitted_at"))
            out[try r.decode("application_id"), default: []].append(sheet)
        }
        return out
    }

    static func consensus(_ conn: PostgresConnection, applicationIDs: [Int64]) async throws -> [Int64: StoredConsensus] {
        let rows = try await conn.query(
            """
            SELECT application_id, scores::text AS scores, justification, recorded_by, recorded_at
            FROM consensus_sheets WHERE application_id = ANY(\(applicationIDs))
            """
        ).rows
        var out: [Int64: StoredConsensus] = [:]
        for r in rows {
            out[try r.decode("application_id")] = StoredConsensus(
                halfPoints: try JSONDecoder().decode([String: Int].self, from: Data(try r.decode("scores", as: String.self).utf8)),
                justification: try r.decode("justification"), recordedBy: try r.decode("recorded_by"),
                recordedAt: try r.decode("recorded_at"))
        }
        return out
    }
}

extension CallResource {
    /// The call's scoring policy for the Evaluation module.
    var policy: ScoringPolicy {
        ScoringPolicy(
            criteria: stored.map {
                Criterion(key: $0.key, weightBasisPoints: $0.weightBasisPoints, minimumHalfPoints: $0.minimumHalfPoints)
            },
            overallMinimumHalfPoints: overallMinimumHalfPoints, divergenceLimitHalfPoints: divergenceLimitHalfPoints,
            minimumEvaluators: minimumEvaluators)
    }
}
