import Foundation
import HTTP

/// The one CSV writer (the ledger export and every report): RFC 4180, UTF-8, CRLF, built as
/// bytes cell by cell so a 50,000-row report makes no String per cell. Text cells get
/// spreadsheet formula neutralisation (DESIGN.md §6): a cell that begins with `=`, `+`, `-`,
/// `@`, tab or carriage return is prefixed with `'` so a spreadsheet shows it as text instead
/// of executing it. Numbers the service computed itself (ids, counts, euros) are written as
/// they are, so a negative monthly movement stays the number `-390.00`.
struct CSVWriter {
    /// One cell of a row written at once.
    enum Cell {
        case text(String)
        case integer(Int64)
        case euros(Int64)
        case empty
    }

    private(set) var bytes: [UInt8] = []
    private var rowStarted = false

    /// CSV for `format=csv`; without `format`, for `Accept: text/csv` (an explicit `format=json`
    /// wins over the header). `format` is the route's checked query value.
    static func isWanted(format: String?, by request: HTTPRequest) -> Bool {
        if let format { return format == "csv" }
        return request.headers["Accept"]?.contains("text/csv") ?? false
    }

    init(header: [String], rowsHint: Int = 0, bytesPerRow: Int = 96) {
        bytes.reserveCapacity(128 + min(max(rowsHint, 0), 1_000_000) * bytesPerRow)
        row(header.map(Cell.text))
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// The bytes written so far, leaving the writer empty (a streamed export sends them on).
    mutating func takeBytes() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    mutating func row(_ cells: [Cell]) {
        for cell in cells {
            switch cell {
            case .text(let s): text(s)
            case .integer(let n): integer(n)
            case .euros(let c): euros(c)
            case .empty: empty()
            }
        }
        endRow()
    }

    mutating func endRow() {
        bytes.append(contentsOf: [0x0D, 0x0A])
        rowStarted = false
    }

    private mutating func separate() {
        if rowStarted { bytes.append(UInt8(ascii: ",")) }
        rowStarted = true
    }

    mutating func empty() { separate() }

    /// Neutralise a formula start, then quote when the cell holds a comma, quote or line break.
    mutating func text(_ raw: String) {
        var raw = raw
        raw.withUTF8 { text(utf8: $0) }
    }

    /// `text` for UTF-8 bytes the caller has checked are valid UTF-8.
    mutating func text(utf8: UnsafeBufferPointer<UInt8>) {
        separate()
        let needsQuotes = utf8.contains {
            $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r")
        }
        if let first = utf8.first, Self.isFormulaStart(first) {
            if needsQuotes { bytes.append(UInt8(ascii: "\"")) }
            bytes.append(UInt8(ascii: "'"))
        } else if needsQuotes {
            bytes.append(UInt8(ascii: "\""))
        }
        if !needsQuotes {
            // Nothing to double: the bytes as they are, in one append.
            bytes.append(contentsOf: utf8)
            return
        }
        for byte in utf8 {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Bytes already in their final form (a checked date), as one cell.
    mutating func verbatim(_ utf8: ArraySlice<UInt8>) {
        separate()
        bytes.append(contentsOf: utf8)
    }

    /// Decimal digits, as `String(n)` writes them.
    mutating func integer(_ n: Int64) {
        separate()
        digits(n)
    }

    /// Euros with two decimals from integer cents, without floating point: `-12.05` from -1205.
    mutating func euros(_ cents: Int64) {
        separate()
        if cents < 0 { bytes.append(UInt8(ascii: "-")) }
        let a = cents.magnitude
        unsignedDigits(a / 100)
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(a % 100 / 10))
        bytes.append(UInt8(ascii: "0") + UInt8(a % 10))
    }

    private mutating func digits(_ n: Int64) {
        if n < 0 { bytes.append(UInt8(ascii: "-")) }
        unsignedDigits(n.magnitude)
    }

    private mutating func unsignedDigits(_ n: UInt64) {
        var m = n
        var divisor: UInt64 = 1
        while m / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(m / divisor))
            m %= divisor
            divisor /= 10
        }
    }

    /// The download: `text/csv` as an attachment named `filename`.
    func response(filename: String) -> HTTPResponse {
        var r = HTTPResponse(status: 200, headers: ["Content-Type": "text/csv; charset=utf-8"], body: bytes)
        r.headers.set("Content-Disposition", "attachment; filename=\"\(filename)\"")
        return r
    }

    /// First bytes that make a spreadsheet evaluate a cell: `=`, `+`, `-`, `@`, tab, CR.
    static let formulaStarts: Set<UInt8> = [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D]

    /// `formulaStarts`, as a switch (a Set lookup per cell hashed every cell of an export).
    static func isFormulaStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: true
        default: false
        }
    }

    /// One text cell as the writer writes it (tests, fuzzing).
    static func cell(_ raw: String) -> String {
        var w = CSVWriter()
        w.text(raw)
        return w.string
    }

    /// One euros cell as the writer writes it (tests, fuzzing).
    static func euros(_ cents: Int64) -> String {
        var w = CSVWriter()
        w.euros(cents)
        return w.string
    }

    private init() {}
}
