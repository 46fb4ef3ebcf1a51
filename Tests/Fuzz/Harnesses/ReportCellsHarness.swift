import Foundation
import HTTP

@testable import Grants
@testable import Postgres

/// Stored values as the database returns them, through the cell decoders and the streamed
/// report layouts (`CSVRowLayout`, `JSONRowLayout`) that copy cells without decoding them.
enum ReportCellsHarness {
    @Sendable static func run(_ data: [UInt8]) {
        var input = FuzzInput(data)
        let cells: [[UInt8]?] = (0..<10).map { _ in input.byte() & 0x0F == 0 ? nil : input.chunk() }
        var bytes: [UInt8] = []
        var spans: [(start: Int, count: Int)] = []
        for cell in cells {
            spans.append((bytes.count, cell?.count ?? -1))
            bytes.append(contentsOf: cell ?? [])
        }
        let values = PostgresValues(bytes: bytes, spans: spans, columnCount: cells.count)
        let columns = PostgresColumns(names: cells.indices.map { "c\($0)" }, typeOIDs: cells.map { _ in PostgresTypeOID.text })
        let row = PostgresRow(columns: columns, values: values, row: 0)

        // The integer reader agrees with the standard library's parser on every input.
        for (index, cell) in cells.enumerated() {
            let text = cell.map { String(decoding: $0, as: UTF8.self) }
            let mine = try? row.decode(index, as: Int64?.self)
            let theirs: Int64?? = text.map { Int64($0) } ?? .some(nil)
            if let cell, cell.allSatisfy({ $0 < 0x80 }) {
                FuzzCheck.that(mine == theirs, "Int64 of \(text ?? "NULL"): \(String(describing: mine)) vs \(String(describing: theirs))")
            }
            let date = try? row.decode(index, as: CalendarDate?.self)
            if let date, let text { FuzzCheck.that(date.iso == text, "date \(text) read as \(date.iso)") }
        }

        var json = JSONObjectWriter()
        if (try? Beneficiary.jsonLayout.write(row, to: &json)) != nil {
            let out = json.take()
            FuzzCheck.that(String(validating: out, as: UTF8.self) != nil, "the JSON row is not valid UTF-8")
            FuzzCheck.that((try? JSONSerialization.jsonObject(with: Data(out))) is [String: Any], "the JSON row does not parse")
        }
        var csv = CSVWriter(header: [])
        _ = csv.takeBytes()
        if (try? ReportRoutes.beneficiaryCSV.write(row, to: &csv)) != nil {
            FuzzCheck.that(String(validating: csv.bytes, as: UTF8.self) != nil, "the CSV row is not valid UTF-8")
            FuzzCheck.that(csv.bytes.suffix(2) == [0x0D, 0x0A], "the CSV row does not end its line")
        }
    }
}
