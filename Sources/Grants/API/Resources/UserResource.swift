import Foundation
import Postgres

/// A user as the API shows it; `organisation` is explicitly null for staff roles.
struct UserResource: Codable, Sendable {
    var id: Int64
    var email: String
    var name: String
    var role: String
    var active: Bool
    var createdAt: Date
    var organisation: OrganisationResource?

    static let columns = "u.id, u.email, u.name, u.role, u.active, u.created_at, u.organisation_id"

    init(row: PostgresRow, organisation: OrganisationResource?) throws {
        id = try row.decode("id")
        email = try row.decode("email")
        name = try row.decode("name")
        role = try row.decode("role")
        active = try row.decode("active")
        createdAt = try row.decode("created_at")
        self.organisation = organisation
    }

    enum CodingKeys: String, CodingKey { case id, email, name, role, active, createdAt, organisation }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(email, forKey: .email)
        try c.encode(name, forKey: .name)
        try c.encode(role, forKey: .role)
        try c.encode(active, forKey: .active)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(organisation, forKey: .organisation)  // null, not absent: clients rely on the key
    }

    /// Loads a user and, for an applicant, its organisation.
    static func load(_ conn: PostgresConnection, id: Int64) async throws -> UserResource {
        let row = try await conn.prepared("SELECT \(unescaped: columns) FROM users u WHERE u.id = \(id)").single()
        var organisation: OrganisationResource?
        if let orgID = try row.decode("organisation_id", as: Int64?.self) {
            organisation = try OrganisationResource(
                row: try await conn.prepared(
                    "SELECT \(unescaped: OrganisationResource.columns) FROM organisations o WHERE o.id = \(orgID)"
                ).single())
        }
        return try UserResource(row: row, organisation: organisation)
    }
}
