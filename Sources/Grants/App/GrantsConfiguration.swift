import Foundation
import HTTP

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
    /// `TOKEN_TTL_HOURS`: bearer token lifetime (default 12 h).
    public var tokenTTLHours: Int = 12
    /// Login backoff (LoginThrottle): `LOGIN_FREE_FAILURES_PER_ACCOUNT` (default 5) and
    /// `LOGIN_FREE_FAILURES_PER_ADDRESS` (default 20) failures cost nothing; each further one doubles
    /// the wait before the next attempt is heard, from `LOGIN_BACKOFF_BASE_SECONDS` (default 1) up to
    /// `LOGIN_BACKOFF_MAX_SECONDS` (default 900). A key quiet for `LOGIN_FAILURE_MEMORY_SECONDS`
    /// (default 3600) starts again from zero; a correct password clears the account's count.
    public var loginFreeFailuresPerAccount: Int = 5
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
    /// Project root: where `Migrations/`, `seeds/`, `openapi.json` and `.data/` are (`CX_ROOT`, default: the working directory).
    public var root: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    /// `CX_DATA_DIR`: the embedded PostgreSQL's data folder (default `<root>/.data/postgres`).
    public var dataDirectory: URL?

    public init() {}

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> GrantsConfiguration {
        var c = GrantsConfiguration()
        func int(_ k: String, _ v: inout Int) { if let s = env[k], let n = Int(s) { v = n } }
        if let url = env["DATABASE_URL"], !url.isEmpty { c.databaseURL = url }
        if let h = env["HOST"], !h.isEmpty { c.host = h }
        int("PORT", &c.port)
        if let l = env["LOG_LEVEL"] { c.logLevel = l }
        int("DB_POOL_SIZE", &c.poolSize)
        int("HTTP_THREADS", &c.httpThreads)
        int("MAX_BODY_BYTES", &c.maxBodyBytes)
        int("MAX_DOCUMENT_BYTES", &c.maxDocumentBytes)
        int("MAX_CONNECTIONS", &c.maxConnections)
        int("TOKEN_TTL_HOURS", &c.tokenTTLHours)
        int("LOGIN_FREE_FAILURES_PER_ACCOUNT", &c.loginFreeFailuresPerAccount)
        int("LOGIN_FREE_FAILURES_PER_ADDRESS", &c.loginFreeFailuresPerAddress)
        int("LOGIN_BACKOFF_BASE_SECONDS", &c.loginBackoffBaseSeconds)
        int("LOGIN_BACKOFF_MAX_SECONDS", &c.loginBackoffMaxSeconds)
        int("LOGIN_FAILURE_MEMORY_SECONDS", &c.loginFailureMemorySeconds)
        int("REGISTRATIONS_PER_ADDRESS", &c.registrationsPerAddress)
        int("REGISTRATION_ADDRESS_WINDOW_SECONDS", &c.registrationAddressWindowSeconds)
        int("REGISTRATIONS_PER_DOMAIN", &c.registrationsPerDomain)
        int("REGISTRATION_DOMAIN_WINDOW_SECONDS", &c.registrationDomainWindowSeconds)
        int("LOGIN_HASH_CONCURRENCY", &c.loginHashConcurrency)
        int("ENROLMENT_HASH_CONCURRENCY", &c.enrolmentHashConcurrency)
        int("PASSWORD_HASH_QUEUE", &c.passwordHashQueue)
        int("BCRYPT_COST", &c.bcryptCost)
        if let m = env["MIGRATE_ON_START"] { c.migrateOnStart = !["0", "false", "no"].contains(m.lowercased()) }
        if let g = env["SHUTDOWN_GRACE_SECONDS"], let d = Double(g) { c.shutdownGraceSeconds = d }
        if let r = env["CX_ROOT"], !r.isEmpty { c.root = URL(fileURLWithPath: r) }
        if let d = env["CX_DATA_DIR"], !d.isEmpty { c.dataDirectory = URL(fileURLWithPath: d) }
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

    public var migrationsDirectory: URL { root.appendingPathComponent("Migrations") }
    public var seedsDirectory: URL { root.appendingPathComponent("seeds") }
    public var openAPIFile: URL { root.appendingPathComponent("openapi.json") }
    public var embeddedDataDirectory: URL { dataDirectory ?? root.appendingPathComponent(".data/postgres") }
}
