import Foundation
import HTTP
import Postgres

/// An exchange application with the figures the service computed for it.
struct ApplicationResource: Codable, Sendable {
    struct Participant: Codable, Sendable {
        var name: String
        var email: String
        var position: String
    }
    struct Origin: Codable, Sendable {
        var city: String
        var country: String
        var latitude: Double
        var longitude: Double
    }

    /// The host's answer to the match (S); submit needs `accepted`.
    struct HostAcceptance: Codable, Sendable {
        /// `pending`, `accepted` or `declined`.
        var status: String
        var decidedAt: Date?
        /// The host user, or the coordinator who recorded it with a `host_acceptance` document;
        /// null when the migration that introduced the rule recorded it.
        var decidedBy: Int64?
        var reason: String?
        var documentId: Int64?
    }
    /// The agency's pre-approval of an SME host outside any cluster.
    struct HostPreapproval: Codable, Sendable {
        var documentId: Int64
        var note: String
    }
    /// The participant's and organisation's declarations (S); null: not declared.
    struct Declarations: Codable, Sendable {
        var participantEmployedByVisitor: Bool?
        var participantThirdCountryNational: Bool?
        var residenceDaysInCosme: Int?
        var noPreviousClusterxchangeVisit: Bool?
    }

    var id: Int64
    var status: ApplicationStatus
    var programmeId: Int64
    var callId: Int64
    var organisationId: Int64
    var hostOrganisationId: Int64
    var participant: Participant
    var origin: Origin
    var activityStart: CalendarDate
    var activityEnd: CalendarDate
    var activityType: String
    var objectives: String
    var workingDays: Int
    var distanceKm: Double
    var lumpSumCents: Int64
    var grantedCents: Int64?
    var finalAmountCents: Int64?
    var paymentDueOn: CalendarDate?
    /// The closing report's deadline: the activity's end + the programme's `report_due_days`,
    /// set at approval (null before).
    var reportDueOn: CalendarDate?
    var actualStart: CalendarDate?
    var actualEnd: CalendarDate?
    var reportSummary: String?
    var statusReason: String?
    var submittedAt: Date?
    var decidedAt: Date?
    var createdAt: Date
    var updatedAt: Date
    var version: Int
    var hostAcceptance: HostAcceptance
    var hostPreapproval: HostPreapproval?
    var declarations: Declarations
    /// Travel days around the activity (checked against boarding passes, never working days).
    var travelStart: CalendarDate?
    var travelEnd: CalendarDate?
    /// The current Commitment to Quality (the document the four parties sign).
    var commitmentToQualityDocumentId: Int64?
    var commitmentToQualitySha256: String?
    var signatures: [SignatureResource]
    /// Parties still to sign the current Commitment to Quality, in signing order.
    var missingSignatures: [AgreementSignatures.Party]
    /// For an ineligible or rejected outcome: the last instant an appeal is accepted.
    var appealDeadline: Date?
    /// The steps the lifecycle allows next that the caller itself may take: the buttons that work.
    var allowedActions: [String]
    /// Every step allowed next with the roles that take it: what others must do.
    var nextActions: [NextAction]

    static let columns = """
        a.id, a.status, a.programme_id, a.call_id, a.organisation_id, a.host_organisation_id, a.participant_name,
        a.participant_email, a.participant_position, a.origin_city, a.origin_country, a.origin_latitude, a.origin_longitude,
        a.activity_start, a.activity_end, a.activity_type, a.objectives,
        a.working_days, a.distance_km, a.lump_sum_cents, a.granted_cents, a.final_amount_cents,
        a.payment_due_on, a.report_due_on, a.actual_start, a.actual_end,
        a.report_summary, a.status_reason, a.submitted_at, a.decided_at, a.created_at, a.updated_at, a.version,
        a.host_acceptance, a.host_decided_at, a.host_decided_by, a.host_decision_reason, a.host_acceptance_document_id,
        a.host_preapproval_document_id, a.host_preapproval_note, a.participant_employed_by_visitor,
        a.participant_third_country_national, a.participant_residence_days, a.no_previous_visit_declared,
        a.travel_start, a.travel_end, a.outcome_at,
        (SELECT p.appeal_days FROM programmes p WHERE p.id = a.programme_id) AS appeal_days,
        \(SignatureResource.currentDocumentColumns), \(SignatureResource.column)
        """

