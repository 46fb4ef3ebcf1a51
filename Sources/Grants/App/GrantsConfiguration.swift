import Foundation
import HTTP
import Mail

/// Service settings, read from the environment. Every default is documented here and in the README.
public struct GrantsConfiguration: Sendable {
    /// `DATABASE_URL`: libpq URI. Unset: a private PostgreSQL under `.data/postgres` is started.
    public var databaseURL: String?
    /// `HOST` (default `127.0.0.1`) and `PORT` (default `8080`).
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// `LOG_LEVEL`: debug, info (default), warning, error.
    public var logLevel: String = "info"
    /// `DB_POOL_SIZE`: connections per instance (default 10).
    public var poolSize: Int = 10
    /// `HTTP_THREADS`: event-loop threads (default 2).
    public var httpThreads: Int = 2
    /// `MAX_BODY_BYTES`: request body limit for JSON routes (default 1 MiB).
    public var maxBodyBytes: Int = 1 << 20
    /// `MAX_DOCUMENT_BYTES`: document upload limit (default 10 MiB).
    public var maxDocumentBytes: Int = 10 << 20
    /// `MAX_CONNECTIONS`: open HTTP connections before 503 (default 1024).
    public var maxConnections: Int = 1024
    /// `MAX_CONNECTIONS_PER_ADDRESS`: open connections one client address may hold (default 64, 0: no limit).
    public var maxConnectionsPerAddress: Int = 64
    /// `FIRST_BYTE_TIMEOUT_SECONDS`: how long a new connection may stay silent (default 5).
    public var firstByteTimeoutSeconds: Int = 5
    /// `HANDLER_TIMEOUT_SECONDS`: longest a request may be worked on before 503 `handler_timeout` (default 60).
    public var handlerTimeoutSeconds: Int = 60
    /// `MIN_TRANSFER_RATE_BYTES`: slowest request or response transfer accepted, bytes/s over 10 s (default 1024, 0: off).
    public var minimumTransferRate: Int = 1024
    /// `TRUSTED_PROXIES`: comma-separated addresses or CIDR ranges of reverse proxies whose
    /// `X-Forwarded-For` / `Forwarded` headers name the client (default none).
    public var trustedProxies: [IPNetwork] = []
    /// `TRUSTED_PROXY_HEADER`: `x-forwarded-for` (default) or `forwarded` (RFC 7239), the one header read from them.
    public var forwardedHeader: ClientAddressResolver.Header = .xForwardedFor
    /// `TOKEN_TTL_HOURS`: bearer token lifetime (default 12 h).
    public var tokenTTLHours: Int = 12
    /// Login backoff (LoginThrottle): `LOGIN_FREE_FAILURES_PER_ACCOUNT` (default 5) and
    /// `LOGIN_FREE_FAILURES_PER_ADDRESS` (default 20) failures cost nothing; each further one doubles
    /// the wait before the next attempt is heard, from `LOGIN_BACKOFF_BASE_SECONDS` (default 1) up to
    /// `LOGIN_BACKOFF_MAX_SECONDS` (default 900). A key quiet for `LOGIN_FAILURE_MEMORY_SECONDS`
    /// (default 3600) starts again from zero; a correct password clears the account's count.
    public var loginFreeFailuresPerAccount: Int = 5
    /// How long an instance may answer from its cache of bearer tokens (`AUTH_CACHE_SECONDS`,
    /// default 10, 0 turns the cache off). Logout, deactivation and role changes reach every
    /// instance at once by LISTEN/NOTIFY; this is only the bound when a notification is lost.
    public var authCacheSeconds: Int = 10
    public var loginFreeFailuresPerAddress: Int = 20
    public var loginBackoffBaseSeconds: Int = 1
    public var loginBackoffMaxSeconds: Int = 900
    public var loginFailureMemorySeconds: Int = 3600
    /// Self-registration limits (RegistrationLimit): `REGISTRATIONS_PER_ADDRESS` (default 10) per
    /// `REGISTRATION_ADDRESS_WINDOW_SECONDS` (default 3600), `REGISTRATIONS_PER_DOMAIN` (default 20)
    /// per `REGISTRATION_DOMAIN_WINDOW_SECONDS` (default 86400).
    public var registrationsPerAddress: Int = 10
    public var registrationAddressWindowSeconds: Int = 3600
    public var registrationsPerDomain: Int = 20
    public var registrationDomainWindowSeconds: Int = 86_400
    /// Concurrent bcrypt operations (PasswordHashGate): `LOGIN_HASH_CONCURRENCY` (default 4) for
    /// logins, `ENROLMENT_HASH_CONCURRENCY` (default 1) for registration and staff accounts, each with
    /// a queue of `PASSWORD_HASH_QUEUE` (default 32) beyond which the answer is 503.
    public var loginHashConcurrency: Int = 4
    public var enrolmentHashConcurrency: Int = 1
    public var passwordHashQueue: Int = 32
    /// `BCRYPT_COST`: pgcrypto bcrypt cost (default 10; tests use 4 for speed).
    public var bcryptCost: Int = 10
    /// `MIGRATE_ON_START`: `serve` applies pending migrations first (default true).
    public var migrateOnStart: Bool = true
    /// `SHUTDOWN_GRACE_SECONDS`: time in-flight requests get on SIGTERM (default 10).
    public var shutdownGraceSeconds: Double = 10
    /// `PUBLIC_URL`: where people reach the service (the console), for the links in notifications
    /// and e-mails, e.g. `https://grants.medic-nest.eu` (default `http://HOST:PORT`).
    public var publicURL: String?
    /// E-mail (DESIGN.md §7): `SMTP_URL` (`smtp://[user[:password]@]host[:port]`, a local or
    /// private relay: no TLS) turns it on; unset, notifications are in-app only. `SMTP_FROM`
    /// (default `ClusterXchange <noreply@localhost>`) is the sender. A failed send is retried after
    /// `EMAIL_RETRY_BASE_SECONDS` (default 60), doubling up to an hour, for `EMAIL_RETRY_HOURS`
    /// (default 24) after the event; then, or at once on a 5xx answer, it is dead-lettered
    /// (`failed`). Workers claim `EMAIL_BATCH` (default 20) due mails at a time for
    /// `EMAIL_LEASE_SECONDS` (default 300; a worker that dies gives them back then), look for
    /// work every `EMAIL_POLL_MILLISECONDS` (default 1000), and give the relay
    /// `SMTP_TIMEOUT_SECONDS` (default 30) per step.
    public var smtp: SMTPConfiguration?
    public var smtpFrom: MailAddress = MailAddress("noreply@localhost", displayName: "ClusterXchange")!
    public var emailRetryBaseSeconds: Double = 60
    public var emailRetryHours: Int = 24
    public var emailBatch: Int = 20
    public var emailLeaseSeconds: Int = 300
    public var emailPollMilliseconds: Int = 1000
    public var smtpTimeoutSeconds: Int = 30
    /// Webhooks (`/v1/webhooks`): each POST gets `WEBHOOK_TIMEOUT_SECONDS` (default 10); a failed
    /// one is retried after `WEBHOOK_RETRY_BASE_SECONDS` (default 30), doubling up to an hour,
    /// for 24 h; `WEBHOOK_BATCH` (default 10) are sent at once per instance.
    public var webhookTimeoutSeconds: Int = 10
    public var webhookRetryBaseSeconds: Double = 30
    public var webhookBatch: Int = 10
    /// `WEBHOOKS` (default true): this instance sends webhook deliveries.
    public var webhooksEnabled: Bool = true
    /// `REMINDERS` (default true): this instance takes part in leading the reminder rounds, every
    /// `REMINDER_INTERVAL_SECONDS` (default 60).
    public var remindersEnabled: Bool = true
    public var reminderIntervalSeconds: Int = 60
    /// `FUTURE_DATE_TOLERANCE_DAYS` (0..7, default 1): how far past today (UTC) a date that records
    /// what already happened (report's actual dates, payment value date) may lie (`PastDateRule`).
    public var futureDateToleranceDays: Int = 1
    /// Project root: where `Migrations/`, `seeds/`, `openapi.json` and `.data/` are (`CX_ROOT`, default: the working directory).
    public var root: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    public var console: URL?
    /// `CX_DATA_DIR`: the embedded PostgreSQL's data folder (default `<root>/.data/postgres`).
    public var dataDirectory: URL?

