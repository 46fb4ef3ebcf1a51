import Foundation
import Postgres

/// Storing a document under its application's lock: each kind by the role that provides it
/// (`DocumentKind.uploadedBy`), evidence while the application is still open, the Commitment
/// to Quality only once it is approved, and for that text the signature requests of every
/// party still to sign it (DESIGN.md §7), in the same transaction.
enum DocumentWorkflow {
    /// Statuses in which the applicant may still add evidence.
    static let closedStatuses: Set<ApplicationStatus> = [.withdrawn, .cancelled, .closed, .rejected, .ineligible]

    static func upload(
        _ conn: PostgresConnection, applicationID id: Int64, kind: String, filename: String, mediaType: String, content: Data,
        user: Principal, audit: AuditContext
    ) async throws -> DocumentResource {
        if let known = DocumentKind(rawValue: kind), !known.uploadedBy.contains(user.role) {
            let who = known.uploadedBy.map(\.rawValue).joined(separator: " or ")
            throw GrantsError.forbidden(
                "a \(user.role.rawValue) does not upload a \(kind): the \(who) does"
                    + (known == .commitmentToQuality ? " (the visitor uploads the text; then each party signs it)" : ""),
                allowedRoles: known.uploadedBy)
        }
        let app = try await ApplicationResource.load(conn, id: id, for: user, lock: true)
        if closedStatuses.contains(app.status) { throw GrantsError.invalidTransition(from: app.status, action: "upload_document") }
        // The four parties sign one text after approval; a new version voids earlier
        // signatures, so it cannot change once the agreement is signed.
        let isCommitment = DocumentKind(rawValue: kind) == .commitmentToQuality
        if isCommitment && app.status != .approved {
            throw GrantsError.invalidTransition(from: app.status, action: "upload_commitment_to_quality", needs: .approved)
        }
        let row = try await conn.query(
            """
            INSERT INTO documents (application_id, kind, filename, media_type, size_bytes, sha256, content, uploaded_by)
            VALUES (\(id), \(kind), \(filename), \(mediaType), \(Int64(content.count)), encode(sha256(\(content)), 'hex'), \(content), \(user.userID))
            RETURNING \(unescaped: DocumentResource.columns.replacingOccurrences(of: "d.", with: ""))
            """
        ).single()
        let doc = try DocumentResource(row: row)
        try await AuditTrail.record(conn, audit, action: "document.uploaded", entity: "document", id: doc.id, after: doc)
        if isCommitment {
            // Signatures of another text no longer count: whoever must sign this one is told.
            let missing = AgreementSignatures.missing(app.signatures.map(\.rule), currentSHA256: doc.sha256)
            try await Outbox.notify(
                conn, NotificationRules.signatureRequests(missing: missing), applicationID: id, statusAfter: app.status,
                reason: nil, dueOn: nil, actorID: user.userID)
        }
        return doc
    }
}
