import Foundation
import Testing

/// DESIGN.md §2 rules that only show with non-default programme configuration or geography.
@Suite("Programme rules (end to end)")
struct ProgrammeRulesTests {
    @Test func shortDistanceHalvesTheLumpSum() async throws {
        try await TestApp.with { app in
            let a = try await app.applicant()
            // A Romanian SME whose participant travels from Pernik to Sofia: about 27 km.
            var body = app.applicationBody(
                call: try await app.openCallID(), host: try await app.host("Health and Life Sciences Cluster Bulgaria"),
                origin: ("Pernik", "BG", 42.6052, 23.0378))
            let near = try await app.request("POST", "/v1/applications", token: a.token, json: body)
            #expect(near.status == 201, "\(near.text)")
            #expect((near.json["distance_km"] as? Double ?? 999) < 200)
            #expect(near.json["lump_sum_cents"] as? Int == 35_000)  // BG EUR 700, halved
            body["origin"] = ["city": "Cluj-Napoca", "country": "RO", "latitude": 46.7712, "longitude": 23.6236]
            let far = try await app.request("POST", "/v1/applications", token: a.token, json: body)
            #expect(far.json["lump_sum_cents"] as? Int == 70_000)
        }
    }

    @Test func prefinancingThenFinalNeverPaysMoreThanTheGrant() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let second = try await app.staff("coordinator")
            let pid = try await app.programmeID()
            #expect(
                try await app.request(
                    "PATCH", "/v1/programmes/\(pid)", token: s.coordinator.token,
                    json: ["rules": ["prefinancing_percent": 33]]
                ).status == 200)
            let (applicant, id) = try await s.evaluatedApplication()
            #expect(try await s.decide(id, "approved").status == 200)

            func pay(_ kind: String) async throws -> TestResponse {
                let p = try await app.request(
                    "POST", "/v1/payments", token: s.coordinator.token, json: ["application_id": id, "kind": kind])
                try #require(p.status == 201, "\(p.text)")
                let pid = try #require(p.json["id"] as? Int)
                #expect(try await app.request("POST", "/v1/payments/\(pid)/approve", token: second.token).status == 200)
                return try await app.request(
                    "POST", "/v1/payments/\(pid)/execute", token: s.coordinator.token,
                    json: ["bank_reference": "BT-\(kind)", "value_date": "2027-02-20"])
            }
            // 33 % of EUR 780, rounded down to the cent.
            let pre = try await pay("prefinancing")
            #expect(pre.json["amount_cents"] as? Int == 25_740)
            #expect(pre.json["status"] as? String == "paid")
            // A second pre-financing is refused.
            let again = try await app.request(
                "POST", "/v1/payments", token: s.coordinator.token, json: ["application_id": id, "kind": "prefinancing"])
            #expect(again.status == 409)

            for kind in ["commitment_to_quality", "invoice", "host_confirmation"] {
                _ = try await app.request(
                    "POST", "/v1/applications/\(id)/documents?kind=\(kind)&filename=\(kind).pdf",
                    token: applicant.token, body: Data("%PDF-1.4".utf8))
            }
            #expect(try await app.signAgreement(id, applicant: applicant.token, coordinator: s.coordinator.token).status == 201)
            #expect(
                try await app.request(
                    "POST", "/v1/applications/\(id)/report", token: applicant.token,
                    json: ["actual_start": "2027-03-01", "actual_end": "2027-03-04", "summary": "four days"]
                ).status == 200)
            let accepted = try await app.request(
                "POST", "/v1/applications/\(id)/report/review", token: s.coordinator.token, json: ["accepted": true])
            #expect(accepted.json["final_amount_cents"] as? Int == 39_000)
            // Final = final amount minus what was paid ahead.
            let final = try await pay("final")
            #expect(final.json["amount_cents"] as? Int == 39_000 - 25_740)
            let budget = try await s.budget()
            #expect(budget["paid_cents"] as? Int == 39_000)
            #expect(budget["committed_cents"] as? Int == 39_000)
            #expect(budget["reconciled"] as? Bool == true)
        }
    }

    @Test func supportToOneThirdPartyIsCapped() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let pid = try await app.programmeID()
            // Two funded exchanges allowed per visitor, but at most EUR 1,000 of support per third party.
            #expect(
                try await app.request(
                    "PATCH", "/v1/programmes/\(pid)", token: s.coordinator.token,
                    json: ["rules": ["max_funded_exchanges_per_visitor": 2, "per_third_party_cap_cents": 100_000]]
                ).status == 200)
            let applicant = try await app.applicant(validatedBy: s.coordinator.token)
            var ids: [Int] = []
            for host in ["BIOTECYL / SIVI", "Basque Health Cluster"] {
                let d = try await app.request(
                    "POST", "/v1/applications", token: applicant.token,
                    json: app.applicationBody(call: try await app.openCallID(), host: try await app.host(host)))
                let id = try #require(d.json["id"] as? Int)
                try await app.hostAccepts(id, coordinator: s.coordinator.token)
                #expect(try await app.request("POST", "/v1/applications/\(id)/submit", token: applicant.token).status == 200)
                #expect(
                    try await app.request(
                        "POST", "/v1/applications/\(id)/eligibility", token: s.coordinator.token, json: ["eligible": true]
                    ).status == 200)
                let sheet: [String: Double] = ["relevance": 4, "quality": 4, "impact": 4]
                _ = try await s.evaluate(id, scores: [sheet, sheet])
                ids.append(id)
            }
            #expect(try await s.decide(ids[0], "approved").status == 200)
            let second = try await s.decide(ids[1], "approved")
            #expect(second.status == 409)
            #expect(second.code == "organisation_limit")
            #expect(try await s.budget()["committed_cents"] as? Int == 78_000)

            // Raising the per-third-party cap lets the configured second exchange through.
            #expect(
                try await app.request(
                    "PATCH", "/v1/programmes/\(pid)", token: s.coordinator.token,
                    json: ["rules": ["per_third_party_cap_cents": 6_000_000]]
                ).status == 200)
            #expect(try await s.decide(ids[1], "approved").status == 200)
            #expect(try await s.budget()["committed_cents"] as? Int == 2 * 78_000)
        }
    }

    /// The known bug of issue 9: with two funded exchanges allowed per visitor, the ranking put
    /// an organisation's second application on reserve although a direct decision approves it.
    /// One rule (Evaluation/FundingRule.swift) now decides both.
    @Test func rankingHonoursTwoFundedExchangesPerVisitor() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let pid = try await app.programmeID()
            let call = try await app.openCallID()
            #expect(
                try await app.request(
                    "PATCH", "/v1/programmes/\(pid)", token: s.coordinator.token,
                    json: ["rules": ["max_funded_exchanges_per_visitor": 2]]
                ).status == 200)
            let applicant = try await app.applicant(validatedBy: s.coordinator.token)
            var ids: [Int] = []
            for host in ["BIOTECYL / SIVI", "Basque Health Cluster", "FHTech / MEDVIA"] {
                let d = try await app.request(
                    "POST", "/v1/applications", token: applicant.token,
                    json: app.applicationBody(call: call, host: try await app.host(host)))
                let id = try #require(d.json["id"] as? Int, "\(d.text)")
                try await app.hostAccepts(id, coordinator: s.coordinator.token)
                #expect(try await app.request("POST", "/v1/applications/\(id)/submit", token: applicant.token).status == 200)
                #expect(
                    try await app.request(
                        "POST", "/v1/applications/\(id)/eligibility", token: s.coordinator.token,
                        json: ["eligible": true]
                    ).status == 200)
                let sheet: [String: Double] = ["relevance": 4, "quality": 4, "impact": 4]
                _ = try await s.evaluate(id, scores: [sheet, sheet])
                ids.append(id)
            }
            #expect(try await s.decide(ids[0], "approved").status == 200)

            let ranking = try await app.request("GET", "/v1/calls/\(call)/ranking", token: s.coordinator.token)
            let items = ranking.json["items"] as? [[String: Any]] ?? []
            let proposed = Dictionary(
                uniqueKeysWithValues: items.compactMap { item -> (Int, String)? in
                    guard let id = item["application_id"] as? Int, let decision = item["proposed_decision"] as? String else { return nil }
                    return (id, decision)
                })
            // The second exchange fits the setting; the third does not.
            #expect(proposed[ids[1]] == "approved", "\(ranking.text)")
            #expect(proposed[ids[2]] == "reserve", "\(ranking.text)")

            let apply = try await app.request("POST", "/v1/calls/\(call)/ranking/apply", token: s.coordinator.token)
            #expect(apply.status == 200, "\(apply.text)")
            let applied = apply.json["applied"] as? [[String: Any]] ?? []
            let status = Dictionary(
                uniqueKeysWithValues: applied.compactMap { a -> (Int, String)? in
                    guard let id = a["application_id"] as? Int, let st = a["status"] as? String else { return nil }
                    return (id, st)
                })
            #expect(status[ids[1]] == "approved")
            #expect(status[ids[2]] == "reserve")
            // A direct decision agrees with the ranking: the third is refused for the organisation
            // limit, which comes before the budget (the cap now equals what is committed, so both fail).
            #expect(
                try await app.request(
                    "PATCH", "/v1/programmes/\(pid)", token: s.coordinator.token,
                    json: ["cap_cents": 2 * 78_000]
                ).status == 200)
            let third = try await s.decide(ids[2], "approved")
            #expect(third.status == 409)
            #expect(third.code == "organisation_limit")
        }
    }
}
