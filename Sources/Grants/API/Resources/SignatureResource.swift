import Foundation
import HTTP

/// One Commitment-to-Quality signature: which party, who signed (or that the migration
/// recorded it), on whose behalf with which signed copy, and the SHA-256 of the document signed.
struct SignatureResource: Codable, Sendable {
    var id: Int64
    var party: AgreementSignatures.Party
    var signedBy: Int64?
    var onBehalfOf: String?
    var evidenceDocumentId: Int64?
    var documentId: Int64?
    var documentSha256: String?
    var recordedByMigration: Bool
    var signedAt: Date
    /// It signs the application's current Commitment to Quality (a newer upload voids it).
    var valid: Bool

    /// One JSON array per application, built in SQL so an application row carries its
    /// signatures as one column (`a` is the applications alias).
    static let column = """
        (SELECT json_agg(json_build_object('id', s.id, 'party', s.party, 'signed_by', s.signed_by,
            'on_behalf_of', s.on_behalf_of, 'evidence_document_id', s.evidence_document_id, 'document_id', s.document_id,
            'document_sha256', s.document_sha256, 'recorded_by_migration', s.recorded_by_migration,
            'signed_at', to_char(s.signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'valid', false) ORDER BY s.id)
         FROM agreement_signatures s WHERE s.application_id = a.id)::text AS signatures
        """

    /// The current Commitment to Quality next to `a` (the newest one not withdrawn): its id and
    /// SHA-256, the document every signature must name.
    static let currentDocumentColumns = """
        (SELECT d.id FROM documents d WHERE d.application_id = a.id AND d.kind = 'commitment_to_quality'
           AND d.withdrawn_at IS NULL ORDER BY d.id DESC LIMIT 1) AS commitment_to_quality_document_id,
        (SELECT d.sha256 FROM documents d WHERE d.application_id = a.id AND d.kind = 'commitment_to_quality'
           AND d.withdrawn_at IS NULL ORDER BY d.id DESC LIMIT 1) AS commitment_to_quality_sha256
        """

    static func decode(json text: String?, currentSHA256: String?) throws -> [SignatureResource] {
        guard let text else { return [] }
        do {
            var list = try JSON.decoder.decode([SignatureResource].self, from: Data(text.utf8))
            for i in list.indices { list[i].valid = list[i].rule.isValid(currentSHA256: currentSHA256) }
            return list
        } catch {
            throw GrantsError.unavailable("a stored signature could not be read")
        }
    }

    var rule: AgreementSignatures.Signature {
        .init(party: party, documentSHA256: documentSha256, recordedByMigration: recordedByMigration)
    }
}
