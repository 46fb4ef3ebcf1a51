import Foundation
import HTTP
import Postgres

/// Reminders of deadlines (DESIGN.md §7): every `REMINDER_INTERVAL_SECONDS` each instance tries
/// to lead one round, under a transaction-scoped advisory lock, so one instance at a time does
/// it and another takes over at its next round when the leader dies (its transaction aborts and
/// the lock goes with it). A round finds, for each open deadline, the latest of the programme's
/// offsets that has been reached and, the first time, records it in `reminders_sent` (whose key
/// makes it exactly once per deadline and offset, however many instances run) and writes the
/// reminder through the outbox, so it reaches the app, e-mail and webhooks like any event.
/// An offset passed over while no instance ran (or before the deadline existed) is not sent once
/// a later one is reached: people get the current reminder, not a backlog. Reminders more than
/// 30 days after their offset are not sent at all.
final class ReminderScheduler: Sendable {
    /// `pg_try_advisory_xact_lock` key of the leader ("CXRM").
    static let lockKey: Int64 = 0x4358_524D

    let pool: PostgresPool
    let intervalSeconds: Int
    let logger: Logger
    private let loop = BackgroundLoop()

    init(pool: PostgresPool, intervalSeconds: Int, logger: Logger) {
        self.pool = pool
        self.intervalSeconds = intervalSeconds
        self.logger = logger
    }

    func start() {
        loop.start("reminders", idle: .seconds(intervalSeconds), logger: logger) { [self] in
            guard let today = CalendarDate.utcDay(of: Date()) else { return 0 }
            _ = try await round(today: today)
            return 0  // one round per interval, whatever it sent
        }
    }

    func stop() async { await loop.stop() }

    /// One round as of `today` (UTC). nil when another instance leads this round; else the
    /// number of reminders written.
    @discardableResult
    func round(today: CalendarDate) async throws -> Int? {
        try await pool.write { conn in
            let leads: Bool = try await conn.query("SELECT pg_try_advisory_xact_lock(\(Self.lockKey)) AS leads").single().decode("leads")
            guard leads else { return nil }
            let rows = try await conn.query(
                """
                WITH open AS (
                  SELECT 'report_due' AS deadline, a.id AS subject_id, a.id AS application_id, a.report_due_on AS due_on,
                         NULL::bigint AS evaluator_id, a.status, p.reminder_offsets
                  FROM applications a JOIN programmes p ON p.id = a.programme_id
                  WHERE a.status IN ('approved', 'agreement_signed') AND a.report_due_on IS NOT NULL
                  UNION ALL
                  SELECT 'payment_due', a.id, a.id, a.payment_due_on, NULL, a.status, p.reminder_offsets
                  FROM applications a JOIN programmes p ON p.id = a.programme_id
                  WHERE a.status = 'report_accepted' AND a.payment_due_on IS NOT NULL
                  UNION ALL
                  SELECT 'evaluation_due', s.id, s.application_id, s.due_on, s.evaluator_id, a.status, p.reminder_offsets
                  FROM assignments s JOIN applications a ON a.id = s.application_id JOIN programmes p ON p.id = a.programme_id
                  WHERE s.status IN ('pending_declaration', 'declared') AND s.due_on IS NOT NULL
                ), reached AS (
                  SELECT o.*, (SELECT max(x) FROM unnest(o.reminder_offsets) x WHERE o.due_on + x <= \(today)) AS offset_days
                  FROM open o
                ), fresh AS (
                  SELECT * FROM reached WHERE offset_days IS NOT NULL AND due_on + offset_days >= \(today) - 30
                ), sent AS (
                  INSERT INTO reminders_sent (deadline, subject_id, due_on, offset_days)
                  SELECT deadline, subject_id, due_on, offset_days FROM fresh
                  ON CONFLICT DO NOTHING
                  RETURNING deadline, subject_id, due_on, offset_days
                )
                SELECT f.deadline, f.application_id, f.evaluator_id, f.status, f.due_on
                FROM sent JOIN fresh f USING (deadline, subject_id, due_on, offset_days)
                ORDER BY f.deadline, f.subject_id
                """
            ).rows
            for r in rows {
                guard let status = ApplicationStatus(rawValue: try r.decode("status")) else { continue }
                let notice: Notice
                switch try r.decode("deadline", as: String.self) {
                case "report_due": notice = Notice(.reportDueReminder, .applicantOrganisation)
                case "payment_due": notice = Notice(.paymentDueReminder, .coordinators)
                default: notice = Notice(.evaluationDueReminder, .user(try r.decode("evaluator_id")))
                }
                try await Outbox.notify(
                    conn, [notice], applicationID: try r.decode("application_id"), statusAfter: status, reason: nil,
                    dueOn: try r.decode("due_on"), actorID: nil)
            }
            return rows.count
        }
    }
}
