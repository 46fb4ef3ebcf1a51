import Postgres

/// The host's side of the match (S): the host accepts or declines a draft, or, for a host with
/// no users on the service, a coordinator records its written acceptance; a coordinator also
/// records the agency's pre-approval of an SME host outside any cluster.
enum HostMatchWorkflow {
    enum Decision: String, Sendable, CaseIterable {
        case accepted, declined
    }

    /// Reads the application for its host: 404 unless `user` is a user of the host organisation
    /// or staff. The host sees the exchange's public part only (see `HostedExchangeResource`).
    static func loadForHost(_ conn: PostgresConnection, id: Int64, user: Principal, lock: Bool) async throws -> ApplicationResource {
        let app = try await ApplicationResource.load(conn, id: id, for: user, lock: lock, asHost: true)
        if user.role == .applicant && app.hostOrganisationId != user.organisationID { throw GrantsError.notFound() }
        return app
    }

    static func decide(
        _ conn: PostgresConnection, id: Int64, decision: Decision, reason: String?, documentID: Int64?,
        user: Principal, audit: AuditContext
    ) async throws -> ApplicationResource {
        let app = try await loadForHost(conn, id: id, user: user, lock: true)
        guard app.status == .draft else { throw GrantsError.invalidTransition(from: app.status, action: "host_decision") }
        if user.role == .coordinator {
            let hostUsers: Int64 = try await conn.query(
                """
                SELECT count(*)::bigint AS n FROM users WHERE organisation_id = \(app.hostOrganisationId) AND role = 'applicant' AND active
                """
            ).single().decode("n")
            if hostUsers > 0 {
                throw GrantsError.conflict(
                    code: .hostUsersDecide,
                    detail: "the host organisation has \(hostUsers) user(s) on the service: one of them accepts or declines the match")
            }
            guard let documentID else {
                throw GrantsError.invalid(
                    "document_id", "upload the host's written answer (document kind host_acceptance) and give its id",
                    rule: "required")
            }
            try await requireDocument(conn, documentID, of: id, kind: .hostAcceptance, field: "document_id")
        } else if documentID != nil {
            throw GrantsError.invalid("document_id", "only a coordinator records a host's answer with a document", rule: "not_allowed")
        }
        _ = try await conn.query(
            """
            UPDATE applications SET host_acceptance = \(decision.rawValue), host_decided_by = \(user.userID), host_decided_at = now(),
              host_decision_reason = \(reason), host_acceptance_document_id = \(documentID), version = version + 1, updated_at = now()
            WHERE id = \(id)
            """)
        let after = try await ApplicationResource.load(conn, id: id, for: user, asHost: true)
        try await AuditTrail.record(
            conn, audit, action: "application.host_\(decision.rawValue)", entity: "application", id: id,
            before: app.hostAcceptance, after: after.hostAcceptance)
        try await Outbox.notify(
            conn, [Notice(.hostAnswered, .applicantOrganisation)], applicationID: id, statusAfter: after.status,
            reason: decision == .declined ? reason : nil, dueOn: nil, actorID: user.userID)
        return after
    }

    static func preapprove(
        _ conn: PostgresConnection, id: Int64, documentID: Int64, note: String, user: Principal, audit: AuditContext
    ) async throws -> ApplicationResource {
        let app = try await ApplicationResource.load(conn, id: id, for: user, lock: true)
        guard app.status == .draft else { throw GrantsError.invalidTransition(from: app.status, action: "host_preapproval") }
        try await requireDocument(conn, documentID, of: id, kind: .agencyPreapproval, field: "document_id")
        _ = try await conn.query(
            """
            UPDATE applications SET host_preapproval_document_id = \(documentID), host_preapproval_note = \(note),
              host_preapproved_by = \(user.userID), version = version + 1, updated_at = now()
            WHERE id = \(id)
            """)
        let after = try await ApplicationResource.load(conn, id: id, for: user)
        try await AuditTrail.record(
            conn, audit, action: "application.host_preapproved", entity: "application", id: id,
            before: app.hostPreapproval, after: after.hostPreapproval)
        return after
    }

    /// 422 unless `documentID` is a document of this application, of this kind, not withdrawn.
    static func requireDocument(
        _ conn: PostgresConnection, _ documentID: Int64, of applicationID: Int64, kind: DocumentKind, field: String
    ) async throws {
        let found = try await conn.query(
            """
            SELECT 1 FROM documents WHERE id = \(documentID) AND application_id = \(applicationID) AND kind = \(kind.rawValue)
              AND withdrawn_at IS NULL
            """
        ).rows
        if found.isEmpty {
            throw GrantsError.invalid(
                field, "must be the id of a \(kind.rawValue) document uploaded to this application", rule: "document_kind")
        }
    }
}
