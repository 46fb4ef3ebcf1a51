import Foundation
import HTTP

/// One stored property of a `Decodable` type as the wire sees it.
struct RecordedProperty {
    /// The JSON member name (snake_case, as `JSON.decoder` converts it).
    var key: String
    var type: Any.Type
    /// Read with `decodeIfPresent`: the member may be absent or null.
    var optional: Bool
}

/// Finds the members of a `Decodable` type by decoding it with a decoder that answers every
/// question with a harmless sample and writes down what it was asked. The synthesized
/// `init(from:)` asks for each stored property in declaration order, with its type and
/// whether it is optional: the same facts the strict decoder and the JSON Schema need, so
/// neither keeps its own list.
enum SchemaRecorder {
    static func properties(of type: any Decodable.Type) throws -> [RecordedProperty] {
        let recording = Recording()
        _ = try type.init(from: RecordingDecoder(recording: recording))
        return recording.properties
    }

    /// The optional members `type` writes as an explicit `null` (its `encode(to:)` uses `encode`,
    /// not `encodeIfPresent`): encodes a sample whose optionals are all nil and reads the keys
    /// back. The schema marks them required and nullable, so a client can rely on the key.
    static func explicitNulls(of type: any Decodable.Type) throws -> Set<String> {
        guard let value = try type.init(from: RecordingDecoder(recording: nil)) as? any Encodable else { return [] }
        let object = try JSONSerialization.jsonObject(with: try JSON.encoder.encode(value))
        guard let members = object as? [String: Any] else { return [] }
        return Set(members.filter { $0.value is NSNull }.map(\.key))
    }

    /// A sample value of `T`, built without any input. Leaf types give theirs; containers
    /// come out empty; other types are decoded from samples in turn.
    static func sample<T: Decodable>(_ type: T.Type) throws -> T {
        if let leaf = type as? any SchemaLeaf.Type {
            guard let value = leaf.sampleValue as? T else {
                throw DecodingError.valueNotFound(T.self, .init(codingPath: [], debugDescription: "\(T.self) has no sample value"))
            }
            return value
        }
        switch type {
        case is String.Type: if let v = "" as? T { return v }
        case is Bool.Type: if let v = false as? T { return v }
        case is Int.Type: if let v = 0 as? T { return v }
        case is Int64.Type: if let v = Int64(0) as? T { return v }
        case is Int32.Type: if let v = Int32(0) as? T { return v }
        case is Double.Type: if let v = 0.0 as? T { return v }
        case is Date.Type: if let v = Date(timeIntervalSince1970: 0) as? T { return v }
        default: break
        }
        return try T(from: RecordingDecoder(recording: nil))
    }
}

/// Filled by one top-level decode; used on one thread only, then read.
private final class Recording {
    var properties: [RecordedProperty] = []
}

private struct RecordingDecoder: Decoder {
    /// Nil for the decoders of nested values: only the top level is written down.
    let recording: Recording?
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(KeyedRecorder<Key>(recording: recording))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { EmptyUnkeyed() }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { SampleValue() }
}

private struct KeyedRecorder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let recording: Recording?
    var codingPath: [any CodingKey] = []
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) throws -> Bool { false }

    private func record<T: Decodable>(_ type: T.Type, _ key: Key, optional: Bool) {
        recording?.properties.append(RecordedProperty(key: JSON.snakeCase(key.stringValue), type: type, optional: optional))
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        record(type, key, optional: false)
        return try SchemaRecorder.sample(type)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        record(type, key, optional: true)
        return nil
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(Wrapped(type), key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(Wrapped(type), key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(Wrapped(type), key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(Wrapped(type), key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(Wrapped(type), key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(Wrapped(type), key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(Wrapped(type), key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(Wrapped(type), key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(Wrapped(type), key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(Wrapped(type), key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(Wrapped(type), key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(Wrapped(type), key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(Wrapped(type), key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(Wrapped(type), key) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try decodeIfPresent(Wrapped(type), key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try decodeIfPresent(Wrapped(type), key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try decodeIfPresent(Wrapped(type), key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try decodeIfPresent(Wrapped(type), key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try decodeIfPresent(Wrapped(type), key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try decodeIfPresent(Wrapped(type), key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try decodeIfPresent(Wrapped(type), key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try decodeIfPresent(Wrapped(type), key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try decodeIfPresent(Wrapped(type), key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try decodeIfPresent(Wrapped(type), key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try decodeIfPresent(Wrapped(type), key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try decodeIfPresent(Wrapped(type), key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try decodeIfPresent(Wrapped(type), key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try decodeIfPresent(Wrapped(type), key) }

    /// Routes the concrete overloads through the generic ones (one place records).
    private struct Wrapped<T: Decodable> {
        let type: T.Type
        init(_ type: T.Type) { self.type = type }
    }
    private func decode<T: Decodable>(_ w: Wrapped<T>, _ key: Key) throws -> T { try decode(w.type, forKey: key) }
    private func decodeIfPresent<T: Decodable>(_ w: Wrapped<T>, _ key: Key) throws -> T? { try decodeIfPresent(w.type, forKey: key) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        KeyedDecodingContainer(KeyedRecorder<NestedKey>(recording: nil))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { EmptyUnkeyed() }
    func superDecoder() throws -> any Decoder { RecordingDecoder(recording: nil) }
    func superDecoder(forKey key: Key) throws -> any Decoder { RecordingDecoder(recording: nil) }
}

/// Arrays come out empty.
private struct EmptyUnkeyed: UnkeyedDecodingContainer {
    var codingPath: [any CodingKey] = []
    var count: Int? { 0 }
    var isAtEnd: Bool { true }
    var currentIndex: Int { 0 }

    private func end() -> DecodingError {
        DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "a recorded array is empty"))
    }
    mutating func decodeNil() throws -> Bool { throw end() }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { throw end() }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        throw end()
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { throw end() }
    mutating func superDecoder() throws -> any Decoder { throw end() }
}

/// Single values: null where null is accepted (optionals come out nil), else a sample.
private struct SampleValue: SingleValueDecodingContainer {
    var codingPath: [any CodingKey] = []
    func decodeNil() -> Bool { true }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try SchemaRecorder.sample(type) }
    func decode(_ type: Bool.Type) throws -> Bool { false }
    func decode(_ type: String.Type) throws -> String { "" }
    func decode(_ type: Double.Type) throws -> Double { 0 }
    func decode(_ type: Int.Type) throws -> Int { 0 }
    func decode(_ type: Int64.Type) throws -> Int64 { 0 }
}
