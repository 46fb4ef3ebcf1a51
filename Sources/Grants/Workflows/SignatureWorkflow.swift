import Postgres

/// Signing the Commitment to Quality (S): each of the four parties signs the application's
/// current document (by its SHA-256); the fourth valid signature moves the application to
/// `agreement_signed` in the same transaction.
enum SignatureWorkflow {
    struct Outcome: Sendable {
        var signature: SignatureResource
        var application: ApplicationResource
    }

    static func sign(
        _ conn: PostgresConnection, id: Int64, party: AgreementSignatures.Party, onBehalfOf: String?, evidenceDocumentID: Int64?,
        user: Principal, audit: AuditContext
    ) async throws -> Outcome {
        let app = try await ApplicationResource.load(conn, id: id, for: user, lock: true, asHost: true)
        let relation: AgreementSignatures.Signer.Relation
        switch user.role {
        case .coordinator: relation = .coordinator
        case .applicant where user.organisationID == app.organisationId: relation = .visitorUser
        case .applicant where user.organisationID == app.hostOrganisationId: relation = .hostUser
        default: throw GrantsError.notFound()
        }
        guard app.status == .approved else { throw GrantsError.invalidTransition(from: app.status, action: "sign", needs: .approved) }
        guard let documentID = app.commitmentToQualityDocumentId, let sha = app.commitmentToQualitySha256 else {
            throw GrantsError.conflict(
                code: .commitmentToQualityMissing,
                detail: "no Commitment to Quality to sign yet: the visitor organisation's applicant uploads it (document kind "
                    + "commitment_to_quality), then each party signs it")
        }
        if let evidenceDocumentID {
            try await HostMatchWorkflow.requireDocument(
                conn, evidenceDocumentID, of: id, kind: .signedCommitmentToQuality, field: "evidence_document_id")
        }
        let signer = AgreementSignatures.Signer(
            relation: relation, onBehalf: onBehalfOf != nil, hasSignedCopy: evidenceDocumentID != nil)
        switch AgreementSignatures.authority(for: party, signer: signer) {
        case .allowed: break
        case .notThisParty(let why): throw GrantsError.forbidden(why)
        case .signedCopyRequired:
            throw GrantsError.validation([
                RuleViolation(
                    field: onBehalfOf == nil ? "on_behalf_of" : "evidence_document_id", rule: ProblemCode.signedDocumentRequired.rawValue,
                    message: "a coordinator signs for \(party.rawValue) only on its behalf: name the signatory in on_behalf_of and "
                        + "give the id of that party's signed copy (document kind signed_commitment_to_quality)")
            ])
        }
        if app.signatures.contains(where: { $0.party == party && $0.valid }) {
            throw GrantsError.conflict(
                code: .alreadySigned, detail: "\(party.rawValue) has already signed the current Commitment to Quality")
        }
        let signatureID: Int64 = try await conn.query(
            """
            INSERT INTO agreement_signatures (application_id, party, signed_by, on_behalf_of, evidence_document_id, document_id, document_sha256)
            VALUES (\(id), \(party.rawValue), \(user.userID), \(onBehalfOf), \(evidenceDocumentID), \(documentID), \(sha))
            RETURNING id
            """
        ).single().decode("id")
        var after = try await ApplicationResource.load(conn, id: id, for: user, asHost: true)
        guard let signature = after.signatures.first(where: { $0.id == signatureID }) else {
            throw GrantsError.internalInvariant("a signature just written is not read back")
        }
        try await AuditTrail.record(conn, audit, action: "application.signed", entity: "application", id: id, after: signature)
        if after.missingSignatures.isEmpty {
            after = try await ApplicationLifecycle.move(
                conn, after, .signAgreement, reason: "all four parties signed", audit: audit, user: user, asHost: true)
        }
        return Outcome(signature: signature, application: after)
    }
}
