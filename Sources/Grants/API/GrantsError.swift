import HTTP

/// The domain's failures, each with its stable problem `code` (DESIGN.md §6).
/// Handlers throw these; `RouteTable` turns them into problem+json answers.
public enum GrantsError: Error, Sendable, ProblemConvertible {
    case unauthenticated(String = "a valid bearer token is required")
    case forbidden(String)
    case notFound(String = "no such resource")
    case validation([RuleViolation])
    case invalidTransition(from: ApplicationStatus, action: String)
    case budgetExceeded(availableCents: Int64, requestedCents: Int64)
    case organisationLimit(String)
    case conflictOfInterest(String)
    case preconditionFailed
    case conflict(code: String, detail: String)
    case rateLimited(retryAfterSeconds: Int, detail: String)
    case unsupportedMediaType(String)
    case badRequest(code: String, detail: String)
    case unavailable(String)
    case idempotencyKeyReused
    case fourEyes
    /// A stored amount (or a sum of them) beyond what 64-bit cents hold: only a row written
    /// around the service's bounds gets here.
    case storedAmountOutOfRange(String)
    /// A change of a validated organisation's bank or legal details waits for a coordinator.
    case organisationChangeFourEyes

    public static func invalid(_ field: String, _ message: String, rule: String = "invalid") -> GrantsError {
        .validation([RuleViolation(field: field, rule: rule, message: message)])
    }

    public var problem: ProblemDetails {
        switch self {
        case .unauthenticated(let d):
            var h = HTTPHeaders(); h.set("WWW-Authenticate", "Bearer")
            return ProblemDetails(status: 401, code: "unauthenticated", title: "Authentication required", detail: d, headers: h)
        case .forbidden(let d):
            return ProblemDetails(status: 403, code: "forbidden", title: "Forbidden", detail: d)
        case .notFound(let d):
            return ProblemDetails(status: 404, code: "not_found", title: "Not found", detail: d)
        case .validation(let v):
            return ProblemDetails(status: 422, code: "validation_failed", title: "Validation failed",
                                  detail: v.count == 1 ? v[0].message : "\(v.count) rules are not met",
                                  errors: v.map { FieldError(field: $0.field, message: $0.message, rule: $0.rule) })
        case .invalidTransition(let from, let action):
            return ProblemDetails(status: 409, code: "invalid_transition", title: "Invalid transition",
                                  detail: "'\(action)' is not allowed while the application is '\(from.rawValue)'",
                                  extensions: ["current_status": .string(from.rawValue)])
        case .budgetExceeded(let available, let requested):
            return ProblemDetails(status: 409, code: "budget_exceeded", title: "Budget exceeded",
                                  detail: "the programme has \(available) cents available; \(requested) are needed",
                                  extensions: ["available_cents": .int(Int(available)), "requested_cents": .int(Int(requested))])
        case .organisationLimit(let d):
            return ProblemDetails(status: 409, code: "organisation_limit", title: "Organisation limit reached", detail: d)
        case .conflictOfInterest(let d):
            return ProblemDetails(status: 403, code: "conflict_of_interest", title: "Declaration required", detail: d)
        case .preconditionFailed:
            return ProblemDetails(status: 412, code: "precondition_failed", title: "Precondition failed",
                                  detail: "the resource changed since the ETag given in If-Match; fetch it again")
        case .conflict(let code, let d):
            return ProblemDetails(status: 409, code: code, title: "Conflict", detail: d)
        case .rateLimited(let s, let d):
            var h = HTTPHeaders(); h.set("Retry-After", String(s))
            return ProblemDetails(status: 429, code: "rate_limited", title: "Too many requests", detail: d, headers: h)
        case .unsupportedMediaType(let d):
            return ProblemDetails(status: 415, code: "unsupported_media_type", title: "Unsupported media type", detail: d)
        case .badRequest(let code, let d):
            return ProblemDetails(status: 400, code: code, title: "Bad request", detail: d)
        case .idempotencyKeyReused:
            return ProblemDetails(status: 422, code: "idempotency_key_reused", title: "Idempotency key reused",
                                  detail: "this Idempotency-Key was used with a different request; use a new key")
        case .fourEyes:
            return ProblemDetails(status: 403, code: "four_eyes", title: "Second coordinator required",
                                  detail: "a payment must be approved by a coordinator other than the one who requested it")
        case .storedAmountOutOfRange(let what):
            return ProblemDetails(status: 409, code: "stored_amount_out_of_range", title: "Stored amount out of range",
                                  detail: "\(what) cannot be computed: stored amounts exceed the service's bounds "
                                    + "(each at most \(MoneyBounds.describe(MoneyBounds.maxCapCents))); "
                                    + "a database administrator must correct the stored values")
        case .organisationChangeFourEyes:
            return ProblemDetails(status: 403, code: "four_eyes", title: "Second coordinator required",
                                  detail: "a change requested by a coordinator must be decided by another coordinator")
        case .unavailable(let d):
            var h = HTTPHeaders(); h.set("Retry-After", "1")
            return ProblemDetails(status: 503, code: "service_unavailable", title: "Service unavailable", detail: d, headers: h)
        }
    }
}
