/// The DESIGN.md §2 rules checked when an applicant submits. All violations are collected
/// so the applicant fixes everything in one round trip instead of one error per attempt.
public struct SubmissionFacts: Sendable {
    public var organisationStatus: OrganisationStatus
    public var visitorCountry: String
    public var hostCountry: String
    public var hostValidated: Bool
    public var hostIsVisitor: Bool
    public var callOpen: Bool
    public var activityStart: CalendarDate
    public var activityEnd: CalendarDate
    public var today: CalendarDate
    public var hostCountryHasLumpSum: Bool
    public var otherFundedExchanges: Int

    public init(
        organisationStatus: OrganisationStatus, visitorCountry: String, hostCountry: String,
        hostValidated: Bool, hostIsVisitor: Bool, callOpen: Bool, activityStart: CalendarDate,
        activityEnd: CalendarDate, today: CalendarDate, hostCountryHasLumpSum: Bool,
        otherFundedExchanges: Int
    ) {
        self.organisationStatus = organisationStatus
        self.visitorCountry = visitorCountry
        self.hostCountry = hostCountry
        self.hostValidated = hostValidated
        self.hostIsVisitor = hostIsVisitor
        self.callOpen = callOpen
        self.activityStart = activityStart
        self.activityEnd = activityEnd
        self.today = today
        self.hostCountryHasLumpSum = hostCountryHasLumpSum
        self.otherFundedExchanges = otherFundedExchanges
    }
}

public enum SubmissionRules {
    public static func check(_ f: SubmissionFacts, rules: ProgrammeRules) -> [RuleViolation] {
        var v: [RuleViolation] = []
        if f.organisationStatus != .validated {
            v.append(
                .init(
                    field: "organisation_id", rule: "organisation_not_validated",
                    message: "the visitor organisation must be validated by a coordinator before submitting"))
        }
        if !f.callOpen {
            v.append(.init(field: "call_id", rule: "call_closed", message: "the call is not open for submissions"))
        }
        if !Countries.cosme.contains(f.visitorCountry) {
            v.append(
                .init(
                    field: "organisation.country", rule: "visitor_not_cosme",
                    message: "the visitor organisation must be registered in a COSME country"))
        }
        if f.hostIsVisitor {
            v.append(.init(field: "host_organisation_id", rule: "host_is_visitor", message: "the host must be another organisation"))
        } else if f.hostCountry == f.visitorCountry {
            v.append(
                .init(
                    field: "host_organisation_id", rule: "same_country",
                    message: "the host organisation must be in a different country than the visitor organisation"))
        }
        if !Countries.cosme.contains(f.hostCountry) {
            v.append(
                .init(field: "host_organisation_id", rule: "host_not_cosme", message: "the host organisation must be in a COSME country"))
        }
        if !f.hostValidated {
            v.append(
                .init(
                    field: "host_organisation_id", rule: "host_not_validated",
                    message: "the host organisation is not a validated organisation"))
        }
        if !f.hostCountryHasLumpSum {
            v.append(
                .init(field: "host_organisation_id", rule: "no_lump_sum", message: "the programme has no lump sum for the host country"))
        }
        v += checkDates(start: f.activityStart, end: f.activityEnd, today: f.today, rules: rules)
        if f.otherFundedExchanges >= rules.maxFundedExchangesPerVisitor {
            v.append(
                .init(
                    field: "organisation_id", rule: "organisation_limit",
                    message: "the organisation already has a funded exchange in this programme"))
        }
        return v
    }

    /// Date rules, also used when a draft is created or changed (except `today`, see caller).
    public static func checkDates(start: CalendarDate, end: CalendarDate, today: CalendarDate?, rules: ProgrammeRules) -> [RuleViolation] {
        var v: [RuleViolation] = []
        if end < start {
            v.append(.init(field: "activity_end", rule: "end_before_start", message: "activity_end is before activity_start"))
            return v
        }
        if let today, start <= today {
            v.append(.init(field: "activity_start", rule: "start_not_in_future", message: "the activity must start in the future"))
        }
        let wd = ExchangeMetrics.workingDays(from: start, to: end)
        if wd < rules.minimumWorkingDays {
            v.append(
                .init(
                    field: "activity_end", rule: "too_short",
                    message: "the activity lasts \(wd) working days; at least \(rules.minimumWorkingDays) are required"))
        }
        let days = ExchangeMetrics.calendarDays(from: start, to: end)
        if days > rules.maximumCalendarDays {
            v.append(
                .init(
                    field: "activity_end", rule: "too_long",
                    message: "the activity lasts \(days) days; at most \(rules.maximumCalendarDays) are allowed"))
        }
        return v
    }
}
