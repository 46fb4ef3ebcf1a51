import HTTP
import Postgres

/// The shared, immutable parts every handler uses.
public struct GrantsServices: Sendable {
    public let pool: PostgresPool
    public let configuration: GrantsConfiguration
    public let logger: Logger

    public init(pool: PostgresPool, configuration: GrantsConfiguration, logger: Logger) {
        self.pool = pool; self.configuration = configuration; self.logger = logger
    }
}
