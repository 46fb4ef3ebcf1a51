/// Every stable problem `code` the service answers, with its HTTP status: what clients switch
/// on (DESIGN.md §6). Route declarations list the codes each route can answer beyond the
/// ones every route of its kind can, and the OpenAPI document is derived from those lists.
/// The HTTP layer's own codes (framing, limits) are here too, so the document names them.
public enum ProblemCode: String, Sendable, CaseIterable {
    // 400: the request itself cannot be read.
    case badRequest = "bad_request"
    case malformedJSON = "malformed_json"
    // 401, 403, 404
    case unauthenticated
    case forbidden
    case fourEyes = "four_eyes"
    case conflictOfInterest = "conflict_of_interest"
    case notFound = "not_found"
    // 409: the request conflicts with what is stored.
    case conflict
    case invalidTransition = "invalid_transition"
    case budgetExceeded = "budget_exceeded"
    case organisationLimit = "organisation_limit"
    case capBelowCommitted = "cap_below_committed"
    case emailTaken = "email_taken"
    case organisationExists = "organisation_exists"
    case organisationChangePending = "organisation_change_pending"
    case changeAlreadyDecided = "change_already_decided"
    case evaluationStarted = "evaluation_started"
    case alreadyAssigned = "already_assigned"
    case alreadyDeclared = "already_declared"
    case assignmentVoid = "assignment_void"
    case openPayment = "open_payment"
    case noPrefinancing = "no_prefinancing"
    case nothingToPay = "nothing_to_pay"
    case paymentExists = "payment_exists"
    case paymentExceedsGrant = "payment_exceeds_grant"
    case ibanMissing = "iban_missing"
    case organisationNotValidated = "organisation_not_validated"
    case immutable
    case storedAmountOutOfRange = "stored_amount_out_of_range"
    case previousVisit = "previous_visit"
    case appealWindowClosed = "appeal_window_closed"
    case hostUsersDecide = "host_users_decide"
    case commitmentToQualityMissing = "commitment_to_quality_missing"
    case alreadySigned = "already_signed"
    // 412, 413, 415, 422, 429
    case preconditionFailed = "precondition_failed"
    case payloadTooLarge = "payload_too_large"
    case unsupportedMediaType = "unsupported_media_type"
    case validationFailed = "validation_failed"
    case idempotencyKeyReused = "idempotency_key_reused"
    // 422 refusals of one scheme rule, each its own code (the first broken one names the problem).
    case visitorKindNotEligible = "visitor_kind_not_eligible"
    case clusterMembershipRequired = "cluster_membership_required"
    case hostPreapprovalRequired = "host_preapproval_required"
    case hostAcceptanceMissing = "host_acceptance_missing"
    case declarationRequired = "declaration_required"
    case signedDocumentRequired = "signed_document_required"
    case importRejected = "import_rejected"
    case rateLimited = "rate_limited"
    // 503
    case serviceUnavailable = "service_unavailable"
    case tooManyConnections = "too_many_connections"
    case handlerTimeout = "handler_timeout"
    // 500: the safety net for what no rule above names; the answer carries the request id.
    case internalError = "internal_error"

    public var status: Int {
        switch self {
        case .badRequest, .malformedJSON: 400
        case .unauthenticated: 401
        case .forbidden, .fourEyes, .conflictOfInterest: 403
        case .notFound: 404
        case .conflict, .invalidTransition, .budgetExceeded, .organisationLimit, .capBelowCommitted, .emailTaken,
            .organisationExists, .organisationChangePending, .changeAlreadyDecided, .evaluationStarted, .alreadyAssigned,
            .alreadyDeclared, .assignmentVoid, .openPayment, .noPrefinancing, .nothingToPay, .paymentExists,
            .paymentExceedsGrant, .ibanMissing, .organisationNotValidated, .immutable, .storedAmountOutOfRange,
            .previousVisit, .appealWindowClosed, .hostUsersDecide, .commitmentToQualityMissing, .alreadySigned:
            409
        case .preconditionFailed: 412
        case .payloadTooLarge: 413
        case .unsupportedMediaType: 415
        case .validationFailed, .idempotencyKeyReused, .visitorKindNotEligible, .clusterMembershipRequired,
            .hostPreapprovalRequired, .hostAcceptanceMissing, .declarationRequired, .signedDocumentRequired, .importRejected:
            422
        case .rateLimited: 429
        case .serviceUnavailable, .tooManyConnections, .handlerTimeout: 503
        case .internalError: 500
        }
    }
}
