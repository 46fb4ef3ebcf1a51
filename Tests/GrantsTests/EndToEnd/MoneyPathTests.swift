import Foundation
import Testing

/// The whole money path over HTTP with budget and ledger figures at each step (DESIGN.md §3).
@Suite("Money path (end to end)")
struct MoneyPathTests {
    func pdf(_ tag: String) -> Data { Data("%PDF-1.4\n% \(tag)\n".utf8) }

    @Test func approveSignReportReviewPay() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let second = try await app.staff("coordinator")
            let auditor = try await app.staff("auditor")
            // León (ES, EUR 780), Monday..Friday: the full lump sum.
            let (applicant, id) = try await s.evaluatedApplication()

            var budget = try await s.budget()
            #expect(budget["committed_cents"] as? Int == 0)

            let approved = try await s.decide(id, "approved")
            #expect(approved.status == 200, "\(approved.text)")
            #expect(approved.json["status"] as? String == "approved")
            #expect(approved.json["granted_cents"] as? Int == 78_000)
            budget = try await s.budget()
            #expect(budget["committed_cents"] as? Int == 78_000)
            #expect(budget["available_cents"] as? Int == 8_000_000 - 78_000)
            #expect(budget["outstanding_cents"] as? Int == 78_000)

            // Approving twice is an invalid transition, not a second commitment.
            #expect(try await s.decide(id, "approved").code == "invalid_transition")

            // Signing needs the Commitment to Quality.
            let noDoc = try await app.request(
                "POST", "/v1/applications/\(id)/signatures", token: s.coordinator.token, json: ["party": "visitor_partnership"])
            #expect(noDoc.code == "commitment_to_quality_missing", "\(noDoc.text)")
            func upload(_ kind: String) async throws {
                let r = try await app.request(
                    "POST", "/v1/applications/\(id)/documents?kind=\(kind)&filename=\(kind).pdf", token: applicant.token, body: pdf(kind))
                try #require(r.status == 201, "\(r.text)")
            }
            let signed = try await app.signAgreement(id, applicant: applicant.token, coordinator: s.coordinator.token)
            #expect(signed.json["status"] as? String == "agreement_signed", "\(signed.text)")

