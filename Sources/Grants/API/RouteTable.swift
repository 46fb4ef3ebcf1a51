import HTTP
import Postgres

/// The service's routes: each declaration with its handler. Authentication and the role
/// check happen here, once, for every route: a handler only runs for a caller whose role
/// the route admits. Ownership (an applicant sees only its organisation's records) is
/// enforced by the handlers' queries, which answer 404 for someone else's resource.
public struct RouteTable: Sendable {
    public typealias Handler = @Sendable (RequestContext) async throws -> HTTPResponse

    private(set) var routes: [(declaration: Route, handler: Handler)] = []

    init() {}

    var declarations: [Route] { routes.map(\.declaration) }

    /// What the route tests compare against: method, path and admitted roles.
    public var entries: [(method: HTTPMethod, path: String, roles: Set<Role>?)] {
        routes.map { ($0.declaration.method, $0.declaration.path, $0.declaration.roles) }
    }

    mutating func add(_ route: Route, _ handler: @escaping Handler) {
        routes.append((route, handler))
    }

    /// The router serving these routes with `services`.
    func router(services: GrantsServices) -> Router {
        var router = Router()
        for (route, handler) in routes {
            let (roles, method) = (route.roles, route.method)
            router.add(method, route.path, bodyLimit: route.bodyLimit) { request in
                do {
                    var context = RequestContext(request: request, principal: nil, services: services)
                    if let roles {
                        let principal = try await Authenticator.authenticate(request, services: services)
                        guard roles.contains(principal.role) else {
                            let allowed = Role.allCases.filter(roles.contains)
                            throw GrantsError.forbidden(
                                principal.role == .auditor && method != .GET
                                    ? "auditors read; they never change anything"
                                    : "the \(principal.role.rawValue) role may not use this route; it is for: "
                                        + allowed.map(\.rawValue).joined(separator: ", "),
                                allowedRoles: allowed)
                        }
                        context.principal = principal
                    }
                    context.query = try QueryValues(request, declared: route.query)
                    var response = try await handler(context)
                    if let stream = response.stream {
                        // A streamed body runs after the handler returns: its database errors get
                        // the same mapping (an answer while nothing is sent yet).
                        response.stream = HTTPBodyStream { writer in
                            do {
                                try await stream.produce(writer)
                            } catch let error as PostgresError {
                                throw DatabaseProblems.problem(for: error, logger: services.logger, requestID: request.requestID)
                            }
                        }
                    }
                    return response
                } catch let error as PostgresError {
                    return DatabaseProblems.problem(for: error, logger: services.logger, requestID: request.requestID).response
                }
            }
        }
        return router
    }
}

extension Set where Element == Role {
    static let everyone: Set<Role> = Set(Role.allCases)
    static let staff: Set<Role> = [.coordinator, .auditor]
}
