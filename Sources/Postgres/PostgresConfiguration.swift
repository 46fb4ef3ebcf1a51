/// Settings for a pool; the defaults are what production runs with.
public struct PostgresConfiguration: Sendable {
    /// libpq connection URI or key/value conninfo (DATABASE_URL).
    public var url: String
    /// Upper bound on connections, and therefore on dedicated libpq threads.
    public var poolSize: Int = 10
    /// How long a checkout may wait for a free connection before `.poolTimeout`,
    /// so overload turns into fast 503s instead of an unbounded queue.
    public var checkoutTimeout: Duration = .seconds(5)
    /// Server-side `statement_timeout`, set at connect, so a runaway query
    /// cannot hold a pooled connection forever.
    public var statementTimeoutMilliseconds: Int = 30_000
    /// Shown in `pg_stat_activity` to tell our sessions apart from psql.
    public var applicationName: String = "clusterxchange"
    /// Server notices (RAISE NOTICE, warnings, the FATAL of a terminated idle backend). libpq would
    /// print them raw on stderr; the service routes them to its JSON logger. Default: dropped.
    public var noticeHandler: @Sendable (PostgresNotice) -> Void = { _ in }

    public init(url: String) {
        self.url = url
    }
}
