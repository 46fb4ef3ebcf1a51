import Postgres

/// Staff accounts: validated, hashed in the database and audited in one transaction.
enum AccountWorkflow {
    /// Shared by `POST /v1/users` and the `create-user` command (which makes the first coordinator).
    static func createStaff(
        _ pool: PostgresPool, email rawEmail: String, password: String, name rawName: String,
        role: String, cost: Int, audit: AuditContext
    ) async throws -> UserResource {
        var v = Validator()
        let email = v.email("email", rawEmail)
        v.password("password", password)
        let name = v.text("name", rawName, max: 200)
        if ![Role.evaluator, .coordinator, .auditor].map(\.rawValue).contains(role) {
            v.fail("role", "must be evaluator, coordinator or auditor (applicants register themselves)", rule: "enum")
        }
        try v.finish()
        return try await pool.write { conn in
            let id: Int64 = try await conn.query(
                """
                INSERT INTO users (email, password_hash, name, role)
                VALUES (\(email), crypt(\(password), gen_salt('bf', \(cost)::int)), \(name), \(role)) RETURNING id
                """
            ).single().decode("id")
            let user = try await UserResource.load(conn, id: id)
            try await AuditTrail.record(conn, audit, action: "user.created", entity: "user", id: id, after: user)
            return user
        }
    }
}
