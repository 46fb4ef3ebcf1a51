import HTTP
import Testing

@testable import Grants

/// Rows that write their own JSON for streamed reports must write what `JSONBytes.encode` (the
/// encoder every other answer uses, and the schema's source) writes for the same value.
@Suite("Hand-written report rows")
struct JSONObjectWritableTests {
    static let beneficiaries: [Beneficiary] = [
        Beneficiary(
            organisationId: 1, legalName: "Clínica León, S.L.", country: "ES", kind: "sme", vatNumber: "ESB12345678", exchanges: 2,
            committedCents: 156_000, paidCents: 78_000, firstPaymentOn: CalendarDate(year: 2027, month: 3, day: 20)!,
            lastPaymentOn: CalendarDate(year: 2027, month: 12, day: 31)!),
        Beneficiary(
            organisationId: Int64.max, legalName: "Ιάσιο, \"Bio\" Lab\nIași \\ \u{01}\t/", country: "GR", kind: "research",
            vatNumber: nil, exchanges: 0, committedCents: Int64.min, paidCents: -1, firstPaymentOn: nil, lastPaymentOn: nil),
        Beneficiary(
            organisationId: 0, legalName: "", country: "", kind: "", vatNumber: "", exchanges: Int.max, committedCents: 0,
            paidCents: 0, firstPaymentOn: CalendarDate(year: 1970, month: 1, day: 1)!, lastPaymentOn: nil),
    ]

    @Test(arguments: beneficiaries)
    func beneficiaryWritesWhatTheEncoderWrites(_ b: Beneficiary) throws {
        var w = JSONObjectWriter()
        b.write(to: &w)
        let mine = w.take()
        let theirs = try JSONBytes.encode(b)
        #expect(String(decoding: mine, as: UTF8.self) == String(decoding: theirs, as: UTF8.self))
    }
}
