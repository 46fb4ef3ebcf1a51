import Foundation

/// SQL `numeric` kept as the server's exact decimal text, because money-like
/// amounts must not pass through binary floating point.
public struct PostgresNumeric: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var string: String

    public init(_ string: String) {
        self.string = string
    }

    public init(stringLiteral value: String) {
        self.string = value
    }

    public var description: String { string }

    /// Foundation's decimal (38 significant digits), for arithmetic.
    public var decimal: Decimal? { Decimal(string: string, locale: Locale(identifier: "en_US_POSIX")) }
}

extension PostgresNumeric: PostgresEncodable, PostgresDecodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.numeric }
    public var postgresBind: PostgresBind { .text(string, typeOID: Self.postgresTypeOID) }

    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> PostgresNumeric {
        PostgresNumeric(try cell.require(PostgresNumeric.self))
    }
}
