import Foundation
import HTTP
import Synchronization

/// A JSON request body: its members are derived from the type (`SchemaCatalog.members`),
/// so the strict decoder refuses unknown ones by name and the OpenAPI document closes the
/// object, from one declaration.
protocol RequestBody: DocumentedSchema, Sendable {}

extension RequestBody {
    /// Allowed members in snake_case; nested request objects as `parent.child`.
    static var members: Set<String> { MemberCache.members(of: Self.self) }
}

/// Member sets are derived once per type, on first use.
private enum MemberCache {
    static let sets = Mutex<[ObjectIdentifier: Set<String>]>([:])

    static func members(of type: any RequestBody.Type) -> Set<String> {
        let key = ObjectIdentifier(type)
        if let known = sets.withLock({ $0[key] }) { return known }
        // A type the recorder cannot walk admits no member (every one is refused, 422); the
        // OpenAPI test derives every body's members, so such a type fails the build's tests.
        let derived = Set((try? SchemaCatalog.members(of: type)) ?? [])
        sets.withLock { $0[key] = derived }
        return derived
    }
}

/// The strict decoder of request bodies: unknown members are refused (422). Duplicate members
/// and excessive nesting are refused (400 `malformed_json`) by `HTTPRequest.decode` for every
/// JSON body (JSONStructure), before any shape error.
enum StrictJSON {
    static func decode<T: RequestBody>(_ type: T.Type, from request: HTTPRequest) throws -> T {
        let value = try request.decode(type)
        // Decoding succeeded, so the body is a valid JSON document; walk it for unknown members.
        if let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] {
            let allowed = T.members
            var unknown: [RuleViolation] = []
            walk(object, prefix: "", allowed: allowed, unknown: &unknown)
            if !unknown.isEmpty { throw GrantsError.validation(unknown) }
        }
        return value
    }

    private static func walk(_ object: [String: Any], prefix: String, allowed: Set<String>, unknown: inout [RuleViolation]) {
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            guard allowed.contains(path) else {
                unknown.append(RuleViolation(field: path, rule: "unknown_field", message: "unknown member '\(path)'"))
                continue
            }
            if let nested = value as? [String: Any], allowed.contains(where: { $0.hasPrefix(path + ".") }) {
                walk(nested, prefix: path, allowed: allowed, unknown: &unknown)
            }
        }
    }
}
