import Foundation
import Mail
import Testing

@testable import Grants

/// E-mail to a real SMTP server (aiosmtpd in its own process), decoded by Python's e-mail
/// parser: what a person's mail client would show, the retries a relay asks for, the
/// dead-letter of a refused address (issue 12).
@Suite("E-mail delivery (end to end)")
struct EmailDeliveryTests {
    func configure(_ sink: PythonPeer, user: String? = nil) -> (inout GrantsConfiguration) -> Void {
        { c in
            c.smtp = try! SMTPConfiguration.parse(user.map { "smtp://\($0)@127.0.0.1:\(sink.port)" } ?? sink.url).get()
            c.smtpFrom = MailAddress("grants@medic-nest.example", displayName: "MEDIC-NEST Grants")!
            c.publicURL = "https://grants.medic-nest.example"
            c.emailRetryBaseSeconds = 0.1
            c.emailPollMilliseconds = 50
            c.smtpTimeoutSeconds = 5
        }
    }

    /// A validated Spanish cluster with one user, to host.
    func host(_ app: TestApp, _ coordinator: String, name: String) async throws -> TestApp.Applicant {
        try await app.applicant(
            country: "ES", kind: "cluster", city: "Madrid", latitude: 40.4168, longitude: -3.7038, name: name, validatedBy: coordinator)
    }

    func draft(_ app: TestApp, _ visitor: TestApp.Applicant, host: Int64) async throws -> Int {
        let d = try await app.request(
            "POST", "/v1/applications", token: visitor.token, json: app.applicationBody(call: try await app.openCallID(), host: host))
        return try #require(d.json["id"] as? Int, "\(d.text)")
    }

    func emailState(_ app: TestApp, userID: Int64) async throws -> [(status: String, attempts: Int64, error: String?)] {
        try await app.sql(
            "SELECT email_status, email_attempts, email_last_error FROM notifications WHERE user_id = \(userID) ORDER BY id"
        ).rows.map { (try $0.decode(0), try $0.decode(1), try $0.decode(2)) }
    }

    @Test func aNotificationArrivesAsAPersonsMailClientShowsIt() async throws {
        let sink = try await PythonPeer.start(auth: "cx-relay:s3cret pass")
        defer { sink.stop() }
        try await TestApp.with(configure: configure(sink, user: "cx-relay:s3cret%20pass")) { app in
            let coordinator = try await app.staff("coordinator")
            let h = try await host(app, coordinator.token, name: "Clúster de Salud de Madrid")
            _ = try await app.sql("UPDATE users SET name = 'María José Núñez-Ştefănescu' WHERE id = \(h.userID)")
            let visitor = try await app.applicant(name: "Genomică SRL", validatedBy: coordinator.token)
            let id = try await draft(app, visitor, host: h.organisationID)

            let mails = try await sink.wait { $0.count >= 1 }
            try #require(mails.count == 1, "\(mails)")
            let m = mails[0]
            #expect(m["authenticated"] as? Bool == true, "AUTH with the URL's user")
            #expect(m["mail_from"] as? String == "grants@medic-nest.example")
            #expect(m["rcpt_tos"] as? [String] == [h.email])
            #expect(m["from"] as? String == "MEDIC-NEST Grants <grants@medic-nest.example>")
            #expect(m["to_name"] as? String == "María José Núñez-Ştefănescu")
            #expect(m["subject"] as? String == "Please accept or decline a visit: application \(id)")
            #expect(m["content_type"] as? String == "text/plain" && m["charset"] as? String == "utf-8")
            #expect(m["transfer_encoding"] as? String == "quoted-printable")
            #expect(m["auto_submitted"] as? String == "auto-generated")
            #expect(m["kind"] as? String == "match_to_accept")
            let notificationID: Int64 = try await app.sql("SELECT id FROM notifications WHERE user_id = \(h.userID)").rows[0].decode(0)
            #expect(m["message_id"] as? String == "<notification-\(notificationID)@medic-nest.example>")
            let body = (m["body"] as? String ?? "").replacingOccurrences(of: "\r\n", with: "\n")
            #expect(body.contains("Genomică SRL names your organisation as the host of Ana Popescu"), "\(body)")
            #expect(body.contains("visiting Clúster de Salud de Madrid"))
            #expect(body.hasSuffix("https://grants.medic-nest.example/#/applications/\(id)\n"), "\(body)")
            let raw = m["raw"] as? String ?? ""
            #expect(raw.split(separator: "\r\n", omittingEmptySubsequences: false).allSatisfy { $0.utf8.count <= 78 }, "\(raw)")
            #expect((m["date"] as? String)?.hasSuffix("+0000") == true)
            // The relay has the mail before the worker hears its 250 and records it.
            var states = try await emailState(app, userID: h.userID).map(\.status)
            for _ in 0..<100 where states != ["sent"] {
                try await Task.sleep(for: .milliseconds(50))
                states = try await emailState(app, userID: h.userID).map(\.status)
            }
            #expect(states == ["sent"])
            // The app shows the same text and that the mail went.
            let inApp = try await app.request("GET", "/v1/notifications", token: h.token).items.first
            #expect(inApp?["email"] as? String == "sent" && inApp?["subject"] as? String == m["subject"] as? String)
        }
    }

