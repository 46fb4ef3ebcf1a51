import HTTP
import Postgres

/// Resolves `Authorization: Bearer <token>` to a user. Only the SHA-256 of a token is
/// stored, so the lookup hashes the presented token in the same query.
enum Authenticator {
    /// The token of `Authorization: Bearer <token>`, or 401.
    static func bearerToken(_ request: HTTPRequest) throws -> String {
        guard let header = request.headers["Authorization"] else { throw GrantsError.unauthenticated() }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw GrantsError.unauthenticated("use 'Authorization: Bearer <token>'")
        }
        let token = String(parts[1]).trimmingSpaces
        guard !token.isEmpty, token.utf8.count <= 128 else { throw GrantsError.unauthenticated("the token is invalid or expired") }
        return token
    }

    /// From the instance's cache when it holds the token (see `PrincipalCache`), else one statement.
    static func authenticate(_ request: HTTPRequest, services: GrantsServices) async throws -> Principal {
        let token = try bearerToken(request)
        let cache = services.principals
        if let cached = cache?.principal(for: token) { return cached }
        let ticket = cache?.ticket()
        let rows = try await services.pool.prepared(
            """
            SELECT u.id, u.role, u.organisation_id, u.email, u.name, s.expires_at
            FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = sha256(convert_to(\(token), 'UTF8'))
              AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active
            """
        ).rows
        guard let row = rows.first, let role = Role(rawValue: try row.decode("role", as: String.self)) else {
            throw GrantsError.unauthenticated("the token is invalid or expired")
        }
        let principal = Principal(
            userID: try row.decode("id"), role: role,
            organisationID: try row.decode("organisation_id", as: Int64?.self),
            email: try row.decode("email"), name: try row.decode("name"))
        cache?.remember(principal, token: token, sessionExpiresAt: try row.decode("expires_at"), ticket: ticket)
        return principal
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
