import HTTP
import Testing

@testable import Grants

/// Settings are input too: each kind is parsed strictly and bounded, and refused with the
/// variable's name (before, `SHUTDOWN_GRACE_SECONDS=1e300` trapped when the server started).
@Suite("Settings from the environment")
struct ConfigurationTests {
    private func refused(_ env: [String: String]) -> ConfigurationError? {
        do {
            _ = try GrantsConfiguration.fromEnvironment(env)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaultsWhenUnset() throws {
        let c = try GrantsConfiguration.fromEnvironment([:])
        #expect(c.port == 8080 && c.maxConnections == 1024 && c.maxConnectionsPerAddress == 64)
        #expect(c.firstByteTimeoutSeconds == 5 && c.minimumTransferRate == 1024 && c.trustedProxies.isEmpty)
        #expect(c.forwardedHeader == .xForwardedFor)
    }

    @Test func validValuesAccepted() throws {
        let c = try GrantsConfiguration.fromEnvironment([
            "PORT": "0", "DB_POOL_SIZE": "20", "SHUTDOWN_GRACE_SECONDS": "2.5", "MIGRATE_ON_START": "no",
            "TRUSTED_PROXIES": "10.0.0.0/8, ::1", "TRUSTED_PROXY_HEADER": "Forwarded", "MAX_CONNECTIONS_PER_ADDRESS": "0",
            "BCRYPT_COST": "4", "LOG_LEVEL": "warning",
        ])
        #expect(c.port == 0 && c.poolSize == 20 && c.shutdownGraceSeconds == 2.5 && !c.migrateOnStart)
        #expect(c.trustedProxies.count == 2 && c.forwardedHeader == .forwarded && c.maxConnectionsPerAddress == 0)
        #expect(c.bcryptCost == 4 && c.logLevel == "warning")
    }

    @Test(arguments: [
        ("PORT", "-1"), ("PORT", "65536"), ("PORT", "80a"), ("PORT", ""), ("PORT", "99999999999999999999999"),
        ("DB_POOL_SIZE", "0"), ("DB_POOL_SIZE", "100000"), ("HTTP_THREADS", "-3"), ("HTTP_THREADS", "0"),
        ("MAX_BODY_BYTES", "0"), ("MAX_DOCUMENT_BYTES", "9223372036854775807"), ("MAX_CONNECTIONS", "0"),
        ("MAX_CONNECTIONS_PER_ADDRESS", "-1"), ("TOKEN_TTL_HOURS", "0"), ("LOGIN_BACKOFF_MAX_SECONDS", "-900"),
        ("LOGIN_FREE_FAILURES_PER_ACCOUNT", "-1"), ("REGISTRATIONS_PER_ADDRESS", "0"), ("BCRYPT_COST", "40"), ("BCRYPT_COST", "3"),
        ("SHUTDOWN_GRACE_SECONDS", "1e300"), ("SHUTDOWN_GRACE_SECONDS", "nan"), ("SHUTDOWN_GRACE_SECONDS", "inf"),
        ("SHUTDOWN_GRACE_SECONDS", "-1"), ("FIRST_BYTE_TIMEOUT_SECONDS", "0"), ("HANDLER_TIMEOUT_SECONDS", "1"),
        ("MIN_TRANSFER_RATE_BYTES", "-5"),
        ("TRUSTED_PROXIES", "10.0.0.0/8,proxy.local"), ("TRUSTED_PROXIES", "10.0.0.0/40"), ("TRUSTED_PROXY_HEADER", "x-real-ip"),
        ("LOG_LEVEL", "verbose"),
    ])
    func outOfBoundsRefusedWithTheVariableName(_ name: String, _ value: String) {
        let error = refused([name: value])
        #expect(error != nil, "\(name)=\(value) accepted")
        #expect(error?.description.contains(name) == true, "\(error?.description ?? "-")")
    }

    @Test func everyProblemIsReportedAtOnce() {
        let error = refused(["PORT": "x", "BCRYPT_COST": "99", "SHUTDOWN_GRACE_SECONDS": "nan"])
        #expect(error?.problems.count == 3)
    }
}
