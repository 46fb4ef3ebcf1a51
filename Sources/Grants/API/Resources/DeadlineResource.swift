import Foundation
import Postgres

/// Something due for the caller (`GET /v1/deadlines`): a closing report, a score sheet, a
/// payment, or the last day to appeal.
struct DeadlineResource: Codable, Sendable {
    enum Kind: String, Codable, Sendable, CaseIterable {
        /// The closing report (the applicant's; coordinators see every one).
        case reportDue = "report_due"
        /// An evaluator's score sheet.
        case evaluationDue = "evaluation_due"
        /// The payment after an accepted report (coordinators and auditors).
        case paymentDue = "payment_due"
        /// The last day an ineligible or rejected outcome can be appealed (the applicant's).
        case appealWindowCloses = "appeal_window_closes"
    }

    var kind: Kind
    var dueOn: CalendarDate
    /// Due before today (UTC).
    var overdue: Bool
    var applicationId: Int64
    /// The evaluator assignment, for `evaluation_due`.
    var assignmentId: Int64?
    var visitorOrganisationName: String
    /// What is due, in a sentence.
    var title: String
}

extension DeadlineResource.Kind: SchemaEnum {}

extension DeadlineResource {
    /// At most this many are answered, soonest first (`truncated` says when more are due).
    static let limit = 500

    /// Everything due for `user` up to `until` (inclusive), soonest first. Applicants: their
    /// organisation's reports and appeal windows; evaluators: their open assignments; staff: every
    /// report, score sheet and payment due.
    static func list(_ conn: PostgresConnection, for user: Principal, until: CalendarDate?, today: CalendarDate) async throws
        -> (items: [DeadlineResource], truncated: Bool)
    {
        let staff = user.role == .coordinator || user.role == .auditor
        let org = user.role == .applicant ? user.organisationID : nil
        let evaluator: Int64? = user.role == .evaluator ? user.userID : nil
        let rows = try await conn.query(
            """
            SELECT d.kind, d.due_on, d.application_id, d.assignment_id, d.visitor_name, d.outcome_at, d.appeal_days FROM (
              SELECT 'report_due' AS kind, a.report_due_on AS due_on, a.id AS application_id, NULL::bigint AS assignment_id,
                     vo.legal_name AS visitor_name, NULL::timestamptz AS outcome_at, NULL::integer AS appeal_days
              FROM applications a JOIN organisations vo ON vo.id = a.organisation_id
              WHERE a.status IN ('approved', 'agreement_signed') AND a.report_due_on IS NOT NULL
                AND (\(staff) OR a.organisation_id = \(org))
              UNION ALL
              SELECT 'payment_due', a.payment_due_on, a.id, NULL, vo.legal_name, NULL, NULL
              FROM applications a JOIN organisations vo ON vo.id = a.organisation_id
              WHERE \(staff) AND a.status = 'report_accepted' AND a.payment_due_on IS NOT NULL
              UNION ALL
              SELECT 'evaluation_due', s.due_on, s.application_id, s.id, vo.legal_name, NULL, NULL
              FROM assignments s JOIN applications a ON a.id = s.application_id JOIN organisations vo ON vo.id = a.organisation_id
              WHERE s.status IN ('pending_declaration', 'declared') AND s.due_on IS NOT NULL
                AND (\(staff) OR s.evaluator_id = \(evaluator))
              UNION ALL
              -- Open outcomes not yet appealed; the window's end is computed by AppealRules below.
              SELECT 'appeal_window_closes', NULL, a.id, NULL, vo.legal_name, a.outcome_at, p.appeal_days
              FROM applications a JOIN organisations vo ON vo.id = a.organisation_id JOIN programmes p ON p.id = a.programme_id
              WHERE a.status IN ('ineligible', 'rejected') AND a.outcome_at IS NOT NULL AND a.organisation_id = \(org)
                AND NOT EXISTS (SELECT 1 FROM appeals x WHERE x.application_id = a.id AND x.outcome_at = a.outcome_at)
            ) d
            """
        ).rows
        var items: [DeadlineResource] = []
        for r in rows {
            guard let kind = Kind(rawValue: try r.decode("kind")) else { continue }
            let due: CalendarDate
            if kind == .appealWindowCloses {
                let outcome: Date = try r.decode("outcome_at")
                let end = AppealRules.deadline(outcomeAt: outcome, appealDays: try r.decode("appeal_days"))
                guard end >= Date(), let day = CalendarDate.utcDay(of: end) else { continue }
                due = day
            } else {
                due = try r.decode("due_on")
            }
            if let until, until < due { continue }
            let applicationID: Int64 = try r.decode("application_id")
            let visitor: String = try r.decode("visitor_name")
            items.append(
                DeadlineResource(
                    kind: kind, dueOn: due, overdue: due < today, applicationId: applicationID,
                    assignmentId: try r.decode("assignment_id"), visitorOrganisationName: visitor,
                    title: title(kind, applicationID: applicationID, visitor: NotificationText.oneLine(visitor))))
        }
        items.sort {
            ($0.dueOn, $0.kind.rawValue, $0.applicationId, $0.assignmentId ?? 0) < (
                $1.dueOn, $1.kind.rawValue, $1.applicationId, $1.assignmentId ?? 0
            )
        }
        return (Array(items.prefix(limit)), items.count > limit)
    }

    static func title(_ kind: Kind, applicationID: Int64, visitor: String) -> String {
        switch kind {
        case .reportDue: "Closing report of application \(applicationID) (\(visitor))"
        case .evaluationDue: "Score sheet for application \(applicationID) (\(visitor))"
        case .paymentDue: "Payment of application \(applicationID) (\(visitor))"
        case .appealWindowCloses: "Last day to appeal the outcome of application \(applicationID) (\(visitor))"
        }
    }
}
