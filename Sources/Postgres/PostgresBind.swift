/// One parameter value as sent to libpq.
///
/// Text format is used for everything except bytea: the server's text input
/// functions are the reference parsers, so nothing is lost in translation.
/// bytea goes binary because its text form would double the payload and needs
/// escaping.
public struct PostgresBind: Sendable, Hashable {
    public enum Format: Int32, Sendable, Hashable {
        case text = 0
        case binary = 1
    }

    /// Raw bytes; `nil` is SQL NULL.
    public var bytes: [UInt8]?
    public var format: Format
    /// Parameter type OID; 0 lets the server infer it from context.
    public var typeOID: UInt32

    public init(bytes: [UInt8]?, format: Format, typeOID: UInt32) {
        self.bytes = bytes
        self.format = format
        self.typeOID = typeOID
    }

    public static func text(_ value: String, typeOID: UInt32 = 0) -> PostgresBind {
        PostgresBind(bytes: Array(value.utf8), format: .text, typeOID: typeOID)
    }

    public static func null(typeOID: UInt32 = 0) -> PostgresBind {
        PostgresBind(bytes: nil, format: .text, typeOID: typeOID)
    }
}

/// Type OIDs from pg_type.h that binds declare.
public enum PostgresTypeOID {
    public static let unknown: UInt32 = 0
    public static let bool: UInt32 = 16
    public static let bytea: UInt32 = 17
    public static let int8: UInt32 = 20
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let float8: UInt32 = 701
    public static let int8Array: UInt32 = 1016
    public static let textArray: UInt32 = 1009
    public static let date: UInt32 = 1082
    public static let timestamptz: UInt32 = 1184
    public static let numeric: UInt32 = 1700
    public static let uuid: UInt32 = 2950
    public static let jsonb: UInt32 = 3802
}
