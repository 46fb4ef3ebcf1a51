import Foundation
import HTTP
import Postgres
import Signing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends webhook deliveries (DESIGN.md §7): like `EmailDelivery`, every instance claims due rows
/// with `FOR UPDATE SKIP LOCKED` and a lease, so several instances never send one delivery at
/// once and a dead instance's rows are sent again when the lease ends (at-least-once, the same
/// `Idempotency-Key`). Each is a signed JSON POST through URLSession (HTTPS works through the
/// toolchain's FoundationNetworking); a 2xx answer delivers it, anything else is retried with
/// exponential backoff and jitter until `give_up_at` (24 h), then dead-lettered.
final class WebhookDelivery: Sendable {
    struct Settings: Sendable {
        var linkBase: String
        var batch: Int
        var leaseSeconds: Int
        var retryBaseSeconds: Double
        var pollMilliseconds: Int
        var timeoutSeconds: Int

        init(_ c: GrantsConfiguration) {
            linkBase = c.linkBase
            batch = c.webhookBatch
            leaseSeconds = c.emailLeaseSeconds
            retryBaseSeconds = c.webhookRetryBaseSeconds
            pollMilliseconds = c.emailPollMilliseconds
            timeoutSeconds = c.webhookTimeoutSeconds
        }
    }

    let pool: PostgresPool
    let settings: Settings
    let logger: Logger
    let session: URLSession
    private let loop = BackgroundLoop()

    init(pool: PostgresPool, settings: Settings, logger: Logger) {
        self.pool = pool
        self.settings = settings
        self.logger = logger
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = TimeInterval(settings.timeoutSeconds)
        config.timeoutIntervalForResource = TimeInterval(settings.timeoutSeconds)
        config.httpMaximumConnectionsPerHost = 4
        session = URLSession(configuration: config)
    }

    func start() {
        loop.start("webhook delivery", idle: .milliseconds(settings.pollMilliseconds), logger: logger) { [self] in try await deliverDue() }
    }

    /// Finishes the batch in hand (its outcomes are recorded), then returns.
    func stop() async {
        await loop.stop()
        session.invalidateAndCancel()
    }

    struct Claimed: Sendable {
        var id: Int64
        var url: String
        var secret: String
        var attempts: Int
        var body: [UInt8]
        var kind: String
    }

