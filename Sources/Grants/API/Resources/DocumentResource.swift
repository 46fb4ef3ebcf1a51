import Foundation
import Postgres

/// A stored document as the API shows it: its metadata and SHA-256, never its bytes (those are
/// served by `GET /v1/documents/{id}`), so an auditor can prove what was uploaded.
struct DocumentResource: Codable, Sendable {
    var id: Int64
    var applicationId: Int64
    var kind: String
    var filename: String
    var mediaType: String
    var sizeBytes: Int64
    var sha256: String
    var uploadedBy: Int64
    var createdAt: Date
    /// Set when the applicant withdrew it from a draft: hidden from lists, the bytes kept.
    var withdrawnAt: Date?
    static let columns =
        "d.id, d.application_id, d.kind, d.filename, d.media_type, d.size_bytes, d.sha256, d.uploaded_by, d.created_at, d.withdrawn_at"
    init(row: PostgresRow) throws {
        id = try row.decode("id")
        applicationId = try row.decode("application_id")
        kind = try row.decode("kind")
        filename = try row.decode("filename")
        mediaType = try row.decode("media_type")
        sizeBytes = try row.decode("size_bytes")
        sha256 = try row.decode("sha256")
        uploadedBy = try row.decode("uploaded_by")
        createdAt = try row.decode("created_at")
        withdrawnAt = try row.decode("withdrawn_at")
    }
}
