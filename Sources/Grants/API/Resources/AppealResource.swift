import Foundation
import Postgres

/// An appeal against an ineligible or rejected outcome, and its decision.
struct AppealResource: Codable, Sendable {
    var id: Int64
    var applicationId: Int64
    var appealedStatus: ApplicationStatus
    /// The coordinator who decided the outcome appealed: another one decides the appeal.
    var outcomeBy: Int64?
    var grounds: String
    var filedBy: Int64
    var filedAt: Date
    /// `upheld` (the outcome stands) or `granted` (back to eligibility checking or ranking); null while open.
    var decision: String?
    var decisionReason: String?
    var decidedBy: Int64?
    var decidedAt: Date?

    static let columns = """
        p.id, p.application_id, p.appealed_status, p.outcome_by, p.grounds, p.filed_by, p.filed_at, p.decision, p.decision_reason, p.decided_by, p.decided_at
        """

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        applicationId = try row.decode("application_id")
        guard let s = ApplicationStatus(rawValue: try row.decode("appealed_status")) else {
            throw GrantsError.unavailable("unknown status in storage")
        }
        appealedStatus = s
        outcomeBy = try row.decode("outcome_by")
        grounds = try row.decode("grounds")
        filedBy = try row.decode("filed_by")
        filedAt = try row.decode("filed_at")
        decision = try row.decode("decision")
        decisionReason = try row.decode("decision_reason")
        decidedBy = try row.decode("decided_by")
        decidedAt = try row.decode("decided_at")
    }

    static func load(_ conn: PostgresConnection, id: Int64, lock: Bool = false) async throws -> AppealResource {
        try AppealResource(
            row: try await conn.query(
                "SELECT \(unescaped: columns) FROM appeals p WHERE p.id = \(id) \(unescaped: lock ? "FOR UPDATE" : "")"
            ).single())
    }
}
