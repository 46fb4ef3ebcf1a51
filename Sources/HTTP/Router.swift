/// A request handler. Runs as a Swift task, never on an event-loop thread, so
/// it may await freely but must not block.
public typealias HTTPHandler = @Sendable (HTTPRequest) async throws -> HTTPResponse

/// Maps method + path to handlers. Built before the server starts and
/// immutable afterwards, so event loops read it without any synchronisation.
///
/// Patterns are `/`-separated segments; `:name` captures one segment.
/// Literal segments win over captures (`/v1/calls/open` beats `/v1/calls/:id`).
public struct Router: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    struct Route: Sendable {
        let method: HTTPMethod
        let pattern: String
        let segments: [Segment]
        let bodyLimit: Int?
        let handler: HTTPHandler
        var isLiteral: Bool { segments.allSatisfy { if case .literal = $0 { true } else { false } } }
    }

    /// The outcome of routing, computed once per request when its head arrives
    /// (the body limit depends on it) and reused when the body is complete.
    public enum Match: Sendable {
        case found(handler: HTTPHandler, pattern: String, parameters: [String: String], bodyLimit: Int?)
        case methodNotAllowed(allow: [HTTPMethod])
        case notFound
    }

    private var table: [Route] = []
    /// Fast path for parameterless patterns (`/healthz`, `/metrics`): one hash
    /// lookup instead of a scan for the hottest routes.
    private var literal: [String: [HTTPMethod: Int]] = [:]

    public init() {}

    /// Registers a route. `bodyLimit` overrides the server-wide body limit for
    /// this route only (document uploads need 10 MiB, JSON routes do not).
    public mutating func add(_ method: HTTPMethod, _ pattern: String, bodyLimit: Int? = nil, _ handler: @escaping HTTPHandler) {
        let segments = Self.segments(of: Substring(pattern)).map { raw -> Segment in
            raw.hasPrefix(":") ? .parameter(String(raw.dropFirst())) : .literal(String(raw))
        }
        let route = Route(method: method, pattern: pattern, segments: segments, bodyLimit: bodyLimit, handler: handler)
        if let existing = table.firstIndex(where: { $0.method == method && $0.segments == segments }) {
            table[existing] = route
        } else {
            table.append(route)
        }
        rebuildLiteralIndex()
    }

    public mutating func get(_ pattern: String, _ handler: @escaping HTTPHandler) { add(.GET, pattern, handler) }
    public mutating func post(_ pattern: String, bodyLimit: Int? = nil, _ handler: @escaping HTTPHandler) {
        add(.POST, pattern, bodyLimit: bodyLimit, handler)
    }

    /// The per-route body limit, or nil when the route has none (or no route matches).
    public func bodyLimit(method: HTTPMethod, path: String) -> Int? {
        if case .found(_, _, _, let limit) = match(method: method, path: path) { return limit }
        return nil
    }

    public var routes: [(method: HTTPMethod, pattern: String)] {
        table.map { (method: $0.method, pattern: $0.pattern) }
    }

    /// Routes a still-encoded path. `HEAD` falls back to the `GET` route.
    /// `OPTIONS *` (the parser admits `*` only with OPTIONS) asks about the
    /// server as a whole: 204 with every method some route accepts.
    public func match(method: HTTPMethod, path: String) -> Match {
        if path == "*" {
            guard method == .OPTIONS else { return .notFound }
            var methods = Set(table.map(\.method))
            if methods.contains(.GET) { methods.insert(.HEAD) }
            methods.insert(.OPTIONS)
            let allow = methods.map(\.rawValue).sorted().joined(separator: ", ")
            return .found(
                handler: { _ in HTTPResponse(status: 204, headers: ["Allow": allow]) },
                pattern: "*", parameters: [:], bodyLimit: nil)
        }
        if let methods = literal[path] {
            if let index = methods[method] ?? (method == .HEAD ? methods[.GET] : nil) {
                let route = table[index]
                return .found(handler: route.handler, pattern: route.pattern, parameters: [:], bodyLimit: route.bodyLimit)
            }
        }
        let raw = Self.segments(of: Substring(path))
        var best: (route: Route, params: [String: String], score: [Bool])?
        var bestGet: (route: Route, params: [String: String], score: [Bool])?
        var allowed: Set<HTTPMethod> = []
        for route in table where route.segments.count == raw.count {
            var params: [String: String] = [:]
            var score: [Bool] = []
            score.reserveCapacity(raw.count)
            var matched = true
            for (segment, value) in zip(route.segments, raw) {
                switch segment {
                case .literal(let text):
                    if text != value && text != RequestTarget.decodeComponent(value, plusAsSpace: false) { matched = false }
                    score.append(true)
                case .parameter(let name):
                    params[name] = RequestTarget.decodeComponent(value, plusAsSpace: false)
                    score.append(false)
                }
                if !matched { break }
            }
            guard matched else { continue }
            allowed.insert(route.method)
            if route.method == method, best == nil || Self.moreSpecific(score, than: best!.score) {
                best = (route, params, score)
            }
            if route.method == .GET, bestGet == nil || Self.moreSpecific(score, than: bestGet!.score) {
                bestGet = (route, params, score)
            }
        }
        if let hit = best ?? (method == .HEAD ? bestGet : nil) {
            return .found(handler: hit.route.handler, pattern: hit.route.pattern, parameters: hit.params, bodyLimit: hit.route.bodyLimit)
        }
        if allowed.isEmpty { return .notFound }
        if allowed.contains(.GET) { allowed.insert(.HEAD) }
        return .methodNotAllowed(allow: allowed.sorted { $0.rawValue < $1.rawValue })
    }

    /// Literal-first, left to right: the first segment where two patterns
    /// differ decides.
    private static func moreSpecific(_ a: [Bool], than b: [Bool]) -> Bool {
        for (x, y) in zip(a, b) where x != y { return x }
        return false
    }

    static func segments(of path: Substring) -> [Substring] {
        var p = path
        if p.hasPrefix("/") { p = p.dropFirst() }
        return p.split(separator: "/", omittingEmptySubsequences: false)
    }

    private mutating func rebuildLiteralIndex() {
        literal = [:]
        for (index, route) in table.enumerated() where route.isLiteral {
            literal[route.pattern, default: [:]][route.method] = index
        }
    }
}
