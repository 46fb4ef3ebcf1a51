@testable import Grants

/// IBANs, calendar dates, timestamps and the exchange figures computed from them.
enum IBANDateHarness {
    @Sendable static func run(_ data: [UInt8]) {
        var input = FuzzInput(data)
        let text = input.string()
        if let iban = IBAN.normalised(text) {
            FuzzCheck.that(IBAN.normalised(iban) == iban, "normalising is not idempotent")
        }
        let a = CalendarDate(iso: text)
        if let a {
            FuzzCheck.that(a.description == text, "date \(text) round-trips as \(a)")
        }
        let b = CalendarDate(iso: input.string())
        if let a, let b {
            let days = ExchangeMetrics.workingDays(from: a, to: b)
            FuzzCheck.that(days >= 0, "negative working days")
            _ = ExchangeMetrics.calendarDays(from: a, to: b)
            _ = a.adding(days: Int(Int16(truncatingIfNeeded: input.int64())))
        }
        var v = Validator()
        if case .instant(let d) = QueryParameter(name: "as_of", kind: .instant(dayMeans: .end), description: "").check(input.string(), &v) {
            _ = AsOf.format(d)
        }
        let distance = ExchangeMetrics.distanceKm(
            Coordinates(latitude: input.double(), longitude: input.double()),
            Coordinates(latitude: input.double(), longitude: input.double()))
        var rules = ProgrammeRules()
        rules.perVisitCapCents = input.int64()
        rules.halvingDistanceKm = Int(input.int64())
        rules.halvingWorkingDays = Int(input.int64())
        let lump = LumpSum.compute(baseCents: input.int64(), workingDays: Int(input.int64()), distanceKm: distance, rules: rules)
        FuzzCheck.that(lump.amountCents <= rules.perVisitCapCents, "lump sum above the cap")
    }
}
