import HTTP
import Postgres

/// The shared, immutable parts every handler uses.
public struct GrantsServices: Sendable {
    public let pool: PostgresPool
    public let configuration: GrantsConfiguration
    public let logger: Logger
    /// Bcrypt slots for logins, and a separate, smaller set for enrolment (registration and staff
    /// accounts), so a registration flood cannot take what logins need (PasswordHashGate).
    let loginHashing: PasswordHashGate
    let enrolmentHashing: PasswordHashGate

    public init(pool: PostgresPool, configuration: GrantsConfiguration, logger: Logger) {
        self.pool = pool; self.configuration = configuration; self.logger = logger
        loginHashing = PasswordHashGate(permits: configuration.loginHashConcurrency, maxWaiting: configuration.passwordHashQueue)
        enrolmentHashing = PasswordHashGate(permits: configuration.enrolmentHashConcurrency, maxWaiting: configuration.passwordHashQueue)
    }
}
