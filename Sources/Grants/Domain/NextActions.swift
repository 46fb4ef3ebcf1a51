/// Who takes each step of the lifecycle, so the service can say what happens next and who
/// acts: `allowed_actions` (the caller's) and `next_actions` (everyone's) on an application,
/// and the steps named by an `invalid_transition` answer. The routes' role checks stay the
/// authority; this tells people what those checks will admit.
public struct NextAction: Sendable, Hashable, Codable {
    public var action: String
    /// The roles whose request takes this step, in `Role` order.
    public var roles: [Role]

    /// "sign_agreement (applicant, coordinator)": how a problem's detail names the step.
    public var phrase: String { "\(action) (\(roles.map(\.rawValue).joined(separator: ", ")))" }
}

extension ApplicationStatus.Event {
    /// The roles whose request takes this step: the applicant for its own application, a
    /// coordinator for the programme, an evaluator's last score sheet completing the evaluation.
    public var takenBy: [Role] {
        switch self {
        case .submit, .withdraw, .submitReport, .appeal: [.applicant]
        case .completeEvaluation: [.evaluator, .coordinator]
        // Four parties sign; the last signature (an applicant's or a coordinator's) takes the step.
        case .signAgreement: [.applicant, .coordinator]
        case .declareEligible, .declareIneligible, .startEvaluation, .approve, .placeOnReserve, .reject, .returnReport,
            .acceptReport, .pay, .close, .cancel, .upholdIneligibility, .upholdRejection, .grantEligibilityAppeal,
            .grantRejectionAppeal:
            [.coordinator]
        }
    }

    public var nextAction: NextAction { NextAction(action: rawValue, roles: takenBy) }
}

extension ApplicationStatus {
    /// Every step allowed from this status, with who takes it.
    public var nextActions: [NextAction] { allowedEvents.map(\.nextAction) }

    /// The steps allowed from this status that `role` itself may take.
    public func allowedActions(for role: Role) -> [String] {
        allowedEvents.filter { $0.takenBy.contains(role) }.map(\.rawValue)
    }

    /// The fewest steps from this status to `target` (breadth first over the lifecycle graph,
    /// events in declaration order), or nil when `target` cannot be reached. Empty when already there.
    public func steps(to target: ApplicationStatus) -> [Event]? {
        var previous: [ApplicationStatus: (from: ApplicationStatus, event: Event)] = [:]
        var queue = [self]
        var seen: Set<ApplicationStatus> = [self]
        var head = 0
        while head < queue.count {
            let status = queue[head]
            head += 1
            if status == target {
                var path: [Event] = []
                var at = status
                while let step = previous[at] {
                    path.append(step.event)
                    at = step.from
                }
                return path.reversed()
            }
            for event in Event.allCases {
                guard let next = status.apply(event), !seen.contains(next) else { continue }
                seen.insert(next)
                previous[next] = (status, event)
                queue.append(next)
            }
        }
        return nil
    }
}

extension DocumentKind {
    /// Who uploads each kind: the applicant its own evidence and the agreement's text; a
    /// coordinator what it records on behalf of a party without users on the service (the host's
    /// acceptance, confirmation and signed copy, the agency's pre-approval) and notes (`other`).
    public var uploadedBy: [Role] {
        switch self {
        case .hostAcceptance, .agencyPreapproval: [.coordinator]
        case .signedCommitmentToQuality, .hostConfirmation, .other: [.applicant, .coordinator]
        case .commitmentToQuality, .boardingPass, .invoice, .residencePermit, .closingReport: [.applicant]
        }
    }
}
