import Foundation
import Postgres

/// Redress (DESIGN.md §2, §4): the owner appeals an ineligible or rejected outcome within the
/// programme's `appeal_days`; a coordinator other than the one who decided upholds it (the
/// outcome stands) or grants it (back to eligibility checking, or to the ranking).
enum AppealWorkflow {
    static func file(
        _ conn: PostgresConnection, applicationID: Int64, grounds: String, user: Principal, audit: AuditContext
    ) async throws -> AppealResource {
        let app = try await ApplicationResource.load(conn, id: applicationID, for: user, lock: true)
        guard app.status.apply(.appeal) != nil else { throw GrantsError.invalidTransition(from: app.status, action: "appeal") }
        let facts = try await conn.query(
            """
            SELECT a.outcome_at, a.outcome_by, now() AS now, p.appeal_days
            FROM applications a JOIN programmes p ON p.id = a.programme_id WHERE a.id = \(applicationID)
            """
        ).single()
        let now: Date = try facts.decode("now")
        let outcomeAt: Date = try facts.decode("outcome_at", as: Date?.self) ?? app.updatedAt
        let days: Int = try facts.decode("appeal_days")
        guard AppealRules.windowOpen(outcomeAt: outcomeAt, appealDays: days, now: now) else {
            throw GrantsError.conflict(
                code: .appealWindowClosed,
                detail: "an appeal was possible until \(AppealRules.deadline(outcomeAt: outcomeAt, appealDays: days).ISO8601Format()) "
                    + "(\(days) days after the outcome); the outcome is final")
        }
        let existing = try await conn.query(
            "SELECT 1 FROM appeals WHERE application_id = \(applicationID) AND outcome_at = \(outcomeAt)"
        ).rows
        if !existing.isEmpty {
            throw GrantsError.conflict(code: .appealWindowClosed, detail: "this outcome was already appealed and the appeal decided")
        }
        let id: Int64 = try await conn.query(
            """
            INSERT INTO appeals (application_id, appealed_status, outcome_at, outcome_by, grounds, filed_by)
            VALUES (\(applicationID), \(app.status.rawValue), \(outcomeAt), \(try facts.decode("outcome_by", as: Int64?.self)),
              \(grounds), \(user.userID))
            RETURNING id
            """
        ).single().decode("id")
        _ = try await ApplicationLifecycle.move(conn, app, .appeal, reason: grounds, audit: audit, user: user)
        let appeal = try await AppealResource.load(conn, id: id)
        try await AuditTrail.record(conn, audit, action: "appeal.filed", entity: "appeal", id: id, after: appeal)
        return appeal
    }

    static func decide(
        _ conn: PostgresConnection, appealID: Int64, granted: Bool, reason: String, user: Principal, audit: AuditContext
    ) async throws -> AppealResource {
        let before = try await AppealResource.load(conn, id: appealID, lock: true)
        guard before.decision == nil else {
            throw GrantsError.conflict(code: .changeAlreadyDecided, detail: "this appeal was already \(before.decision ?? "decided")")
        }
        if before.outcomeBy == user.userID { throw GrantsError.appealFourEyes }
        let app = try await ApplicationResource.load(conn, id: before.applicationId, for: user, lock: true)
        guard let event = AppealRules.event(granted: granted, appealed: before.appealedStatus) else {
            throw GrantsError.internalInvariant("an appeal against \(before.appealedStatus.rawValue)")
        }
        _ = try await ApplicationLifecycle.move(conn, app, event, reason: reason, audit: audit, user: user)
        _ = try await conn.query(
            """
            UPDATE appeals SET decision = \(granted ? "granted" : "upheld"), decision_reason = \(reason), decided_by = \(user.userID),
              decided_at = now()
            WHERE id = \(appealID)
            """)
        let after = try await AppealResource.load(conn, id: appealID)
        try await AuditTrail.record(conn, audit, action: "appeal.decided", entity: "appeal", id: appealID, before: before, after: after)
        return after
    }
}
