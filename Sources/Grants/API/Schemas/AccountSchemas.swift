/// Documentation of the account and organisation types (AuthRoutes, OrganisationRoutes).
private typealias F = SchemaFragments

extension OperationalRoutes.Health: DocumentedSchema {
    static let schemaName = "Health"
    static let schemaHints = SchemaHints(fields: ["status": ["const": "ok"]])
}

extension OperationalRoutes.Readiness: DocumentedSchema {
    static let schemaName = "Readiness"
    static let schemaHints = SchemaHints(fields: [
        "status": F.oneOf(["ready", "unavailable"]), "database": F.oneOf(["ok", "unreachable"]),
    ])
}

extension UserResource: DocumentedSchema {
    static let schemaName = "User"
    static let schemaHints = SchemaHints(
        "A user. `organisation` is the applicant's organisation, null for staff roles.",
        fields: ["role": F.oneOf(Role.self)])
}

extension AuthRoutes.LoginResponse: DocumentedSchema {
    static let schemaName = "LoginResponse"
}

extension AuthRoutes.OrganisationInput: RequestBody {
    static let schemaName = "OrganisationInput"
    static let schemaHints = SchemaHints(fields: [
        "legal_name": ["minLength": 1, "maxLength": 300],
        "country": F.described(F.country, "a COSME country (EU-27, AL, AM, BA, IS, XK, MD, ME, MK, RS, TR, UA)"),
        "kind": F.oneOf(OrganisationKind.self), "city": F.text200, "latitude": F.latitude, "longitude": F.longitude,
        "vat_number": ["maxLength": 32], "iban": ["description": "checked with the ISO 13616 mod-97 check digits"],
    ])
}

extension AuthRoutes.RegisterBody {
    static let schemaName = "RegisterRequest"
    static let schemaHints = SchemaHints(fields: ["email": F.email, "password": F.password, "name": F.text200])
}

extension AuthRoutes.LoginBody {
    static let schemaName = "LoginRequest"
}

extension AuthRoutes.CreateUserBody {
    static let schemaName = "CreateUserRequest"
    static let schemaHints = SchemaHints(fields: [
        "email": F.email, "password": F.password, "name": F.text200,
        "role": ["enum": ["evaluator", "coordinator", "auditor"], "description": "applicants register themselves"],
    ])
}

extension OrganisationResource: DocumentedSchema {
    static let schemaName = "Organisation"
    static let schemaHints = SchemaHints(
        fields: [
            "country": F.country, "kind": F.oneOf(OrganisationKind.self), "status": F.oneOf(OrganisationStatus.self),
            "iban": ["description": "the validated IBAN in force: payments go here until a pending change is approved"],
            "pending_change": ["description": "a change of bank or legal details waiting for a coordinator; null when none waits"],
        ])
}

extension OrganisationChangeResource: DocumentedSchema {
    static let schemaName = "OrganisationChange"
    static let schemaHints = SchemaHints(
        "A requested change of a validated organisation's IBAN, VAT number, legal name, country or kind. It applies only "
            + "when a coordinator other than its requester approves it (four eyes).",
        fields: [
            "status": F.oneOf(["pending", "approved", "rejected"]),
            "proposed": [
                "propertyNames": F.oneOf(guardedMembers),
                "description": "member -> proposed value (only the members that change)",
            ],
            "previous": [
                "propertyNames": F.oneOf(guardedMembers),
                "description": "the same members' values in force when the change was requested",
            ],
        ])
}

extension OrganisationRoutes.ChangeDecisionBody {
    static let schemaName = "OrganisationChangeDecision"
    static let schemaHints = SchemaHints(fields: [
        "decision": F.oneOf(["approved", "rejected"]),
        "reason": ["maxLength": 2000, "description": "required for a rejection; multi-line text (TAB, LF, CR allowed)"],
    ])
}

extension HostResource: DocumentedSchema {
    static let schemaName = "Host"
    static let schemaHints = SchemaHints(
        "The public profile of a validated organisation open to hosting.",
        fields: ["country": F.country, "kind": F.oneOf(OrganisationKind.self)])
}

extension OrganisationRoutes.PatchBody {
    static let schemaName = "OrganisationPatch"
    static let schemaHints = SchemaHints(
        "Members left out keep their value. On a `validated` organisation, a change of legal_name, country, kind, "
            + "vat_number or iban does not apply: the answer (200) is the organisation with its values in force and "
            + "`pending_change`, which a coordinator other than the requester must approve "
            + "(`POST /v1/organisations/{id}/changes/{change_id}/decision`). Other members apply at once. Before validation, "
            + "or after a rejection, every member applies at once. The status never changes here: only a coordinator's "
            + "validation decision moves it (a rejected organisation is reopened by a coordinator only).",
        fields: [
            "legal_name": ["minLength": 1, "maxLength": 300], "country": F.country, "kind": F.oneOf(OrganisationKind.self),
            "city": F.text200, "latitude": F.latitude, "longitude": F.longitude, "vat_number": ["maxLength": 32],
        ])
}

extension OrganisationRoutes.ValidationBody {
    static let schemaName = "OrganisationValidation"
    static let schemaHints = SchemaHints(
        "Validating (again) is also how a coordinator reopens a rejected organisation.",
        fields: [
            "decision": F.oneOf(["validated", "rejected"]), "reason": ["maxLength": 2000, "description": "required for a rejection"],
        ])
}
