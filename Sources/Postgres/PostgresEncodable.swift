import Foundation

/// A Swift value that can be sent as a query parameter.
public protocol PostgresEncodable: Sendable {
    /// Declared parameter type; also used for typed NULLs of `Optional`.
    static var postgresTypeOID: UInt32 { get }
    var postgresBind: PostgresBind { get }
}

extension String: PostgresEncodable {
    /// `unknown` rather than `text`, so a string can feed enum, numeric or
    /// interval columns and the server picks the type from context.
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.unknown }
    public var postgresBind: PostgresBind { .text(self, typeOID: Self.postgresTypeOID) }
}

extension Int: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.int8 }
    public var postgresBind: PostgresBind { .text(String(self), typeOID: Self.postgresTypeOID) }
}

extension Int64: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.int8 }
    public var postgresBind: PostgresBind { .text(String(self), typeOID: Self.postgresTypeOID) }
}

extension Int32: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.int4 }
    public var postgresBind: PostgresBind { .text(String(self), typeOID: Self.postgresTypeOID) }
}

extension Bool: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.bool }
    public var postgresBind: PostgresBind { .text(self ? "true" : "false", typeOID: Self.postgresTypeOID) }
}

extension Double: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.float8 }
    public var postgresBind: PostgresBind {
        let text: String
        if isNaN {
            text = "NaN"
        } else if self == .infinity {
            text = "Infinity"
        } else if self == -.infinity {
            text = "-Infinity"
        } else {
            text = "\(self)"  // shortest round-tripping form
        }
        return .text(text, typeOID: Self.postgresTypeOID)
    }
}

extension Date: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.timestamptz }
    public var postgresBind: PostgresBind { .text(PostgresTimestamp.format(self), typeOID: Self.postgresTypeOID) }
}

extension UUID: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.uuid }
    public var postgresBind: PostgresBind { .text(uuidString.lowercased(), typeOID: Self.postgresTypeOID) }
}

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresTypeOID: UInt32 { Element.postgresArrayTypeOID }
    public var postgresBind: PostgresBind { Element.postgresArrayBind(self) }
}

extension Data: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.bytea }
    public var postgresBind: PostgresBind {
        PostgresBind(bytes: Array(self), format: .binary, typeOID: Self.postgresTypeOID)
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { Wrapped.postgresTypeOID }
    public var postgresBind: PostgresBind {
        switch self {
        case .some(let value): value.postgresBind
        case .none: .null(typeOID: Wrapped.postgresTypeOID)
        }
    }
}

/// Element types of the supported one-dimensional arrays. `UInt8` is special:
/// `[UInt8]` is bytea, sent in binary.
public protocol PostgresArrayElement: Sendable {
    static var postgresArrayTypeOID: UInt32 { get }
    var postgresArrayLiteral: String { get }
    static func postgresArrayBind(_ elements: [Self]) -> PostgresBind
}

extension PostgresArrayElement {
    public static func postgresArrayBind(_ elements: [Self]) -> PostgresBind {
        .text("{" + elements.map(\.postgresArrayLiteral).joined(separator: ",") + "}", typeOID: postgresArrayTypeOID)
    }
}

extension Int64: PostgresArrayElement {
    public static var postgresArrayTypeOID: UInt32 { PostgresTypeOID.int8Array }
    public var postgresArrayLiteral: String { String(self) }
}

extension String: PostgresArrayElement {
    public static var postgresArrayTypeOID: UInt32 { PostgresTypeOID.textArray }
    /// Always quoted, so `NULL`, empty strings, commas and braces stay data.
    public var postgresArrayLiteral: String {
        var out = "\""
        for scalar in unicodeScalars {
            if scalar == "\"" || scalar == "\\" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(scalar)
        }
        return out + "\""
    }
}

extension UInt8: PostgresArrayElement {
    public static var postgresArrayTypeOID: UInt32 { PostgresTypeOID.bytea }
    public var postgresArrayLiteral: String { String(self) }
    public static func postgresArrayBind(_ elements: [UInt8]) -> PostgresBind {
        PostgresBind(bytes: elements, format: .binary, typeOID: PostgresTypeOID.bytea)
    }
}
