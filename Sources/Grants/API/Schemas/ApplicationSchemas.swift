/// Documentation of applications, documents and decisions (ApplicationRoutes, DocumentRoutes, DecisionRoutes).
private typealias F = SchemaFragments

extension ApplicationRoutes.ParticipantInput: RequestBody {
    static let schemaName = "ParticipantInput"
    static let schemaHints = SchemaHints(fields: ["name": F.text200, "email": F.email, "position": F.text200])
}

extension ApplicationRoutes.OriginInput: RequestBody {
    static let schemaName = "OriginInput"
    static let schemaHints = SchemaHints(fields: [
        "city": F.text200, "country": F.country, "latitude": F.latitude, "longitude": F.longitude,
    ])
}

extension ApplicationResource.Participant: DocumentedSchema {
    static let schemaName = "Participant"
}

extension ApplicationResource.Origin: DocumentedSchema {
    static let schemaName = "Origin"
    static let schemaHints = SchemaHints(fields: ["country": F.country])
}

extension ApplicationRoutes.Body {
    static let schemaName = "ApplicationCreate"
    private static let fields: [String: OrderedJSON] = [
        "call_id": F.positive, "host_organisation_id": ["minimum": 1, "description": "another organisation than the applicant's"],
        "activity_start": F.date, "activity_end": ["format": "date", "description": "not before activity_start"],
        "activity_type": ["minLength": 1, "maxLength": 100], "objectives": ["minLength": 1, "maxLength": 10000],
    ]
    static let schemaHints = SchemaHints(
        fields: fields,
        required: [
            "call_id", "host_organisation_id", "participant", "origin", "activity_start", "activity_end", "activity_type", "objectives",
        ])
    /// The same members for a draft's edit: none required.
    static let patchHints = SchemaHints("A draft only; members left out keep their value.", fields: fields)
}

extension ApplicationResource: DocumentedSchema {
    static let schemaName = "Application"
    static let schemaHints = SchemaHints(
        "An exchange application with the figures the service computed for it.",
        fields: [
            "allowed_actions": [
                "items": ["type": "string", "enum": .strings(ApplicationStatus.Event.allCases.map(\.rawValue))],
                "description": "the steps allowed next that the caller may take itself",
            ],
            "next_actions": ["description": "every step allowed next, with the roles that take it (what others must do)"],
        ])
}

extension NextAction: DocumentedSchema {
    static let schemaName = "NextAction"
    static let schemaHints = SchemaHints(
        "A step of the application's lifecycle and the roles whose request takes it.",
        fields: ["action": ["enum": .strings(ApplicationStatus.Event.allCases.map(\.rawValue))]])
}

extension ApplicationRoutes.EligibilityBody {
    static let schemaName = "EligibilityDecision"
    static let schemaHints = SchemaHints(fields: ["reason": ["maxLength": 2000, "description": "required when eligible is false"]])
}

extension ReasonBody {
    static let schemaName = "Reason"
    static let schemaHints = SchemaHints(fields: ["reason": ["maxLength": 2000, "description": "multi-line text"]])
}

extension DocumentResource: DocumentedSchema {
    static let schemaName = "Document"
    static let schemaHints = SchemaHints(fields: [
        "kind": F.oneOf(DocumentKind.self), "media_type": F.oneOf(DocumentSniffer.mediaTypes), "sha256": F.sha256,
    ])
}

extension DecisionRoutes.DecisionBody {
    static let schemaName = "DecisionRequest"
    static let schemaHints = SchemaHints(fields: [
        "decision": F.oneOf(["approved", "reserve", "rejected"]), "reason": ["maxLength": 2000, "description": "required for a rejection"],
    ])
}

extension DecisionRoutes.ReportBody {
    static let schemaName = "ReportRequest"
    static let schemaHints = SchemaHints(
        "The closing report; needs a boarding_pass or invoice and the host_confirmation among the documents.",
        fields: [
            "actual_start": F.date, "actual_end": ["format": "date", "description": "not before actual_start"],
            "summary": ["minLength": 1, "maxLength": 20000],
        ])
}

extension DecisionRoutes.ReviewBody {
    static let schemaName = "ReviewRequest"
    static let schemaHints = SchemaHints(fields: ["reason": ["maxLength": 2000, "description": "required when the report is returned"]])
}
