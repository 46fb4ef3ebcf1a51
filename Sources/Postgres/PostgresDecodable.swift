import Foundation

/// One result cell handed to a decoder. Results are always requested in text format, so the
/// bytes are the server's output function's rendering; `text` makes a `String` of them on demand.
public struct PostgresCell: Sendable {
    let values: PostgresValues
    let span: (start: Int, count: Int)
    public var typeOID: UInt32
    public var columnName: String

    init(values: PostgresValues, span: (start: Int, count: Int), typeOID: UInt32, columnName: String) {
        self.values = values
        self.span = span
        self.typeOID = typeOID
        self.columnName = columnName
    }

    /// A cell outside any result (tests, and decoders composed from others).
    public init(text: String?, typeOID: UInt32, columnName: String) {
        let bytes = text.map { Array($0.utf8) } ?? []
        self.init(
            values: PostgresValues(bytes: bytes, spans: [(0, text == nil ? -1 : bytes.count)], columnCount: 1),
            span: (0, text == nil ? -1 : bytes.count), typeOID: typeOID, columnName: columnName)
    }

    public var isNull: Bool { span.count < 0 }

    /// The cell's text, or nil for SQL NULL.
    public var text: String? {
        guard span.count >= 0 else { return nil }
        return String(decoding: values.bytes[span.start..<(span.start + span.count)], as: UTF8.self)
    }

    /// The cell's bytes (UTF-8 text), or nil for SQL NULL.
    public var utf8: ArraySlice<UInt8>? {
        guard span.count >= 0 else { return nil }
        return values.bytes[span.start..<(span.start + span.count)]
    }

    /// Calls `body` with the cell's text as valid UTF-8 without making a `String` when the
    /// bytes are ASCII (checked byte by byte); other bytes go through `String`, which repairs
    /// anything invalid. Nil for SQL NULL.
    public func withText<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        guard let bytes = utf8 else { return nil }
        if bytes.allSatisfy({ $0 < 0x80 }) { return try bytes.withUnsafeBufferPointer(body) }
        var text = String(decoding: bytes, as: UTF8.self)
        return try text.withUTF8(body)
    }

    public func failure(_ type: Any.Type) -> PostgresError {
        .decoding("column \"\(columnName)\" (type oid \(typeOID)) is not decodable as \(type)")
    }

    /// The text of a non-NULL cell; NULL into a non-optional is an error, not a default.
    public func require(_ type: Any.Type) throws(PostgresError) -> String {
        guard let text else { throw nullFailure(type) }
        return text
    }

    /// The bytes of a non-NULL cell; NULL into a non-optional is an error, not a default.
    public func requireBytes(_ type: Any.Type) throws(PostgresError) -> ArraySlice<UInt8> {
        guard let utf8 else { throw nullFailure(type) }
        return utf8
    }

    private func nullFailure(_ type: Any.Type) -> PostgresError {
        .decoding("column \"\(columnName)\" is NULL but \(type) is not optional")
    }

    /// A decimal integer (`-?[0-9]+`, the output of int2/int4/int8) in `T`, with checked
    /// arithmetic: nil for anything else, including a value beyond `T`.
    func integer<T: FixedWidthInteger>(_ type: T.Type) throws(PostgresError) -> T {
        let digits = try requireBytes(type)
        var i = digits.startIndex
        let negative = i < digits.endIndex && digits[i] == UInt8(ascii: "-")
        if negative || (i < digits.endIndex && digits[i] == UInt8(ascii: "+")) { i += 1 }
        guard i < digits.endIndex else { throw failure(type) }
        var value: T = 0
        while i < digits.endIndex {
            let c = digits[i]
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { throw failure(type) }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let digit = T(c &- UInt8(ascii: "0"))
            let (next, o2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !o1, !o2 else { throw failure(type) }
            value = next
            i += 1
        }
        return value
    }
}

/// A Swift type a result column can be decoded into.
public protocol PostgresDecodable: Sendable {
    static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> Self
}

extension String: PostgresDecodable {
    /// Any column decodes as its text rendering (numeric, jsonb, enums, ...).
    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> String {
        try cell.require(String.self)
    }
}

extension Int: PostgresDecodable {
    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> Int {
        try cell.integer(Int.self)
    }
}

extension Int64: PostgresDecodable {
    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> Int64 {
        try cell.integer(Int64.self)
    }
}

