import HTTP
import Testing

@testable import Grants
@testable import Postgres

/// Streamed reports write rows straight from the query's cells (`JSONRowLayout`,
/// `CSVRowLayout`). They must write what the model decoded from the same row gives: the JSON
/// `JSONBytes.encode` writes (the encoder every other answer uses, and the schema's source),
/// and the CSV of the model's values cell by cell.
@Suite("Report rows written from cells")
struct RowLayoutTests {
    static let beneficiaries: [Beneficiary] = [
        Beneficiary(
            organisationId: 1, legalName: "Clínica León, S.L.", country: "ES", kind: "sme", vatNumber: "ESB12345678", exchanges: 2,
            committedCents: 156_000, paidCents: 78_000, firstPaymentOn: CalendarDate(year: 2027, month: 3, day: 20)!,
            lastPaymentOn: CalendarDate(year: 2027, month: 12, day: 31)!),
        Beneficiary(
            organisationId: Int64.max, legalName: "Ιάσιο, \"Bio\" Lab\nIași \\ \u{01}\t/", country: "GR", kind: "research",
            vatNumber: nil, exchanges: 0, committedCents: Int64.min, paidCents: -1, firstPaymentOn: nil, lastPaymentOn: nil),
        Beneficiary(
            organisationId: 0, legalName: "=HYPERLINK(\"http://x\")", country: "", kind: "", vatNumber: "", exchanges: Int.max,
            committedCents: 0, paidCents: 0, firstPaymentOn: CalendarDate(year: 1, month: 1, day: 1)!,
            lastPaymentOn: CalendarDate(year: 9999, month: 12, day: 31)!),
        Beneficiary(
            organisationId: -5, legalName: "+1", country: "PT", kind: "sme", vatNumber: "-x", exchanges: 1, committedCents: 5,
            paidCents: 99, firstPaymentOn: nil, lastPaymentOn: CalendarDate(year: 1970, month: 1, day: 1)!),
    ]

    /// A one-row result holding `cells` as the server's text output (nil for NULL).
    static func row(_ cells: [[UInt8]?]) -> PostgresRow {
        var bytes: [UInt8] = []
        var spans: [(start: Int, count: Int)] = []
        for cell in cells {
            spans.append((bytes.count, cell?.count ?? -1))
            bytes.append(contentsOf: cell ?? [])
        }
        let columns = PostgresColumns(names: cells.indices.map { "c\($0)" }, typeOIDs: cells.map { _ in PostgresTypeOID.text })
        return PostgresRow(columns: columns, values: PostgresValues(bytes: bytes, spans: spans, columnCount: cells.count), row: 0)
    }

    /// The row `ReportQueries.beneficiaries` returns for `b`.
    static func row(of b: Beneficiary) -> PostgresRow {
        row(
            [
                String(b.organisationId), b.legalName, b.country, b.kind, b.vatNumber, String(b.exchanges), String(b.committedCents),
                String(b.paidCents), b.firstPaymentOn?.iso, b.lastPaymentOn?.iso,
            ].map { $0.map { Array($0.utf8) } })
    }

    /// The model decoded from a row: what the layouts must agree with.
    static func decode(_ r: PostgresRow) throws -> Beneficiary {
        Beneficiary(
            organisationId: try r.decode(0), legalName: try r.decode(1), country: try r.decode(2), kind: try r.decode(3),
            vatNumber: try r.decode(4), exchanges: try r.decode(5), committedCents: try r.decode(6), paidCents: try r.decode(7),
            firstPaymentOn: try r.decode(8), lastPaymentOn: try r.decode(9))
    }

    static func csv(_ b: Beneficiary) -> String {
        var w = CSVWriter(header: [])
        _ = w.takeBytes()
        w.row([
            .integer(b.organisationId), .text(b.legalName), .text(b.country), .text(b.kind), .text(b.vatNumber ?? ""),
            .integer(Int64(b.exchanges)), .euros(b.committedCents), .euros(b.paidCents),
            b.firstPaymentOn.map { .text($0.iso) } ?? .empty, b.lastPaymentOn.map { .text($0.iso) } ?? .empty,
        ])
        return w.string
    }

    static func layoutCSV(_ r: PostgresRow) throws -> String {
        var w = CSVWriter(header: [])
        _ = w.takeBytes()
        try ReportRoutes.beneficiaryCSV.write(r, to: &w)
        return w.string
    }

    static func layoutJSON(_ r: PostgresRow) throws -> String {
        var w = JSONObjectWriter()
        try Beneficiary.jsonLayout.write(r, to: &w)
        return String(decoding: w.take(), as: UTF8.self)
    }

    @Test(arguments: beneficiaries)
    func jsonIsWhatTheEncoderWritesForTheDecodedModel(_ b: Beneficiary) throws {
        let r = Self.row(of: b)
        #expect(try Self.decode(r).organisationId == b.organisationId)
        #expect(try Self.layoutJSON(r) == String(decoding: try JSONBytes.encode(try Self.decode(r)), as: UTF8.self))
    }

    @Test(arguments: beneficiaries)
    func csvIsTheModelsCells(_ b: Beneficiary) throws {
        let r = Self.row(of: b)
        #expect(try Self.layoutCSV(r) == Self.csv(try Self.decode(r)))
    }

    @Test func invalidUTF8IsRepairedAsDecodingWouldRepairIt() throws {
        var cells: [[UInt8]?] = ["7", "", "ES", "sme", nil, "1", "100", "0", nil, nil].map { $0.map { Array($0.utf8) } }
        cells[1] = [0x41, 0xFF, 0xC3, 0x28, 0x22]  // A, a stray byte, a broken pair, a quote
        let r = Self.row(cells)
        let decoded = try Self.decode(r)
        #expect(decoded.legalName == "A\u{FFFD}\u{FFFD}(\"")
        #expect(try Self.layoutJSON(r) == String(decoding: try JSONBytes.encode(decoded), as: UTF8.self))
        #expect(try Self.layoutCSV(r) == Self.csv(decoded))
    }

    @Test(
        arguments: [
            (6, "12.5"), (6, "9223372036854775808"), (0, ""), (5, "x"), (8, "2027-02-30"), (8, "infinity"), (9, "27-01-01"),
            (6, nil), (0, nil),
        ] as [(Int, String?)])
    func aCellTheModelCannotHoldIsAnErrorNotARow(_ column: Int, _ value: String?) {
        var cells: [[UInt8]?] = ["7", "Name", "ES", "sme", nil, "1", "100", "0", "2027-01-01", nil].map { $0.map { Array($0.utf8) } }
        cells[column] = value.map { Array($0.utf8) }
        let r = Self.row(cells)
        #expect(throws: (any Error).self) { try Self.decode(r) }
        #expect(throws: (any Error).self) { try Self.layoutJSON(r) }
        #expect(throws: (any Error).self) { try Self.layoutCSV(r) }
    }
}
