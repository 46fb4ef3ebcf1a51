import Foundation
import HTTP

/// A request body type that lists its members, so unknown ones can be refused by name.
public protocol RequestBody: Decodable, Sendable {
    /// Allowed members in snake_case; nested objects as `parent.child`.
    static var members: [String] { get }
}

/// The strict decoder of request bodies: unknown members are refused (422). Duplicate members
/// and excessive nesting are refused (400 `malformed_json`) by `HTTPRequest.decode` for every
/// JSON body (JSONStructure), before any shape error.
enum StrictJSON {
    static func decode<T: RequestBody>(_ type: T.Type, from request: HTTPRequest) throws -> T {
        let value = try request.decode(type)
        // Decoding succeeded, so the body is a valid JSON document; walk it for unknown members.
        if let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] {
            let allowed = Set(T.members)
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
