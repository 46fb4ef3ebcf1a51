import Foundation
import Postgres

/// One of the caller's notifications, rendered from the stored facts (`NotificationText`) with
/// the application's current names, the way the e-mail renders it.
struct NotificationResource: Codable, Sendable {
    var id: Int64
    var kind: NotificationKind
    var applicationId: Int64
    var subject: String
    var body: String
    /// Where to act: the console's page of the application.
    var link: String
    var dueOn: CalendarDate?
    var createdAt: Date
    /// null while unread.
    var readAt: Date?
    /// The e-mail's state: `pending`, `sent`, `failed` (dead-lettered), `opted_out` or `expired`.
    var email: String

    static let columns = """
        n.id, n.kind, n.application_id, n.status_after, n.reason, n.due_on, n.created_at, n.read_at, n.email_status,
        a.participant_name, vo.legal_name AS visitor_name, ho.legal_name AS host_name
        """
    static let from = """
        notifications n JOIN applications a ON a.id = n.application_id
        JOIN organisations vo ON vo.id = a.organisation_id JOIN organisations ho ON ho.id = a.host_organisation_id
        """

    /// The order of the list: unread before read, newest first in each, as one ascending key
    /// (what the keyset cursor carries). Ids stay far below 2^62, so the key cannot overflow.
    static let sortKeySQL = "(CASE WHEN n.read_at IS NULL THEN 0 ELSE 4611686018427387904 END + (4611686018427387903 - n.id))"
    var sortKey: Int64 {
        let base: Int64 = 1 << 62
        return (readAt == nil ? 0 : base) + (base - 1 - min(max(id, 0), base - 1))
    }

    init(row: PostgresRow, linkBase: String) throws {
        id = try row.decode("id")
        guard let k = NotificationKind(rawValue: try row.decode("kind")),
            let status = ApplicationStatus(rawValue: try row.decode("status_after"))
        else { throw GrantsError.unavailable("unknown notification kind or status in storage") }
        kind = k
        applicationId = try row.decode("application_id")
        dueOn = try row.decode("due_on")
        createdAt = try row.decode("created_at")
        readAt = try row.decode("read_at")
        email = try row.decode("email_status")
        link = Self.link(linkBase, applicationID: applicationId)
        let facts = NotificationFacts(
            applicationID: applicationId, participantName: try row.decode("participant_name"),
            visitorName: try row.decode("visitor_name"), hostName: try row.decode("host_name"), status: status,
            reason: try row.decode("reason"), dueOn: dueOn, writtenOn: CalendarDate.utcDay(of: createdAt))
        let text = NotificationText.compose(k, facts, link: link)
        subject = text.subject
        body = text.body
    }

    /// The application's page in the web console (served at `/`): after logging in, the reader
    /// lands on it.
    static func link(_ base: String, applicationID: Int64) -> String { "\(base)/#/applications/\(applicationID)" }
}
