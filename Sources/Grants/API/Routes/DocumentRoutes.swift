import Foundation
import HTTP
import Postgres

/// Supporting documents, stored in PostgreSQL with their SHA-256 so an auditor can prove
/// that what is served today is what was uploaded.
enum DocumentRoutes {
    static func register(into table: inout RouteTable, maxDocumentBytes: Int) {
        table.add(
            Route(
                .POST,
                "/v1/applications/:id/documents",
                roles: [.applicant, .coordinator],
                id: "uploadDocument",
                tag: .documents,
                summary: "Upload a document",
                description: "The raw bytes of a PDF, PNG or JPEG, at most 10 MiB. The type is sniffed from the content, "
                    + "not taken from Content-Type (415 otherwise). The applicant uploads its evidence; a coordinator uploads "
                    + "what it records for a party without users (host_acceptance, agency_preapproval, signed_commitment_to_quality, "
                    + "host_confirmation); another role's kind answers 403 with `allowed_roles`. "
                    + "The commitment_to_quality is uploaded once the application is approved and before the agreement is "
                    + "signed; a new version voids the signatures of the earlier one, and each party still to sign it is "
                    + "notified (signature_requested).",
                body: .upload(
                    description: "the document's bytes (PDF, PNG or JPEG; at most 10 MiB)",
                    mediaTypes: DocumentSniffer.mediaTypes + ["application/octet-stream"]),
                response: .json(DocumentResource.self),
                status: 201,
                query: [
                    .oneOf("kind", DocumentKind.self, "what the document is", required: true),
                    QueryParameter(name: "filename", kind: .fileName, description: "the original file name (no path)", required: true),
                ],
                problems: [.invalidTransition],
                bodyLimit: maxDocumentBytes),
            upload)
        table.add(
            Route(
                .GET,
                "/v1/applications/:id/documents",
                roles: [.applicant, .coordinator, .auditor],
                id: "listDocuments",
                tag: .documents,
                summary: "List an application's documents",
                response: .page(DocumentResource.self)),
            list)
        table.add(
            Route(
                .GET,
                "/v1/documents/:id",
                roles: [.applicant, .coordinator, .auditor],
                id: "downloadDocument",
                tag: .documents,
                summary: "Download a document",
                description: "The stored bytes with their media type; the ETag is the quoted SHA-256. A host's users may "
                    + "download the Commitment to Quality of an exchange they host, and nothing else of it.",
                response: .content([
                    "application/pdf": ["schema": ["type": "string", "format": "binary"]],
                    "image/png": ["schema": ["type": "string", "format": "binary"]],
                    "image/jpeg": ["schema": ["type": "string", "format": "binary"]],
                    "application/octet-stream": ["schema": ["type": "string", "format": "binary"]],
                ]),
                traits: [.etag]),
            download)
        table.add(
            Route(
                .DELETE,
                "/v1/documents/:id",
                roles: [.applicant],
                id: "deleteDocument",
                tag: .documents,
                summary: "Withdraw a document of a draft",
                description: "Documents are never deleted (records are kept 5 years after the agency's balance payment): "
                    + "withdrawing hides it from the application's list and keeps its bytes and audit row.",
                status: 204,
                problems: [.invalidTransition]),
            delete)
    }

    @Sendable static func upload(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        // Both are required: the router answered 422 when either was missing or malformed.
        guard let kind = ctx.query.text("kind"), let filename = ctx.query.text("filename") else {
            throw GrantsError.invalid("kind", "is required", rule: "required")
        }
        let bytes = ctx.request.body
        if bytes.isEmpty { throw GrantsError.invalid("body", "the document is empty", rule: "required") }
        guard let mediaType = DocumentSniffer.mediaType(of: bytes) else {
            throw GrantsError.unsupportedMediaType(
                "only PDF, PNG and JPEG documents are accepted (checked from the content, not the Content-Type)")
        }
        let content = Data(bytes)
        let audit = ctx.audit
        let doc = try await ctx.db.write { conn in
            try await DocumentWorkflow.upload(
                conn, applicationID: id, kind: kind, filename: filename, mediaType: mediaType, content: content, user: user,
                audit: audit)
        }
        var r = try HTTPResponse.json(doc, status: 201)
        r.headers.set("Location", "/v1/documents/\(doc.id)")
        return r
    }

    @Sendable static func list(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let page = try Page(ctx.request)
        let rows = try await ctx.db.withConnection { conn in
            _ = try await ApplicationResource.load(conn, id: id, for: user)
            return try await conn.query(
                """
                SELECT \(unescaped: DocumentResource.columns) FROM documents d
                WHERE d.application_id = \(id) AND d.withdrawn_at IS NULL AND d.id > \(page.afterID) ORDER BY d.id LIMIT \(page.fetchLimit)
                """
            ).rows
        }
        return try page.response(try rows.map(DocumentResource.init(row:)), id: \.id)
    }

    /// An applicant reads its own organisation's documents, and as host only the Commitment to
    /// Quality of an exchange it hosts (`asHost`); staff read all.
    static func loadOwned(_ conn: PostgresConnection, id: Int64, user: Principal, content: Bool, asHost: Bool = false) async throws
        -> PostgresRow
    {
        let org = user.applicantOrganisation
        return try await conn.query(
            """
            SELECT \(unescaped: DocumentResource.columns), a.status AS application_status \(unescaped: content ? ", d.content" : "")
            FROM documents d JOIN applications a ON a.id = d.application_id
            WHERE d.id = \(id) AND (\(org)::bigint IS NULL OR a.organisation_id = \(org)
              OR (\(asHost) AND a.host_organisation_id = \(org) AND d.kind = 'commitment_to_quality' AND d.withdrawn_at IS NULL))
            """
        ).single()
    }

    @Sendable static func download(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let row = try await ctx.db.withConnection { try await loadOwned($0, id: id, user: user, content: true, asHost: true) }
        let doc = try DocumentResource(row: row)
        var r = HTTPResponse(status: 200, body: [UInt8](try row.decode("content", as: Data.self)))
        r.headers.set("Content-Type", doc.mediaType)
        r.headers.set("Content-Disposition", contentDisposition(doc.filename))
        r.headers.set("ETag", "\"\(doc.sha256)\"")
        r.headers.set("X-Content-Type-Options", "nosniff")
        r.headers.set("Cache-Control", "private, no-store")
        return r
    }

    /// RFC 6266: an ASCII fallback plus the exact UTF-8 name (RFC 8187), so "León.pdf" survives.
    static func contentDisposition(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }

    @Sendable static func delete(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let audit = ctx.audit
        try await ctx.db.write { conn in
            let row = try await loadOwned(conn, id: id, user: user, content: false)
            let doc = try DocumentResource(row: row)
            let status = ApplicationStatus(rawValue: try row.decode("application_status")) ?? .submitted
            // Records are kept (S): once submitted, evidence stays.
            guard status == .draft else { throw GrantsError.invalidTransition(from: status, action: "delete_document") }
            if doc.withdrawnAt != nil { throw GrantsError.notFound("the document was already withdrawn") }
            _ = try await conn.query("UPDATE documents SET withdrawn_at = now(), withdrawn_by = \(user.userID) WHERE id = \(id)")
            let after = try DocumentResource(row: try await loadOwned(conn, id: id, user: user, content: false))
            try await AuditTrail.record(conn, audit, action: "document.withdrawn", entity: "document", id: id, before: doc, after: after)
        }
        return .noContent()
    }
}
