import HTTP

/// The domain's failures, each with its stable problem `code` (DESIGN.md §6).
/// Handlers throw these; `RouteTable` turns them into problem+json answers.
public enum GrantsError: Error, Sendable, ProblemConvertible {
    case unauthenticated(String = "a valid bearer token is required")
    /// `allowedRoles`: who may do it instead, named in the answer (`allowed_roles`).
    case forbidden(String, allowedRoles: [Role] = [])
    case notFound(String = "no such resource")
    case validation([RuleViolation])
    /// `needs`: the status the action waits for, when one is known; the answer names the steps
    /// to it and who takes each, besides the steps allowed now.
    case invalidTransition(from: ApplicationStatus, action: String, needs: ApplicationStatus? = nil)
    case budgetExceeded(availableCents: Int64, requestedCents: Int64)
    case organisationLimit(String)
    case conflictOfInterest(String)
    case preconditionFailed
    case conflict(code: ProblemCode, detail: String)
    case rateLimited(retryAfterSeconds: Int, detail: String)
    case unsupportedMediaType(String)
    case badRequest(code: ProblemCode, detail: String)
    case unavailable(String)
    case idempotencyKeyReused
    case fourEyes
    /// A stored amount (or a sum of them) beyond what 64-bit cents hold: only a row written
    /// around the service's bounds gets here.
    case storedAmountOutOfRange(String)
    /// A change of a validated organisation's bank or legal details waits for a coordinator.
    case organisationChangeFourEyes
    /// An appeal is decided by a coordinator other than the one who decided the outcome.
    case appealFourEyes
    /// The organisation visited before in the scheme (S: once in the whole scheme).
    case previousVisit(recordID: Int64, record: String, byVAT: Bool)
    /// A rule the service's own code keeps (a proposal per ranked candidate) did not hold:
    /// a bug, answered 500 without detail instead of trapping the process.
    case internalInvariant(String)

    public static func invalid(_ field: String, _ message: String, rule: String = "invalid") -> GrantsError {
        .validation([RuleViolation(field: field, rule: rule, message: message)])
    }

    /// Roles as a problem member: their names, in order.
    static func roleList(_ roles: [Role]) -> ProblemValue { .array(roles.map { .string($0.rawValue) }) }

    /// What an out-of-order step answers: the steps allowed now and who takes each
    /// (`next_actions`, as on an application), and with `needs` the steps still to come before it (`steps_needed`).
    static func invalidTransitionProblem(from: ApplicationStatus, action: String, needs: ApplicationStatus?) -> ProblemDetails {
        func list(_ actions: [NextAction]) -> ProblemValue {
            .array(actions.map { .object(["action": .string($0.action), "roles": roleList($0.roles)]) })
        }
        let now = from.nextActions
        var detail = "'\(action)' is not allowed while the application is '\(from.rawValue)'."
        var extensions: [String: ProblemValue] = ["current_status": .string(from.rawValue), "next_actions": list(now)]
        if let needs, let steps = from.steps(to: needs), !steps.isEmpty {
            let actions = steps.map(\.nextAction)
            detail +=
                " It needs the application '\(needs.rawValue)' first: "
                + actions.map(\.phrase).joined(separator: ", then ") + "."
            extensions["required_status"] = .string(needs.rawValue)
            extensions["steps_needed"] = list(actions)
        } else {
            detail +=
                now.isEmpty ? " No step follows '\(from.rawValue)'." : " Allowed now: " + now.map(\.phrase).joined(separator: "; ") + "."
        }
        return ProblemDetails(.invalidTransition, title: "Invalid transition", detail: detail, extensions: extensions)
    }

