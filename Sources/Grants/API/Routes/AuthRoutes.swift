import Foundation
import HTTP
import Postgres

/// Accounts: registration of an applicant with its organisation, login/logout, `me`, and
/// staff accounts created by coordinators.
enum AuthRoutes {
    struct OrganisationInput: Decodable, Sendable {
        var legalName: String
        var country: String
        var kind: String
        var city: String
        var latitude: Double
        var longitude: Double
        var vatNumber: String?
        var iban: String?
        /// An SME visits only as a cluster member (S): the cluster and its ECCP profile.
        var clusterName: String?
        var clusterProfileUrl: String?
    }
    struct RegisterBody: RequestBody {
        var email: String
        var password: String
        var name: String
        var organisation: OrganisationInput
    }
    struct LoginBody: RequestBody {
        var email: String
        var password: String
    }
    struct CreateUserBody: RequestBody {
        var email: String
        var password: String
        var name: String
        var role: String
    }
    struct LoginResponse: Codable, Sendable {
        var token: String
        var expiresAt: Date
        var user: UserResource
    }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .POST,
                "/v1/auth/register",
                roles: nil,
                id: "register",
                tag: .auth,
                summary: "Register an applicant and its organisation",
                description: "Creates the applicant account and its organisation (`pending_validation`). Attempts are "
                    + "limited per client address (default 10 an hour) and per e-mail domain (default 20 a day): "
                    + "beyond that 429 with `Retry-After`. 503 when too many registrations are being hashed at "
                    + "once.",
                body: .json(RegisterBody.self),
                response: .json(UserResource.self),
                status: 201,
                traits: [.rateLimited],
                problems: [.emailTaken, .organisationExists]),
            register)
        table.add(
            Route(
                .POST,
                "/v1/auth/login",
                roles: nil,
                id: "login",
                tag: .auth,
                summary: "Log in",
                description: "Returns a bearer token. After a number of free failures per account (default 5) and per "
                    + "client address (default 20), each further failure doubles the wait (1 s, 2 s, 4 s … at "
                    + "most 15 min) during which attempts answer 429 with `Retry-After`; the right password after "
                    + "the wait always logs in.",
                body: .json(LoginBody.self),
                response: .json(LoginResponse.self),
                traits: [.rateLimited],
                problems: [.unauthenticated],
                errorNotes: [401: "The e-mail or password is wrong (`unauthenticated`)."]),
            login)
        table.add(
            Route(
                .POST,
                "/v1/auth/logout",
                roles: .everyone,
                id: "logout",
                tag: .auth,
                summary: "Log out",
                description: "Revokes the bearer token of the request.",
                status: 204),
            logout)
        table.add(
            Route(
                .GET,
                "/v1/me",
                roles: .everyone,
                id: "getMe",
                tag: .auth,
                summary: "Who am I",
                response: .json(UserResource.self)),
            me)
        table.add(
            Route(
                .POST,
                "/v1/users",
                roles: [.coordinator],
                id: "createUser",
                tag: .users,
                summary: "Create a staff account",
                body: .json(CreateUserBody.self),
                response: .json(UserResource.self),
                status: 201,
                problems: [.emailTaken]),
            createUser)
        table.add(
            Route(
                .GET,
                "/v1/users",
                roles: .staff,
                id: "listUsers",
                tag: .users,
                summary: "List users",
                response: .page(UserResource.self),
                query: [
                    .oneOf("role", Role.self, "only users of this role")
                ]),
            listUsers)
        table.add(
            Route(
                .GET,
                "/v1/users/:id",
                roles: .staff,
                id: "getUser",
                tag: .users,
                summary: "Get a user",
                response: .json(UserResource.self)),
            getUser)
    }

    @Sendable static func register(_ ctx: RequestContext) async throws -> HTTPResponse {
        let b = try ctx.body(RegisterBody.self)
        var v = Validator()
        let email = v.email("email", b.email)
        v.password("password", b.password)
        let name = v.text("name", b.name, max: 200)
        let o = b.organisation
        let legalName = v.text("organisation.legal_name", o.legalName, max: 300)
        let country = v.cosmeCountry("organisation.country", o.country)
        v.organisationKind("organisation.kind", o.kind)
        let city = v.text("organisation.city", o.city, max: 200)
        v.coordinates("organisation.", latitude: o.latitude, longitude: o.longitude)
        let vat = v.optionalText("organisation.vat_number", o.vatNumber, max: 32)
        let iban = v.iban("organisation.iban", o.iban)
        let cluster = v.clusterMembership("organisation.", name: o.clusterName, profileURL: o.clusterProfileUrl)
        try v.finish()
        let config = ctx.services.configuration
        let limit = registrationLimit(config)
        let address = IPAddress(ctx.request.remoteAddress)?.limitKey ?? ctx.request.remoteAddress
        let cost = config.bcryptCost
        let audit = ctx.audit
        let pool = ctx.db
        // The whole registration, limit check included, holds an enrolment slot: however many
        // clients register at once, they occupy at most that many pool connections.
        let user = try await ctx.services.enrolmentHashing.run {
            try await limit.admit(pool, address: address, email: email)
            return try await pool.write { conn in
                let orgID: Int64 = try await conn.query(
                    """
                    INSERT INTO organisations (legal_name, country, kind, city, latitude, longitude, vat_number, iban,
                      cluster_name, cluster_profile_url)
                    VALUES (\(legalName), \(country), \(o.kind), \(city), \(o.latitude), \(o.longitude), \(vat), \(iban),
                      \(cluster?.name), \(cluster?.url)) RETURNING id
                    """
                ).single().decode("id")
                let userID: Int64 = try await conn.query(
                    """
                    INSERT INTO users (email, password_hash, name, role, organisation_id)
                    VALUES (\(email), crypt(\(b.password), gen_salt('bf', \(cost)::int)), \(name), 'applicant', \(orgID)) RETURNING id
                    """
                ).single().decode("id")
                let user = try await UserResource.load(conn, id: userID)
                var actor = audit
                actor.actorID = userID
                actor.actorRole = Role.applicant.rawValue
                try await AuditTrail.record(
                    conn, actor, action: "organisation.registered", entity: "organisation", id: orgID,
                    after: user.organisation)
                try await AuditTrail.record(conn, actor, action: "user.registered", entity: "user", id: userID, after: user)
                return user
            }
        }
        var response = try HTTPResponse.json(user, status: 201)
        response.headers.set("Location", "/v1/users/\(user.id)")
        return response
    }

    /// One query whether or not the account exists, and a bcrypt of the same cost either
    /// way, so neither the answer nor its timing tells which e-mails are registered. Throttled by
    /// exponential backoff per account and per address (LoginThrottle), never locked.
    @Sendable static func login(_ ctx: RequestContext) async throws -> HTTPResponse {
        let b = try ctx.body(LoginBody.self)
        let email = b.email.trimmingSpaces.lowercased()
        let config = ctx.services.configuration
        let throttle = LoginThrottle(
            policy: loginPolicy(config), email: email,
            address: IPAddress(ctx.request.remoteAddress)?.limitKey ?? ctx.request.remoteAddress)
        let dummySalt = "$2a$" + (config.bcryptCost < 10 ? "0" : "") + "\(config.bcryptCost)$" + "abcdefghijklmnopqrstuv"
        let pool = ctx.db
        let token = Token.generate()
        let audit = ctx.audit
        let ttl = config.tokenTTLHours
        // One transaction from the throttle check to the recorded outcome (see LoginThrottle).
        let outcome = try await ctx.services.loginHashing.run {
            try await pool.write { conn -> LoginOutcome in
                let verdict = try await throttle.begin(conn)
                guard verdict == .proceed else { return .throttled(verdict) }
                let check = try await conn.query(
                    """
                    SELECT u.id, crypt(\(b.password), coalesce(u.password_hash, \(dummySalt))) = u.password_hash AS ok
                    FROM (SELECT 1) AS one LEFT JOIN users u ON lower(u.email) = \(email) AND u.active
                    """
                ).single()
                guard let userID = try check.decode("id", as: Int64?.self), try check.decode("ok", as: Bool?.self) == true else {
                    try await throttle.recordFailure(conn)
                    return .wrongCredentials
                }
                let expires: Date = try await conn.query(
                    """
                    INSERT INTO sessions (token_hash, user_id, expires_at)
                    VALUES (sha256(convert_to(\(token), 'UTF8')), \(userID), now() + make_interval(hours => \(ttl)::int))
                    RETURNING expires_at
                    """
                ).single().decode("expires_at")
                try await throttle.recordSuccess(conn)
                let user = try await UserResource.load(conn, id: userID)
                var actor = audit
                actor.actorID = userID
                actor.actorRole = user.role
                try await AuditTrail.record(
                    conn, actor, action: "user.logged_in", entity: "user", id: userID,
                    after: ["expires_at": expires.ISO8601Format()])
                return .loggedIn(LoginResponse(token: token, expiresAt: expires, user: user))
            }
        }
        let response: LoginResponse
        switch outcome {
        case .loggedIn(let r):
            response = r
        case .wrongCredentials:
            throw GrantsError.unauthenticated("the e-mail or password is wrong")
        case .throttled(.wait(let wait)):
            throw GrantsError.rateLimited(
                retryAfterSeconds: wait,
                detail:
                    "too many failed logins for this account or from this address; the next attempt is heard in \(wait) seconds "
                    + "(each further failure doubles the wait; the right password after the wait always works)")
        case .throttled:
            throw GrantsError.rateLimited(
                retryAfterSeconds: 1,
                detail:
                    "another login for this account from this address is being checked; send one attempt at a time")
        }
        return try .json(response)
    }

    /// What the login transaction decided; the answer is sent after it committed.
    enum LoginOutcome: Sendable {
        case loggedIn(LoginResponse)
        case wrongCredentials
        case throttled(LoginThrottle.Verdict)
    }

    static func loginPolicy(_ c: GrantsConfiguration) -> LoginThrottle.Policy {
        LoginThrottle.Policy(
            freeFailuresPerAccount: max(0, c.loginFreeFailuresPerAccount),
            freeFailuresPerAddress: max(0, c.loginFreeFailuresPerAddress),
            baseDelaySeconds: max(0, c.loginBackoffBaseSeconds), maxDelaySeconds: max(0, c.loginBackoffMaxSeconds),
            memorySeconds: max(1, c.loginFailureMemorySeconds))
    }

    static func registrationLimit(_ c: GrantsConfiguration) -> RegistrationLimit {
        RegistrationLimit(
            policy: RegistrationLimit.Policy(
                perAddress: c.registrationsPerAddress, addressWindowSeconds: c.registrationAddressWindowSeconds,
                perDomain: c.registrationsPerDomain, domainWindowSeconds: c.registrationDomainWindowSeconds))
    }

    @Sendable static func logout(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let token = try Authenticator.bearerToken(ctx.request)
        let audit = ctx.audit
        try await ctx.db.write { conn in
            _ = try await conn.query(
                """
                UPDATE sessions SET revoked_at = now()
                WHERE token_hash = sha256(convert_to(\(token), 'UTF8')) AND revoked_at IS NULL
                """)
            try await AuditTrail.record(
                conn, audit, action: "user.logged_out", entity: "user", id: user.userID, after: Optional<AuditTrail.Empty>.none)
        }
        // This instance forgets at once (the token's next use here is 401, without waiting for
        // the notification); the others by NOTIFY (Migrations/0013).
        ctx.services.principals?.forget(userID: user.userID)
        return .noContent()
    }

    @Sendable static func me(_ ctx: RequestContext) async throws -> HTTPResponse {
        let id = try ctx.user.userID
        return try .json(try await ctx.db.withConnection { try await UserResource.load($0, id: id) })
    }

    @Sendable static func createUser(_ ctx: RequestContext) async throws -> HTTPResponse {
        let b = try ctx.body(CreateUserBody.self)
        let pool = ctx.db
        let cost = ctx.services.configuration.bcryptCost
        let audit = ctx.audit
        let user = try await ctx.services.staffHashing.run {
            try await AccountWorkflow.createStaff(
                pool, email: b.email, password: b.password, name: b.name, role: b.role, cost: cost, audit: audit)
        }
        var response = try HTTPResponse.json(user, status: 201)
        response.headers.set("Location", "/v1/users/\(user.id)")
        return response
    }

    @Sendable static func listUsers(_ ctx: RequestContext) async throws -> HTTPResponse {
        let page = try Page(ctx.request)
        let role = ctx.query.text("role")
        let users = try await ctx.db.withConnection { conn in
            let rows = try await conn.query(
                """
                SELECT \(unescaped: UserResource.columns) FROM users u
                WHERE u.id > \(page.afterID) AND (\(role)::text IS NULL OR u.role = \(role))
                ORDER BY u.id LIMIT \(page.fetchLimit)
                """
            ).rows
            // Applicants carry their organisation (DESIGN.md §6): one batched query, not one per user.
            let orgIDs = try rows.compactMap { try $0.decode("organisation_id", as: Int64?.self) }
            var organisations: [Int64: OrganisationResource] = [:]
            if !orgIDs.isEmpty {
                for row in try await conn.query(
                    """
                    SELECT \(unescaped: OrganisationResource.columns) FROM organisations o WHERE o.id = ANY(\(orgIDs))
                    """
                ).rows {
                    let o = try OrganisationResource(row: row)
                    organisations[o.id] = o
                }
            }
            return try rows.map { row in
                try UserResource(row: row, organisation: try row.decode("organisation_id", as: Int64?.self).flatMap { organisations[$0] })
            }
        }
        return try page.response(users, id: \.id)
    }

    @Sendable static func getUser(_ ctx: RequestContext) async throws -> HTTPResponse {
        let id = try ctx.id()
        return try .json(try await ctx.db.withConnection { try await UserResource.load($0, id: id) })
    }
}

/// Bearer tokens: 256 random bits from the system CSPRNG, base64url.
enum Token {
    static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return Data(bytes).base64URLEncoded
    }
}
