import Foundation
import HTTP
import Mail
import Postgres
import Synchronization

/// The running service: a database pool, the routes and our HTTP server. Used by the
/// `serve` command and, with a fresh database each, by the end-to-end tests.
public final class GrantsServer: Sendable {
    public let pool: PostgresPool
    public let http: HTTPServer
    public let services: GrantsServices
    public let routes: [(method: HTTPMethod, path: String, roles: Set<Role>?)]
    /// Feeds the principal cache (nil with the cache off).
    let authListener: PostgresListener?
    /// Sends the outbox's e-mails (nil without `SMTP_URL`).
    let email: EmailDelivery?
    /// Sends webhook deliveries (nil with `WEBHOOKS=false`).
    let webhooks: WebhookDelivery?
    /// Leads reminder rounds in turn with the other instances (nil with `REMINDERS=false`).
    let reminders: ReminderScheduler?

    public var port: Int { http.port }

    /// Builds and starts the service against `databaseURL` (already migrated).
    public static func start(configuration: GrantsConfiguration, databaseURL: String, logger: Logger) throws -> GrantsServer {
        var pg = PostgresConfiguration(url: databaseURL)
        // How a database administrator (and `seed --demo --reset`) tells a serving instance's
        // sessions from the command line's.
        pg.applicationName = DemoDatabase.serveApplicationName
        pg.poolSize = configuration.poolSize
        pg.noticeHandler = PostgresNoticeLog.handler(logger)
        let pool = PostgresPool(configuration: pg, logger: { message in logger.warning("postgres", ["message": message]) })
        let services = GrantsServices(pool: pool, configuration: configuration, logger: logger)
        let authListener = services.principals.flatMap { cache in
            PostgresListener(
                configuration: pg, channel: PrincipalCache.channel,
                logger: { message in logger.warning("postgres", ["message": message]) },
                onEvent: cache.handle)
        }
        let serverBox = Mutex<HTTPServer?>(nil)
        let operational = GrantsRoutes.Operational(
            metrics: {
                let http = serverBox.withLock { $0?.metrics.prometheusText() } ?? ""
                return http + PoolMetrics.text(pool.statistics)
            },
            migrations: Result { try Migrator.load(configuration.migrationsDirectory) },
            console: Result { try ConsoleAssets(directory: configuration.consoleDirectory) })
        let table = try GrantsRoutes.table(maxDocumentBytes: configuration.maxDocumentBytes, operational: operational)

        var http = HTTPServerConfiguration()
        http.host = configuration.host
        http.port = configuration.port
        http.eventLoopThreads = configuration.httpThreads
        http.maxBodyBytes = configuration.maxBodyBytes
        http.maxConnections = configuration.maxConnections
        http.maxConnectionsPerAddress = configuration.maxConnectionsPerAddress
        http.firstByteDeadline = .seconds(configuration.firstByteTimeoutSeconds)
        http.minimumTransferRate = configuration.minimumTransferRate
        http.trustedProxies = configuration.trustedProxies
        http.forwardedHeader = configuration.forwardedHeader
        http.handlerDeadline = .seconds(configuration.handlerTimeoutSeconds)
        // Bounded by the settings reader (0...3600 s); clamped again so no value can trap here.
        http.shutdownGrace = .milliseconds(Int64(min(max(configuration.shutdownGraceSeconds, 0), 3600) * 1000))
        let server = HTTPServer(configuration: http, router: table.router(services: services), logger: logger)
        serverBox.withLock { $0 = server }
        try server.start()
        // Until LISTEN is in place the cache does not serve, so requests already accepted are safe.
        authListener?.start()
        let email = configuration.smtp.map { relay in
            EmailDelivery(
                pool: pool,
                client: SMTPClient(relay, heloName: Self.heloName(configuration), timeoutSeconds: configuration.smtpTimeoutSeconds),
                settings: EmailDelivery.Settings(configuration), logger: logger)
        }
        email?.start()
        let webhooks =
            configuration.webhooksEnabled
            ? WebhookDelivery(pool: pool, settings: WebhookDelivery.Settings(configuration), logger: logger) : nil
        webhooks?.start()
        let reminders =
            configuration.remindersEnabled
            ? ReminderScheduler(pool: pool, intervalSeconds: configuration.reminderIntervalSeconds, logger: logger) : nil
        reminders?.start()
        return GrantsServer(
            pool: pool, http: server, services: services, routes: table.entries, authListener: authListener, email: email,
            webhooks: webhooks, reminders: reminders)
    }

    private init(
        pool: PostgresPool, http: HTTPServer, services: GrantsServices,
        routes: [(method: HTTPMethod, path: String, roles: Set<Role>?)], authListener: PostgresListener?, email: EmailDelivery?,
        webhooks: WebhookDelivery?, reminders: ReminderScheduler?
    ) {
        self.pool = pool
        self.http = http
        self.services = services
        self.routes = routes
        self.authListener = authListener
        self.email = email
        self.webhooks = webhooks
        self.reminders = reminders
    }

    /// Stops the background workers (e-mail, webhooks, reminders), each after the round in hand,
    /// so their outcomes are recorded before the pool closes.
    public func stopWorkers() async {
        await email?.stop()
        await webhooks?.stop()
        await reminders?.stop()
    }

    /// What EHLO names: the host of `PUBLIC_URL`, else the sender's domain.
    static func heloName(_ c: GrantsConfiguration) -> String {
        if let url = c.publicURL, let host = URL(string: url)?.host, !host.isEmpty { return host }
        return String(c.smtpFrom.domain)
    }

    /// Graceful: in-flight requests finish, then the pool closes.
    public func shutdown() async {
        await stopWorkers()
        await http.shutdown()
        await authListener?.stop()
        await pool.close()
    }
}

/// Server notices as JSON log lines: NOTICE/INFO at info, WARNING at warning, anything else
/// (the FATAL of a terminated idle backend) at error.
enum PostgresNoticeLog {
    static func handler(_ logger: Logger) -> @Sendable (PostgresNotice) -> Void {
        { notice in
            let level: Logger.Level =
                switch notice.severity {
                case "DEBUG", "LOG", "INFO", "NOTICE": .info
                case "WARNING": .warning
                default: .error
                }
            logger.log(
                level, "postgres notice",
                [
                    "severity": notice.severity, "sqlstate": notice.sqlState ?? "",
                    "message": notice.message,
                ])
        }
    }
}

/// Pool gauges in the Prometheus text format, appended to the HTTP metrics.
enum PoolMetrics {
    static func text(_ s: PoolStatistics) -> String {
        """
        # HELP cx_db_pool_connections Database pool connections by state.
        # TYPE cx_db_pool_connections gauge
        cx_db_pool_connections{state="in_use"} \(s.inUse)
        cx_db_pool_connections{state="idle"} \(s.idle)
        # HELP cx_db_pool_waiting Requests waiting for a database connection.
        # TYPE cx_db_pool_waiting gauge
        cx_db_pool_waiting \(s.waiting)

        """
    }
}
