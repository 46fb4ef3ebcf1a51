import Foundation
import Timestamps

/// The one JSON configuration of the API: snake_case keys both ways, ISO 8601
/// dates, compact output. Shared instances because building a coder per request
/// costs more than the encoding itself; both types are safe for concurrent use
/// once configured, and these are never reconfigured.
public enum JSON {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        // Clients send RFC 3339 timestamps with or without fractional seconds;
        // the stock `.iso8601` strategy rejects the former.
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = parseISO8601(text) { return date }
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "must be an ISO 8601 date-time")
        }
        return decoder
    }()

    static func parseISO8601(_ text: String) -> Date? { Timestamp.parse(text, .rfc3339) }

    /// Converts a Swift property name to the wire name clients see, so field
    /// errors name `organisation.legal_name`, not `organisation.legalName`.
    public static func snakeCase(_ key: String) -> String {
        let chars = Array(key)
        guard chars.contains(where: { $0.isUppercase }) else { return key }
        var out = ""
        for (i, c) in chars.enumerated() {
            if c.isUppercase {
                let prevLower = i > 0 && (chars[i - 1].isLowercase || chars[i - 1].isNumber)
                let acronymEnd = i > 0 && chars[i - 1].isUppercase && i + 1 < chars.count && chars[i + 1].isLowercase
                if prevLower || acronymEnd { out.append("_") }
                out.append(contentsOf: c.lowercased())
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// Renders a coding path as `a.b[2].c`.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        var out = ""
        for key in path {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == String(index) {
                out += "[\(index)]"
            } else {
                if !out.isEmpty { out += "." }
                out += snakeCase(key.stringValue)
            }
        }
        return out
    }

    /// Maps a decoding failure to the problem the client should see:
    /// syntax errors are 400 `malformed_json`, shape errors 422 with the field.
    static func problem(for error: any Error) -> ProblemDetails {
        guard let error = error as? DecodingError else {
            return .malformedJSON()
        }
        switch error {
        case .typeMismatch(let type, let context):
            return .validationFailed([FieldError(field: fieldPath(context.codingPath), message: "must be \(typeName(type))")])
        case .valueNotFound(_, let context):
            return .validationFailed([FieldError(field: fieldPath(context.codingPath), message: "must not be null")])
        case .keyNotFound(let key, let context):
            return .validationFailed([FieldError(field: fieldPath(context.codingPath + [key]), message: "is required")])
        case .dataCorrupted(let context):
            // An empty path with an underlying error is the JSON scanner
            // complaining about syntax or encoding, not about a value.
            if context.codingPath.isEmpty && context.underlyingError != nil {
                return .malformedJSON()
            }
            if context.codingPath.isEmpty {
                return .malformedJSON(context.debugDescription)
            }
            return .validationFailed([FieldError(field: fieldPath(context.codingPath), message: context.debugDescription)])
        @unknown default:
            return .malformedJSON()
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type: return "an integer"
        case is Double.Type, is Float.Type, is Decimal.Type: return "a number"
        case is [Any].Type: return "an array"
        case is [String: Any].Type: return "an object"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array<") { return "an array" }
            if name.hasPrefix("Dictionary<") { return "an object" }
            return "of type \(name)"
        }
    }
}
