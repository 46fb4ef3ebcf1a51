import Foundation
import HTTP
import Timestamps

/// One query parameter of a route, declared once: its kind holds the type, the enum values and
/// the bounds, from which both the OpenAPI schema and the check the router runs before the
/// handler are derived (`QueryValues`). A handler reads the checked value and never re-parses.
struct QueryParameter: Sendable {
    enum Kind: Sendable {
        /// A positive 64-bit id.
        case id
        /// One of these strings.
        case choice([String])
        /// An ISO 3166-1 alpha-2 code, upper case.
        case country
        /// Free text of 1...maxLength Unicode scalars, no control characters.
        case text(maxLength: Int)
        /// A plain file name (no path, no quote, no control character), 1...255 scalars.
        case fileName
        /// A calendar date `YYYY-MM-DD`.
        case date
        /// An RFC 3339 timestamp or a date standing for the given edge of that day (UTC).
        case instant(dayMeans: DayEdge)
        /// Refused whenever present, with this message (a parameter that does not apply).
        case refused(String)
    }

    /// Which instant of a day a bare date names.
    enum DayEdge: Sendable {
        /// 00:00:00 UTC (`from`, `to` bounds).
        case start
        /// The last microsecond of the day (`as_of`: "as it stood at the end of that day").
        case end
    }

    var name: String
    var kind: Kind
    var description: String
    var required = false

    static func id(_ name: String, _ description: String, required: Bool = false) -> QueryParameter {
        QueryParameter(name: name, kind: .id, description: description, required: required)
    }

    static func oneOf<E: SchemaEnum>(_ name: String, _ type: E.Type, _ description: String, required: Bool = false) -> QueryParameter {
        QueryParameter(name: name, kind: .choice(E.allCases.map(\.rawValue)), description: description, required: required)
    }

    /// `format=json|csv` of the routes that can answer CSV.
    static func csvFormat(_ description: String) -> QueryParameter {
        QueryParameter(name: "format", kind: .choice(["json", "csv"]), description: description)
    }

    /// The parameter's JSON Schema in the OpenAPI document.
    var schema: OrderedJSON { kind.schema }

    /// The checked value of `raw`, or nil with the problem recorded in `v`.
    func check(_ raw: String?, _ v: inout Validator) -> QueryValue? {
        guard let raw else {
            if required { v.fail(name, "is required", rule: "required") }
            return nil
        }
        switch kind {
        case .id:
            return v.positiveID(name, raw).map(QueryValue.id)
        case .choice(let values):
            guard values.contains(raw) else {
                v.fail(name, "must be one of \(values.joined(separator: ", "))", rule: "enum")
                return nil
            }
            return .text(raw)
        case .country:
            guard Countries.isAlpha2(raw) else {
                v.fail(name, "must be an ISO 3166-1 alpha-2 code in upper case", rule: "country")
                return nil
            }
            return .text(raw)
        case .text(let max):
            let before = v.violations.count
            let t = v.text(name, raw, max: max)
            return v.violations.count == before ? .text(t) : nil
        case .fileName:
            let before = v.violations.count
            let t = v.text(name, raw, max: 255)
            guard v.violations.count == before else { return nil }
            if t.contains("/") || t.contains("\\") || t.contains("\"") {
                v.fail(name, "must be a plain file name", rule: "filename")
                return nil
            }
            return .text(t)
        case .date:
            return v.date(name, raw).map(QueryValue.date)
        case .instant(let edge):
            let instant: Date
            let before = v.violations.count
            if let day = CalendarDate(iso: raw) {
                let startOfDay = Date(timeIntervalSince1970: TimeInterval(day.dayNumber) * 86_400)
                // The day is checked, not its last microsecond (a Double near year 9999 rounds it up).
                v.instant(name, startOfDay)
                // Ledger and audit times are microseconds: the end of a day is its last microsecond.
                instant = edge == .start ? startOfDay : startOfDay.addingTimeInterval(86_400 - 0.000_001)
            } else if let timestamp = Timestamp.parse(raw, .query) {
                v.instant(name, timestamp)
                instant = timestamp
            } else {
                v.fail(name, "must be a date YYYY-MM-DD or an RFC 3339 timestamp", rule: "date_time")
                return nil
            }
            return v.violations.count == before ? .instant(instant) : nil
        case .refused(let message):
            v.fail(name, message, rule: "enum")
            return nil
        }
    }
}

extension QueryParameter.Kind {
    /// The JSON Schema of a value of this kind (query and path parameters).
    var schema: OrderedJSON {
        switch self {
        case .id: ["type": "integer", "format": "int64", "minimum": 1]
        case .choice(let values): ["type": "string", "enum": .strings(values)]
        case .country: ["type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2 code, upper case"]
        case .text(let max): ["type": "string", "minLength": 1, "maxLength": .int(Int64(max))]
        case .fileName: ["type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[^/\\\\\"\\x00-\\x1f]+$"]
        case .date: ["type": "string", "format": "date"]
        case .instant: ["type": "string", "anyOf": [["format": "date-time"], ["format": "date"]]]
        case .refused: ["type": "string"]
        }
    }
}
