import Foundation
import Postgres

/// What an evaluator sees of an assignment: before its declaration only enough to judge
/// a conflict (the application id, the call and the visitor organisation's name).
struct AssignmentResource: Codable, Sendable {
    var id: Int64
    var applicationId: Int64
    var callId: Int64
    var evaluatorId: Int64
    var visitorOrganisationName: String
    var status: String
    var conflictOfInterest: Bool?
    var conflictDetails: String?
    var declaredAt: Date?
    var createdAt: Date
    /// When the score sheet is due: the assignment's date (UTC) + the call's `evaluation_days`.
    var dueOn: CalendarDate?
    static let columns = """
        s.id, s.application_id, a.call_id, s.evaluator_id, o.legal_name AS visitor_name, s.status,
        s.conflict_of_interest, s.conflict_details, s.declared_at, s.created_at, s.due_on
        """
    static let from = "assignments s JOIN applications a ON a.id = s.application_id JOIN organisations o ON o.id = a.organisation_id"
    init(row: PostgresRow) throws {
        id = try row.decode("id")
        applicationId = try row.decode("application_id")
        callId = try row.decode("call_id")
        evaluatorId = try row.decode("evaluator_id")
        visitorOrganisationName = try row.decode("visitor_name")
        status = try row.decode("status")
        conflictOfInterest = try row.decode("conflict_of_interest")
        conflictDetails = try row.decode("conflict_details")
        declaredAt = try row.decode("declared_at")
        createdAt = try row.decode("created_at")
        dueOn = try row.decode("due_on")
    }
}
