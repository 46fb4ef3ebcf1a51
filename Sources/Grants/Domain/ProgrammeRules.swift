/// The ClusterXchange rules of one programme. Every number is configuration (DESIGN.md §2),
/// stored with the programme; the defaults are the MEDIC-NEST values.
public struct ProgrammeRules: Sendable, Hashable, Codable {
    /// Lump sum cap per visiting organisation (S): EUR 1,100.
    public var perVisitCapCents: Int64 = 110_000
    /// COSME ceiling of financial support to one third party (S): EUR 60,000.
    public var perThirdPartyCapCents: Int64 = 6_000_000
    /// Halve the lump sum under this distance (S): 200 km.
    public var halvingDistanceKm: Int = 200
    /// Halve the lump sum under this many working days (S): 5.
    public var halvingWorkingDays: Int = 5
    /// Minimum working days of an activity (S): 3.
    public var minimumWorkingDays: Int = 3
    /// "At most one month" (S), as calendar days inclusive: 31.
    public var maximumCalendarDays: Int = 31
    /// Funded exchanges allowed per visitor organisation per programme (S): 1.
    public var maxFundedExchangesPerVisitor: Int = 1
    /// Share of the grant paid before the exchange, in percent (default 0: one payment after).
    public var prefinancingPercent: Int = 0
    /// Days from report acceptance to the payment due date (S): 10.
    public var paymentDueDays: Int = 10
    /// A payment must be approved by a coordinator other than its requester.
    public var fourEyesPayments: Bool = true
    /// Where the payment clock starts: the exchange's end (the sourced reading) or the
    /// acceptance of the closing report (product default).
    public var paymentDueFrom: PaymentClock = .reportAcceptance
    /// Days after an ineligible or rejected outcome within which the applicant may appeal.
    public var appealDays: Int = 14
    /// Days after the exchange's end by which the closing report is due (product default 30).
    public var reportDueDays: Int = 30
    /// When reminders go out, in days from each deadline: a week before, on the day, three days
    /// overdue (product default). At most 10, each within a year of the deadline.
    public var reminderOffsetDays: [Int] = [-7, 0, 3]

    public init() {}
}

public enum PaymentClock: String, Sendable, Hashable, Codable, CaseIterable {
    case exchangeEnd = "exchange_end"
    case reportAcceptance = "report_acceptance"

    /// The payment due date: `days` after the exchange's (actual) last day or after the day the
    /// closing report was accepted.
    public func dueOn(exchangeEnd: CalendarDate, reportAcceptedOn: CalendarDate, days: Int) -> CalendarDate {
        (self == .exchangeEnd ? exchangeEnd : reportAcceptedOn).adding(days: days)
    }
}

/// How a lump sum was arrived at, so the API can show its working.
public struct LumpSumComputation: Sendable, Hashable {
    public var baseCents: Int64
    public var halved: Bool
    public var halvingReasons: [String]
    public var capped: Bool
    public var amountCents: Int64
}

public enum LumpSum {
    /// Host-country amount, halved (rounded down to the cent) for a short activity and/or a
    /// short distance, then capped per visiting organisation. Integer cents only.
    public static func compute(baseCents: Int64, workingDays: Int, distanceKm: Double, rules: ProgrammeRules) -> LumpSumComputation {
        var reasons: [String] = []
        if workingDays < rules.halvingWorkingDays { reasons.append("fewer_than_\(rules.halvingWorkingDays)_working_days") }
        if distanceKm < Double(rules.halvingDistanceKm) { reasons.append("under_\(rules.halvingDistanceKm)_km") }
        let halved = !reasons.isEmpty
        let afterHalving = halved ? baseCents / 2 : baseCents
        let capped = afterHalving > rules.perVisitCapCents
        return LumpSumComputation(
            baseCents: baseCents, halved: halved, halvingReasons: reasons,
            capped: capped, amountCents: min(afterHalving, rules.perVisitCapCents))
    }
}
