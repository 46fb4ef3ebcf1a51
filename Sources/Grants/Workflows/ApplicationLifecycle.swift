import Postgres

/// The application lifecycle as a transaction step: the state machine (`ApplicationStatus`)
/// decides, this writes the new status, audits it and writes the notifications it raises
/// (`NotificationRules`, through the outbox). Every workflow that changes an application's
/// status comes here.
enum ApplicationLifecycle {
    /// Moves an application along the lifecycle graph and audits it; the one place that
    /// writes `status`. What a status brings with it (an approval's grant and report due date)
    /// rides along in the same statement: a second UPDATE of the row in one transaction would
    /// re-check its foreign keys (the row is then the transaction's own), taking KEY SHARE locks
    /// on the programme row that approvals booking at COMMIT would deadlock on (or wait for).
    /// `also`: the step's own columns (`col = value, ...`, values bound; none the move itself
    /// writes), in the same UPDATE.
    static func move(
        _ conn: PostgresConnection, _ app: ApplicationResource, _ event: ApplicationStatus.Event,
        reason: String?, audit: AuditContext, user: Principal, asHost: Bool = false, also: PostgresQuery? = nil
    ) async throws -> ApplicationResource {
        guard let next = app.status.apply(event) else { throw GrantsError.invalidTransition(from: app.status, action: event.rawValue) }
        // A first ineligible or rejected outcome opens the appeal window and names who decided
        // (four eyes on the appeal); an upheld appeal keeps the original outcome's.
        let recordsOutcome = event == .declareIneligible || event == .reject
        _ = try await conn.query(
            """
            UPDATE applications SET status = \(next.rawValue), status_reason = coalesce(\(reason), status_reason),
              submitted_at = CASE WHEN \(next.rawValue) = 'submitted' THEN now() ELSE submitted_at END,
              outcome_at = CASE WHEN \(recordsOutcome) THEN now() ELSE outcome_at END,
              outcome_by = CASE WHEN \(recordsOutcome) THEN \(user.userID) ELSE outcome_by END,
              report_due_on = CASE WHEN \(next.rawValue) = 'approved'
                THEN activity_end + (SELECT p.report_due_days FROM programmes p WHERE p.id = programme_id)
                ELSE report_due_on END,
              granted_cents = CASE WHEN \(next.rawValue) = 'approved' THEN lump_sum_cents ELSE granted_cents END,
              decided_at = CASE WHEN \(next.rawValue) = 'approved' THEN now() ELSE decided_at END,
              \(fragment: also.map { $0 + ", " } ?? "")version = version + 1, updated_at = now()
            WHERE id = \(app.id)
            """)
        let after = try await ApplicationResource.load(conn, id: app.id, for: user, asHost: asHost)
        try await AuditTrail.record(
            conn, audit, action: "application.\(event.rawValue)", entity: "application", id: app.id,
            before: ["status": app.status.rawValue], after: ["status": next.rawValue, "reason": reason ?? ""])
        try await Outbox.notify(
            conn, NotificationRules.notices(after: event, from: app.status), applicationID: app.id, statusAfter: next,
            reason: reason, dueOn: dueDate(after: event, after), actorID: user.userID)
        return after
    }

    /// The deadline a change's notifications name: the report's when it is due or returned, the
    /// payment's when the report is accepted.
    static func dueDate(after event: ApplicationStatus.Event, _ app: ApplicationResource) -> CalendarDate? {
        switch event {
        case .approve, .returnReport: app.reportDueOn
        case .acceptReport: app.paymentDueOn
        default: nil
        }
    }
}
