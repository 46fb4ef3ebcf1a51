import Foundation
import Postgres

/// What a host organisation's users see of an exchange they host: its public part (dates,
/// participant name, objectives) and what the host has to do (accept, sign). Never the
/// visitor's money, scores, declarations or documents (the Commitment to Quality excepted,
/// which the host signs).
struct HostedExchangeResource: Codable, Sendable {
    var id: Int64
    var status: ApplicationStatus
    var visitorOrganisationId: Int64
    var visitorLegalName: String
    var visitorCountry: String
    var participantName: String
    var activityStart: CalendarDate
    var activityEnd: CalendarDate
    var travelStart: CalendarDate?
    var travelEnd: CalendarDate?
    var objectives: String
    var hostAcceptance: ApplicationResource.HostAcceptance
    var commitmentToQualityDocumentId: Int64?
    var commitmentToQualitySha256: String?
    var missingSignatures: [AgreementSignatures.Party]

    static let columns = """
        a.id, a.status, a.organisation_id, vo.legal_name AS visitor_legal_name, vo.country AS visitor_country,
        a.participant_name, a.activity_start, a.activity_end, a.travel_start, a.travel_end, a.objectives,
        a.host_acceptance, a.host_decided_at, a.host_decided_by, a.host_decision_reason, a.host_acceptance_document_id,
        \(SignatureResource.currentDocumentColumns), \(SignatureResource.column)
        """
    static let from = "applications a JOIN organisations vo ON vo.id = a.organisation_id"

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        guard let s = ApplicationStatus(rawValue: try row.decode("status")) else {
            throw GrantsError.unavailable("unknown status in storage")
        }
        status = s
        visitorOrganisationId = try row.decode("organisation_id")
        visitorLegalName = try row.decode("visitor_legal_name")
        visitorCountry = try row.decode("visitor_country")
        participantName = try row.decode("participant_name")
        activityStart = try row.decode("activity_start")
        activityEnd = try row.decode("activity_end")
        travelStart = try row.decode("travel_start")
        travelEnd = try row.decode("travel_end")
        objectives = try row.decode("objectives")
        hostAcceptance = .init(
            status: try row.decode("host_acceptance"), decidedAt: try row.decode("host_decided_at"),
            decidedBy: try row.decode("host_decided_by"), reason: try row.decode("host_decision_reason"),
            documentId: try row.decode("host_acceptance_document_id"))
        commitmentToQualityDocumentId = try row.decode("commitment_to_quality_document_id")
        commitmentToQualitySha256 = try row.decode("commitment_to_quality_sha256")
        let signatures = try SignatureResource.decode(json: try row.decode("signatures"), currentSHA256: commitmentToQualitySha256)
        missingSignatures = AgreementSignatures.missing(signatures.map(\.rule), currentSHA256: commitmentToQualitySha256)
    }
}
