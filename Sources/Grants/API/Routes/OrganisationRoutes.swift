import Foundation
import HTTP
import Postgres

/// Organisation profiles, their validation by a coordinator, and the public host directory.
enum OrganisationRoutes {
    struct PatchBody: RequestBody {
        var legalName: String?
        var country: String?
        var kind: String?
        var city: String?
        var latitude: Double?
        var longitude: Double?
        var vatNumber: String?
        var iban: String?
        var openToHosting: Bool?
        var clusterName: String?
        var clusterProfileUrl: String?
    }
    struct ValidationBody: RequestBody {
        var decision: String
        var reason: String?
    }
    struct ChangeDecisionBody: RequestBody {
        var decision: String
        var reason: String?
    }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .GET,
                "/v1/organisations",
                roles: [.applicant, .coordinator, .auditor],
                id: "listOrganisations",
                tag: .organisations,
                summary: "List organisations",
                description: "An applicant sees only its own organisation.",
                response: .page(OrganisationResource.self),
                query: [
                    .oneOf("status", OrganisationStatus.self, "only organisations in this status")
                ]),
            list)
        table.add(
            Route(
                .GET,
                "/v1/organisations/:id",
                roles: [.applicant, .coordinator, .auditor],
                id: "getOrganisation",
                tag: .organisations,
                summary: "Get an organisation",
                response: .json(OrganisationResource.self),
                traits: [.etag]),
            get)
        table.add(
            Route(
                .PATCH,
                "/v1/organisations/:id",
                roles: [.applicant, .coordinator],
                id: "updateOrganisation",
                tag: .organisations,
                summary: "Update an organisation profile",
                description: "Bank and legal details of a validated organisation go to `pending_change` (200 with the "
                    + "values in force); 409 `organisation_change_pending` while an earlier change waits: a "
                    + "coordinator must approve or reject it first.",
                body: .json(PatchBody.self),
                response: .json(OrganisationResource.self),
                traits: [.etag, .ifMatch],
                problems: [.organisationExists, .organisationChangePending]),
            patch)
        table.add(
            Route(
                .POST,
                "/v1/organisations/:id/validation",
                roles: [.coordinator],
                id: "validateOrganisation",
                tag: .organisations,
                summary: "Validate or reject an organisation",
                body: .json(ValidationBody.self),
                response: .json(OrganisationResource.self),
                traits: [.etag, .ifMatch]),
            validate)
        table.add(
            Route(
                .GET,
                "/v1/organisations/:id/changes",
                roles: [.applicant, .coordinator, .auditor],
                id: "listOrganisationChanges",
                tag: .organisations,
                summary: "Changes of bank and legal details",
                description: "An applicant sees its own organisation's.",
                response: .page(OrganisationChangeResource.self),
                query: [
                    QueryParameter(
                        name: "status", kind: .choice(["pending", "approved", "rejected"]), description: "only changes in this status")
                ]),
            listChanges)
        table.add(
            Route(
                .GET,
                "/v1/organisations/:id/changes/:change_id",
                roles: [.applicant, .coordinator, .auditor],
                id: "getOrganisationChange",
                tag: .organisations,
                summary: "Get a change of bank or legal details",
                response: .json(OrganisationChangeResource.self)),
            getChange)
        table.add(
            Route(
                .POST,
                "/v1/organisations/:id/changes/:change_id/decision",
                roles: [.coordinator],
                id: "decideOrganisationChange",
                tag: .organisations,
                summary: "Approve or reject a change of bank or legal details",
                description: "Four eyes: 403 `four_eyes` when the coordinator who requested the change decides it "
                    + "(another coordinator must). Approving puts the proposed values in force; rejecting keeps "
                    + "the old ones.",
                body: .json(ChangeDecisionBody.self),
                response: .json(OrganisationChangeResource.self),
                problems: [.changeAlreadyDecided, .organisationExists, .fourEyes]),
            decideChange)
        table.add(
            Route(
                .GET,
                "/v1/hosts",
                roles: .everyone,
                id: "listHosts",
                tag: .organisations,
                summary: "Host directory",
                description: "Validated organisations open to hosting; public profile only.",
                response: .page(HostResource.self),
                query: [
                    QueryParameter(name: "country", kind: .country, description: "only hosts in this country"),
                    .oneOf("kind", OrganisationKind.self, "only hosts of this kind"),
                    QueryParameter(
                        name: "q", kind: .text(maxLength: 100),
                        description: "only hosts whose legal name or city contains this text (ignoring case)"),
                ]),
            hosts)
    }

    /// An applicant's view is limited to its own organisation; someone else's is "not found".
    static func load(_ conn: PostgresConnection, id: Int64, for user: Principal, lock: Bool = false) async throws -> OrganisationResource {
        if user.role == .applicant && user.organisationID != id { throw GrantsError.notFound() }
        let row = try await conn.prepared(
            """
            SELECT \(unescaped: OrganisationResource.columns) FROM organisations o WHERE o.id = \(id) \(unescaped: lock ? "FOR UPDATE" : "")
            """
        ).single()
        return try OrganisationResource(row: row)
    }

    @Sendable static func list(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let page = try Page(ctx.request)
        let status = ctx.query.text("status")
        let rows = try await ctx.db.query(
            """
            SELECT \(unescaped: OrganisationResource.columns) FROM organisations o
            WHERE o.id > \(page.afterID) AND (\(user.applicantOrganisation)::bigint IS NULL OR o.id = \(user.applicantOrganisation))
              AND (\(status)::text IS NULL OR o.status = \(status))
            ORDER BY o.id LIMIT \(page.fetchLimit)
            """
        ).rows
        return try page.response(try rows.map(OrganisationResource.init(row:)), id: \.id)
    }

    @Sendable static func get(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let org = try await ctx.db.withConnection { try await load($0, id: id, for: user) }
        var r = try HTTPResponse.json(org)
        r.headers.set("ETag", org.etag)
        return r
    }

    @Sendable static func patch(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(PatchBody.self)
        var v = Validator()
        let legalName = b.legalName.map { v.text("legal_name", $0, max: 300) }
        let country = b.country.map { v.cosmeCountry("country", $0) }
        if let k = b.kind { v.organisationKind("kind", k) }
        let city = b.city.map { v.text("city", $0, max: 200) }
        v.coordinates("", latitude: b.latitude ?? 0, longitude: b.longitude ?? 0)
        let vat = v.optionalText("vat_number", b.vatNumber, max: 32)
        let iban = v.iban("iban", b.iban)
        let cluster = v.clusterMembership("", name: b.clusterName, profileURL: b.clusterProfileUrl)
        try v.finish()
        let audit = ctx.audit
        let updated = try await ctx.db.write { conn in
            let before = try await load(conn, id: id, for: user, lock: true)
            try ctx.checkIfMatch(current: before.etag)
            // Bank and legal details of a validated organisation change only under four eyes: the
            // request is kept as a pending change and the values in force stay until a coordinator
            // other than the requester approves it. Before validation (or after a rejection) they
            // apply at once: a coordinator reviews them when deciding the validation. The status
            // itself never changes here; only a coordinator's validation decision moves it.
            let sent: [String: String?] = [
                "legal_name": legalName, "country": country, "kind": b.kind, "vat_number": vat, "iban": iban,
                "cluster_name": cluster?.name, "cluster_profile_url": cluster?.url,
            ]
            let inForce: [String: String?] = [
                "legal_name": before.legalName, "country": before.country, "kind": before.kind,
                "vat_number": before.vatNumber, "iban": before.iban,
                "cluster_name": before.clusterName, "cluster_profile_url": before.clusterProfileUrl,
            ]
            var proposed: [String: String] = [:]
            for member in OrganisationChangeResource.guardedMembers {
                if let value = sent[member] ?? nil, value != inForce[member] ?? nil { proposed[member] = value }
            }
            // A coordinator's own edit of these details is always held for another coordinator:
            // otherwise one coordinator could reject, edit the IBAN and validate it alone.
            let held = (before.status == OrganisationStatus.validated.rawValue || user.role == .coordinator) && !proposed.isEmpty
            if held {
                if let pending = before.pendingChange {
                    throw GrantsError.conflict(
                        code: .organisationChangePending,
                        detail: "change \(pending.id) of this organisation waits for a coordinator's decision; "
                            + "a coordinator must approve or reject it before another change of bank or legal details")
                }
                var previous: [String: String?] = [:]
                for member in proposed.keys { previous[member] = inForce[member] ?? nil }
                let proposedJSON = String(decoding: try JSON.encoder.encode(proposed), as: UTF8.self)
                let previousJSON = String(decoding: try JSON.encoder.encode(previous), as: UTF8.self)
                let changeID: Int64 = try await conn.query(
                    """
                    INSERT INTO organisation_changes (organisation_id, proposed, previous, requested_by)
                    VALUES (\(id), \(proposedJSON)::jsonb, \(previousJSON)::jsonb, \(user.userID)) RETURNING id
                    """
                ).single().decode("id")
                let change = try await OrganisationChangeResource.load(conn, id: changeID, organisationID: id)
                try await AuditTrail.record(
                    conn, audit, action: "organisation.change_requested", entity: "organisation", id: id,
                    before: previous, after: change)
            }
            func direct(_ value: String?) -> String? { held ? nil : value }
            _ = try await conn.query(
                """
                UPDATE organisations SET
                  legal_name = coalesce(\(direct(legalName)), legal_name), country = coalesce(\(direct(country)), country),
                  kind = coalesce(\(direct(b.kind)), kind), city = coalesce(\(city), city),
                  latitude = coalesce(\(b.latitude), latitude), longitude = coalesce(\(b.longitude), longitude),
                  vat_number = coalesce(\(direct(vat)), vat_number), iban = coalesce(\(direct(iban)), iban),
                  cluster_name = coalesce(\(direct(cluster?.name)), cluster_name),
                  cluster_profile_url = coalesce(\(direct(cluster?.url)), cluster_profile_url),
                  open_to_hosting = coalesce(\(b.openToHosting), open_to_hosting),
                  version = version + 1, updated_at = now()
                WHERE id = \(id)
                """)
            let after = try await load(conn, id: id, for: user)
            try await AuditTrail.record(
                conn, audit, action: "organisation.updated", entity: "organisation", id: id, before: before, after: after)
            return after
        }
        var r = try HTTPResponse.json(updated)
        r.headers.set("ETag", updated.etag)
        return r
    }

    @Sendable static func validate(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(ValidationBody.self)
        var v = Validator()
        if !["validated", "rejected"].contains(b.decision) { v.fail("decision", "must be 'validated' or 'rejected'", rule: "enum") }
        let reason = v.optionalText("reason", b.reason, max: 2000, multiline: true)
        if b.decision == "rejected" && reason == nil { v.fail("reason", "a rejection needs a reason", rule: "required") }
        try v.finish()
        let audit = ctx.audit
        let org = try await ctx.db.write { conn in
            let before = try await load(conn, id: id, for: user, lock: true)
            // With If-Match the coordinator validates exactly the version they reviewed.
            try ctx.checkIfMatch(current: before.etag)
            _ = try await conn.query(
                """
                UPDATE organisations SET status = \(b.decision), status_reason = \(reason), validated_by = \(user.userID),
                  validated_at = now(), version = version + 1, updated_at = now() WHERE id = \(id)
                """)
            let after = try await load(conn, id: id, for: user)
            try await AuditTrail.record(
                conn, audit, action: "organisation.\(b.decision)", entity: "organisation", id: id, before: before, after: after)
            return after
        }
        var r = try HTTPResponse.json(org)
        r.headers.set("ETag", org.etag)
        return r
    }

    // MARK: changes of bank and legal details

    @Sendable static func listChanges(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let page = try Page(ctx.request)
        let status = ctx.query.text("status")
        let rows = try await ctx.db.withConnection { conn in
            _ = try await load(conn, id: id, for: user)
            return try await conn.query(
                """
                SELECT \(unescaped: OrganisationChangeResource.jsonColumn) AS change FROM organisation_changes c
                WHERE c.organisation_id = \(id) AND c.id > \(page.afterID) AND (\(status)::text IS NULL OR c.status = \(status))
                ORDER BY c.id LIMIT \(page.fetchLimit)
                """
            ).rows
        }
        return try page.response(try rows.map { try OrganisationChangeResource.decode(json: try $0.decode("change")) }, id: \.id)
    }

    @Sendable static func getChange(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, changeID, user) = (try ctx.id(), try ctx.id("change_id"), try ctx.user)
        let change = try await ctx.db.withConnection { conn in
            _ = try await load(conn, id: id, for: user)
            return try await OrganisationChangeResource.load(conn, id: changeID, organisationID: id)
        }
        return try .json(change)
    }

    /// A coordinator other than the requester approves (the proposed values replace those in force)
    /// or rejects (nothing changes) a pending change.
    @Sendable static func decideChange(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, changeID, user) = (try ctx.id(), try ctx.id("change_id"), try ctx.user)
        let b = try ctx.body(ChangeDecisionBody.self)
        var v = Validator()
        if !["approved", "rejected"].contains(b.decision) { v.fail("decision", "must be 'approved' or 'rejected'", rule: "enum") }
        let reason = v.optionalText("reason", b.reason, max: 2000, multiline: true)
        if b.decision == "rejected" && reason == nil { v.fail("reason", "a rejection needs a reason", rule: "required") }
        try v.finish()
        let audit = ctx.audit
        let decided = try await ctx.db.write { conn in
            let before = try await load(conn, id: id, for: user, lock: true)
            let change = try await OrganisationChangeResource.load(conn, id: changeID, organisationID: id, lock: true)
            guard change.status == "pending" else {
                throw GrantsError.conflict(
                    code: .changeAlreadyDecided,
                    detail: "this change was already \(change.status); nothing is left to decide")
            }
            if change.requestedBy == user.userID { throw GrantsError.organisationChangeFourEyes }
            if b.decision == "approved" {
                _ = try await conn.query(
                    """
                    UPDATE organisations o SET
                      legal_name = coalesce(c.proposed->>'legal_name', o.legal_name), country = coalesce(c.proposed->>'country', o.country),
                      kind = coalesce(c.proposed->>'kind', o.kind), vat_number = coalesce(c.proposed->>'vat_number', o.vat_number),
                      iban = coalesce(c.proposed->>'iban', o.iban),
                      cluster_name = coalesce(c.proposed->>'cluster_name', o.cluster_name),
                      cluster_profile_url = coalesce(c.proposed->>'cluster_profile_url', o.cluster_profile_url), validated_by = \(user.userID), validated_at = now(),
                      version = o.version + 1, updated_at = now()
                    FROM organisation_changes c WHERE c.id = \(changeID) AND o.id = \(id)
                    """)
            }
            _ = try await conn.query(
                """
                UPDATE organisation_changes
                SET status = \(b.decision), decided_by = \(user.userID), decided_at = now(), decision_reason = \(reason)
                WHERE id = \(changeID)
                """)
            let after = try await load(conn, id: id, for: user)
            let decided = try await OrganisationChangeResource.load(conn, id: changeID, organisationID: id)
            try await AuditTrail.record(
                conn, audit, action: "organisation.change_\(b.decision)", entity: "organisation", id: id,
                before: before, after: after)
            return decided
        }
        return try .json(decided)
    }

    @Sendable static func hosts(_ ctx: RequestContext) async throws -> HTTPResponse {
        let page = try Page(ctx.request)
        let country = ctx.query.text("country")
        let kind = ctx.query.choice("kind", as: OrganisationKind.self)?.rawValue
        let text = ctx.query.text("q")?.lowercased()
        // strpos, not LIKE: the text is matched as typed, with no wildcard in it.
        let rows = try await ctx.db.query(
            """
            SELECT o.id, o.legal_name, o.kind, o.country, o.city, o.latitude, o.longitude FROM organisations o
            WHERE o.id > \(page.afterID) AND o.status = 'validated' AND o.open_to_hosting
              AND (\(country)::text IS NULL OR o.country = \(country))
              AND (\(kind)::text IS NULL OR o.kind = \(kind))
              AND (\(text)::text IS NULL OR strpos(lower(o.legal_name), \(text)) > 0 OR strpos(lower(o.city), \(text)) > 0)
            ORDER BY o.id LIMIT \(page.fetchLimit)
            """
        ).rows
        let items = try rows.map {
            HostResource(
                id: try $0.decode("id"), legalName: try $0.decode("legal_name"), kind: try $0.decode("kind"),
                country: try $0.decode("country"), city: try $0.decode("city"),
                latitude: try $0.decode("latitude"), longitude: try $0.decode("longitude"))
        }
        return try page.response(items, id: \.id)
    }
}
