import HTTP

/// RFC 4180 CSV, UTF-8, with spreadsheet formula neutralisation (DESIGN.md §6): a cell that
/// begins with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'` so a
/// spreadsheet shows it as text instead of executing it.
struct CSVWriter {
    /// A client asks for CSV with `?format=csv` or `Accept: text/csv` (the ledger and the reports).
    static func isWanted(by request: HTTPRequest) -> Bool {
        request.query["format"] == "csv" || (request.headers["Accept"]?.contains("text/csv") ?? false)
    }


    private(set) var text = ""

    init(header: [String]) { row(header) }

    mutating func row(_ cells: [String]) {
        text += cells.map(Self.cell).joined(separator: ",") + "\r\n"
    }

    static func cell(_ raw: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count + 3)
        appendCell(raw, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The one implementation of a text cell, byte by byte (the large reports write 50k rows):
    /// neutralise a formula start, then quote when the cell holds a comma, quote or line break.
    static func appendCell(_ raw: String, to bytes: inout [UInt8]) {
        let utf8 = raw.utf8
        var needsQuotes = false
        for byte in utf8 where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
            needsQuotes = true
            break
        }
        if needsQuotes { bytes.append(UInt8(ascii: "\"")) }
        if let first = utf8.first, formulaStarts.contains(first) { bytes.append(UInt8(ascii: "'")) }
        for byte in utf8 {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
        if needsQuotes { bytes.append(UInt8(ascii: "\"")) }
    }

    /// First bytes that make a spreadsheet evaluate a cell: `=`, `+`, `-`, `@`, tab, CR.
    static let formulaStarts: Set<UInt8> = [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D]

    /// Euros with two decimals from integer cents, without floating point.
    static func euros(_ cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let a = cents.magnitude
        let frac = a % 100
        return "\(sign)\(a / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}
