import Foundation
import Testing

@Suite("Audit trail (end to end)")
struct AuditTrailTests {
    @Test func everyChangeIsAuditedAndTamperingIsDetected() async throws {
        try await TestApp.with { app in
            let coordinator = try await app.staff("coordinator")
            let auditor = try await app.staff("auditor")
            let a = try await app.applicant(validatedBy: coordinator.token)
            let d = try await app.request(
                "POST", "/v1/applications", token: a.token,
                json: app.applicationBody(call: try await app.openCallID(), host: try await app.host("IMAGO-MOL")),
                headers: ["X-Request-Id": "req-audit-1"])
            let id = try #require(d.json["id"] as? Int)

            let log = try await app.request("GET", "/v1/audit-log?entity_type=application&entity_id=\(id)", token: auditor.token)
            #expect(log.status == 200)
            let entry = try #require(log.items.first)
            #expect(entry["action"] as? String == "application.created")
            #expect(entry["actor_id"] as? Int == Int(a.userID))
            #expect(entry["actor_role"] as? String == "applicant")
            #expect(entry["request_id"] as? String == "req-audit-1")
            #expect((entry["after"] as? [String: Any])?["lump_sum_cents"] as? Int == 70_000)

            let ok = try await app.request("GET", "/v1/audit-log/verify", token: auditor.token)
            #expect(ok.json["valid"] as? Bool == true)
            let checked = try #require(ok.json["checked"] as? Int)
            #expect(checked >= 5)
            #expect(ok.json.keys.contains("first_broken_id"))

            // The database itself refuses to change history...
            await #expect(throws: (any Error).self) { _ = try await app.sql("UPDATE audit_log SET action = 'x' WHERE id = 1") }
            await #expect(throws: (any Error).self) { _ = try await app.sql("DELETE FROM audit_log") }
            // ...so a superuser has to switch the triggers off; verify still notices.
            let target: Int64 = try await app.sql("SELECT min(id) + 2 AS id FROM audit_log").rows[0].decode("id")
            try await app.tamper("UPDATE audit_log SET after = '{\"lump_sum_cents\": 1}'::jsonb WHERE id = \(target)")
            let broken = try await app.request("GET", "/v1/audit-log/verify", token: auditor.token)
            #expect(broken.json["valid"] as? Bool == false)
            #expect(broken.json["first_broken_id"] as? Int == Int(target))
        }
    }

    /// A chain is intact when its last row is cut off; the head, kept beside it, still names it.
    @Test func aRowRemovedFromTheEndIsDetected() async throws {
        try await TestApp.with { app in
            let coordinator = try await app.staff("coordinator")
            let auditor = try await app.staff("auditor")
            _ = try await app.applicant(validatedBy: coordinator.token)
            let ok = try await app.request("GET", "/v1/audit-log/verify", token: auditor.token)
            #expect(ok.json["valid"] as? Bool == true)

            // Only the chain moves its head.
            await #expect(throws: (any Error).self) { _ = try await app.sql("UPDATE audit_chain_head SET last_id = 1") }
            await #expect(throws: (any Error).self) { _ = try await app.sql("DELETE FROM audit_chain_head") }

            let last: Int64 = try await app.sql("SELECT max(id) AS id FROM audit_log").rows[0].decode("id")
            try await app.tamper("DELETE FROM audit_log WHERE id = \(last)")
            let broken = try await app.request("GET", "/v1/audit-log/verify", token: auditor.token)
            #expect(broken.json["valid"] as? Bool == false)
            #expect(broken.json["first_broken_id"] as? Int == Int(last))
        }
    }
}
