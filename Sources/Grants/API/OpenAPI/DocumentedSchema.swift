import Foundation

/// A type the API sends or accepts as a named JSON object: its members come from the type
/// itself (`SchemaRecorder`), its name and what the type cannot say (bounds, enums,
/// descriptions) from `schemaHints`.
protocol DocumentedSchema: Decodable, Sendable {
    /// The component name in the OpenAPI document.
    static var schemaName: String { get }
    static var schemaHints: SchemaHints { get }
}

extension DocumentedSchema {
    static var schemaHints: SchemaHints { SchemaHints() }
}

/// What the documentation adds to a type's members.
struct SchemaHints: Sendable {
    var description: String?
    /// Per member (snake_case): JSON Schema keywords merged into the derived schema.
    var fields: [String: OrderedJSON] = [:]
    /// For bodies whose members are all optional so the handler can name every missing one
    /// in one 422: the members the handler requires.
    var required: [String]?

    init(_ description: String? = nil, fields: [String: OrderedJSON] = [:], required: [String]? = nil) {
        self.description = description
        self.fields = fields
        self.required = required
    }
}

/// A value the schema knows directly (a string enum, a date): its schema and a sample the
/// recorder can hand to an `init(from:)` that validates.
protocol SchemaLeaf: Decodable {
    static var jsonSchema: OrderedJSON { get }
    /// Nil only for a type without values (an enum without cases): the recorder then fails
    /// with an error, as for any type it cannot walk.
    static var sampleValue: Self? { get }
}

/// A leaf with a component of its own (the document refers to it by name).
protocol NamedSchemaLeaf: SchemaLeaf {
    static var schemaName: String { get }
}

/// String enums are leaves: `{"type": "string", "enum": [every case]}`.
protocol SchemaEnum: SchemaLeaf, CaseIterable, RawRepresentable where RawValue == String {}

extension SchemaEnum {
    static var jsonSchema: OrderedJSON { ["type": "string", "enum": .strings(allCases.map(\.rawValue))] }
    static var sampleValue: Self? { allCases.first }
}

// Markers that let the schema builder see through generic containers.
protocol OptionalSchemaMarker { static var wrappedSchemaType: Any.Type { get } }
protocol ArraySchemaMarker { static var elementSchemaType: Any.Type { get } }
protocol DictionarySchemaMarker { static var valueSchemaType: Any.Type { get } }

extension Optional: OptionalSchemaMarker { static var wrappedSchemaType: Any.Type { Wrapped.self } }
extension Array: ArraySchemaMarker { static var elementSchemaType: Any.Type { Element.self } }
extension Dictionary: DictionarySchemaMarker where Key == String { static var valueSchemaType: Any.Type { Value.self } }
