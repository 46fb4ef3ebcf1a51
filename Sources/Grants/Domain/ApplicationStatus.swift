/// The application lifecycle of DESIGN.md §4 as one explicit state machine. Every status
/// change in the service goes through `ApplicationStatus.apply(_:)`, so a transition that
/// is not in the graph cannot be written by any route.
public enum ApplicationStatus: String, Sendable, Codable, CaseIterable {
    case draft, submitted, eligible, ineligible
    case inEvaluation = "in_evaluation"
    case evaluated, approved, reserve, rejected
    case agreementSigned = "agreement_signed"
    case reportSubmitted = "report_submitted"
    case reportAccepted = "report_accepted"
    case paid, closed, withdrawn, cancelled
    case underAppeal = "under_appeal"

    /// Statuses in which the visitor organisation holds a funded exchange (and money is committed).
    public static let funded: Set<ApplicationStatus> = [.approved, .agreementSigned, .reportSubmitted, .reportAccepted, .paid, .closed]

    /// Statuses after a decision (the applicant may then see its evaluation's aggregate).
    public static let decided: Set<ApplicationStatus> = funded.union([.reserve, .rejected, .cancelled])

    /// Statuses from the first evaluator assignment on (a call's criteria are then frozen).
    public static let evaluationStarted: Set<ApplicationStatus> = decided.union([.inEvaluation, .evaluated])

    /// What may happen to an application; the target status follows from the event.
    public enum Event: String, Sendable, CaseIterable {
        case submit, withdraw
        case declareEligible = "declare_eligible"
        case declareIneligible = "declare_ineligible"
        case startEvaluation = "start_evaluation"
        case completeEvaluation = "complete_evaluation"
        case approve
        case placeOnReserve = "reserve"
        case reject
        case signAgreement = "sign_agreement"
        case submitReport = "submit_report"
        case returnReport = "return_report"
        case acceptReport = "accept_report"
        case pay, close, cancel
        case appeal
        case upholdIneligibility = "uphold_ineligibility"
        case upholdRejection = "uphold_rejection"
        /// Granting an appeal against ineligibility returns the application to eligibility checking.
        case grantEligibilityAppeal = "grant_eligibility_appeal"
        /// Granting an appeal against a rejection returns it to the ranking (evaluated).
        case grantRejectionAppeal = "grant_rejection_appeal"
    }

    /// The status an event leads to from this one, or nil when the graph has no such edge.
    public func apply(_ event: Event) -> ApplicationStatus? {
        switch (self, event) {
        case (.draft, .submit): return .submitted
        case (.submitted, .declareEligible): return .eligible
        case (.submitted, .declareIneligible): return .ineligible
        case (.eligible, .startEvaluation): return .inEvaluation
        case (.inEvaluation, .completeEvaluation): return .evaluated
        case (.evaluated, .approve), (.reserve, .approve): return .approved
        case (.evaluated, .placeOnReserve): return .reserve
        case (.evaluated, .reject), (.reserve, .reject): return .rejected
        case (.approved, .signAgreement): return .agreementSigned
        case (.agreementSigned, .submitReport): return .reportSubmitted
        case (.reportSubmitted, .returnReport): return .agreementSigned
        case (.reportSubmitted, .acceptReport): return .reportAccepted
        case (.reportAccepted, .pay): return .paid
        case (.paid, .close): return .closed
        case (.draft, .withdraw), (.submitted, .withdraw), (.eligible, .withdraw),
            (.inEvaluation, .withdraw), (.evaluated, .withdraw), (.reserve, .withdraw):
            return .withdrawn
        case (.approved, .cancel), (.agreementSigned, .cancel): return .cancelled
        case (.ineligible, .appeal), (.rejected, .appeal): return .underAppeal
        case (.underAppeal, .upholdIneligibility): return .ineligible
        case (.underAppeal, .upholdRejection): return .rejected
        case (.underAppeal, .grantEligibilityAppeal): return .submitted
        case (.underAppeal, .grantRejectionAppeal): return .evaluated
        default: return nil
        }
    }

    /// Events that are legal from this status (for error details and the API's `allowed_actions`).
    public var allowedEvents: [Event] { Event.allCases.filter { apply($0) != nil } }
}
