import Testing

@testable import Grants

@Suite("Calendar dates")
struct CalendarDateTests {
    @Test(
        "ISO dates parse strictly",
        arguments: [
            ("2024-02-29", true), ("2023-02-29", false), ("2024-13-01", false), ("2024-1-01", false),
            ("2024-01-01T00:00:00Z", false), ("", false), ("abcd-ef-gh", false), ("0000-01-01", false), ("2024-04-31", false),
        ])
    func parse(input: String, valid: Bool) {
        #expect((CalendarDate(iso: input) != nil) == valid)
    }

    @Test func dayNumberRoundTripsAndWeekdays() throws {
        let epoch = try #require(CalendarDate(iso: "1970-01-01"))
        #expect(epoch.dayNumber == 0)
        #expect(epoch.isoWeekday == 4)  // Thursday
        let d = try #require(CalendarDate(iso: "2026-11-22"))
        #expect(d.isoWeekday == 7)  // Sunday
        for n in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(CalendarDate(dayNumber: n).dayNumber == n)
        }
        #expect(d.adding(days: 10).iso == "2026-12-02")
    }
}

@Suite("Exchange metrics")
struct ExchangeMetricsTests {
    func day(_ s: String) -> CalendarDate { CalendarDate(iso: s)! }

    @Test(
        "Working days count Monday..Friday inclusive",
        arguments: [
            ("2026-11-23", "2026-11-27", 5),  // Mon..Fri
            ("2026-11-23", "2026-11-25", 3),  // Mon..Wed
            ("2026-11-27", "2026-11-30", 2),  // Fri..Mon
            ("2026-11-28", "2026-11-29", 0),  // weekend only
            ("2026-11-23", "2026-12-04", 10),  // two weeks
            ("2026-11-23", "2026-11-23", 1),
            ("2026-11-24", "2026-11-23", 0),  // reversed
        ])
    func workingDays(start: String, end: String, expected: Int) {
        #expect(ExchangeMetrics.workingDays(from: day(start), to: day(end)) == expected)
    }

    @Test func haversineDistances() {
        let iasi = Coordinates(latitude: 47.1585, longitude: 27.6014)
        let leon = Coordinates(latitude: 42.5987, longitude: -5.5671)
        let d = ExchangeMetrics.distanceKm(iasi, leon)
        #expect(d > 2600 && d < 2700)
        #expect(ExchangeMetrics.distanceKm(iasi, iasi) == 0)
        // A quarter of the equator is exactly pi/2 * R.
        let q = ExchangeMetrics.distanceKm(Coordinates(latitude: 0, longitude: 0), Coordinates(latitude: 0, longitude: 90))
        #expect(abs(q - Double.pi / 2 * 6371.0088) < 1e-6)
        // Antipodes must not produce NaN from rounding above 1.
        let a = ExchangeMetrics.distanceKm(Coordinates(latitude: 0, longitude: 0), Coordinates(latitude: 0, longitude: 180))
        #expect(a.isFinite)
    }
}

@Suite("Lump sums")
struct LumpSumTests {
    let rules = ProgrammeRules()

    @Test func fullExchangePortugal() {
        let c = LumpSum.compute(baseCents: 78_000, workingDays: 5, distanceKm: 500, rules: rules)
        #expect(c.amountCents == 78_000)
        #expect(!c.halved)
    }

    @Test func halvedForShortStayOrShortDistance() {
        #expect(LumpSum.compute(baseCents: 78_000, workingDays: 4, distanceKm: 500, rules: rules).amountCents == 39_000)
        #expect(LumpSum.compute(baseCents: 78_000, workingDays: 5, distanceKm: 199.999, rules: rules).amountCents == 39_000)
        // Exactly at the thresholds is not "under" them.
        #expect(LumpSum.compute(baseCents: 78_000, workingDays: 5, distanceKm: 200, rules: rules).amountCents == 78_000)
        let both = LumpSum.compute(baseCents: 78_000, workingDays: 3, distanceKm: 10, rules: rules)
        #expect(both.amountCents == 39_000)  // halved once, not twice
        #expect(both.halvingReasons.count == 2)
    }

    @Test func halvingRoundsDownToTheCent() {
        #expect(LumpSum.compute(baseCents: 78_001, workingDays: 3, distanceKm: 500, rules: rules).amountCents == 39_000)
    }

    @Test func cappedPerVisitingOrganisation() {
        let c = LumpSum.compute(baseCents: 150_000, workingDays: 10, distanceKm: 2000, rules: rules)
        #expect(c.amountCents == 110_000)
        #expect(c.capped)
        #expect(LumpSum.compute(baseCents: 300_000, workingDays: 3, distanceKm: 2000, rules: rules).amountCents == 110_000)
    }
}

