/// Who a user is to the service (DESIGN.md §1).
public enum Role: String, Sendable, Codable, CaseIterable {
    case applicant, evaluator, coordinator, auditor
}

public enum OrganisationKind: String, Sendable, Codable, CaseIterable {
    case sme, cluster, research
    case supportOrganisation = "support_organisation"
    case publicAuthority = "public_authority"
    case largeCompany = "large_company"
}

public enum OrganisationStatus: String, Sendable, Codable, CaseIterable {
    case pendingValidation = "pending_validation"
    case validated, rejected
}

public enum DocumentKind: String, Sendable, Codable, CaseIterable {
    case commitmentToQuality = "commitment_to_quality"
    /// A party's own signed copy, uploaded when a coordinator signs on that party's behalf.
    case signedCommitmentToQuality = "signed_commitment_to_quality"
    case boardingPass = "boarding_pass"
    case invoice
    case hostConfirmation = "host_confirmation"
    /// The host's written acceptance of the match, for a host with no users on the service.
    case hostAcceptance = "host_acceptance"
    /// The agency's pre-approval of an SME host outside any cluster.
    case agencyPreapproval = "agency_preapproval"
    /// A third-country participant's proof of residence in a COSME country.
    case residencePermit = "residence_permit"
    case closingReport = "closing_report"
    case other
}