    public init() {}

    /// Reads every setting, bounds-checked: a setting is outside input too, and a value such as
    /// `SHUTDOWN_GRACE_SECONDS=1e300` must stop the start with a message, not trap later.
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> GrantsConfiguration {
        var c = GrantsConfiguration()
        var r = SettingsReader(env)
        if let url = env["DATABASE_URL"], !url.isEmpty { c.databaseURL = url }
        if let h = env["HOST"], !h.isEmpty { c.host = h }
        r.int("PORT", &c.port, 0...65_535)
        if let l = env["LOG_LEVEL"] {
            if ["debug", "info", "warning", "warn", "error"].contains(l.lowercased()) {
                c.logLevel = l
            } else {
                r.problems.append("LOG_LEVEL must be debug, info, warning or error (got '\(l.prefix(40))')")
            }
        }
        r.int("DB_POOL_SIZE", &c.poolSize, 1...500)
        r.int("HTTP_THREADS", &c.httpThreads, 1...64)
        r.int("MAX_BODY_BYTES", &c.maxBodyBytes, 1024...(64 << 20))
        r.int("MAX_DOCUMENT_BYTES", &c.maxDocumentBytes, 1024...(256 << 20))
        r.int("MAX_CONNECTIONS", &c.maxConnections, 1...1_000_000)
        r.int("MAX_CONNECTIONS_PER_ADDRESS", &c.maxConnectionsPerAddress, 0...1_000_000)
        r.int("FIRST_BYTE_TIMEOUT_SECONDS", &c.firstByteTimeoutSeconds, 1...300)
        r.int("MIN_TRANSFER_RATE_BYTES", &c.minimumTransferRate, 0...100_000_000)
        r.int("HANDLER_TIMEOUT_SECONDS", &c.handlerTimeoutSeconds, 5...3600)
        r.int("TOKEN_TTL_HOURS", &c.tokenTTLHours, 1...8760)
        r.int("AUTH_CACHE_SECONDS", &c.authCacheSeconds, 0...3600)
        r.int("LOGIN_FREE_FAILURES_PER_ACCOUNT", &c.loginFreeFailuresPerAccount, 0...1000)
        r.int("LOGIN_FREE_FAILURES_PER_ADDRESS", &c.loginFreeFailuresPerAddress, 0...100_000)
        r.int("LOGIN_BACKOFF_BASE_SECONDS", &c.loginBackoffBaseSeconds, 1...3600)
        r.int("LOGIN_BACKOFF_MAX_SECONDS", &c.loginBackoffMaxSeconds, 1...86_400)
        r.int("LOGIN_FAILURE_MEMORY_SECONDS", &c.loginFailureMemorySeconds, 1...(30 * 86_400))
        r.int("REGISTRATIONS_PER_ADDRESS", &c.registrationsPerAddress, 1...1_000_000)
        r.int("REGISTRATION_ADDRESS_WINDOW_SECONDS", &c.registrationAddressWindowSeconds, 1...(30 * 86_400))
        r.int("REGISTRATIONS_PER_DOMAIN", &c.registrationsPerDomain, 1...1_000_000)
        r.int("REGISTRATION_DOMAIN_WINDOW_SECONDS", &c.registrationDomainWindowSeconds, 1...(30 * 86_400))
        r.int("LOGIN_HASH_CONCURRENCY", &c.loginHashConcurrency, 1...64)
        r.int("ENROLMENT_HASH_CONCURRENCY", &c.enrolmentHashConcurrency, 1...64)
        r.int("PASSWORD_HASH_QUEUE", &c.passwordHashQueue, 0...10_000)
        r.int("BCRYPT_COST", &c.bcryptCost, 4...16)
        if let m = env["MIGRATE_ON_START"] { c.migrateOnStart = !["0", "false", "no"].contains(m.lowercased()) }
        r.seconds("SHUTDOWN_GRACE_SECONDS", &c.shutdownGraceSeconds, 0...3600)
        if let t = env["TRUSTED_PROXIES"] {
            switch IPNetwork.list(t) {
            case .success(let networks): c.trustedProxies = networks
            case .failure(let bad):
                r.problems.append("TRUSTED_PROXIES: '\(bad.entry)' is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1)")
            }
        }
        if let h = env["TRUSTED_PROXY_HEADER"] {
            if let header = ClientAddressResolver.Header(rawValue: h.lowercased()) {
                c.forwardedHeader = header
            } else {
                r.problems.append("TRUSTED_PROXY_HEADER must be x-forwarded-for or forwarded (got '\(h.prefix(40))')")
            }
        }
        if let u = env["PUBLIC_URL"], !u.isEmpty {
            if let checked = Self.checkedPublicURL(u) {
                c.publicURL = checked
            } else {
                r.problems.append(
                    "PUBLIC_URL must be an http:// or https:// address of at most 200 characters without spaces (got '\(u.prefix(40))')")
            }
        }
        if let u = env["SMTP_URL"], !u.isEmpty {
            switch SMTPConfiguration.parse(u) {
            case .success(let relay): c.smtp = relay
            case .failure(let e): r.problems.append("SMTP_URL \(e) (e.g. smtp://relay:25)")
            }
        }
        if let f = env["SMTP_FROM"], !f.isEmpty {
            if let a = MailAddress.parse(f) {
                c.smtpFrom = a
            } else {
                r.problems.append(
                    "SMTP_FROM must be an address, optionally with a name: 'MEDIC-NEST <grants@medic-nest.eu>' (got '\(f.prefix(40))')")
            }
        }
        r.seconds("EMAIL_RETRY_BASE_SECONDS", &c.emailRetryBaseSeconds, 0.05...3600)
        r.int("EMAIL_RETRY_HOURS", &c.emailRetryHours, 1...720)
        r.int("EMAIL_BATCH", &c.emailBatch, 1...500)
        r.int("EMAIL_LEASE_SECONDS", &c.emailLeaseSeconds, 10...86_400)
        r.int("EMAIL_POLL_MILLISECONDS", &c.emailPollMilliseconds, 10...60_000)
        r.int("SMTP_TIMEOUT_SECONDS", &c.smtpTimeoutSeconds, 1...600)
        r.int("WEBHOOK_TIMEOUT_SECONDS", &c.webhookTimeoutSeconds, 1...120)
        r.seconds("WEBHOOK_RETRY_BASE_SECONDS", &c.webhookRetryBaseSeconds, 0.05...3600)
        r.int("WEBHOOK_BATCH", &c.webhookBatch, 1...100)
        if let w = env["WEBHOOKS"] { c.webhooksEnabled = !["0", "false", "no"].contains(w.lowercased()) }
        if let w = env["REMINDERS"] { c.remindersEnabled = !["0", "false", "no"].contains(w.lowercased()) }
        r.int("REMINDER_INTERVAL_SECONDS", &c.reminderIntervalSeconds, 1...3600)
        r.int("FUTURE_DATE_TOLERANCE_DAYS", &c.futureDateToleranceDays, 0...7)
        if let root = env["CX_ROOT"], !root.isEmpty { c.root = URL(fileURLWithPath: root) }
        if let console = env["CONSOLE_DIR"], !console.isEmpty { c.console = URL(fileURLWithPath: console) }
        if let d = env["CX_DATA_DIR"], !d.isEmpty { c.dataDirectory = URL(fileURLWithPath: d) }
        if !r.problems.isEmpty { throw ConfigurationError(problems: r.problems) }
        return c
    }

