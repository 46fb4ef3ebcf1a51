import Foundation
import Grants
import Testing

/// Issue 15 finding 5: registration had no limit (400 accounts and organisations in 16 s), and
/// the bcrypt of a registration flood slowed logins from 74 ms to over a second.
@Suite("Registration limits (end to end)")
struct RegistrationLimitTests {
    func register(_ app: TestApp, domain: String = "example.org") async throws -> TestResponse {
        let tag = UUID().uuidString.prefix(8).lowercased()
        return try await app.request(
            "POST", "/v1/auth/register",
            json: [
                "email": "owner-\(tag)@\(domain)", "password": "correct-horse-battery", "name": "Owner \(tag)",
                "organisation": [
                    "legal_name": "SME \(tag)", "country": "RO", "kind": "sme", "city": "Cluj-Napoca",
                    "latitude": 46.77, "longitude": 23.62,
                ],
            ])
    }

    /// The defaults (10 per address per hour) hold even against concurrent attempts. Before the fix
    /// every one of these answered 201.
    @Test func registrationIsLimitedPerAddressByDefault() async throws {
        try await TestApp.with(configure: { c in
            let defaults = GrantsConfiguration()
            c.registrationsPerAddress = defaults.registrationsPerAddress
            c.registrationAddressWindowSeconds = defaults.registrationAddressWindowSeconds
        }) { app in
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for i in 0..<16 { group.addTask { try await register(app, domain: "d\(i).example.org") } }
                return try await group.reduce(into: [TestResponse]()) { $0.append($1) }
            }
            #expect(answers.filter { $0.status == 201 }.count == 10, "\(answers.map(\.status))")
            let limited = answers.filter { $0.status == 429 }
            #expect(limited.count == 6)
            for r in limited {
                #expect(r.code == "rate_limited")
                let wait = Int(r.header("Retry-After") ?? "") ?? 0
                #expect((3_500...3_600).contains(wait), "Retry-After \(wait)")
                let detail = r.json["detail"] as? String ?? ""
                #expect(detail.contains("retry after \(wait) seconds") && detail.contains("coordinator"), "\(detail)")
            }
            let count = try await app.sql("SELECT count(*) AS n FROM users WHERE role = 'applicant'").rows[0].decode("n", as: Int.self)
            #expect(count == 10)
        }
    }

    @Test func registrationIsLimitedPerEmailDomain() async throws {
        try await TestApp.with(configure: { c in c.registrationsPerDomain = 2 }) { app in
            #expect(try await register(app, domain: "busy.example").status == 201)
            #expect(try await register(app, domain: "BUSY.example").status == 201)
            let third = try await register(app, domain: "busy.example")
            #expect(third.status == 429 && third.code == "rate_limited")
            #expect((third.json["detail"] as? String)?.contains("busy.example") == true)
            #expect(try await register(app, domain: "quiet.example").status == 201)
        }
    }

    /// Attempts from another address are not held back by this one's limit.
    @Test func theAddressLimitIsPerAddress() async throws {
        try await TestApp.with(configure: { c in c.registrationsPerAddress = 1 }) { app in
            #expect(try await register(app).status == 201)
            #expect(try await register(app).status == 429)
            let tag = UUID().uuidString.prefix(8).lowercased()
            let other = try #require(
                await SourceAddressClient.send(
                    port: app.server.port, from: "127.0.0.3", "POST", "/v1/auth/register",
                    json: [
                        "email": "owner-\(tag)@example.org", "password": "correct-horse-battery", "name": "Owner \(tag)",
                        "organisation": [
                            "legal_name": "SME \(tag)", "country": "RO", "kind": "sme", "city": "Cluj-Napoca",
                            "latitude": 46.77, "longitude": 23.62,
                        ] as [String: Any],
                    ]))
            #expect(other.status == 201, "\(other.text)")
        }
    }
}
