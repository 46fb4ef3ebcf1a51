/// Who must act on or know of what (DESIGN.md §7): for each lifecycle event, the notifications it
/// raises and for whom. Pure: the outbox (`Outbox`) resolves the audiences to users and writes
/// the rows in the transaction that made the change.
public enum NotificationKind: String, Sendable, Codable, CaseIterable {
    /// A draft names the host: the host organisation's users accept or decline the match.
    case matchToAccept = "match_to_accept"
    /// The host accepted or declined (the applicant organisation).
    case hostAnswered = "host_answered"
    /// An application was submitted (coordinators check eligibility).
    case submissionReceived = "submission_received"
    case eligibilityOutcome = "eligibility_outcome"
    /// An evaluator was assigned, with the due date.
    case evaluationAssigned = "evaluation_assigned"
    /// Approved, placed on the reserve list, rejected or cancelled.
    case decision
    /// The Commitment to Quality waits for the organisations' signatures.
    case signatureRequested = "signature_requested"
    case reportSubmitted = "report_submitted"
    case reportReturned = "report_returned"
    case reportAccepted = "report_accepted"
    /// The report was accepted: the payment falls due (coordinators).
    case paymentDue = "payment_due"
    case paymentExecuted = "payment_executed"
    case appealFiled = "appeal_filed"
    case appealDecided = "appeal_decided"
    case applicationWithdrawn = "application_withdrawn"
    /// Reminders the scheduler sends at the programme's offsets from each deadline.
    case reportDueReminder = "report_due_reminder"
    case evaluationDueReminder = "evaluation_due_reminder"
    case paymentDueReminder = "payment_due_reminder"
}

/// The people a notification goes to; the outbox turns each into active users.
public enum NotificationAudience: Sendable, Hashable {
    /// Every coordinator.
    case coordinators
    /// The users of the visitor (applicant) organisation.
    case applicantOrganisation
    /// The users of the host organisation.
    case hostOrganisation
    /// One user (an assigned evaluator).
    case user(Int64)
}

/// One notification to write: its kind and who gets it.
public struct Notice: Sendable, Hashable {
    public var kind: NotificationKind
    public var audience: NotificationAudience
    public init(_ kind: NotificationKind, _ audience: NotificationAudience) {
        self.kind = kind
        self.audience = audience
    }
}

public enum NotificationRules {
    /// The notifications an application's status change raises; `from` is the status before it.
    /// The person who made the change is never notified of it (the outbox leaves them out).
    public static func notices(after event: ApplicationStatus.Event, from: ApplicationStatus) -> [Notice] {
        switch event {
        case .submit: return [Notice(.submissionReceived, .coordinators)]
        case .declareEligible, .declareIneligible: return [Notice(.eligibilityOutcome, .applicantOrganisation)]
        // The signature requests follow the Commitment to Quality's upload (there is nothing to
        // sign before it): see `signatureRequests(missing:)`.
        case .approve: return [Notice(.decision, .applicantOrganisation)]
        case .placeOnReserve, .reject: return [Notice(.decision, .applicantOrganisation)]
        case .cancel: return [Notice(.decision, .applicantOrganisation), Notice(.decision, .hostOrganisation)]
        case .submitReport: return [Notice(.reportSubmitted, .coordinators)]
        case .returnReport: return [Notice(.reportReturned, .applicantOrganisation)]
        case .acceptReport: return [Notice(.reportAccepted, .applicantOrganisation), Notice(.paymentDue, .coordinators)]
        case .pay: return [Notice(.paymentExecuted, .applicantOrganisation)]
        case .appeal: return [Notice(.appealFiled, .coordinators)]
        case .upholdIneligibility, .upholdRejection, .grantEligibilityAppeal, .grantRejectionAppeal:
            return [Notice(.appealDecided, .applicantOrganisation)]
        // A draft nobody else has seen: no one to tell.
        case .withdraw: return from == .draft ? [] : [Notice(.applicationWithdrawn, .coordinators)]
        // Internal steps of the evaluation (assignments notify on their own), and the end.
        case .startEvaluation, .completeEvaluation, .signAgreement, .close: return []
        }
    }

    /// A new Commitment to Quality voids every earlier signature: each party still to sign
    /// hears of it: the organisations' users sign for themselves, and the coordinators for
    /// both partnerships (and for an organisation with its signed copy).
    public static func signatureRequests(missing parties: [AgreementSignatures.Party]) -> [Notice] {
        var notices: [Notice] = []
        for party in AgreementSignatures.Party.allCases where parties.contains(party) {
            let audience: NotificationAudience
            switch party {
            case .visitorOrganisation: audience = .applicantOrganisation
            case .hostOrganisation: audience = .hostOrganisation
            case .visitorPartnership, .hostPartnership: audience = .coordinators
            }
            let notice = Notice(.signatureRequested, audience)
            if !notices.contains(notice) { notices.append(notice) }
        }
        return notices
    }
}
