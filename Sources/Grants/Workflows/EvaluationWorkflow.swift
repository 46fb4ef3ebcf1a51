import Postgres

/// Evaluator assignments as a transaction: the application locked, the evaluator checked (an
/// active evaluator, not of the applicant's organisation), the assignment written with its due
/// date from the call's `evaluation_days`, the first one starting the evaluation, audited, and
/// the evaluator told (`evaluation_assigned`).
enum EvaluationWorkflow {
    static func assign(
        _ conn: PostgresConnection, applicationID: Int64, evaluatorID: Int64, user: Principal, audit: AuditContext
    ) async throws -> AssignmentResource {
        var app = try await ApplicationResource.load(conn, id: applicationID, for: user, lock: true)
        guard app.status == .eligible || app.status == .inEvaluation else {
            throw GrantsError.invalidTransition(from: app.status, action: "assign_evaluator", needs: .eligible)
        }
        guard
            let evaluator = try await conn.query(
                """
                SELECT role, organisation_id, active FROM users WHERE id = \(evaluatorID)
                """
            ).rows.first, try evaluator.decode("role", as: String.self) == "evaluator", try evaluator.decode("active", as: Bool.self)
        else {
            throw GrantsError.invalid("evaluator_id", "is not an active evaluator", rule: "not_evaluator")
        }
        if try evaluator.decode("organisation_id", as: Int64?.self) == app.organisationId {
            throw GrantsError.invalid(
                "evaluator_id", "the evaluator belongs to the applicant's organisation", rule: "conflict_of_interest")
        }
        let row = try await conn.query(
            """
            INSERT INTO assignments (application_id, evaluator_id, assigned_by, due_on)
            SELECT \(applicationID), \(evaluatorID), \(user.userID), (now() AT TIME ZONE 'UTC')::date + c.evaluation_days
            FROM calls c WHERE c.id = \(app.callId)
            ON CONFLICT DO NOTHING RETURNING id
            """
        ).rows.first
        guard let row else { throw GrantsError.conflict(code: .alreadyAssigned, detail: "this evaluator is already assigned") }
        let assignmentID: Int64 = try row.decode("id")
        if app.status == .eligible {
            app = try await ApplicationLifecycle.move(conn, app, .startEvaluation, reason: nil, audit: audit, user: user)
        }
        let a = try AssignmentResource(
            row: try await conn.query(
                "SELECT \(unescaped: AssignmentResource.columns) FROM \(unescaped: AssignmentResource.from) WHERE s.id = \(assignmentID)"
            ).single())
        try await AuditTrail.record(conn, audit, action: "assignment.created", entity: "assignment", id: assignmentID, after: a)
        try await Outbox.notify(
            conn, [Notice(.evaluationAssigned, .user(evaluatorID))], applicationID: applicationID, statusAfter: app.status, reason: nil,
            dueOn: a.dueOn, actorID: user.userID)
        return a
    }
}
