import Foundation
import HTTP
import Mail
import Postgres

/// Sends the outbox's e-mails (DESIGN.md §7). Every `serve` instance runs one: it claims due
/// rows with `FOR UPDATE SKIP LOCKED` and a lease (committed at once, so no row lock is held
/// while talking to the relay), sends them in one SMTP session, and records each outcome: sent;
/// 4xx or a lost connection, retried with backoff until `EMAIL_RETRY_HOURS` after the event; 5xx,
/// dead-lettered. Several instances never claim one row together; an instance that dies
/// mid-send leaves its rows leased, and they are sent again when the lease ends: at-least-once,
/// with the notification's Message-ID as the receiver's idempotency key.
final class EmailDelivery: Sendable {
    struct Settings: Sendable {
        var from: MailAddress
        var linkBase: String
        var batch: Int
        var leaseSeconds: Int
        var retryBaseSeconds: Double
        var retryHours: Int
        var pollMilliseconds: Int

        init(_ c: GrantsConfiguration) {
            from = c.smtpFrom
            linkBase = c.linkBase
            batch = c.emailBatch
            leaseSeconds = c.emailLeaseSeconds
            retryBaseSeconds = c.emailRetryBaseSeconds
            retryHours = c.emailRetryHours
            pollMilliseconds = c.emailPollMilliseconds
        }
    }

    let pool: PostgresPool
    let client: SMTPClient
    let settings: Settings
    let logger: Logger
    private let loop = BackgroundLoop()

    init(pool: PostgresPool, client: SMTPClient, settings: Settings, logger: Logger) {
        self.pool = pool
        self.client = client
        self.settings = settings
        self.logger = logger
    }

    func start() {
        loop.start("e-mail delivery", idle: .milliseconds(settings.pollMilliseconds), logger: logger) { [self] in try await deliverDue() }
    }

    /// Finishes the batch in hand (its outcomes are recorded), then returns.
    func stop() async {
        await loop.stop()
    }

    @discardableResult
    func deliverDue() async throws -> Int {
        _ = try await pool.query(
            """
            UPDATE notifications SET email_status = CASE WHEN email_attempts = 0 THEN 'expired' ELSE 'failed' END,
              email_lease_until = NULL,
              email_last_error = coalesce(email_last_error, 'not sent within \(unescaped: String(settings.retryHours)) h')
            WHERE email_status = 'pending' AND created_at < now() - \(Int64(settings.retryHours)) * interval '1 hour'
              AND (email_lease_until IS NULL OR email_lease_until < now())
            """)
        let rows = try await pool.query(
            """
            WITH due AS (
              SELECT id FROM notifications
              WHERE email_status = 'pending' AND email_next_at <= now() AND (email_lease_until IS NULL OR email_lease_until < now())
              ORDER BY email_next_at, id LIMIT \(settings.batch) FOR UPDATE SKIP LOCKED
            ), claimed AS (
              UPDATE notifications n SET email_lease_until = now() + \(Int64(settings.leaseSeconds)) * interval '1 second',
                email_attempts = n.email_attempts + 1
              FROM due WHERE n.id = due.id
              RETURNING n.*
            )
            SELECT \(unescaped: NotificationResource.columns), n.email_attempts, u.email AS user_email, u.name AS user_name
            FROM claimed n JOIN users u ON u.id = n.user_id JOIN applications a ON a.id = n.application_id
            JOIN organisations vo ON vo.id = a.organisation_id JOIN organisations ho ON ho.id = a.host_organisation_id
            ORDER BY n.id
            """
        ).rows
        guard !rows.isEmpty else { return 0 }
        var batch = DeliveryOutcomes(succeededStatus: "sent", retryBaseSeconds: settings.retryBaseSeconds)
        var messages: [MailMessage] = []
        var sending: [(id: Int64, attempts: Int)] = []
        for row in rows {
            let id: Int64 = try row.decode("id")
            let note: NotificationResource
            do {
                note = try NotificationResource(row: row, linkBase: settings.linkBase)
            } catch {
                batch.append(id, .failed("cannot render: \(error)"), attempts: 1, jitter: 0)
                continue
            }
            guard let to = MailAddress(try row.decode("user_email"), displayName: try row.decode("user_name")) else {
                batch.append(id, .failed("the user's e-mail address cannot be used in SMTP"), attempts: 1, jitter: 0)
                continue
            }
            messages.append(
                MailMessage(
                    from: settings.from, to: to, subject: note.subject, body: note.body,
                    messageID: "notification-\(id)@\(settings.from.domain)", date: note.createdAt,
                    headers: [("X-ClusterXchange-Kind", note.kind.rawValue)]))
            sending.append((id, Int(clamping: try row.decode("email_attempts", as: Int64.self))))
        }
        let outcomes = await client.send(messages)
        for (message, outcome) in zip(sending, outcomes) {
            switch outcome {
            case .sent: batch.append(message.id, .succeeded, attempts: message.attempts, jitter: 0)
            case .transient(let why): batch.append(message.id, .retry(why), attempts: message.attempts, jitter: Double.random(in: 0...1))
            case .permanent(let why): batch.append(message.id, .failed(why), attempts: message.attempts, jitter: 0)
            }
        }
        try await record(batch)
        if batch.failures > 0 {
            logger.warning(
                "e-mail not delivered", ["count": "\(batch.failures)", "first": batch.errors.first { !$0.isEmpty } ?? ""])
        }
        return rows.count
    }

    private func record(_ batch: DeliveryOutcomes) async throws {
        _ = try await pool.query(
            """
            UPDATE notifications n SET email_status = r.status, email_lease_until = NULL,
              email_sent_at = CASE WHEN r.status = 'sent' THEN now() ELSE n.email_sent_at END,
              email_next_at = CASE WHEN r.status = 'pending' THEN now() + r.delay_ms * interval '1 millisecond' ELSE n.email_next_at END,
              email_last_error = nullif(left(r.error, 1000), '')
            FROM unnest(\(batch.ids)::bigint[], \(batch.statuses)::text[], \(batch.delaysMilliseconds)::bigint[], \(batch.errors)::text[])
              AS r(id, status, delay_ms, error)
            WHERE n.id = r.id
            """)
    }
}