    @Test func aRelayThatAsksToTryLaterGetsTheMailOnceAndARefusedAddressIsDeadLettered() async throws {
        let sink = try await PythonPeer.start()
        defer { sink.stop() }
        try await TestApp.with(configure: configure(sink)) { app in
            let coordinator = try await app.staff("coordinator")
            let later = try await host(app, coordinator.token, name: "Later Cluster \(UUID().uuidString.prefix(4))")
            _ = try await app.sql("UPDATE users SET email = 'later+tempfail@example.org' WHERE id = \(later.userID)")
            let refused = try await host(app, coordinator.token, name: "Refused Cluster \(UUID().uuidString.prefix(4))")
            _ = try await app.sql("UPDATE users SET email = 'gone+reject@example.org' WHERE id = \(refused.userID)")
            let fine = try await host(app, coordinator.token, name: "Fine Cluster \(UUID().uuidString.prefix(4))")
            let visitor = try await app.applicant(validatedBy: coordinator.token)
            for h in [later, refused, fine] { _ = try await draft(app, visitor, host: h.organisationID) }

            let mails = try await sink.wait { m in m.contains { ($0["rcpt_tos"] as? [String]) == ["later+tempfail@example.org"] } }
            try await Task.sleep(for: .milliseconds(500))  // time for a wrong second copy to arrive
            let all = sink.messages().compactMap { ($0["rcpt_tos"] as? [String])?.first }
            #expect(all.filter { $0 == "later+tempfail@example.org" }.count == 1, "\(all) \(mails.count)")
            #expect(all.filter { $0 == fine.email }.count == 1)
            #expect(!all.contains("gone+reject@example.org"))

            var retried = try await emailState(app, userID: later.userID)
            for _ in 0..<100 where retried.map(\.status) != ["sent"] {
                try await Task.sleep(for: .milliseconds(50))
                retried = try await emailState(app, userID: later.userID)
            }
            #expect(retried.map(\.status) == ["sent"] && retried.first?.attempts == 2, "\(retried)")
            let dead = try await emailState(app, userID: refused.userID)
            #expect(dead.map(\.status) == ["failed"] && dead.first?.attempts == 1, "\(dead)")
            #expect(dead.first?.error?.hasPrefix("550") == true, "\(dead)")
            // Dead-lettered mail is still a notification in the app.
            let inApp = try await app.request("GET", "/v1/notifications", token: refused.token).items
            #expect(inApp.map { $0["email"] as? String } == ["failed"])
        }
    }

    @Test func mailIsOffWithoutARelayAndTheAppStillWorks() async throws {
        try await TestApp.with { app in
            let coordinator = try await app.staff("coordinator")
            let h = try await host(app, coordinator.token, name: "Quiet Cluster \(UUID().uuidString.prefix(4))")
            let visitor = try await app.applicant(validatedBy: coordinator.token)
            _ = try await draft(app, visitor, host: h.organisationID)
            #expect(try await app.request("GET", "/v1/notifications", token: h.token).items.map { $0["email"] as? String } == ["pending"])
        }
    }

    /// Two `serve` processes deliver one outbox: 100 mails, each received once; then 100 more
    /// with one instance killed (`kill -9`) mid-delivery: none lost, and the only duplicates are
    /// rows the dead instance had in flight (at most its batch of 5), with the same Message-ID.
    @Test func twoInstancesSendEachMailOnceAndAKilledOneLosesNothing() async throws {
        let sink = try await PythonPeer.start(delaySeconds: 0.02)
        defer { sink.stop() }
        try await TestApp.with { app in
            let env = [
                "SMTP_URL": sink.url, "SMTP_FROM": "grants@medic-nest.example", "EMAIL_BATCH": "5", "EMAIL_LEASE_SECONDS": "10",
                "EMAIL_POLL_MILLISECONDS": "50", "EMAIL_RETRY_BASE_SECONDS": "0.1",
            ]
            let a = try CrashRecoveryTests.ServiceProcess(
                databaseURL: app.databaseURL, port: CrashRecoveryTests.freePort(), environment: env)
            defer { a.kill9() }
            let b = try CrashRecoveryTests.ServiceProcess(
                databaseURL: app.databaseURL, port: CrashRecoveryTests.freePort(), environment: env)
            defer { b.kill9() }
            try await a.waitReady(HTTPTestClient(base: "http://127.0.0.1:\(a.port)"))
            try await b.waitReady(HTTPTestClient(base: "http://127.0.0.1:\(b.port)"))
            let coordinator = try await app.staff("coordinator")
            let h = try await host(app, coordinator.token, name: "Busy Cluster \(UUID().uuidString.prefix(4))")
            let visitor = try await app.applicant(validatedBy: coordinator.token)

            func ids(_ mails: [[String: Any]]) -> [String] { mails.compactMap { $0["message_id"] as? String } }
            for _ in 0..<100 { _ = try await draft(app, visitor, host: h.organisationID) }
            let first = try await sink.wait(seconds: 60) { $0.count >= 100 }
            try await Task.sleep(for: .milliseconds(500))
            let once = ids(sink.messages())
            #expect(first.count >= 100 && once.count == 100 && Set(once).count == 100, "\(once.count) mails, \(Set(once).count) distinct")

            for _ in 0..<100 { _ = try await draft(app, visitor, host: h.organisationID) }
            _ = try await sink.wait(seconds: 60) { $0.count >= 120 }
            a.kill9()
            var unsent: Int64 = -1
            for _ in 0..<600 {
                unsent = try await app.sql("SELECT count(*) FROM notifications WHERE email_status <> 'sent'").rows[0].decode(0)
                if unsent == 0 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(unsent == 0, "every mail sent after the kill")
            let all = ids(sink.messages())
            let expected: [String] = try await app.sql("SELECT id FROM notifications ORDER BY id").rows.map {
                "<notification-\(try $0.decode(0, as: Int64.self))@medic-nest.example>"
            }
            #expect(expected.count == 200)
            #expect(Set(all) == Set(expected), "nothing lost")
            #expect(all.count - Set(all).count <= 5, "duplicates only for the killed instance's batch: \(all.count - 200)")
        }
    }
}
