/// An RFC 4180 reader for the spreadsheets coordinators upload (the previous-visitors list).
/// Bytes in, rows of strings out, or the first framing problem with its line number. Lenient
/// where spreadsheets are (LF as well as CRLF line ends, a UTF-8 byte-order mark, a last line
/// without its line end), strict where a wrong reading would import wrong data (a quote inside
/// an unquoted field, an unterminated quoted field, invalid UTF-8). Bounded: at most
/// `maxRows` records and `maxFieldBytes` per field, so no upload can grow memory unchecked.
struct CSVReader {
    struct Failure: Error, Equatable, Sendable {
        /// 1-based physical line where the problem was found.
        var line: Int
        var message: String
    }

    var maxRows = 10_000
    var maxFieldBytes = 1_000

    func read(_ bytes: [UInt8]) -> Result<[[String]], Failure> {
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var line = 1
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var quoted = false
        var wasQuoted = false
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        let cr: UInt8 = 0x0D
        let lf: UInt8 = 0x0A

        func finishField() -> Failure? {
            guard let text = String(validating: field, as: UTF8.self) else {
                return Failure(line: line, message: "the field is not valid UTF-8 (save the file as CSV UTF-8)")
            }
            row.append(text)
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
            return nil
        }
        func finishRow() -> Failure? {
            if let f = finishField() { return f }
            // A blank line (one empty unquoted field) is skipped, as spreadsheets write them.
            if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
            row.removeAll()
            if rows.count > maxRows { return Failure(line: line, message: "more than \(maxRows) rows; split the file") }
            return nil
        }

        while i < bytes.count {
            let b = bytes[i]
            if field.count > maxFieldBytes {
                return .failure(Failure(line: line, message: "a field is longer than \(maxFieldBytes) bytes"))
            }
            if quoted {
                if b == quote {
                    if i + 1 < bytes.count && bytes[i + 1] == quote {
                        field.append(quote)
                        i += 2
                        continue
                    }
                    quoted = false
                } else {
                    if b == lf { line += 1 }
                    field.append(b)
                }
                i += 1
                continue
            }
            switch b {
            case quote:
                guard field.isEmpty && !wasQuoted else {
                    return .failure(Failure(line: line, message: "a quote inside an unquoted field; quote the whole field"))
                }
                quoted = true
                wasQuoted = true
            case comma:
                if let f = finishField() { return .failure(f) }
            case cr where i + 1 < bytes.count && bytes[i + 1] == lf:
                if let f = finishRow() { return .failure(f) }
                line += 1
                i += 2
                continue
            case lf:
                if let f = finishRow() { return .failure(f) }
                line += 1
            case cr:
                return .failure(Failure(line: line, message: "a carriage return without a line feed"))
            default:
                if wasQuoted {
                    return .failure(Failure(line: line, message: "text after a closing quote; quote the whole field"))
                }
                field.append(b)
            }
            i += 1
        }
        if quoted { return .failure(Failure(line: line, message: "a quoted field is not closed")) }
        if !field.isEmpty || !row.isEmpty || wasQuoted {
            if let f = finishRow() { return .failure(f) }
        }
        return .success(rows)
    }
}