    public var problem: ProblemDetails {
        switch self {
        case .unauthenticated(let d):
            var h = HTTPHeaders()
            h.set("WWW-Authenticate", "Bearer")
            return ProblemDetails(.unauthenticated, title: "Authentication required", detail: d, headers: h)
        case .forbidden(let d, let roles):
            return ProblemDetails(
                .forbidden, title: "Forbidden", detail: d,
                extensions: roles.isEmpty ? [:] : ["allowed_roles": Self.roleList(roles)])
        case .notFound(let d):
            return ProblemDetails(.notFound, title: "Not found", detail: d)
        case .validation(let v):
            // A broken scheme rule with its own code (visitor_kind_not_eligible, ...) names the
            // problem; errors[] still lists every rule broken, so one round trip fixes them all.
            let code = v.lazy.compactMap { ProblemCode(rawValue: $0.rule) }.first { $0.status == 422 } ?? .validationFailed
            return ProblemDetails(
                code, title: code == .validationFailed ? "Validation failed" : "Scheme rule not met",
                detail: v.count == 1 ? v[0].message : "\(v.count) rules are not met",
                errors: v.map { FieldError(field: $0.field, message: $0.message, rule: $0.rule) })
        case .invalidTransition(let from, let action, let needs):
            return Self.invalidTransitionProblem(from: from, action: action, needs: needs)
        case .budgetExceeded(let available, let requested):
            return ProblemDetails(
                .budgetExceeded, title: "Budget exceeded",
                detail: "the programme has \(available) cents available; \(requested) are needed",
                extensions: ["available_cents": .int(Int(available)), "requested_cents": .int(Int(requested))])
        case .organisationLimit(let d):
            return ProblemDetails(.organisationLimit, title: "Organisation limit reached", detail: d)
        case .conflictOfInterest(let d):
            return ProblemDetails(.conflictOfInterest, title: "Declaration required", detail: d)
        case .preconditionFailed:
            return ProblemDetails(
                .preconditionFailed, title: "Precondition failed",
                detail: "the resource changed since the ETag given in If-Match; fetch it again")
        case .conflict(let code, let d):
            return ProblemDetails(code, title: "Conflict", detail: d)
        case .rateLimited(let s, let d):
            var h = HTTPHeaders()
            h.set("Retry-After", String(s))
            return ProblemDetails(.rateLimited, title: "Too many requests", detail: d, headers: h)
        case .unsupportedMediaType(let d):
            return ProblemDetails(.unsupportedMediaType, title: "Unsupported media type", detail: d)
        case .badRequest(let code, let d):
            return ProblemDetails(code, title: "Bad request", detail: d)
        case .idempotencyKeyReused:
            return ProblemDetails(
                .idempotencyKeyReused, title: "Idempotency key reused",
                detail: "this Idempotency-Key was used with a different request; use a new key")
        case .fourEyes:
            return ProblemDetails(
                .fourEyes, title: "Second coordinator required",
                detail: "a payment must be approved by a coordinator other than the one who requested it")
        case .storedAmountOutOfRange(let what):
            return ProblemDetails(
                .storedAmountOutOfRange, title: "Stored amount out of range",
                detail: "\(what) cannot be computed: stored amounts exceed the service's bounds "
                    + "(each at most \(MoneyBounds.describe(MoneyBounds.maxCapCents))); "
                    + "a database administrator must correct the stored values")
        case .organisationChangeFourEyes:
            return ProblemDetails(
                .fourEyes, title: "Second coordinator required",
                detail: "a change requested by a coordinator must be decided by another coordinator")
        case .previousVisit(let id, let record, let byVAT):
            return ProblemDetails(
                .previousVisit, title: "Visited before in ClusterXchange",
                detail:
                    "the organisation matches earlier visitor record \(id) (\(record)) on its \(byVAT ? "VAT number" : "legal name and country"); an organisation "
                    + "visits once in the whole scheme. If the record is wrong, a coordinator corrects the earlier-visitors list",
                extensions: [
                    "previous_visitor_id": .int(Int(id)), "matched_on": .string(byVAT ? "vat_number" : "legal_name_country"),
                ])
        case .appealFourEyes:
            return ProblemDetails(
                .fourEyes, title: "Second coordinator required",
                detail: "an appeal is decided by a coordinator other than the one who decided the outcome appealed")
        case .internalInvariant:
            return ProblemDetails(
                .internalError, title: "Internal error",
                detail: "the service could not complete this request and changed nothing; report it with the request id")
        case .unavailable(let d):
            var h = HTTPHeaders()
            h.set("Retry-After", "1")
            return ProblemDetails(.serviceUnavailable, title: "Service unavailable", detail: d, headers: h)
        }
    }
}

extension ProblemDetails {
    /// A problem whose status comes from its code, so the two cannot disagree.
    init(
        _ code: ProblemCode, title: String, detail: String? = nil, errors: [FieldError] = [],
        extensions: [String: ProblemValue] = [:], headers: HTTPHeaders = [:]
    ) {
        self.init(
            status: code.status, code: code.rawValue, title: title, detail: detail, errors: errors,
            extensions: extensions, headers: headers)
    }
}
