import Foundation
import Testing

/// Issue 13: answers that name the next step and who takes it, over HTTP.
@Suite("Answers that name the next step")
struct NextStepAnswerTests {
    static func actions(_ value: Any?) -> [String] {
        (value as? [[String: Any]] ?? []).map {
            "\($0["action"] as? String ?? "?") \(($0["roles"] as? [String] ?? []).joined(separator: ","))"
        }
    }

    @Test func applicationsOfferTheCallersStepsAndNameEveryonesElse() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let (applicant, id) = try await s.eligibleApplication()
            let mine = try await app.request("GET", "/v1/applications/\(id)", token: applicant.token)
            #expect(mine.json["status"] as? String == "eligible")
            #expect(mine.json["allowed_actions"] as? [String] == ["withdraw"])
            #expect(Self.actions(mine.json["next_actions"]) == ["withdraw applicant", "start_evaluation coordinator"])
            let theirs = try await app.request("GET", "/v1/applications/\(id)", token: s.coordinator.token)
            #expect(theirs.json["allowed_actions"] as? [String] == ["start_evaluation"])
            let list = try await app.request("GET", "/v1/applications", token: applicant.token)
            #expect(list.items.first?["allowed_actions"] as? [String] == ["withdraw"])

            // The Commitment to Quality before approval: the steps to approval, with who takes each.
            let early = try await app.request(
                "POST", "/v1/applications/\(id)/documents?kind=commitment_to_quality&filename=ctq.pdf", token: applicant.token,
                body: Data("%PDF-1.4\n% early\n".utf8))
            #expect(early.status == 409)
            #expect(early.json["required_status"] as? String == "approved")
            #expect(
                Self.actions(early.json["steps_needed"]) == [
                    "start_evaluation coordinator", "complete_evaluation evaluator,coordinator", "approve coordinator",
                ])
        }
    }

    @Test func refusalsSayWhichStepsComeFirstAndWhoMayAct() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let (applicant, id) = try await s.evaluatedApplication()
            #expect(try await s.decide(id, "approved").status == 200)

            // A payment on an approved application: the three steps still missing, with their roles.
            let early = try await app.request(
                "POST", "/v1/payments", token: s.coordinator.token, json: ["application_id": id, "kind": "final"])
            #expect(early.status == 409)
            #expect(early.code == "invalid_transition")
            #expect(early.json["required_status"] as? String == "report_accepted")
            #expect(
                Self.actions(early.json["steps_needed"]) == [
                    "sign_agreement applicant,coordinator", "submit_report applicant", "accept_report coordinator",
                ])
            #expect(Self.actions(early.json["next_actions"]) == ["sign_agreement applicant,coordinator", "cancel coordinator"])
            let detail = try #require(early.json["detail"] as? String)
            #expect(detail.contains("sign_agreement (applicant, coordinator), then submit_report (applicant), then accept_report"))

            // A step out of order without a known target lists what is allowed now.
            let again = try await s.decide(id, "approved")
            #expect(again.code == "invalid_transition")
            #expect((again.json["detail"] as? String)?.contains("Allowed now: sign_agreement (applicant, coordinator); cancel") == true)

            // The coordinator may not upload the Commitment to Quality: the applicant does.
            let ctq = try await app.request(
                "POST", "/v1/applications/\(id)/documents?kind=commitment_to_quality&filename=ctq.pdf", token: s.coordinator.token,
                body: Data("%PDF-1.4\n% ctq\n".utf8))
            #expect(ctq.status == 403)
            #expect(ctq.json["allowed_roles"] as? [String] == ["applicant"])
            #expect((ctq.json["detail"] as? String)?.contains("the applicant does") == true, "\(ctq.text)")
            try await app.upload(id, "commitment_to_quality", token: applicant.token)

            // A role the route does not admit: the answer names the roles it does.
            let evaluator = try #require(s.evaluators.first)
            let submit = try await app.request("POST", "/v1/applications/\(id)/submit", token: evaluator.token)
            #expect(submit.status == 403)
            #expect(submit.json["allowed_roles"] as? [String] == ["applicant"])
            #expect(submit.json["detail"] as? String == "the evaluator role may not use this route; it is for: applicant")
        }
    }
}
