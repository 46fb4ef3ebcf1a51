import Foundation

/// Builds the component schemas of the OpenAPI document from Swift types: each
/// `DocumentedSchema` type becomes one named object schema, referenced wherever it is used.
struct SchemaCatalog {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private(set) var components: [(String, OrderedJSON)] = []
    private var owners: [String: ObjectIdentifier] = [:]

    /// Registers `type` (and everything it references) under `name` (its own `schemaName`
    /// unless a route documents a variant), answering a `$ref` to it.
    @discardableResult
    mutating func reference(_ type: any DocumentedSchema.Type, name: String? = nil, hints: SchemaHints? = nil) throws
        -> OrderedJSON
    {
        let name = name ?? type.schemaName
        let ref: OrderedJSON = ["$ref": .string("#/components/schemas/\(name)")]
        if let owner = owners[name] {
            if owner == ObjectIdentifier(type) && hints == nil { return ref }
            // Two Swift types may share a component only when they describe the same object.
            let schema = try objectSchema(type, hints: hints ?? type.schemaHints)
            guard components.first(where: { $0.0 == name })?.1 == schema else {
                throw Failure(description: "\(type) and another type both claim the schema name \(name)")
            }
            return ref
        }
        owners[name] = ObjectIdentifier(type)
        let index = components.count
        components.append((name, [:]))  // reserved first: a type may refer to itself
        components[index].1 = try objectSchema(type, hints: hints ?? type.schemaHints)
        return ref
    }

    mutating func add(_ name: String, _ schema: OrderedJSON) {
        components.append((name, schema))
    }

    /// The object schema of `type`: members in declaration order, required unless optional,
    /// closed (`additionalProperties: false`) for request bodies, which refuse unknown members.
    mutating func objectSchema(_ type: any DocumentedSchema.Type, hints: SchemaHints) throws -> OrderedJSON {
        var properties: [(String, OrderedJSON)] = []
        var required: [String] = []
        let recorded = try SchemaRecorder.properties(of: type)
        let alwaysPresent = try SchemaRecorder.explicitNulls(of: type)
        for property in recorded {
            var schema = try self.schema(for: property.type, member: property.key)
            if let overrides = hints.fields[property.key] {
                schema = schema.merging(overrides)
            }
            if property.optional {
                schema = Self.nullable(schema)
                if alwaysPresent.contains(property.key) { required.append(property.key) }
            } else {
                required.append(property.key)
            }
            properties.append((property.key, schema))
        }
        let unknown = Set(hints.fields.keys).subtracting(recorded.map(\.key))
        if !unknown.isEmpty {
            throw Failure(description: "schema hints of \(type) name unknown members \(unknown.sorted())")
        }
        var object: OrderedJSON = ["type": "object"]
        if let description = hints.description { object["description"] = .string(description) }
        if let explicit = hints.required { required = explicit }
        if !required.isEmpty { object["required"] = .strings(required) }
        object["properties"] = .object(properties)
        if type is any RequestBody.Type { object["additionalProperties"] = false }
        return object
    }

    /// The schema of a member's Swift type.
    mutating func schema(for type: Any.Type, member: String) throws -> OrderedJSON {
        if let named = type as? any NamedSchemaLeaf.Type {
            if !components.contains(where: { $0.0 == named.schemaName }) { add(named.schemaName, named.jsonSchema) }
            return ["$ref": .string("#/components/schemas/\(named.schemaName)")]
        }
        if let leaf = type as? any SchemaLeaf.Type { return leaf.jsonSchema }
        switch type {
        case is String.Type: return ["type": "string"]
        case is Bool.Type: return ["type": "boolean"]
        case is Int.Type, is Int32.Type:
            return member.hasSuffix("_cents") ? ["type": "integer", "format": "int64"] : ["type": "integer"]
        case is Int64.Type: return ["type": "integer", "format": "int64"]
        case is Double.Type: return ["type": "number"]
        case is Date.Type: return ["type": "string", "format": "date-time"]
        default: break
        }
        if let optional = type as? any OptionalSchemaMarker.Type {
            return Self.nullable(try schema(for: optional.wrappedSchemaType, member: member))
        }
        if let array = type as? any ArraySchemaMarker.Type {
            return ["type": "array", "items": try schema(for: array.elementSchemaType, member: member)]
        }
        if let dictionary = type as? any DictionarySchemaMarker.Type {
            return ["type": "object", "additionalProperties": try schema(for: dictionary.valueSchemaType, member: member)]
        }
        if let documented = type as? any DocumentedSchema.Type {
            return try reference(documented)
        }
        throw Failure(description: "no schema for the Swift type \(type) (member \(member)): make it a DocumentedSchema or a SchemaLeaf")
    }

    /// `T?`: the value may be null (3.1 type arrays; `$ref`s through `anyOf`).
    static func nullable(_ schema: OrderedJSON) -> OrderedJSON {
        guard schema["$ref"] == nil, let type = schema["type"] else { return ["anyOf": [schema, ["type": "null"]]] }
        var out = schema
        switch type {
        case .array(let types): out["type"] = .array(types + ["null"])
        default: out["type"] = [type, "null"]
        }
        if case .array(let values)? = out["enum"] { out["enum"] = .array(values + [.null]) }
        return out
    }

    /// The dotted member names a request body admits: its members, and the members of the
    /// request objects nested in it (not inside arrays, which the strict decoder does not walk).
    static func members(of type: any Decodable.Type, prefix: String = "") throws -> [String] {
        var out: [String] = []
        for property in try SchemaRecorder.properties(of: type) {
            let path = prefix + property.key
            out.append(path)
            var inner = property.type
            if let optional = inner as? any OptionalSchemaMarker.Type { inner = optional.wrappedSchemaType }
            if let nested = inner as? any RequestBody.Type {
                out += try members(of: nested, prefix: path + ".")
            }
        }
        return out
    }
}