    @discardableResult
    func deliverDue() async throws -> Int {
        _ = try await pool.query(
            """
            UPDATE webhook_deliveries SET status = 'failed', lease_until = NULL,
              last_error = coalesce(last_error, 'not delivered before give_up_at')
            WHERE status = 'pending' AND give_up_at < now() AND (lease_until IS NULL OR lease_until < now())
            """)
        let rows = try await pool.query(
            """
            WITH due AS (
              SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.active
              WHERE d.status = 'pending' AND d.next_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
              ORDER BY d.next_at, d.id LIMIT \(settings.batch) FOR UPDATE OF d SKIP LOCKED
            ), claimed AS (
              UPDATE webhook_deliveries d SET lease_until = now() + \(Int64(settings.leaseSeconds)) * interval '1 second',
                attempts = d.attempts + 1
              FROM due WHERE d.id = due.id
              RETURNING d.*
            )
            SELECT c.id, c.kind, c.application_id, c.status_after, c.reason, c.due_on, c.created_at, c.attempts,
                   e.url, e.secret, a.participant_name, vo.legal_name AS visitor_name, ho.legal_name AS host_name
            FROM claimed c JOIN webhook_endpoints e ON e.id = c.endpoint_id JOIN applications a ON a.id = c.application_id
            JOIN organisations vo ON vo.id = a.organisation_id JOIN organisations ho ON ho.id = a.host_organisation_id
            ORDER BY c.id
            """
        ).rows
        guard !rows.isEmpty else { return 0 }
        var work: [Claimed] = []
        var batch = DeliveryOutcomes(succeededStatus: "delivered", retryBaseSeconds: settings.retryBaseSeconds)
        // The receiver's HTTP status per row of `batch` (-1: none).
        var codes: [Int64] = []
        for row in rows {
            let id: Int64 = try row.decode("id")
            guard let kind = NotificationKind(rawValue: try row.decode("kind")),
                let status = ApplicationStatus(rawValue: try row.decode("status_after"))
            else {
                batch.append(id, .failed("unknown kind or status in storage"), attempts: 1, jitter: 0)
                codes.append(-1)
                continue
            }
            let applicationID: Int64 = try row.decode("application_id")
            let reason: String? = try row.decode("reason")
            let dueOn: CalendarDate? = try row.decode("due_on")
            let link = NotificationResource.link(settings.linkBase, applicationID: applicationID)
            let text = NotificationText.compose(
                kind,
                NotificationFacts(
                    applicationID: applicationID, participantName: try row.decode("participant_name"),
                    visitorName: try row.decode("visitor_name"), hostName: try row.decode("host_name"), status: status,
                    reason: reason, dueOn: dueOn, writtenOn: CalendarDate.utcDay(of: try row.decode("created_at"))),
                link: link)
            let event = WebhookEvent(
                id: "delivery-\(id)", kind: kind, createdAt: try row.decode("created_at"), applicationId: applicationID,
                status: status, reason: reason, dueOn: dueOn, subject: text.subject, text: text.body, link: link)
            work.append(
                Claimed(
                    id: id, url: try row.decode("url"), secret: try row.decode("secret"), attempts: try row.decode("attempts"),
                    body: Array(try JSON.encoder.encode(event)), kind: kind.rawValue))
        }
        let results = await withTaskGroup(of: (Int64, Int?, String?, Int).self) { group in
            for item in work { group.addTask { await self.post(item) } }
            var out: [(Int64, Int?, String?, Int)] = []
            for await r in group { out.append(r) }
            return out
        }
        for (id, code, error, attempts) in results {
            codes.append(Int64(code ?? -1))
            if let code, (200..<300).contains(code) {
                batch.append(id, .succeeded, attempts: attempts, jitter: 0)
            } else {
                batch.append(id, .retry(error ?? ""), attempts: attempts, jitter: Double.random(in: 0...1))
            }
        }
        _ = try await pool.query(
            """
            UPDATE webhook_deliveries d SET status = r.status, lease_until = NULL,
              delivered_at = CASE WHEN r.status = 'delivered' THEN now() ELSE d.delivered_at END,
              next_at = CASE WHEN r.status = 'pending' THEN now() + r.delay_ms * interval '1 millisecond' ELSE d.next_at END,
              last_status = nullif(r.code, -1)::integer, last_error = nullif(left(r.error, 1000), '')
            FROM unnest(\(batch.ids)::bigint[], \(batch.statuses)::text[], \(codes)::bigint[], \(batch.delaysMilliseconds)::bigint[],
                          \(batch.errors)::text[])
              AS r(id, status, code, delay_ms, error)
            WHERE d.id = r.id
            """)
        return rows.count
    }

    /// (id, HTTP status or nil, error text, attempts so far)
    private func post(_ item: Claimed) async -> (Int64, Int?, String?, Int) {
        guard let url = URL(string: item.url) else { return (item.id, nil, "the endpoint's URL does not parse", item.attempts) }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(item.body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("delivery-\(item.id)", forHTTPHeaderField: "Idempotency-Key")
        request.setValue(item.kind, forHTTPHeaderField: "X-ClusterXchange-Event")
        request.setValue("ClusterXchange-Webhooks/1", forHTTPHeaderField: "User-Agent")
        let now = Int64(Date().timeIntervalSince1970)
        request.setValue(
            WebhookSignature.sign(secret: item.secret, timestamp: now, body: item.body), forHTTPHeaderField: WebhookSignature.header)
        do {
            let (_, response) = try await session.data(for: request)
            let code = (response as? HTTPURLResponse)?.statusCode
            return (
                item.id, code, code.map { (200..<300).contains($0) ? nil : "the receiver answered \($0)" } ?? "no HTTP answer",
                item.attempts
            )
        } catch {
            return (item.id, nil, "\(error.localizedDescription)", item.attempts)
        }
    }
}
