import HTTP
import Postgres

/// Registers the service's routes. Authentication and the role check happen here, once,
/// for every route: a handler only runs for a caller whose role the route admits.
/// Ownership (an applicant sees only its organisation's records) is enforced by the
/// handlers' queries, which answer 404 for someone else's resource.
public struct RouteTable: Sendable {
    public private(set) var router = Router()
    let services: GrantsServices
    /// What the OpenAPI test compares against: method, path and admitted roles.
    public private(set) var entries: [(method: HTTPMethod, path: String, roles: Set<Role>?)] = []

    public typealias Handler = @Sendable (RequestContext) async throws -> HTTPResponse

    init(services: GrantsServices) { self.services = services }

    /// `roles == nil`: open to anyone (register, login, operational routes).
    public mutating func add(_ method: HTTPMethod, _ path: String, roles: Set<Role>?, bodyLimit: Int? = nil,
                             _ handler: @escaping Handler) {
        entries.append((method, path, roles))
        let services = self.services
        router.add(method, path, bodyLimit: bodyLimit) { request in
            do {
                var context = RequestContext(request: request, principal: nil, services: services)
                if let roles {
                    let principal = try await Authenticator.authenticate(request, pool: services.pool)
                    guard roles.contains(principal.role) else {
                        throw GrantsError.forbidden(principal.role == .auditor && method != .GET
                            ? "auditors read; they never change anything"
                            : "the \(principal.role.rawValue) role may not use this route")
                    }
                    context.principal = principal
                }
                return try await handler(context)
            } catch let error as PostgresError {
                return DatabaseProblems.problem(for: error, logger: services.logger, requestID: request.requestID).response
            }
        }
    }
}

extension Set where Element == Role {
    static let everyone: Set<Role> = Set(Role.allCases)
    static let staff: Set<Role> = [.coordinator, .auditor]
}
