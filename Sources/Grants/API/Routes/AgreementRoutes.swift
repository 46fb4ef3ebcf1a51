import Foundation
import HTTP
import Postgres

/// The Commitment to Quality's four signatures (S): visitor organisation, host organisation,
/// visitor partnership and host partnership, each on the current document.
enum AgreementRoutes {
    struct SignBody: RequestBody {
        var party: String
        var onBehalfOf: String?
        var evidenceDocumentId: Int64?
    }
    /// What a signer learns: its signature and where the agreement stands (nothing financial,
    /// so the host's users get the same answer).
    struct SigningResult: Codable, Sendable {
        var signature: SignatureResource
        var status: ApplicationStatus
        var missingSignatures: [AgreementSignatures.Party]
    }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .POST,
                "/v1/applications/:id/signatures",
                roles: [.applicant, .coordinator],
                id: "signAgreement",
                tag: .agreements,
                summary: "Sign the Commitment to Quality as one of its four parties",
                description: "Parties: `visitor_organisation` (a user of the visitor), `host_organisation` (a user of the host), "
                    + "`visitor_partnership` (a coordinator) and `host_partnership` (a coordinator; for a host in another "
                    + "partnership on its coordinator's behalf). A coordinator signs for an organisation or another partnership "
                    + "only on its behalf, with that party's signed copy uploaded (`signed_commitment_to_quality`, 422 "
                    + "`signed_document_required`). Each signature records the SHA-256 of the current document; a new "
                    + "version voids earlier signatures. The fourth valid signature moves the application to `agreement_signed`.",
                body: .json(SignBody.self),
                response: .json(SigningResult.self),
                status: 201,
                traits: [.noLocation],
                problems: [.invalidTransition, .commitmentToQualityMissing, .alreadySigned, .signedDocumentRequired]),
            sign)
    }

    @Sendable static func sign(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(SignBody.self)
        var v = Validator()
        let party = AgreementSignatures.Party(rawValue: b.party)
        if party == nil {
            v.fail("party", "must be one of \(AgreementSignatures.Party.allCases.map(\.rawValue).joined(separator: ", "))", rule: "enum")
        }
        let onBehalfOf = v.optionalText("on_behalf_of", b.onBehalfOf, max: 300)
        try v.finish()
        guard let party else { throw GrantsError.invalid("party", "is required", rule: "enum") }
        let audit = ctx.audit
        let outcome = try await ctx.db.write { conn in
            try await SignatureWorkflow.sign(
                conn, id: id, party: party, onBehalfOf: onBehalfOf, evidenceDocumentID: b.evidenceDocumentId, user: user, audit: audit)
        }
        return try HTTPResponse.json(
            SigningResult(
                signature: outcome.signature, status: outcome.application.status,
                missingSignatures: outcome.application.missingSignatures),
            status: 201)
    }
}

extension AgreementRoutes.SignBody {
    static let schemaName = "SignatureRequest"
    static let schemaHints = SchemaHints(fields: [
        "party": SchemaFragments.oneOf(AgreementSignatures.Party.self),
        "on_behalf_of": ["minLength": 1, "maxLength": 300, "description": "coordinators: the signatory of the party signed for"],
        "evidence_document_id": ["minimum": 1, "description": "that party's signed copy (signed_commitment_to_quality)"],
    ])
}

extension AgreementRoutes.SigningResult: DocumentedSchema {
    static let schemaName = "SigningResult"
}
