import Foundation
import Signing
import Testing

@testable import Grants

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Signed webhooks to a real HTTP receiver that checks each HMAC with Python's `hmac` (issue 12):
/// a coordinator registers endpoints; each event arrives signed, once acknowledged; a flaky
/// receiver gets it after its failures; a dead one ends in the dead-letter list and can be
/// redelivered with the same Idempotency-Key.
@Suite("Webhooks (end to end)")
struct WebhookTests {
    @Test func eventsArriveSignedRetriedAndDeadLettered() async throws {
        let receiver = try await PythonPeer.launch(script: "webhook_receiver.py", arguments: [])
        defer { receiver.stop() }
        try await TestApp.with(configure: { c in
            c.webhookRetryBaseSeconds = 0.1
            c.emailPollMilliseconds = 50
            c.publicURL = "https://grants.medic-nest.example"
        }) { app in
            let coordinator = try await app.staff("coordinator")
            let visitor = try await app.applicant(validatedBy: coordinator.token)
            // Only coordinators register endpoints; bad URLs and kinds are named.
            let refused = try await app.request(
                "POST", "/v1/webhooks", token: visitor.token, json: ["url": "\(receiver.httpBase)/ok"])
            #expect(refused.status == 403)
            let bad = try await app.request(
                "POST", "/v1/webhooks", token: coordinator.token, json: ["url": "ftp://x", "kinds": ["decision", "gossip"]])
            #expect(bad.status == 422)
            #expect(Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == ["url", "kinds[1]"])

            var hooks: [String: (id: Int, secret: String)] = [:]
            for path in ["ok", "flaky", "down"] {
                let r = try await app.request(
                    "POST", "/v1/webhooks", token: coordinator.token,
                    json: ["url": "\(receiver.httpBase)/\(path)", "kinds": ["submission_received", "eligibility_outcome"]])
                try #require(r.status == 201, "\(r.text)")
                let secret = try #require(r.json["secret"] as? String)
                #expect(secret.hasPrefix("whsec_") && secret.count == 70)
                hooks[path] = (try #require(r.json["id"] as? Int), secret)
            }
            // One secret for the receiver: the three endpoints share it only in this test.
            _ = try await app.sql("UPDATE webhook_endpoints SET secret = \(hooks["ok"]!.secret)")
            var put = URLRequest(url: URL(string: "\(receiver.httpBase)/_secret")!)
            put.httpMethod = "PUT"
            put.httpBody = Data(hooks["ok"]!.secret.utf8)
            _ = try await URLSession.shared.data(for: put)
            let listed = try await app.request("GET", "/v1/webhooks", token: coordinator.token)
            #expect(listed.items.count == 3 && listed.items.allSatisfy { $0["secret"] == nil }, "the secret is shown once")

            // One submission: one event (submission_received) per endpoint, not one per coordinator.
            let d = try await app.request(
                "POST", "/v1/applications", token: visitor.token,
                json: app.applicationBody(call: try await app.openCallID(), host: try await app.host("BIOTECYL / SIVI")))
            let id = try #require(d.json["id"] as? Int, "\(d.text)")
            try await app.hostAccepts(id, coordinator: coordinator.token)
            try #require(try await app.request("POST", "/v1/applications/\(id)/submit", token: visitor.token).status == 200)

            let records = try await receiver.wait(seconds: 30) { r in
                r.contains { $0["path"] as? String == "/flaky" && $0["status"] as? Int == 200 }
                    && r.filter { $0["path"] as? String == "/down" }.count >= 3
            }
            #expect(records.allSatisfy { $0["valid"] as? Bool == true }, "every signature verifies in Python")
            let ok = records.filter { $0["path"] as? String == "/ok" }
            #expect(ok.count == 1)
            let event = try #require(ok.first?["body"] as? [String: Any])
            #expect(event["kind"] as? String == "submission_received" && event["application_id"] as? Int == id)
            #expect(event["status"] as? String == "submitted")
            #expect(event["link"] as? String == "https://grants.medic-nest.example/#/applications/\(id)")
            #expect((event["subject"] as? String)?.hasPrefix("New submission") == true)
            #expect(ok.first?["idempotency_key"] as? String == event["id"] as? String)
            #expect(ok.first?["event"] as? String == "submission_received")
            let flaky = records.filter { $0["path"] as? String == "/flaky" }
            #expect(flaky.map { $0["status"] as? Int } == [500, 500, 200], "\(flaky)")
            #expect(Set(flaky.compactMap { $0["idempotency_key"] as? String }).count == 1, "retries repeat the key")

            // The dead receiver's delivery ends in the dead-letter list (its window shortened here).
            let downID = hooks["down"]!.id
            _ = try await app.sql("UPDATE webhook_deliveries SET give_up_at = now() WHERE endpoint_id = \(Int64(downID))")
            var dead: [[String: Any]] = []
            for _ in 0..<100 {
                dead = try await app.request("GET", "/v1/webhooks/\(downID)/deliveries?status=failed", token: coordinator.token).items
                if !dead.isEmpty { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let letter = try #require(dead.first, "dead-lettered")
            #expect(letter["last_status"] as? Int == 503 && (letter["attempts"] as? Int ?? 0) >= 3)
            let delivered = try await app.request("GET", "/v1/webhooks/\(hooks["flaky"]!.id)/deliveries", token: coordinator.token).items
            #expect(delivered.map { $0["status"] as? String } == ["delivered"] && delivered.first?["attempts"] as? Int == 3)

            // Redelivered: pending again with the same key; a receiver that is back acknowledges it.
            _ = try await app.sql("UPDATE webhook_endpoints SET url = \("\(receiver.httpBase)/ok") WHERE id = \(Int64(downID))")
            let letterID = try #require(letter["id"] as? Int)
            let again = try await app.request(
                "POST", "/v1/webhooks/\(downID)/deliveries/\(letterID)/redeliver", token: coordinator.token)
            #expect(again.status == 200 && again.json["status"] as? String == "pending", "\(again.text)")
            let back = try await receiver.wait(seconds: 20) { r in r.filter { $0["path"] as? String == "/ok" }.count >= 2 }
            let redelivered = back.filter { $0["path"] as? String == "/ok" }.last
            #expect(redelivered?["idempotency_key"] as? String == "delivery-\(letterID)" && redelivered?["status"] as? Int == 200)
            #expect(
                try await app.request("POST", "/v1/webhooks/\(downID)/deliveries/999999/redeliver", token: coordinator.token).status == 404)

            // A deactivated endpoint gets nothing more.
            let off = try await app.request("DELETE", "/v1/webhooks/\(hooks["ok"]!.id)", token: coordinator.token)
            #expect(off.status == 200 && off.json["active"] as? Bool == false)
            let e = try await app.request(
                "POST", "/v1/applications/\(id)/eligibility", token: coordinator.token, json: ["eligible": true, "reason": "ok"])
            #expect(e.status == 200)
            let count: Int64 = try await app.sql(
                "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = \(Int64(hooks["ok"]!.id)) AND kind = 'eligibility_outcome'"
            ).rows[0].decode(0)
            #expect(count == 0)
        }
    }

    @Test func theSwiftVerifierAcceptsWhatTheServiceSigns() {
        let body = Array(#"{"id":"delivery-1"}"#.utf8)
        let now = Int64(Date().timeIntervalSince1970)
        let header = WebhookSignature.sign(secret: "whsec_x", timestamp: now, body: body)
        #expect(WebhookSignature.verify(header: header, secret: "whsec_x", body: body, now: now))
    }
}
