import Foundation

/// One result cell handed to a decoder. Results are always requested in text
/// format, so `text` is the server's output function's rendering.
public struct PostgresCell: Sendable {
    public var text: String?
    public var typeOID: UInt32
    public var columnName: String

    public func failure(_ type: Any.Type) -> PostgresError {
        .decoding("column \"\(columnName)\" (type oid \(typeOID)) is not decodable as \(type)")
    }

    /// The text of a non-NULL cell; NULL into a non-optional is an error, not a default.
    public func require(_ type: Any.Type) throws(PostgresError) -> String {
        guard let text else {
            throw .decoding("column \"\(columnName)\" is NULL but \(type) is not optional")
        }
        return text
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
        guard let value = Int(try cell.require(Int.self)) else { throw cell.failure(Int.self) }
        return value
    }
}

extension Int64: PostgresDecodable {
    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> Int64 {
        guard let value = Int64(try cell.require(Int64.self)) else { throw cell.failure(Int64.self) }
        return value
    }
}

extension Int32: PostgresDecodable {
    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> Int32 {
        guard let value = Int32(try cell.require(Int32.self)) else { throw cell.failure(Int32.self) }
        return value
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
        guard cell.text != nil else { return nil }
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
