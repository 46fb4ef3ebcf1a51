import Foundation
import Testing

/// DESIGN.md §5 over HTTP: declarations gate access, a conflict voids an assignment,
/// divergence forces consensus, and the ranking orders and proposes as the rules say.
@Suite("Evaluation workflow (end to end)")
struct EvaluationWorkflowTests {
    @Test func conflictDivergenceConsensus() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app, evaluators: 3)
            let (_, id) = try await s.eligibleApplication()

            // First evaluator: before declaring, only the minimum is visible.
            let asg1 = try await app.request(
                "POST", "/v1/applications/\(id)/assignments", token: s.coordinator.token, json: ["evaluator_id": s.evaluators[0].id])
            #expect(asg1.status == 201)
            let a1 = try #require(asg1.json["id"] as? Int)
            let mine = try await app.request("GET", "/v1/assignments", token: s.evaluators[0].token)
            let item = try #require(mine.items.first)
            #expect(item["application_id"] as? Int == id)
            #expect((item["visitor_organisation_name"] as? String)?.isEmpty == false)
            #expect(item["objectives"] == nil)
            let gated = try await app.request("GET", "/v1/applications/\(id)", token: s.evaluators[0].token)
            #expect(gated.status == 403)
            #expect(gated.code == "conflict_of_interest")
            let early = try await app.request(
                "PUT", "/v1/assignments/\(a1)/scores", token: s.evaluators[0].token,
                json: ["scores": ["relevance": 4, "quality": 4, "impact": 4]])
            #expect(early.code == "conflict_of_interest")

            // The application moved to in_evaluation with its first assignment.
            #expect(
                try await app.request("GET", "/v1/applications/\(id)", token: s.coordinator.token).json["status"] as? String
                    == "in_evaluation")

            // The first evaluator declares a conflict: the assignment is void and the application stays hidden.
            let conflict = try await app.request(
                "POST", "/v1/assignments/\(a1)/declaration", token: s.evaluators[0].token,
                json: ["conflict_of_interest": true, "details": "former employer of the participant"])
            #expect(conflict.json["status"] as? String == "void")
            #expect(try await app.request("GET", "/v1/applications/\(id)", token: s.evaluators[0].token).status == 404)

            // Two replacement evaluators who diverge by 2 points on impact.
            func assign(_ i: Int) async throws -> Int {
                let r = try await app.request(
                    "POST", "/v1/applications/\(id)/assignments", token: s.coordinator.token, json: ["evaluator_id": s.evaluators[i].id])
                try #require(r.status == 201, "\(r.text)")
                let aid = try #require(r.json["id"] as? Int)
                _ = try await app.request(
                    "POST", "/v1/assignments/\(aid)/declaration", token: s.evaluators[i].token, json: ["conflict_of_interest": false])
                return aid
            }
            let a2 = try await assign(1)
            let a3 = try await assign(2)
            #expect(try await app.request("GET", "/v1/applications/\(id)", token: s.evaluators[1].token).status == 200)
            // Off-scale and missing criteria are all reported at once.
            let bad = try await app.request(
                "PUT", "/v1/assignments/\(a2)/scores", token: s.evaluators[1].token,
                json: ["scores": ["relevance": 4.25, "quality": 7]])
            #expect(bad.status == 422)
            #expect(
                Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == [
                    "scores.relevance", "scores.quality", "scores.impact",
                ])
            _ = try await app.request(
                "PUT", "/v1/assignments/\(a2)/scores", token: s.evaluators[1].token,
                json: ["scores": ["relevance": 4, "quality": 3.5, "impact": 4.5], "comments": ["impact": "strong follow-up"]])
            let diverged = try await app.request(
                "PUT", "/v1/assignments/\(a3)/scores", token: s.evaluators[2].token,
                json: ["scores": ["relevance": 4.5, "quality": 3.5, "impact": 2.5]])
            #expect(diverged.json["status"] as? String == "in_evaluation")
            // The evaluator sees their own sheet only: nothing of the colleague they diverge from.
            let ownSheets = diverged.json["sheets"] as? [[String: Any]] ?? []
            #expect(ownSheets.map { $0["assignment_id"] as? Int } == [a3])
            #expect((diverged.json["assignments"] as? [[String: Any]] ?? []).map { $0["id"] as? Int } == [a3])
            #expect(diverged.json["aggregate"] is NSNull)
            #expect(diverged.json["divergence"] as? [String] == [])
            // Each comes back to their own sheet; another's assignment is not found.
            let own = try await app.request("GET", "/v1/assignments/\(a2)", token: s.evaluators[1].token)
            #expect(own.status == 200)
            #expect((own.json["assignment"] as? [String: Any])?["status"] as? String == "submitted")
            #expect(((own.json["sheet"] as? [String: Any])?["scores"] as? [String: Any])?["quality"] as? Double == 3.5)
            #expect(((own.json["sheet"] as? [String: Any])?["comments"] as? [String: Any])?["impact"] as? String == "strong follow-up")
            #expect(try await app.request("GET", "/v1/assignments/\(a2)", token: s.evaluators[2].token).status == 404)
            #expect(try await app.request("GET", "/v1/assignments/\(a2)", token: s.coordinator.token).status == 200)
            let coordinatorView = try await app.request("GET", "/v1/applications/\(id)/evaluation", token: s.coordinator.token)
            #expect(coordinatorView.json["divergence"] as? [String] == ["impact"])
            #expect(coordinatorView.json["needs_consensus"] as? Bool == true)

            // Not rankable until consensus.
            let call = try await app.openCallID()
            let before = try await app.request("GET", "/v1/calls/\(call)/ranking", token: s.coordinator.token)
            #expect((before.json["items"] as? [[String: Any]] ?? []).contains { $0["application_id"] as? Int == id } == false)

            let view = try await app.request("GET", "/v1/applications/\(id)/evaluation", token: s.coordinator.token)
            #expect((view.json["sheets"] as? [[String: Any]])?.count == 2)
            let voided = (view.json["assignments"] as? [[String: Any]] ?? []).first { $0["status"] as? String == "void" }
            #expect(voided?["conflict_details"] as? String == "former employer of the participant")

            let consensus = try await app.request(
                "POST", "/v1/applications/\(id)/consensus", token: s.coordinator.token,
                json: ["scores": ["relevance": 4.5, "quality": 3.5, "impact": 3.5], "justification": "panel call on 2026-11-20"])
            #expect(consensus.status == 200, "\(consensus.text)")
            #expect(consensus.json["status"] as? String == "evaluated")
            let aggregate = try #require(consensus.json["aggregate"] as? [String: Any])
            #expect(aggregate["source"] as? String == "consensus")
            // 0.4*4.5 + 0.3*3.5 + 0.3*3.5 = 3.9
            #expect(abs((aggregate["weighted"] as? Double ?? 0) - 3.9) < 1e-9)
        }
    }

    @Test func rankingOrderAndProposal() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let call = try await app.openCallID()
            // Same scores: the SME outranks the cluster. A failing one is proposed rejected.
            let cluster = try await s.evaluatedApplication(kind: "cluster", score: 4)
            let sme = try await s.evaluatedApplication(kind: "sme", score: 4)
            let best = try await s.evaluatedApplication(kind: "research", score: 5)
            let weak = try await s.eligibleApplication()
            let r = try await s.evaluate(
                weak.id, scores: [["relevance": 2.5, "quality": 4, "impact": 4], ["relevance": 2.5, "quality": 4, "impact": 4]])
            #expect(r.json["status"] as? String == "evaluated")

            let ranking = try await app.request("GET", "/v1/calls/\(call)/ranking", token: s.coordinator.token)
            #expect(ranking.status == 200, "\(ranking.text)")
            let items = ranking.json["items"] as? [[String: Any]] ?? []
            #expect(items.map { $0["application_id"] as? Int } == [best.id, sme.id, cluster.id, weak.id])
            #expect(items.map { $0["rank"] as? Int } == [1, 2, 3, 4])
            #expect(items.map { $0["proposed_decision"] as? String } == ["approved", "approved", "approved", "rejected"])
            #expect(items.last?["reason"] as? String == "below_minimum:relevance")
            #expect(items[1]["sme"] as? Bool == true)

            // Auditors read the ranking; applicants cannot.
            let auditor = try await app.staff("auditor")
            #expect(try await app.request("GET", "/v1/calls/\(call)/ranking", token: auditor.token).status == 200)
            #expect(try await app.request("GET", "/v1/calls/\(call)/ranking", token: sme.applicant.token).status == 403)
        }
    }
}