    /// `role`: the caller's, for `allowed_actions`.
    init(row: PostgresRow, role: Role) throws {
        id = try row.decode("id")
        guard let s = ApplicationStatus(rawValue: try row.decode("status")) else {
            throw GrantsError.unavailable("unknown status in storage")
        }
        status = s
        programmeId = try row.decode("programme_id")
        callId = try row.decode("call_id")
        organisationId = try row.decode("organisation_id")
        hostOrganisationId = try row.decode("host_organisation_id")
        participant = Participant(
            name: try row.decode("participant_name"), email: try row.decode("participant_email"),
            position: try row.decode("participant_position"))
        origin = Origin(
            city: try row.decode("origin_city"), country: try row.decode("origin_country"),
            latitude: try row.decode("origin_latitude"), longitude: try row.decode("origin_longitude"))
        activityStart = try row.decode("activity_start")
        activityEnd = try row.decode("activity_end")
        activityType = try row.decode("activity_type")
        objectives = try row.decode("objectives")
        workingDays = try row.decode("working_days")
        distanceKm = try row.decode("distance_km")
        lumpSumCents = try row.decode("lump_sum_cents")
        grantedCents = try row.decode("granted_cents")
        finalAmountCents = try row.decode("final_amount_cents")
        paymentDueOn = try row.decode("payment_due_on")
        reportDueOn = try row.decode("report_due_on")
        actualStart = try row.decode("actual_start")
        actualEnd = try row.decode("actual_end")
        reportSummary = try row.decode("report_summary")
        statusReason = try row.decode("status_reason")
        submittedAt = try row.decode("submitted_at")
        decidedAt = try row.decode("decided_at")
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
        version = try row.decode("version")
        hostAcceptance = HostAcceptance(
            status: try row.decode("host_acceptance"), decidedAt: try row.decode("host_decided_at"),
            decidedBy: try row.decode("host_decided_by"), reason: try row.decode("host_decision_reason"),
            documentId: try row.decode("host_acceptance_document_id"))
        if let doc: Int64 = try row.decode("host_preapproval_document_id") {
            hostPreapproval = HostPreapproval(documentId: doc, note: try row.decode("host_preapproval_note", as: String?.self) ?? "")
        }
        declarations = Declarations(
            participantEmployedByVisitor: try row.decode("participant_employed_by_visitor"),
            participantThirdCountryNational: try row.decode("participant_third_country_national"),
            residenceDaysInCosme: try row.decode("participant_residence_days"),
            noPreviousClusterxchangeVisit: try row.decode("no_previous_visit_declared"))
        travelStart = try row.decode("travel_start")
        travelEnd = try row.decode("travel_end")
        commitmentToQualityDocumentId = try row.decode("commitment_to_quality_document_id")
        commitmentToQualitySha256 = try row.decode("commitment_to_quality_sha256")
        signatures = try SignatureResource.decode(json: try row.decode("signatures"), currentSHA256: commitmentToQualitySha256)
        missingSignatures = AgreementSignatures.missing(signatures.map(\.rule), currentSHA256: commitmentToQualitySha256)
        if s == .ineligible || s == .rejected, let outcome: Date = try row.decode("outcome_at") {
            appealDeadline = AppealRules.deadline(outcomeAt: outcome, appealDays: try row.decode("appeal_days"))
        }
        allowedActions = s.allowedActions(for: role)
        nextActions = s.nextActions
    }

    var etag: String { "\"application-\(id)-v\(version)\"" }

    /// Reads one application as `user` may see it: an applicant only its organisation's, an
    /// evaluator only those assigned to it and declared free of conflict; others answer 404
    /// (never 403, which would confirm that the id exists). `asHost` also lets an applicant read an
    /// exchange its organisation hosts, for the workflows that act as host (they check the party
    /// and never answer this resource to the host; the host's answer is `HostedExchangeResource`).
    static func load(
        _ conn: PostgresConnection, id: Int64, for user: Principal, lock: Bool = false, asHost: Bool = false
    ) async throws -> ApplicationResource {
        if user.role == .evaluator {
            let live = try await conn.prepared(
                """
                SELECT status FROM assignments WHERE application_id = \(id) AND evaluator_id = \(user.userID) AND status <> 'void'
                """
            ).rows
            guard let row = live.first else { throw GrantsError.notFound() }
            if try row.decode("status", as: String.self) == "pending_declaration" {
                throw GrantsError.conflictOfInterest("declare whether you have a conflict of interest before reading the application")
            }
        }
        return try ApplicationResource(
            row: try await conn.prepared(
                """
                SELECT \(unescaped: columns) FROM applications a
                WHERE a.id = \(id)
                  AND (\(user.applicantOrganisation)::bigint IS NULL OR a.organisation_id = \(user.applicantOrganisation)
                       OR (\(asHost) AND a.host_organisation_id = \(user.applicantOrganisation)))
                \(unescaped: lock ? "FOR UPDATE OF a" : "")
                """
            ).single(), role: user.role)
    }
}

extension ApplicationResource {
    /// The answer of every route that returns an application: its JSON with its ETag (and
    /// `Location` when created).
    static func respond(_ app: ApplicationResource, status: Int = 200) throws -> HTTPResponse {
        var r = try HTTPResponse.json(app, status: status)
        r.headers.set("ETag", app.etag)
        if status == 201 { r.headers.set("Location", "/v1/applications/\(app.id)") }
        return r
    }
}
