import Foundation
import HTTP

/// A checked query value (see `QueryParameter.Kind`).
enum QueryValue: Sendable {
    case id(Int64)
    case text(String)
    case date(CalendarDate)
    case instant(Date)
}

/// The request's query parameters after the router checked them against the route's
/// declarations: every problem in one 422 before the handler runs. Parameters the route does
/// not declare are ignored, as HTTP caches and proxies add their own.
struct QueryValues: Sendable {
    private var values: [String: QueryValue] = [:]

    init() {}

    init(_ request: HTTPRequest, declared: [QueryParameter]) throws {
        var v = Validator()
        for parameter in declared {
            if let value = parameter.check(request.query[parameter.name], &v) { values[parameter.name] = value }
        }
        try v.finish()
    }

    func id(_ name: String) -> Int64? {
        if case .id(let n) = values[name] { return n }
        return nil
    }

    func text(_ name: String) -> String? {
        if case .text(let s) = values[name] { return s }
        return nil
    }

    func choice<E: RawRepresentable>(_ name: String, as type: E.Type) -> E? where E.RawValue == String {
        text(name).flatMap(E.init(rawValue:))
    }

    func date(_ name: String) -> CalendarDate? {
        if case .date(let d) = values[name] { return d }
        return nil
    }

    func instant(_ name: String) -> Date? {
        if case .instant(let d) = values[name] { return d }
        return nil
    }
}
