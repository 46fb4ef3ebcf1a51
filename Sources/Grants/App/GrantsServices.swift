import Foundation
import HTTP
import Postgres

/// The shared, immutable parts every handler uses.
public struct GrantsServices: Sendable {
    public let pool: PostgresPool
    public let configuration: GrantsConfiguration
    public let logger: Logger
    /// Bcrypt slots for logins, and a separate, smaller set for self-registration, so a
    /// registration flood cannot take what logins need (PasswordHashGate).
    let loginHashing: PasswordHashGate
    let enrolmentHashing: PasswordHashGate
    /// Staff accounts made by a coordinator (`POST /v1/users`) hash on their own gate: a flood of
    /// self-registrations must not stop a coordinator from creating an evaluator.
    let staffHashing: PasswordHashGate
    /// Token → principal for `AUTH_CACHE_SECONDS`; nil when that is 0 (every request reads the session).
    let principals: PrincipalCache?

    public init(pool: PostgresPool, configuration: GrantsConfiguration, logger: Logger) {
        self.pool = pool
        self.configuration = configuration
        self.logger = logger
        loginHashing = PasswordHashGate(permits: configuration.loginHashConcurrency, maxWaiting: configuration.passwordHashQueue)
        enrolmentHashing = PasswordHashGate(permits: configuration.enrolmentHashConcurrency, maxWaiting: configuration.passwordHashQueue)
        staffHashing = PasswordHashGate(permits: 1, maxWaiting: configuration.passwordHashQueue)
        principals = configuration.authCacheSeconds > 0 ? PrincipalCache(ttl: TimeInterval(configuration.authCacheSeconds)) : nil
    }
}