    public var loggerLevel: Logger.Level {
        switch logLevel.lowercased() {
        case "debug": .debug
        case "warning", "warn": .warning
        case "error": .error
        default: .info
        }
    }

    /// The base of the links notifications carry, without a trailing slash.
    public var linkBase: String { publicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    static func checkedPublicURL(_ raw: String) -> String? {
        var u = raw
        while u.hasSuffix("/") { u.removeLast() }
        guard u.utf8.count <= 200, u.hasPrefix("http://") || u.hasPrefix("https://"), u.utf8.count > 8,
            u.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "<" && $0 != ">" })
        else { return nil }
        return u
    }

    public var migrationsDirectory: URL { root.appendingPathComponent("Migrations") }
    public var seedsDirectory: URL { root.appendingPathComponent("seeds") }
    /// `CONSOLE_DIR`: the web console's files (default `<root>/Sources/Grants/Web/console`).
    public var consoleDirectory: URL { console ?? root.appendingPathComponent("Sources/Grants/Web/console") }
    public var embeddedDataDirectory: URL { dataDirectory ?? root.appendingPathComponent(".data/postgres") }
}

/// Settings that cannot be used, each with what is wrong and what is allowed.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "; ") }
}

/// Reads numeric settings against their bounds, collecting every problem for one message.
struct SettingsReader {
    let env: [String: String]
    var problems: [String] = []

    init(_ env: [String: String]) { self.env = env }

    mutating func int(_ key: String, _ value: inout Int, _ range: ClosedRange<Int>) {
        guard let raw = env[key] else { return }
        guard let n = Int(raw.trimmingCharacters(in: .whitespaces)), range.contains(n) else {
            problems.append("\(key) must be an integer from \(range.lowerBound) to \(range.upperBound) (got '\(raw.prefix(40))')")
            return
        }
        value = n
    }

    mutating func seconds(_ key: String, _ value: inout Double, _ range: ClosedRange<Double>) {
        guard let raw = env[key] else { return }
        guard let d = Double(raw.trimmingCharacters(in: .whitespaces)), d.isFinite, range.contains(d) else {
            problems.append(
                "\(key) must be a number of seconds from \(Int(range.lowerBound)) to \(Int(range.upperBound)) (got '\(raw.prefix(40))')")
            return
        }
        value = d
    }
}
