import Foundation
import HTTP
import Postgres

/// Organisation profiles, their validation by a coordinator, and the public host directory.
enum OrganisationRoutes {
    struct PatchBody: RequestBody {
        var legalName: String?; var country: String?; var kind: String?; var city: String?
        var latitude: Double?; var longitude: Double?; var vatNumber: String?; var iban: String?; var openToHosting: Bool?
        static let members = ["legal_name", "country", "kind", "city", "latitude", "longitude", "vat_number", "iban", "open_to_hosting"]
    }
    struct ValidationBody: RequestBody {
        var decision: String; var reason: String?
        static let members = ["decision", "reason"]
    }

    static func register(into table: inout RouteTable) {
        table.add(.GET, "/v1/organisations", roles: [.applicant, .coordinator, .auditor], list)
        table.add(.GET, "/v1/organisations/:id", roles: [.applicant, .coordinator, .auditor], get)
        table.add(.PATCH, "/v1/organisations/:id", roles: [.applicant, .coordinator], patch)
        table.add(.POST, "/v1/organisations/:id/validation", roles: [.coordinator], validate)
        table.add(.GET, "/v1/hosts", roles: .everyone, hosts)
    }

    /// An applicant's view is limited to its own organisation; someone else's is "not found".
    static func load(_ conn: PostgresConnection, id: Int64, for user: Principal, lock: Bool = false) async throws -> OrganisationResource {
        if user.role == .applicant && user.organisationID != id { throw GrantsError.notFound() }
        let row = try await conn.query("""
            SELECT \(unescaped: OrganisationResource.columns) FROM organisations o WHERE o.id = \(id) \(unescaped: lock ? "FOR UPDATE" : "")
            """).single()
        return try OrganisationResource(row: row)
    }

    @Sendable static func list(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let page = try Page(ctx.request)
        let status = ctx.request.query["status"]
        if let status, OrganisationStatus(rawValue: status) == nil { throw GrantsError.invalid("status", "unknown status", rule: "enum") }
        let rows = try await ctx.db.query("""
            SELECT \(unescaped: OrganisationResource.columns) FROM organisations o
            WHERE o.id > \(page.afterID) AND (\(user.applicantOrganisation)::bigint IS NULL OR o.id = \(user.applicantOrganisation))
              AND (\(status)::text IS NULL OR o.status = \(status))
            ORDER BY o.id LIMIT \(page.fetchLimit)
            """).rows
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
        try v.finish()
        let audit = ctx.audit
        let updated = try await ctx.db.write { conn in
            let before = try await load(conn, id: id, for: user, lock: true)
            try ctx.checkIfMatch(current: before.etag)
            // Changing who the organisation legally is voids an earlier validation.
            let identityChanged = (legalName.map { $0 != before.legalName } ?? false) || (country.map { $0 != before.country } ?? false)
                || (b.kind.map { $0 != before.kind } ?? false)
            let resetValidation = identityChanged && user.role == .applicant && before.status != OrganisationStatus.pendingValidation.rawValue
            _ = try await conn.query("""
                UPDATE organisations SET
                  legal_name = coalesce(\(legalName), legal_name), country = coalesce(\(country), country),
                  kind = coalesce(\(b.kind), kind), city = coalesce(\(city), city),
                  latitude = coalesce(\(b.latitude), latitude), longitude = coalesce(\(b.longitude), longitude),
                  vat_number = coalesce(\(vat), vat_number), iban = coalesce(\(iban), iban),
                  open_to_hosting = coalesce(\(b.openToHosting), open_to_hosting),
                  status = CASE WHEN \(resetValidation) THEN 'pending_validation' ELSE status END,
                  status_reason = CASE WHEN \(resetValidation) THEN 'identity changed; validation needed again' ELSE status_reason END,
                  version = version + 1, updated_at = now()
                WHERE id = \(id)
                """)
            let after = try await load(conn, id: id, for: user)
            try await AuditTrail.record(conn, audit, action: "organisation.updated", entity: "organisation", id: id, before: before, after: after)
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
            _ = try await conn.query("""
                UPDATE organisations SET status = \(b.decision), status_reason = \(reason), validated_by = \(user.userID),
                  validated_at = now(), version = version + 1, updated_at = now() WHERE id = \(id)
                """)
            let after = try await load(conn, id: id, for: user)
            try await AuditTrail.record(conn, audit, action: "organisation.\(b.decision)", entity: "organisation", id: id, before: before, after: after)
            return after
        }
        var r = try HTTPResponse.json(org)
        r.headers.set("ETag", org.etag)
        return r
    }

    @Sendable static func hosts(_ ctx: RequestContext) async throws -> HTTPResponse {
        let page = try Page(ctx.request)
        let country = ctx.request.query["country"]
        if let country, !Countries.isAlpha2(country) { throw GrantsError.invalid("country", "must be an ISO 3166-1 alpha-2 code", rule: "country") }
        let rows = try await ctx.db.query("""
            SELECT o.id, o.legal_name, o.kind, o.country, o.city, o.latitude, o.longitude FROM organisations o
            WHERE o.id > \(page.afterID) AND o.status = 'validated' AND o.open_to_hosting
              AND (\(country)::text IS NULL OR o.country = \(country))
            ORDER BY o.id LIMIT \(page.fetchLimit)
            """).rows
        let items = try rows.map {
            HostResource(id: try $0.decode("id"), legalName: try $0.decode("legal_name"), kind: try $0.decode("kind"),
                         country: try $0.decode("country"), city: try $0.decode("city"),
                         latitude: try $0.decode("latitude"), longitude: try $0.decode("longitude"))
        }
        return try page.response(items, id: \.id)
    }
}