            // The report needs travel proof and the host's confirmation.
            let report = ["actual_start": "2027-03-01", "actual_end": "2027-03-04", "summary": "Four days on the pipeline."]
            let missing = try await app.request("POST", "/v1/applications/\(id)/report", token: applicant.token, json: report)
            #expect(missing.status == 422)
            #expect(
                Set((missing.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }) == [
                    "travel_proof_missing", "host_confirmation_missing",
                ])
            try await upload("boarding_pass")
            try await upload("host_confirmation")
            let submitted = try await app.request("POST", "/v1/applications/\(id)/report", token: applicant.token, json: report)
            #expect(submitted.json["status"] as? String == "report_submitted", "\(submitted.text)")

            // Returned once, resubmitted, then accepted: 4 working days halves the amount.
            let returned = try await app.request(
                "POST", "/v1/applications/\(id)/report/review", token: s.coordinator.token,
                json: ["accepted": false, "reason": "host confirmation unsigned"])
            #expect(returned.json["status"] as? String == "agreement_signed")
            #expect(try await app.request("POST", "/v1/applications/\(id)/report", token: applicant.token, json: report).status == 200)
            let accepted = try await app.request(
                "POST", "/v1/applications/\(id)/report/review", token: s.coordinator.token, json: ["accepted": true])
            #expect(accepted.json["status"] as? String == "report_accepted", "\(accepted.text)")
            #expect(accepted.json["final_amount_cents"] as? Int == 39_000)
            #expect((accepted.json["payment_due_on"] as? String)?.count == 10)
            budget = try await s.budget()
            #expect(budget["committed_cents"] as? Int == 39_000)
            #expect(budget["available_cents"] as? Int == 8_000_000 - 39_000)

            // Payment: requested, four eyes, executed.
            let requested = try await app.request(
                "POST", "/v1/payments", token: s.coordinator.token, json: ["application_id": id, "kind": "final"])
            #expect(requested.status == 201, "\(requested.text)")
            #expect(requested.json["amount_cents"] as? Int == 39_000)
            #expect(requested.json["status"] as? String == "requested")
            let pid = try #require(requested.json["id"] as? Int)
            let selfApproval = try await app.request("POST", "/v1/payments/\(pid)/approve", token: s.coordinator.token)
            #expect(selfApproval.status == 403)
            #expect(selfApproval.code == "four_eyes")
            let tooEarly = try await app.request(
                "POST", "/v1/payments/\(pid)/execute", token: s.coordinator.token,
                json: ["bank_reference": "X", "value_date": "2027-03-20"])
            #expect(tooEarly.status == 409)
            let approvedPayment = try await app.request("POST", "/v1/payments/\(pid)/approve", token: second.token)
            #expect(approvedPayment.json["status"] as? String == "approved")
            #expect(approvedPayment.json["approved_by"] as? Int == Int(second.id))
            let failed = try await app.request(
                "POST", "/v1/payments/\(pid)/fail", token: s.coordinator.token, json: ["reason": "IBAN closed"])
            #expect(failed.json["status"] as? String == "approved")
            #expect(try await s.budget()["paid_cents"] as? Int == 0)
            let paid = try await app.request(
                "POST", "/v1/payments/\(pid)/execute", token: s.coordinator.token,
                json: ["bank_reference": "BT-2027-0001", "value_date": "2027-03-20"])
            #expect(paid.json["status"] as? String == "paid", "\(paid.text)")
            #expect(paid.json["bank_reference"] as? String == "BT-2027-0001")
            budget = try await s.budget()
            #expect(budget["paid_cents"] as? Int == 39_000)
            #expect(budget["outstanding_cents"] as? Int == 0)
            #expect(budget["reconciled"] as? Bool == true)
            #expect(try await app.request("GET", "/v1/applications/\(id)", token: applicant.token).json["status"] as? String == "paid")
            let closed = try await app.request("POST", "/v1/applications/\(id)/close", token: s.coordinator.token)
            #expect(closed.json["status"] as? String == "closed")

            // The applicant sees its payment; the ledger reconciles with the budget, in JSON and CSV.
            #expect(try await app.request("GET", "/v1/payments", token: applicant.token).items.count == 1)
            let ledger = try await app.request("GET", "/v1/ledger?application_id=\(id)", token: auditor.token)
            #expect(ledger.items.map { $0["kind"] as? String } == ["commitment", "release", "payment"])
            #expect(ledger.items.map { $0["amount_cents"] as? Int } == [78_000, 39_000, 39_000])
            let csv = try await app.request("GET", "/v1/ledger?application_id=\(id)", token: auditor.token, headers: ["Accept": "text/csv"])
            #expect(csv.header("Content-Type")?.hasPrefix("text/csv") == true)
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.count == 4)
            #expect(lines[1].contains(",commitment,780.00,"))
            #expect(lines[2].contains(",release,390.00,"))
        }
    }

    @Test func cancellationReleasesAndReserveIsPromotable() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let pid = try await app.programmeID()
            let call = try await app.openCallID()
            // A cap that fits exactly one exchange.
            let patched = try await app.request("PATCH", "/v1/programmes/\(pid)", token: s.coordinator.token, json: ["cap_cents": 100_000])
            #expect(patched.status == 200, "\(patched.text)")
            let first = try await s.evaluatedApplication(score: 5)
            let second = try await s.evaluatedApplication(score: 4)
            let apply = try await app.request("POST", "/v1/calls/\(call)/ranking/apply", token: s.coordinator.token)
            #expect(apply.status == 200, "\(apply.text)")
            let applied = apply.json["applied"] as? [[String: Any]] ?? []
            #expect(applied.map { $0["status"] as? String } == ["approved", "reserve"])
            #expect(applied.map { $0["application_id"] as? Int } == [first.id, second.id])

            // Over the cap: a clean 409 with the figures.
            let over = try await s.decide(second.id, "approved")
            #expect(over.status == 409)
            #expect(over.code == "budget_exceeded")
            #expect(over.json["available_cents"] as? Int == 100_000 - 78_000)
            // Lowering the cap under what is committed is refused.
            let low = try await app.request("PATCH", "/v1/programmes/\(pid)", token: s.coordinator.token, json: ["cap_cents": 50_000])
            #expect(low.status == 409)

            let cancelled = try await app.request(
                "POST", "/v1/applications/\(first.id)/cancel", token: s.coordinator.token, json: ["reason": "visitor withdrew"])
            #expect(cancelled.json["status"] as? String == "cancelled")
            #expect(try await s.budget()["committed_cents"] as? Int == 0)
            let ranking = try await app.request("GET", "/v1/calls/\(call)/ranking", token: s.coordinator.token)
            #expect(ranking.json["promotable"] as? [Int] == [second.id])
            #expect(try await s.decide(second.id, "approved").status == 200)
            #expect(try await s.budget()["committed_cents"] as? Int == 78_000)
        }
    }

    @Test func idempotentDecisions() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let (_, id) = try await s.evaluatedApplication()
            let first = try await s.decide(id, "approved", key: "decide-\(id)")
            #expect(first.status == 200)
            let replay = try await s.decide(id, "approved", key: "decide-\(id)")
            #expect(replay.status == 200)
            #expect(replay.header("Idempotent-Replayed") == "true")
            #expect(replay.json["granted_cents"] as? Int == first.json["granted_cents"] as? Int)
            #expect(replay.json["version"] as? Int == first.json["version"] as? Int)
            let other = try await s.decide(id, "reserve", key: "decide-\(id)")
            #expect(other.status == 422)
            #expect(other.code == "idempotency_key_reused")
            #expect(try await s.budget()["committed_cents"] as? Int == 78_000)

            // Concurrent replays of a fresh key: one effect.
            let (_, id2) = try await s.evaluatedApplication()
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<8 { group.addTask { try await s.decide(id2, "approved", key: "race-\(id2)") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == 200 }, "\(answers.map(\.status))")
            #expect(answers.filter { $0.header("Idempotent-Replayed") == nil }.count == 1)
            #expect(try await s.budget()["committed_cents"] as? Int == 2 * 78_000)
            let ledger = try await app.request("GET", "/v1/ledger?application_id=\(id2)", token: s.coordinator.token)
            #expect(ledger.items.count == 1)
        }
    }
}
