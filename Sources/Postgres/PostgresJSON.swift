import Foundation

/// A jsonb value carried as JSON text; the server validates it on input, and
/// callers choose whether to decode it with JSONDecoder or pass it through.
public struct PostgresJSON: Sendable, Hashable, CustomStringConvertible {
    public var text: String

    public init(_ text: String) {
        self.text = text
    }

    public init(data: Data) {
        self.text = String(decoding: data, as: UTF8.self)
    }

    public init<T: Encodable>(encoding value: T, encoder: JSONEncoder = JSONEncoder()) throws {
        self.init(data: try encoder.encode(value))
    }

    public var data: Data { Data(text.utf8) }

    public func decode<T: Decodable>(_ type: T.Type = T.self, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decoder.decode(type, from: data)
    }

    public var description: String { text }
}

extension PostgresJSON: PostgresEncodable, PostgresDecodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.jsonb }
    public var postgresBind: PostgresBind { .text(text, typeOID: Self.postgresTypeOID) }

    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> PostgresJSON {
        PostgresJSON(try cell.require(PostgresJSON.self))
    }
}
