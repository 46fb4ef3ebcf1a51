import Foundation
import HTTP
import Postgres

/// Everything a handler needs: the request, who sent it, and the service's shared parts.
public struct RequestContext: Sendable {
    public var request: HTTPRequest
    public var principal: Principal?
    public var services: GrantsServices
    /// The query, checked against the route's declared parameters by the router.
    var query = QueryValues()

    /// The caller; routes that reach a handler with `roles != nil` always have one.
    public var user: Principal {
        get throws {
            guard let principal else { throw GrantsError.unauthenticated() }
            return principal
        }
    }

    public var db: PostgresPool { services.pool }

    /// A positive integer path parameter; anything else is a resource that cannot exist (404).
    public func id(_ name: String = "id") throws -> Int64 {
        guard let raw = request.pathParameters[name], let v = Int64(raw), v > 0 else { throw GrantsError.notFound() }
        return v
    }

    /// Decodes a JSON body strictly: unknown members are refused (422) so a typo in an
    /// optional field never silently drops the caller's intent.
    func body<T: RequestBody>(_ type: T.Type) throws -> T {
        try StrictJSON.decode(type, from: request)
    }

    public var audit: AuditContext {
        AuditContext(
            actorID: principal?.userID, actorRole: principal?.role.rawValue,
            requestID: request.requestID, clientAddress: request.remoteAddress)
    }

    /// `If-Match` support: a stale ETag answers 412 instead of overwriting someone's change.
    public func checkIfMatch(current etag: String) throws {
        guard let given = request.headers["If-Match"] else { return }
        let tags = given.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if tags.contains("*") { return }
        let bare = { (t: String) in t.hasPrefix("W/") ? String(t.dropFirst(2)) : t }
        if !tags.contains(where: { bare($0) == bare(etag) }) { throw GrantsError.preconditionFailed }
    }
}

/// Who did it, for the audit trail.
public struct AuditContext: Sendable {
    public var actorID: Int64?
    public var actorRole: String?
    public var requestID: String
    public var clientAddress: String
}
