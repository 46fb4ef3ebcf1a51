/// The scheme rules checked at submission beyond the dates and money (issue 11, DESIGN.md §2):
/// who may visit and host, the host's acceptance, the participant's declarations and the travel
/// dates. Each broken rule's `rule` is its own problem code, so the first one names the 422.
public struct SchemeFacts: Sendable {
    public var visitor: SchemeParticipation.Organisation
    public var host: SchemeParticipation.Organisation
    public var hostPreapproved: Bool
    /// `pending`, `accepted` or `declined`.
    public var hostAcceptance: String
    public var declarations: ParticipantDeclarations
    public var hasResidencePermit: Bool
    public var activityStart: CalendarDate
    public var activityEnd: CalendarDate
    public var travelStart: CalendarDate?
    public var travelEnd: CalendarDate?

    public init(
        visitor: SchemeParticipation.Organisation, host: SchemeParticipation.Organisation, hostPreapproved: Bool,
        hostAcceptance: String, declarations: ParticipantDeclarations, hasResidencePermit: Bool,
        activityStart: CalendarDate, activityEnd: CalendarDate, travelStart: CalendarDate?, travelEnd: CalendarDate?
    ) {
        self.visitor = visitor
        self.host = host
        self.hostPreapproved = hostPreapproved
        self.hostAcceptance = hostAcceptance
        self.declarations = declarations
        self.hasResidencePermit = hasResidencePermit
        self.activityStart = activityStart
        self.activityEnd = activityEnd
        self.travelStart = travelStart
        self.travelEnd = travelEnd
    }
}

/// What the applicant declares about the participant and the organisation (S). nil: not declared.
public struct ParticipantDeclarations: Sendable, Hashable {
    public var employedByVisitor: Bool?
    public var thirdCountryNational: Bool?
    public var residenceDaysInCosme: Int?
    public var noPreviousVisit: Bool?
    public init(
        employedByVisitor: Bool? = nil, thirdCountryNational: Bool? = nil, residenceDaysInCosme: Int? = nil, noPreviousVisit: Bool? = nil
    ) {
        self.employedByVisitor = employedByVisitor
        self.thirdCountryNational = thirdCountryNational
        self.residenceDaysInCosme = residenceDaysInCosme
        self.noPreviousVisit = noPreviousVisit
    }
}

public enum SchemeRules {
    /// Residence a third-country national needs in a COSME country (S).
    public static let minimumResidenceDays = 183
    /// Travel may start this many days before the activity and end this many after it (product default).
    public static let maximumTravelDays = 3

    public static func check(_ f: SchemeFacts) -> [RuleViolation] {
        var v: [RuleViolation] = []
        if let broken = SchemeParticipation.visitorViolation(f.visitor) { v.append(broken) }
        if let broken = SchemeParticipation.hostViolation(f.host, preapproved: f.hostPreapproved) { v.append(broken) }
        switch f.hostAcceptance {
        case "accepted": break
        case "declined":
            v.append(
                .init(
                    field: "host_acceptance", rule: ProblemCode.hostAcceptanceMissing.rawValue,
                    message: "the host declined this exchange: choose another host (PATCH host_organisation_id) and ask again"))
        default:
            v.append(
                .init(
                    field: "host_acceptance", rule: ProblemCode.hostAcceptanceMissing.rawValue,
                    message: "the host has not accepted the match yet: a user of the host organisation accepts it "
                        + "(its hosted exchanges), or a coordinator records the host's written acceptance"))
        }
        v += declarationViolations(f.declarations, hasResidencePermit: f.hasResidencePermit)
        v += travelViolations(start: f.activityStart, end: f.activityEnd, travelStart: f.travelStart, travelEnd: f.travelEnd)
        return v
    }

    public static func declarationViolations(_ d: ParticipantDeclarations, hasResidencePermit: Bool) -> [RuleViolation] {
        var v: [RuleViolation] = []
        let code = ProblemCode.declarationRequired.rawValue
        if d.employedByVisitor != true {
            v.append(
                .init(
                    field: "declarations.participant_employed_by_visitor", rule: code,
                    message: "declare that the participant works for the visitor organisation (only its staff may travel)"))
        }
        switch d.thirdCountryNational {
        case nil:
            v.append(
                .init(
                    field: "declarations.participant_third_country_national", rule: code,
                    message: "declare whether the participant is a national of a country outside COSME"))
        case true?:
            if (d.residenceDaysInCosme ?? 0) < minimumResidenceDays {
                v.append(
                    .init(
                        field: "declarations.residence_days_in_cosme", rule: code,
                        message:
                            "a third-country national must declare at least \(minimumResidenceDays) days of residence in a COSME country"))
            }
            if !hasResidencePermit {
                v.append(
                    .init(
                        field: "documents", rule: code,
                        message: "upload the participant's residence permit (document kind residence_permit)"))
            }
        case false?: break
        }
        if d.noPreviousVisit != true {
            v.append(
                .init(
                    field: "declarations.no_previous_clusterxchange_visit", rule: code,
                    message: "declare that the organisation has not visited in any ClusterXchange partnership before "
                        + "(an organisation visits once in the whole scheme)"))
        }
        return v
    }

    /// Travel days lie around the activity: from at most `maximumTravelDays` before its start
    /// to at most as many after its end; they never count as working days.
    public static func travelViolations(
        start: CalendarDate, end: CalendarDate, travelStart: CalendarDate?, travelEnd: CalendarDate?
    ) -> [RuleViolation] {
        var v: [RuleViolation] = []
        if let t = travelStart, t > start || t < start.adding(days: -maximumTravelDays) {
            v.append(
                .init(
                    field: "travel_start", rule: "travel_outside_activity",
                    message: "travel starts on the activity's first day or up to \(maximumTravelDays) days before it"))
        }
        if let t = travelEnd, t < end || t > end.adding(days: maximumTravelDays) {
            v.append(
                .init(
                    field: "travel_end", rule: "travel_outside_activity",
                    message: "travel ends on the activity's last day or up to \(maximumTravelDays) days after it"))
        }
        return v
    }
}