@Suite("IBAN")
struct IBANTests {
    @Test(
        "Valid IBANs", arguments: ["RO49 AAAA 1B31 0075 9384 0000", "DE89370400440532013000", "be71096123456769", "GB82WEST12345698765432"])
    func valid(iban: String) { #expect(IBAN.normalised(iban) != nil) }

    @Test(
        "Invalid IBANs",
        arguments: ["RO49AAAA1B31007593840001", "DE8937040044053201300", "XX", "", "DE89 3704 0044 0532 0130 0!", "1234567890123456"])
    func invalid(iban: String) { #expect(IBAN.normalised(iban) == nil) }
}

@Suite("Lifecycle")
struct LifecycleTests {
    @Test func theDesignGraph() {
        let edges: [(ApplicationStatus, ApplicationStatus.Event, ApplicationStatus)] = [
            (.draft, .submit, .submitted), (.submitted, .declareEligible, .eligible), (.submitted, .declareIneligible, .ineligible),
            (.eligible, .startEvaluation, .inEvaluation), (.inEvaluation, .completeEvaluation, .evaluated),
            (.evaluated, .approve, .approved), (.evaluated, .placeOnReserve, .reserve), (.evaluated, .reject, .rejected),
            (.reserve, .approve, .approved), (.reserve, .reject, .rejected), (.approved, .signAgreement, .agreementSigned),
            (.agreementSigned, .submitReport, .reportSubmitted), (.reportSubmitted, .returnReport, .agreementSigned),
            (.reportSubmitted, .acceptReport, .reportAccepted), (.reportAccepted, .pay, .paid), (.paid, .close, .closed),
            (.approved, .cancel, .cancelled), (.agreementSigned, .cancel, .cancelled),
            // Redress: an appeal, upheld back to the outcome or granted back to checking or ranking.
            (.ineligible, .appeal, .underAppeal), (.rejected, .appeal, .underAppeal),
            (.underAppeal, .upholdIneligibility, .ineligible), (.underAppeal, .upholdRejection, .rejected),
            (.underAppeal, .grantEligibilityAppeal, .submitted), (.underAppeal, .grantRejectionAppeal, .evaluated),
        ]
        for (from, event, to) in edges { #expect(from.apply(event) == to, "\(from) --\(event)--> \(to)") }
        for s in [ApplicationStatus.draft, .submitted, .eligible, .inEvaluation, .evaluated, .reserve] {
            #expect(s.apply(.withdraw) == .withdrawn)
        }
        // Exactly these edges and no others.
        let total = ApplicationStatus.allCases.reduce(0) { $0 + $1.allowedEvents.count }
        #expect(total == edges.count + 6)
    }

    @Test func terminalStatesAllowNothing() {
        for s in [ApplicationStatus.withdrawn, .cancelled, .closed] {
            #expect(s.allowedEvents.isEmpty)
        }
        // An ineligible or rejected outcome can only be appealed.
        for s in [ApplicationStatus.rejected, .ineligible] { #expect(s.allowedEvents == [.appeal]) }
        #expect(ApplicationStatus.paid.apply(.cancel) == nil)
        #expect(ApplicationStatus.approved.apply(.withdraw) == nil)
    }
}

@Suite("Submission rules")
struct SubmissionRulesTests {
    func facts(_ change: (inout SubmissionFacts) -> Void = { _ in }) -> SubmissionFacts {
        var f = SubmissionFacts(
            organisationStatus: .validated, visitorCountry: "RO", hostCountry: "PT", hostValidated: true,
            hostIsVisitor: false, callOpen: true, activityStart: CalendarDate(iso: "2027-03-01")!,
            activityEnd: CalendarDate(iso: "2027-03-05")!, today: CalendarDate(iso: "2026-11-22")!,
            hostCountryHasLumpSum: true, otherFundedExchanges: 0)
        change(&f)
        return f
    }

    @Test func aValidExchangePasses() {
        #expect(SubmissionRules.check(facts(), rules: ProgrammeRules()).isEmpty)
    }

    @Test(
        "Each rule on its own",
        arguments: [
            "organisation_not_validated", "call_closed", "visitor_not_cosme", "same_country", "host_not_validated",
            "too_short", "too_long", "start_not_in_future", "organisation_limit", "no_lump_sum",
        ])
    func eachRule(rule: String) {
        let f = facts { f in
            switch rule {
            case "organisation_not_validated": f.organisationStatus = .pendingValidation
            case "call_closed": f.callOpen = false
            case "visitor_not_cosme": f.visitorCountry = "US"
            case "same_country": f.hostCountry = "RO"
            case "host_not_validated": f.hostValidated = false
            case "too_short": f.activityEnd = CalendarDate(iso: "2027-03-02")!
            case "too_long": f.activityEnd = CalendarDate(iso: "2027-04-01")!
            case "start_not_in_future": f.today = CalendarDate(iso: "2027-03-01")!
            case "organisation_limit": f.otherFundedExchanges = 1
            case "no_lump_sum": f.hostCountryHasLumpSum = false
            default: break
            }
        }
        #expect(SubmissionRules.check(f, rules: ProgrammeRules()).map(\.rule) == [rule])
    }

    @Test func allViolationsAtOnce() {
        let f = facts { f in
            f.organisationStatus = .rejected
            f.callOpen = false
            f.hostCountry = "RO"
            f.hostValidated = false
            f.activityEnd = CalendarDate(iso: "2027-03-02")!
            f.otherFundedExchanges = 1
        }
        #expect(
            Set(SubmissionRules.check(f, rules: ProgrammeRules()).map(\.rule)) == [
                "organisation_not_validated", "call_closed", "same_country", "host_not_validated", "too_short", "organisation_limit",
            ])
    }

    @Test func monthBoundaryIs31CalendarDays() {
        let ok = facts { $0.activityEnd = CalendarDate(iso: "2027-03-31")! }
        #expect(SubmissionRules.check(ok, rules: ProgrammeRules()).isEmpty)
    }
}

@Suite("Document sniffing")
struct DocumentSnifferTests {
    @Test func magicNumbers() {
        #expect(DocumentSniffer.mediaType(of: Array("%PDF-1.7\n".utf8)) == "application/pdf")
        #expect(DocumentSniffer.mediaType(of: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == "image/png")
        #expect(DocumentSniffer.mediaType(of: [0xFF, 0xD8, 0xFF, 0xE0]) == "image/jpeg")
        #expect(DocumentSniffer.mediaType(of: Array("MZ\u{90}\0".utf8)) == nil)
        #expect(DocumentSniffer.mediaType(of: Array("<html>".utf8)) == nil)
        #expect(DocumentSniffer.mediaType(of: []) == nil)
        #expect(DocumentSniffer.mediaType(of: Array("%PDF".utf8)) == nil)
    }
}
