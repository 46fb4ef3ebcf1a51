/// Documentation of the scheme rules' types (issue 11): host acceptance, declarations,
/// signatures, earlier visitors, appeals and the agency exports.
private typealias F = SchemaFragments

extension AgreementSignatures.Party: SchemaEnum {}

extension ApplicationRoutes.DeclarationsInput: RequestBody {
    static let schemaName = "DeclarationsInput"
    static let schemaHints = SchemaHints(
        "What the applicant declares (S); submission needs participant_employed_by_visitor and "
            + "no_previous_clusterxchange_visit true, and a third-country national's 183 days of residence in a COSME country "
            + "with a residence_permit document.",
        fields: ["residence_days_in_cosme": ["minimum": 0, "maximum": 36600]])
}

extension ApplicationResource.Declarations: DocumentedSchema {
    static let schemaName = "Declarations"
    static let schemaHints = SchemaHints("null: not declared (applications made before the rule)")
}

extension ApplicationResource.HostAcceptance: DocumentedSchema {
    static let schemaName = "HostAcceptance"
    static let schemaHints = SchemaHints(
        "The host's answer to the match; decided_by is null when the migration that introduced the rule recorded it.",
        fields: ["status": F.oneOf(["pending", "accepted", "declined"])])
}

extension ApplicationResource.HostPreapproval: DocumentedSchema {
    static let schemaName = "HostPreapproval"
}

extension SignatureResource: DocumentedSchema {
    static let schemaName = "Signature"
    static let schemaHints = SchemaHints(
        "A Commitment-to-Quality signature; valid while it signs the application's current document.",
        fields: ["document_sha256": F.sha256])
}

extension HostedExchangeResource: DocumentedSchema {
    static let schemaName = "HostedExchange"
    static let schemaHints = SchemaHints(
        "An exchange as its host sees it: the public part only, never the visitor's money, scores or other documents.")
}

extension HostRoutes.DecisionBody {
    static let schemaName = "HostDecision"
    static let schemaHints = SchemaHints(fields: [
        "decision": F.oneOf(HostMatchWorkflow.Decision.allCases.map(\.rawValue)),
        "reason": ["maxLength": 2000, "description": "required when declined"],
        "document_id": ["minimum": 1, "description": "coordinators only: the host_acceptance document recording the host's answer"],
    ])
}

extension HostRoutes.PreapprovalBody {
    static let schemaName = "HostPreapprovalRequest"
    static let schemaHints = SchemaHints(fields: [
        "document_id": ["minimum": 1, "description": "an agency_preapproval document of this application"],
        "note": ["minLength": 1, "maxLength": 2000],
    ])
}

extension RuleSources.Proof: DocumentedSchema {
    static let schemaName = "ClosingReportProof"
}

extension PreviousVisitorResource: DocumentedSchema {
    static let schemaName = "PreviousVisitor"
    static let schemaHints = SchemaHints(fields: ["country": F.country])
}
