@testable import Grants

/// The CSV writer against an RFC 4180 reader: every row written reads back as the same cells
/// (formula starts neutralised with a leading `'`), so no cell can break out of its column or
/// reach a spreadsheet as a formula.
enum CSVHarness {
    @Sendable static func run(_ data: [UInt8]) {
        var input = FuzzInput(data)
        var cells: [String] = []
        while !input.isEmpty && cells.count < 16 { cells.append(input.string()) }
        if cells.isEmpty { cells = [""] }
        var writer = CSVWriter(header: ["h"])
        writer.row(cells.map(CSVWriter.Cell.text))
        let rows = read(Array(writer.string.utf8))
        FuzzCheck.that(rows.count == 2, "rows \(rows.count)")
        guard rows.count == 2 else { return }
        FuzzCheck.that(rows[1].count == cells.count, "cells \(rows[1].count) != \(cells.count)")
        for (written, original) in zip(rows[1], cells) {
            let originalBytes = Array(original.utf8)
            if let f = originalBytes.first, CSVWriter.formulaStarts.contains(f) {
                FuzzCheck.that(written == [UInt8(ascii: "'")] + originalBytes, "formula not neutralised")
            } else {
                FuzzCheck.that(written == originalBytes, "cell changed")
            }
        }
        _ = CSVWriter.euros(input.int64())
    }

    /// A strict RFC 4180 reader: records end in CRLF; quoted fields double their quotes.
    static func read(_ bytes: [UInt8]) -> [[[UInt8]]] {
        var rows: [[[UInt8]]] = []
        var row: [[UInt8]] = []
        var field: [UInt8] = []
        var i = 0
        var quoted = false
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        i += 2
                        continue
                    }
                    quoted = false
                } else {
                    field.append(b)
                }
            } else if b == UInt8(ascii: "\"") && field.isEmpty {
                quoted = true
            } else if b == UInt8(ascii: ",") {
                row.append(field)
                field = []
            } else if b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A {
                row.append(field)
                field = []
                rows.append(row)
                row = []
                i += 2
                continue
            } else {
                FuzzCheck.that(b != UInt8(ascii: "\"") && b != 0x0A && b != 0x0D, "unquoted special byte \(b)")
                field.append(b)
            }
            i += 1
        }
        FuzzCheck.that(!quoted && row.isEmpty && field.isEmpty, "unterminated record")
        return rows
    }
}
