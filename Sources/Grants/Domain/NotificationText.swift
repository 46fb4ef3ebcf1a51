/// What a notification says (the in-app text and the e-mail's subject and body), rendered once
/// when the event happens. Plain sentences for cluster managers and SME staff, each ending with
/// what to do next and the link that does it. Pure.
public struct NotificationFacts: Sendable, Hashable {
    public var applicationID: Int64
    public var participantName: String
    public var visitorName: String
    public var hostName: String
    /// The status after the change.
    public var status: ApplicationStatus
    /// The reason the person deciding gave, if any.
    public var reason: String?
    /// The deadline the notification is about (report, evaluation, payment), if any.
    public var dueOn: CalendarDate?
    /// The day the notification was written (UTC): a reminder says how far the deadline is from it.
    public var writtenOn: CalendarDate?

    public init(
        applicationID: Int64, participantName: String, visitorName: String, hostName: String, status: ApplicationStatus,
        reason: String? = nil, dueOn: CalendarDate? = nil, writtenOn: CalendarDate? = nil
    ) {
        self.applicationID = applicationID
        self.participantName = participantName
        self.visitorName = visitorName
        self.hostName = hostName
        self.status = status
        self.reason = reason
        self.dueOn = dueOn
        self.writtenOn = writtenOn
    }
}

public struct NotificationText: Sendable, Hashable {
    public var subject: String
    public var body: String

    /// Subjects stay within the column's 300 characters and one line whatever the names hold.
    static let subjectLimit = 200

    public static func compose(_ kind: NotificationKind, _ f: NotificationFacts, link: String) -> NotificationText {
        let exchange = "\(oneLine(f.participantName)) (\(oneLine(f.visitorName)) visiting \(oneLine(f.hostName)))"
        let ref = "application \(f.applicationID)"
        let due = f.dueOn.map { " by \($0.description)" } ?? ""
        let subject: String
        var lines: [String]
        switch kind {
        case .matchToAccept:
            subject = "Please accept or decline a visit: \(ref)"
            lines = [
                "\(oneLine(f.visitorName)) names your organisation as the host of \(exchange).",
                "Accept or decline the match so the applicant can submit.",
            ]
        case .hostAnswered:
            subject = "The host answered: \(ref)"
            lines = ["The host has answered the match for \(exchange)."]
        case .submissionReceived:
            subject = "New submission: \(ref)"
            lines = ["\(exchange) was submitted.", "Check its eligibility (declare it eligible or ineligible)."]
        case .eligibilityOutcome:
            let eligible = f.status == .eligible
            subject = eligible ? "Your application is eligible: \(ref)" : "Your application is not eligible: \(ref)"
            lines = [
                eligible
                    ? "\(exchange) is eligible and goes to evaluation."
                    : "\(exchange) was declared ineligible. You may appeal within the programme's appeal window."
            ]
        case .evaluationAssigned:
            subject = "Evaluation assigned\(due): \(ref)"
            // Before the conflict-of-interest declaration an evaluator sees the organisations only.
            lines = [
                "You are assigned to evaluate application \(f.applicationID) (\(oneLine(f.visitorName)) visiting \(oneLine(f.hostName))).",
                "Declare any conflict of interest, then submit your score sheet\(due).",
            ]
        case .decision:
            switch f.status {
            case .approved:
                subject = "Approved: \(ref)"
                lines = ["\(exchange) was approved."]
            case .reserve:
                subject = "On the reserve list: \(ref)"
                lines = ["\(exchange) is on the reserve list: it may still be funded if money is released."]
            case .cancelled:
                subject = "Exchange cancelled: \(ref)"
                lines = ["\(exchange) was cancelled and its grant released."]
            default:
                subject = "Not funded: \(ref)"
                lines = ["\(exchange) was not selected for funding. You may appeal within the programme's appeal window."]
            }
        case .signatureRequested:
            subject = "Please sign the Commitment to Quality: \(ref)"
            lines = [
                "The Commitment to Quality of \(exchange) is ready to sign\(due).",
                "Each of the four parties signs this version; a new version replaces earlier signatures.",
            ]
        case .reportSubmitted:
            subject = "Closing report to review: \(ref)"
            lines = ["The closing report of \(exchange) was submitted.", "Accept it or return it with a reason."]
        case .reportReturned:
            subject = "Closing report returned: \(ref)"
            lines = ["The closing report of \(exchange) was returned.", "Correct it and submit it again\(due)."]
        case .reportAccepted:
            subject = "Closing report accepted: \(ref)"
            lines = ["The closing report of \(exchange) was accepted; the payment follows\(due)."]
        case .paymentDue:
            subject = "Payment due\(due): \(ref)"
            lines = ["The closing report of \(exchange) was accepted.", "Approve and execute the payment\(due)."]
        case .paymentExecuted:
            subject = "Payment made: \(ref)"
            lines = ["The grant for \(exchange) was paid."]
        case .appealFiled:
            subject = "Appeal filed: \(ref)"
            lines = [
                "An appeal was filed against the outcome of \(exchange).",
                "A coordinator other than the one who decided the outcome decides it.",
            ]
        case .appealDecided:
            let granted = f.status == .submitted || f.status == .evaluated
            subject = granted ? "Appeal granted: \(ref)" : "Appeal not granted: \(ref)"
            lines = [
                granted
                    ? "Your appeal for \(exchange) was granted: the application is considered again."
                    : "Your appeal for \(exchange) was decided: the outcome stands."
            ]
        case .reportDueReminder:
            subject = "Closing report \(Self.when(f)): \(ref)"
            lines = ["The closing report of \(exchange) is \(Self.when(f)).", "Submit it with its proofs."]
        case .evaluationDueReminder:
            subject = "Score sheet \(Self.when(f)): \(ref)"
            lines = [
                "Your score sheet for application \(f.applicationID) (\(oneLine(f.visitorName)) visiting \(oneLine(f.hostName))) is \(Self.when(f)).",
                "Declare any conflict of interest, then submit your scores.",
            ]
        case .paymentDueReminder:
            subject = "Payment \(Self.when(f)): \(ref)"
            lines = ["The payment of \(exchange) is \(Self.when(f)).", "Approve and execute it."]
        case .applicationWithdrawn:
            subject = "Application withdrawn: \(ref)"
            lines = ["\(exchange) was withdrawn by the applicant."]
        }
        if let reason = f.reason, !reason.isEmpty { lines.append("Reason: \(reason)") }
        lines.append("")
        lines.append(link)
        return NotificationText(subject: String(oneLine(subject).prefix(subjectLimit)), body: lines.joined(separator: "\n"))
    }

    /// "due in 7 days (2027-04-04)", "due today (…)", "3 days overdue (due 2027-04-04)".
    static func when(_ f: NotificationFacts) -> String {
        guard let due = f.dueOn else { return "due" }
        guard let day = f.writtenOn else { return "due on \(due)" }
        let days = due.dayNumber - day.dayNumber
        switch days {
        case 0: return "due today (\(due))"
        case 1: return "due tomorrow (\(due))"
        case 2...: return "due in \(days) days (\(due))"
        case -1: return "1 day overdue (due \(due))"
        default: return "\(-days) days overdue (due \(due))"
        }
    }

    /// Stored names may hold line breaks or controls; a subject and a sentence must not.
    static func oneLine(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }
}
