import Foundation
import Postgres

/// A registered webhook endpoint. The secret is answered once, when it is registered.
struct WebhookResource: Codable, Sendable {
    var id: Int64
    var url: String
    /// Kinds of notification delivered; empty: every kind.
    var kinds: [NotificationKind]
    var active: Bool
    var createdBy: Int64
    var createdAt: Date
    /// Only in the answer to the registration: sign-checking key for the receiver.
    var secret: String?

    static let columns = "e.id, e.url, e.kinds, e.active, e.created_by, e.created_at"

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        url = try row.decode("url")
        kinds = try row.decode("kinds", as: [String].self).compactMap(NotificationKind.init(rawValue:))
        active = try row.decode("active")
        createdBy = try row.decode("created_by")
        createdAt = try row.decode("created_at")
    }
}

/// One event sent (or to be sent) to one endpoint.
struct WebhookDeliveryResource: Codable, Sendable {
    var id: Int64
    var webhookId: Int64
    var kind: NotificationKind
    var applicationId: Int64
    /// `pending` (to be sent, again after a failure), `delivered` (2xx) or `failed` (dead-lettered).
    var status: String
    var attempts: Int
    var nextAt: Date
    var giveUpAt: Date
    /// The receiver's last HTTP status (null: no answer).
    var lastStatus: Int?
    var lastError: String?
    var deliveredAt: Date?
    var createdAt: Date

    static let columns = """
        d.id, d.endpoint_id, d.kind, d.application_id, d.status, d.attempts, d.next_at, d.give_up_at, d.last_status,
        d.last_error, d.delivered_at, d.created_at
        """

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        webhookId = try row.decode("endpoint_id")
        guard let k = NotificationKind(rawValue: try row.decode("kind")) else { throw GrantsError.unavailable("unknown kind in storage") }
        kind = k
        applicationId = try row.decode("application_id")
        status = try row.decode("status")
        attempts = try row.decode("attempts")
        nextAt = try row.decode("next_at")
        giveUpAt = try row.decode("give_up_at")
        lastStatus = try row.decode("last_status")
        lastError = try row.decode("last_error")
        deliveredAt = try row.decode("delivered_at")
        createdAt = try row.decode("created_at")
    }
}

/// The JSON a receiver gets: the event's facts and the same text the app and the e-mail show.
/// `id` is also the `Idempotency-Key` header: a redelivery or a retry after a crash repeats it.
struct WebhookEvent: Codable, Sendable {
    var id: String
    var kind: NotificationKind
    var createdAt: Date
    var applicationId: Int64
    var status: ApplicationStatus
    var reason: String?
    var dueOn: CalendarDate?
    var subject: String
    var text: String
    var link: String
}
