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
    case boardingPass = "boarding_pass"
    case invoice
    case hostConfirmation = "host_confirmation"
    case closingReport = "closing_report"
    case other
}