extension Int32: PostgresDecodable {
    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> Int32 {
        try cell.integer(Int32.self)
    }
}

extension Bool: PostgresDecodable {
    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> Bool {
        switch try cell.require(Bool.self) {
        case "t", "true": return true
        case "f", "false": return false
        default: throw cell.failure(Bool.self)
        }
    }
}

extension Double: PostgresDecodable {
    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> Double {
        guard let value = Double(try cell.require(Double.self)) else { throw cell.failure(Double.self) }
        return value
    }
}

extension Date: PostgresDecodable {
    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> Date {
        guard let value = PostgresTimestamp.parse(try cell.require(Date.self)) else { throw cell.failure(Date.self) }
        return value
    }
}

extension UUID: PostgresDecodable {
    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> UUID {
        guard let value = UUID(uuidString: try cell.require(UUID.self)) else { throw cell.failure(UUID.self) }
        return value
    }
}

extension Data: PostgresDecodable {
    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> Data {
        Data(try [UInt8].postgresDecode(cell))
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayDecodable {
    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> [Element] {
        try Element.postgresDecodeArray(cell)
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> Wrapped? {
        guard !cell.isNull else { return nil }
        return try Wrapped.postgresDecode(cell)
    }
}

/// Element types of decodable arrays; `UInt8` turns the whole column into bytea.
public protocol PostgresArrayDecodable: Sendable {
    static func postgresDecodeArray(_ cell: PostgresCell) throws(PostgresError) -> [Self]
}

extension Int64: PostgresArrayDecodable {
    public static func postgresDecodeArray(_ cell: PostgresCell) throws(PostgresError) -> [Int64] {
        let text = try cell.require([Int64].self)
        guard let items = PostgresArrayLiteral.parse(text) else { throw cell.failure([Int64].self) }
        var values: [Int64] = []
        values.reserveCapacity(items.count)
        for item in items {
            guard let item, let value = Int64(item) else { throw cell.failure([Int64].self) }
            values.append(value)
        }
        return values
    }
}

extension String: PostgresArrayDecodable {
    public static func postgresDecodeArray(_ cell: PostgresCell) throws(PostgresError) -> [String] {
        let text = try cell.require([String].self)
        guard let items = PostgresArrayLiteral.parse(text) else { throw cell.failure([String].self) }
        var values: [String] = []
        values.reserveCapacity(items.count)
        for item in items {
            guard let item else { throw .decoding("column \"\(cell.columnName)\" has a NULL array element") }
            values.append(item)
        }
        return values
    }
}

extension UInt8: PostgresArrayDecodable {
    /// bytea arrives as `\x` hex text (bytea_output=hex, the default since 9.0).
    public static func postgresDecodeArray(_ cell: PostgresCell) throws(PostgresError) -> [UInt8] {
        let text = try cell.require([UInt8].self)
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else {
            throw cell.failure([UInt8].self)
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity((utf8.count - 2) / 2)
        var index = 2
        while index < utf8.count {
            guard let high = hexValue(utf8[index]), let low = hexValue(utf8[index + 1]) else {
                throw cell.failure([UInt8].self)
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Parser for one-dimensional array output (`{a,"b c",NULL}`).
enum PostgresArrayLiteral {
    static func parse(_ text: String) -> [String?]? {
        let s = Array(text.unicodeScalars)
        guard s.first == "{", s.last == "}" else { return nil }
        if s.count == 2 { return [] }
        var items: [String?] = []
        var i = 1
        let end = s.count - 1
        while i <= end {
            var item = String.UnicodeScalarView()
            var quoted = false
            if s[i] == "\"" {
                quoted = true
                i += 1
                while i < end, s[i] != "\"" {
                    if s[i] == "\\" { i += 1 }
                    guard i < end else { return nil }
                    item.append(s[i])
                    i += 1
                }
                guard i < end else { return nil }
                i += 1  // closing quote
            } else {
                while i < end, s[i] != "," {
                    if s[i] == "{" { return nil }  // multi-dimensional arrays are not supported
                    item.append(s[i])
                    i += 1
                }
            }
            let value = String(item)
            items.append(!quoted && value == "NULL" ? nil : value)
            guard i == end || s[i] == "," else { return nil }
            i += 1
        }
        return items
    }
}
