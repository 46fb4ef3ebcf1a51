import HTTP
import Postgres

/// The one mapping from database failures (SQLSTATE, constraint) to problem codes.
/// Server messages go to the log only: a client never sees SQL text.
enum DatabaseProblems {
    static func problem(for error: PostgresError, logger: Logger, requestID: String) -> ProblemDetails {
        logger.warning(
            "database error",
            [
                "request_id": requestID, "sqlstate": error.sqlState ?? "",
                "constraint": error.constraint ?? "", "message": error.serverMessage,
            ])
        switch error.kind {
        case .poolTimeout:
            return GrantsError.unavailable("the database is busy; retry shortly").problem
        case .connection, .closed:
            return GrantsError.unavailable("the database is unreachable; retry shortly").problem
        default: break
        }
        // 22003 (numeric value out of range): a sum or difference of stored amounts beyond 64 bits.
        // Request values are bounded before they reach SQL, so only rows written around the
        // service's bounds get here (see `MoneyBounds`).
        if error.sqlState == "22003" {
            return GrantsError.storedAmountOutOfRange("a figure computed from stored amounts").problem
        }
        // Class 22 (data exception): a value PostgreSQL cannot store, such as a NUL character
        // in text or a timestamp out of range. That is bad input, never a server error.
        if let state = error.sqlState, state.hasPrefix("22") {
            return GrantsError.invalid(
                "body", "a value cannot be stored (control characters such as NUL, or a date out of range)",
                rule: "unstorable_value"
            ).problem
        }
        switch error.code {
        case .uniqueViolation:
            switch error.constraint {
            case "users_email_unique":
                return GrantsError.conflict(code: .emailTaken, detail: "an account with this e-mail exists").problem
            case "organisations_legal_name_country":
                return GrantsError.conflict(
                    code: .organisationExists, detail: "an organisation with this legal name is registered in this country"
                ).problem
            default:
                return GrantsError.conflict(code: .conflict, detail: "the resource already exists").problem
            }
        case .foreignKeyViolation:
            return GrantsError.invalid(error.constraint ?? "reference", "refers to something that does not exist", rule: "reference")
                .problem
        case .checkViolation where error.constraint == "ledger_within_cap":
            // The database's own backstop of the budget invariant (Migrations/0005).
            return GrantsError.conflict(code: .budgetExceeded, detail: "the programme cap would be exceeded").problem
        case .checkViolation where error.constraint == "programmes_committed_within_cap":
            return GrantsError.conflict(code: .capBelowCommitted, detail: "the cap cannot be set below what is committed").problem
        case .checkViolation where error.constraint == "lump_sum_within_visit_cap":
            return GrantsError.invalid(
                "lump_sums_cents", "each lump sum must be at most the per-visit cap (rules.per_visit_cap_cents)",
                rule: "lump_sum_above_visit_cap"
            ).problem
        case .checkViolation where error.constraint == "ledger_payment_within_grant":
            return GrantsError.conflict(code: .paymentExceedsGrant, detail: "payments would exceed the granted amount").problem
        case .checkViolation, .notNullViolation, .invalidTextRepresentation:
            return GrantsError.invalid(error.constraint ?? "body", "a value is outside what the service stores", rule: "constraint").problem
        case .serializationFailure, .deadlockDetected, .lockNotAvailable:
            return GrantsError.unavailable("concurrent changes; retry the request").problem
        case .queryCanceled:
            return GrantsError.unavailable("the request took too long").problem
        case .raiseException:
            return GrantsError.conflict(code: .immutable, detail: "the record is kept as it is and cannot be changed").problem
        default:
            return ProblemDetails(
                .internalError, title: "Internal error",
                detail: "an unexpected error occurred; quote the request id \(requestID)")
        }
    }
}
