import Foundation
import Testing

/// Nobody polls (issue 12): each person learns in the app that it is their turn, with the
/// deadline, and the list, the read marks and the e-mail preferences work as a person uses them.
@Suite("Notifications and deadlines (end to end)")
struct NotificationTests {
    func notifications(_ app: TestApp, _ token: String, _ query: String = "") async throws -> [[String: Any]] {
        let r = try await app.request("GET", "/v1/notifications\(query)", token: token)
        try #require(r.status == 200, "\(r.text)")
        return r.items
    }

    func kinds(_ items: [[String: Any]]) -> [String] { items.compactMap { $0["kind"] as? String } }

    func today(plus days: Int) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }

    @Test func everyoneLearnsThatItIsTheirTurn() async throws {
        try await TestApp.with(configure: { $0.publicURL = "https://grants.medic-nest.example" }) { app in
            let s = try await Scenario.make(app)
            let other = try await app.staff("coordinator")
            let host = try await app.applicant(
                country: "ES", kind: "cluster", city: "Madrid", latitude: 40.4168, longitude: -3.7038,
                name: "Madrid Health Cluster \(UUID().uuidString.prefix(4))", validatedBy: s.coordinator.token)
            let visitor = try await app.applicant(name: "Genomica SRL", validatedBy: s.coordinator.token)

            // The draft names the host: the host's user is asked to accept, with the link to act.
            let d = try await app.request(
                "POST", "/v1/applications", token: visitor.token,
                json: app.applicationBody(call: try await app.openCallID(), host: host.organisationID))
            let id = try #require(d.json["id"] as? Int, "\(d.text)")
            let asked = try await notifications(app, host.token)
            #expect(kinds(asked) == ["match_to_accept"])
            let first = try #require(asked.first)
            #expect(first["link"] as? String == "https://grants.medic-nest.example/#/applications/\(id)")
            #expect((first["subject"] as? String)?.contains("application \(id)") == true, "\(first)")
            #expect((first["body"] as? String)?.contains("Genomica SRL names your organisation as the host") == true, "\(first)")
            #expect(first["read_at"] == nil && first["email"] as? String == "pending", "unread")
            #expect(try await notifications(app, visitor.token).isEmpty, "the person who acted is not told")

            // The host accepts: the visitor hears of it; submitting tells every coordinator.
            let accepted = try await app.request(
                "POST", "/v1/applications/\(id)/host-decision", token: host.token, json: ["decision": "accepted"])
            try #require(accepted.status == 200, "\(accepted.text)")
            #expect(kinds(try await notifications(app, visitor.token)) == ["host_answered"])
            try #require(try await app.request("POST", "/v1/applications/\(id)/submit", token: visitor.token).status == 200)
            for c in [s.coordinator, other] {
                #expect(kinds(try await notifications(app, c.token)) == ["submission_received"])
            }

            // Eligibility, then an assignment with its due date on the evaluator's list of deadlines.
            let e = try await app.request(
                "POST", "/v1/applications/\(id)/eligibility", token: s.coordinator.token, json: ["eligible": true, "reason": "ok"])
            try #require(e.status == 200, "\(e.text)")
            #expect(kinds(try await notifications(app, visitor.token)) == ["eligibility_outcome", "host_answered"])
            let evaluator = s.evaluators[0]
            let asg = try await app.request(
                "POST", "/v1/applications/\(id)/assignments", token: s.coordinator.token, json: ["evaluator_id": evaluator.id])
            try #require(asg.status == 201, "\(asg.text)")
            #expect(asg.json["due_on"] as? String == today(plus: 10), "\(asg.text)")
            let assigned = try #require(try await notifications(app, evaluator.token).first)
            #expect(assigned["kind"] as? String == "evaluation_assigned" && assigned["due_on"] as? String == today(plus: 10))
            #expect((assigned["body"] as? String)?.contains("Ana Popescu") == false, "no participant before the declaration")
            let due = try await app.request("GET", "/v1/deadlines", token: evaluator.token)
            #expect(due.status == 200, "\(due.text)")
            let dueItems = due.json["items"] as? [[String: Any]] ?? []
            #expect(dueItems.count == 1)
            #expect(dueItems.first?["kind"] as? String == "evaluation_due" && dueItems.first?["overdue"] as? Bool == false)
            #expect(dueItems.first?["assignment_id"] as? Int == asg.json["id"] as? Int)

            // Finish the evaluation and approve: the visitor gets the decision and the signature
            // request, the host the signature request, and the report's deadline is on the list.
            let sheet = ["relevance": 4.0, "quality": 4.0, "impact": 4.0]
            let asgID = try #require(asg.json["id"] as? Int)
            _ = try await app.request(
                "POST", "/v1/assignments/\(asgID)/declaration", token: evaluator.token, json: ["conflict_of_interest": false])
            _ = try await app.request(
                "PUT", "/v1/assignments/\(asgID)/scores", token: evaluator.token, json: ["scores": sheet, "comment": "good"])
            #expect(try await app.request("GET", "/v1/deadlines", token: evaluator.token).json["items"] as? [Any] != nil)
            let second = s.evaluators[1]
            let asg2 = try await app.request(
                "POST", "/v1/applications/\(id)/assignments", token: s.coordinator.token, json: ["evaluator_id": second.id])
            let asg2ID = try #require(asg2.json["id"] as? Int, "\(asg2.text)")
            _ = try await app.request(
                "POST", "/v1/assignments/\(asg2ID)/declaration", token: second.token, json: ["conflict_of_interest": false])
            let scored = try await app.request(
                "PUT", "/v1/assignments/\(asg2ID)/scores", token: second.token, json: ["scores": sheet, "comment": "fine"])
            try #require(scored.json["status"] as? String == "evaluated", "\(scored.text)")
            #expect((try await app.request("GET", "/v1/deadlines", token: second.token).json["items"] as? [Any])?.isEmpty == true)
            let approved = try await s.decide(id, "approved")
            try #require(approved.status == 200, "\(approved.text)")
            #expect(approved.json["report_due_on"] as? String == "2027-04-04", "activity end 2027-03-05 + 30 days")
            #expect(kinds(try await notifications(app, visitor.token)).first == "decision")
            #expect(kinds(try await notifications(app, host.token)) == ["match_to_accept"], "nothing to sign before the CtQ")
            // The Commitment to Quality's upload asks each party still to sign; the uploader signs
            // for itself. The same text again asks nobody who already signed it.
            let ctq = Data("%PDF-1.4\n% Commitment to Quality \(UUID().uuidString)\n".utf8)
            let ctqPath = "/v1/applications/\(id)/documents?kind=commitment_to_quality&filename=ctq.pdf"
            try #require(try await app.request("POST", ctqPath, token: visitor.token, body: ctq).status == 201)
            #expect(kinds(try await notifications(app, host.token)) == ["signature_requested", "match_to_accept"])
            #expect(kinds(try await notifications(app, visitor.token)).first == "decision", "the uploader is not told")
            let askedCoordinator = try #require(try await notifications(app, s.coordinator.token).first)
            #expect(askedCoordinator["kind"] as? String == "signature_requested" && askedCoordinator["application_id"] as? Int == id)
            #expect((askedCoordinator["body"] as? String)?.contains("ready to sign") == true, "\(askedCoordinator)")
            let signed = try await app.request(
                "POST", "/v1/applications/\(id)/signatures", token: host.token, json: ["party": "host_organisation"])
            try #require(signed.status == 201, "\(signed.text)")
            try #require(try await app.request("POST", ctqPath, token: visitor.token, body: ctq).status == 201)
            #expect(kinds(try await notifications(app, host.token)).filter { $0 == "signature_requested" }.count == 1)
            let coordinatorAsks = kinds(try await notifications(app, s.coordinator.token)).prefix(2)
            #expect(Array(coordinatorAsks) == ["signature_requested", "signature_requested"], "partnerships still to sign")
            let reportDue = try await app.request("GET", "/v1/deadlines", token: visitor.token).json["items"] as? [[String: Any]] ?? []
            #expect(reportDue.count == 1)
            #expect(reportDue.first?["kind"] as? String == "report_due" && reportDue.first?["due_on"] as? String == "2027-04-04")
            // List routes filter by the due dates.
            let byReport = try await app.request("GET", "/v1/applications?report_due_by=2027-04-04", token: s.coordinator.token).items
            #expect(byReport.compactMap { $0["id"] as? Int }.contains(id))
            let before = try await app.request("GET", "/v1/applications?report_due_by=2027-04-03", token: s.coordinator.token).items
            #expect(!before.compactMap { $0["id"] as? Int }.contains(id))
            let sheets = try await app.request("GET", "/v1/assignments?due_by=\(today(plus: 10))", token: s.coordinator.token).items
            #expect(sheets.filter { $0["application_id"] as? Int == id }.count == 2)
            #expect(try await app.request("GET", "/v1/assignments?due_by=\(today(plus: 9))", token: s.coordinator.token).items.isEmpty)
            let staffDue = try await app.request("GET", "/v1/deadlines?until=2027-04-03", token: s.coordinator.token)
            #expect(
                (staffDue.json["items"] as? [[String: Any]] ?? []).allSatisfy { $0["application_id"] as? Int != id }, "until excludes it")

            // Read marks: unread first (newest first), then read; another user's answers 404.
            let list = try await notifications(app, visitor.token)
            let oldest = try #require(list.last?["id"] as? Int)
            let marked = try await app.request("POST", "/v1/notifications/\(oldest)/read", token: visitor.token)
            #expect(marked.status == 200 && marked.json["read_at"] is String, "\(marked.text)")
            let again = try await app.request("POST", "/v1/notifications/\(oldest)/read", token: visitor.token)
            #expect(again.json["read_at"] as? String == marked.json["read_at"] as? String, "the first read_at is kept")
            #expect(try await app.request("POST", "/v1/notifications/\(oldest)/read", token: host.token).status == 404)
            let reordered = try await notifications(app, visitor.token)
            #expect(reordered.last?["id"] as? Int == oldest && reordered.dropLast().allSatisfy { $0["read_at"] == nil })
            let unread = try await notifications(app, visitor.token, "?unread=true")
            #expect(unread.count == list.count - 1)
            let summary = try await app.request("GET", "/v1/notifications/summary", token: visitor.token)
            #expect(summary.json["unread"] as? Int == list.count - 1)
            // Pages of one follow the same order.
            var paged: [Int] = []
            var cursor: String? = nil
            repeat {
                let r = try await app.request(
                    "GET", "/v1/notifications?limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""), token: visitor.token)
                paged += r.items.compactMap { $0["id"] as? Int }
                cursor = r.json["next_cursor"] as? String
            } while cursor != nil && paged.count < 50
            #expect(paged == reordered.compactMap { $0["id"] as? Int })
            let all = try await app.request("POST", "/v1/notifications/read", token: visitor.token)
            #expect(all.json["marked"] as? Int == list.count - 1)
            #expect(try await notifications(app, visitor.token, "?unread=true").isEmpty)
        }
    }

    @Test func emailCanBeTurnedOffPerKindButTheAppKeepsIt() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let visitor = try await app.applicant(validatedBy: s.coordinator.token)
            let prefs = try await app.request("GET", "/v1/notification-preferences", token: visitor.token)
            #expect(prefs.json["email_off"] as? [String] == [])
            #expect((prefs.json["kinds"] as? [String])?.contains("eligibility_outcome") == true)
            let bad = try await app.request(
                "PUT", "/v1/notification-preferences", token: visitor.token, json: ["email_off": ["eligibility_outcome", "gossip"]])
            #expect(
                bad.status == 422 && (bad.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "email_off[1]", "\(bad.text)")
            let put = try await app.request(
                "PUT", "/v1/notification-preferences", token: visitor.token, json: ["email_off": ["eligibility_outcome"]])
            #expect(put.status == 200 && put.json["email_off"] as? [String] == ["eligibility_outcome"], "\(put.text)")

            let d = try await app.request(
                "POST", "/v1/applications", token: visitor.token,
                json: app.applicationBody(call: try await app.openCallID(), host: try await app.host("BIOTECYL / SIVI")))
            let id = try #require(d.json["id"] as? Int, "\(d.text)")
            try await app.hostAccepts(id, coordinator: s.coordinator.token)
            _ = try await app.request("POST", "/v1/applications/\(id)/submit", token: visitor.token)
            _ = try await app.request(
                "POST", "/v1/applications/\(id)/eligibility", token: s.coordinator.token,
                json: ["eligible": false, "reason": "no CtQ plan"])
            let items = try await notifications(app, visitor.token)
            let outcome = try #require(items.first { $0["kind"] as? String == "eligibility_outcome" })
            #expect(outcome["email"] as? String == "opted_out")
            #expect((outcome["subject"] as? String)?.hasPrefix("Your application is not eligible") == true)
            #expect((outcome["body"] as? String)?.contains("Reason: no CtQ plan") == true)
            #expect(items.first { $0["kind"] as? String == "host_answered" }?["email"] as? String == "pending")

            // The appeal window is on the applicant's list until it is used.
            let due = try await app.request("GET", "/v1/deadlines", token: visitor.token).json["items"] as? [[String: Any]] ?? []
            #expect(due.map { $0["kind"] as? String } == ["appeal_window_closes"])
            #expect(due.first?["due_on"] as? String == today(plus: 14))
            let appeal = try await app.request(
                "POST", "/v1/applications/\(id)/appeal", token: visitor.token, json: ["grounds": "The plan is in annex 2."])
            #expect(appeal.status == 201, "\(appeal.text)")
            #expect((try await app.request("GET", "/v1/deadlines", token: visitor.token).json["items"] as? [Any])?.isEmpty == true)
            #expect(kinds(try await notifications(app, s.coordinator.token)).first == "appeal_filed")
        }
    }
}
