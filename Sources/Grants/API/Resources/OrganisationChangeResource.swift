import Foundation
import HTTP
import Postgres

/// A requested change of a validated organisation's bank or legal details (Migrations/0009):
/// what would change, from what, who asked and who decided.
struct OrganisationChangeResource: Codable, Sendable {
    var id: Int64
    var organisationId: Int64
    /// `pending` until a coordinator other than the requester approves or rejects it.
    var status: String
    /// Member -> proposed value (only the members that change).
    var proposed: [String: String]
    /// The same members' values in force when the change was requested (null: none on file).
    var previous: [String: String?]
    var requestedBy: Int64
    var requestedAt: Date
    var decidedBy: Int64?
    var decidedAt: Date?
    var decisionReason: String?

    /// The members whose change needs a coordinator once the organisation is validated: who it
    /// legally is and where its money goes.
    /// The cluster membership too: it decides whether an SME may visit.
    static let guardedMembers = ["legal_name", "country", "kind", "vat_number", "iban", "cluster_name", "cluster_profile_url"]

    /// One JSON object per change, built in SQL so the organisation queries can embed the pending
    /// change as one column without a join (`c` is the `organisation_changes` alias).
    static let jsonColumn = """
        json_build_object('id', c.id, 'organisation_id', c.organisation_id, 'status', c.status, 'proposed', c.proposed,
          'previous', c.previous, 'requested_by', c.requested_by,
          'requested_at', to_char(c.requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'decided_by', c.decided_by,
          'decided_at', to_char(c.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'decision_reason', c.decision_reason)::text
        """

    /// The subquery giving an organisation's pending change (or NULL) next to `o`.
    static let pendingColumn = """
        (SELECT \(jsonColumn) FROM organisation_changes c WHERE c.organisation_id = o.id AND c.status = 'pending') AS pending_change
        """

    enum CodingKeys: String, CodingKey {
        case id, status, proposed, previous
        case organisationId = "organisation_id"
        case requestedBy = "requested_by"
        case requestedAt = "requested_at"
        case decidedBy = "decided_by"
        case decidedAt = "decided_at"
        case decisionReason = "decision_reason"
    }

    /// Without a key strategy: the API's snake-case decoder would also rewrite the member names
    /// inside `proposed` and `previous` (`legal_name` -> `legalName`).
    private static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    static func decode(json text: String) throws -> OrganisationChangeResource {
        do {
            return try decoder.decode(OrganisationChangeResource.self, from: Data(text.utf8))
        } catch {
            throw GrantsError.unavailable("unreadable organisation change in storage")
        }
    }

    static func load(
        _ conn: PostgresConnection, id: Int64, organisationID: Int64,
        lock: Bool = false
    ) async throws -> OrganisationChangeResource {
        guard
            let row = try await conn.query(
                """
                SELECT \(unescaped: jsonColumn) AS change FROM organisation_changes c
                WHERE c.id = \(id) AND c.organisation_id = \(organisationID) \(unescaped: lock ? "FOR UPDATE" : "")
                """
            ).rows.first
        else { throw GrantsError.notFound("no such change of this organisation") }
        return try decode(json: try row.decode("change"))
    }

    /// Explicit nulls: clients rely on `decided_by` and `decision_reason` being present.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(organisationId, forKey: .organisationId)
        try c.encode(status, forKey: .status)
        try c.encode(proposed, forKey: .proposed)
        try c.encode(previous, forKey: .previous)
        try c.encode(requestedBy, forKey: .requestedBy)
        try c.encode(requestedAt, forKey: .requestedAt)
        try c.encode(decidedBy, forKey: .decidedBy)
        try c.encode(decidedAt, forKey: .decidedAt)
        try c.encode(decisionReason, forKey: .decisionReason)
    }
}
