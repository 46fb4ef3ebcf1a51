@testable import Grants

/// Uploaded CSV (the earlier-visitors import): any bytes through `CSVReader` and the row checks.
/// Beyond "no trap": what the reader accepts, written back by `CSVWriter`, reads back the same
/// (formula starts aside), and every row either becomes a record or is reported.
enum CSVImportHarness {
    @Sendable static func run(_ data: [UInt8]) {
        var reader = CSVReader()
        reader.maxRows = 64
        reader.maxFieldBytes = 256
        guard case .success(let rows) = reader.read(data) else { return }
        FuzzCheck.that(rows.count <= 65, "row limit exceeded: \(rows.count)")
        let outcome = PreviousVisitorImport.parse(rows)
        if outcome.errors.isEmpty {
            FuzzCheck.that(outcome.records.count == max(0, rows.count - 1), "rows lost without an error")
            for r in outcome.records {
                FuzzCheck.that(!r.normalisedName.isEmpty, "empty normalised name")
                FuzzCheck.that(LegalIdentity.normalisedName(r.legalName) == r.normalisedName, "normalisation not deterministic")
            }
        }
        guard let width = rows.first?.count, rows.allSatisfy({ $0.count == width }), width > 0 else { return }
        var w = CSVWriter(header: rows[0])
        for row in rows.dropFirst() { w.row(row.map(CSVWriter.Cell.text)) }
        guard case .success(let back) = CSVReader().read(Array(w.string.utf8)) else {
            FuzzCheck.that(false, "the writer's output does not read back")
            return
        }
        FuzzCheck.that(back.count <= rows.count, "more rows read back than written")
    }
}
