import Foundation
import Testing

/// The applicant's whole path over HTTP: register, validation, draft with computed figures,
/// submit, withdraw — and every DESIGN.md §2 rule refused on its own and all at once.
@Suite("Applicant path (end to end)")
struct ApplicantPathTests {
    static let app = Task { try await TestApp.start() }

    @Test func registerValidateDraftSubmitWithdraw() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        let applicant = try await app.applicant()

        // Registered organisations wait for validation.
        let me = try await app.request("GET", "/v1/me", token: applicant.token)
        #expect(me.status == 200)
        let org = try #require(me.json["organisation"] as? [String: Any])
        #expect(org["status"] as? String == "pending_validation")
        #expect(me.json["role"] as? String == "applicant")
        #expect(me.json["password_hash"] == nil && me.json["password"] == nil)

        let call = try await app.openCallID()
        let host = try await app.host("BIOTECYL / SIVI")  // León, ES: EUR 780 illustrative
        let draft = try await app.request(
            "POST", "/v1/applications", token: applicant.token,
            json: app.applicationBody(call: call, host: host))
        #expect(draft.status == 201, "\(draft.text)")
        #expect(draft.json["status"] as? String == "draft")
        #expect(draft.json["working_days"] as? Int == 5)
        #expect(draft.json["lump_sum_cents"] as? Int == 78_000)
        let km = try #require(draft.json["distance_km"] as? Double)
        #expect(km > 2200 && km < 2500)  // Cluj-Napoca to León
        let id = try #require(draft.json["id"] as? Int)
        #expect(draft.header("ETag") != nil)
        #expect(draft.header("Location") == "/v1/applications/\(id)")

        // The host (a seeded cluster without users) accepts through a coordinator.
        try await app.hostAccepts(id, coordinator: coordinator.token)
        // Not validated yet: submission lists the rule.
        let early = try await app.request("POST", "/v1/applications/\(id)/submit", token: applicant.token)
        #expect(early.status == 422)
        #expect(early.code == "validation_failed")
        #expect((early.json["errors"] as? [[String: Any]])?.contains { $0["field"] as? String == "organisation_id" } == true)

        let v = try await app.request(
            "POST", "/v1/organisations/\(applicant.organisationID)/validation", token: coordinator.token,
            json: ["decision": "validated", "reason": "VAT and statutes checked"])
        #expect(v.status == 200)

        // A shorter stay is recomputed on PATCH: 4 working days halves the lump sum.
        // (the host's answer changed the application: its ETag moved on)
        let etag = try #require(try await app.request("GET", "/v1/applications/\(id)", token: applicant.token).header("ETag"))
        #expect(etag != draft.header("ETag"))
        let patched = try await app.request(
            "PATCH", "/v1/applications/\(id)", token: applicant.token,
            json: ["activity_end": "2027-03-04"], headers: ["If-Match": etag])
        #expect(patched.status == 200, "\(patched.text)")
        #expect(patched.json["working_days"] as? Int == 4)
        #expect(patched.json["lump_sum_cents"] as? Int == 39_000)
        // The host accepted other dates: it is asked again.
        #expect((patched.json["host_acceptance"] as? [String: Any])?["status"] as? String == "pending")
        // The old ETag is now stale.
        let stale = try await app.request(
            "PATCH", "/v1/applications/\(id)", token: applicant.token,
            json: ["activity_end": "2027-03-05"], headers: ["If-Match": etag])
        #expect(stale.status == 412)
        #expect(stale.code == "precondition_failed")

        try await app.hostAccepts(id, coordinator: coordinator.token)
        let submitted = try await app.request("POST", "/v1/applications/\(id)/submit", token: applicant.token)
        #expect(submitted.status == 200, "\(submitted.text)")
        #expect(submitted.json["status"] as? String == "submitted")
        #expect(submitted.json["submitted_at"] as? String != nil)

        // Submitted applications can no longer be edited or deleted.
        let edit = try await app.request("PATCH", "/v1/applications/\(id)", token: applicant.token, json: ["objectives": "x"])
        #expect(edit.status == 409)
        #expect(edit.code == "invalid_transition")
        let del = try await app.request("DELETE", "/v1/applications/\(id)", token: applicant.token)
        #expect(del.status == 409)

        let eligible = try await app.request(
            "POST", "/v1/applications/\(id)/eligibility", token: coordinator.token,
            json: ["eligible": true, "reason": "complete"])
        #expect(eligible.json["status"] as? String == "eligible")

        let withdrawn = try await app.request(
            "POST", "/v1/applications/\(id)/withdraw", token: applicant.token,
            json: ["reason": "the participant left the company"])
        #expect(withdrawn.status == 200)
        #expect(withdrawn.json["status"] as? String == "withdrawn")
        let again = try await app.request("POST", "/v1/applications/\(id)/withdraw", token: applicant.token)
        #expect(again.status == 409)
        #expect(again.code == "invalid_transition")

        // The applicant's list holds its application with the filters applied.
        let list = try await app.request("GET", "/v1/applications?status=withdrawn", token: applicant.token)
        #expect(list.items.map { $0["id"] as? Int } == [id])
        #expect(list.json.keys.contains("next_cursor"))
    }

    @Test func draftCanBeDeleted() async throws {
        let app = try await Self.app.value
        let applicant = try await app.applicant()
        let d = try await app.request(
            "POST", "/v1/applications", token: applicant.token,
            json: app.applicationBody(call: try await app.openCallID(), host: try await app.host("IMAGO-MOL")))
        let id = try #require(d.json["id"] as? Int)
        #expect(try await app.request("DELETE", "/v1/applications/\(id)", token: applicant.token).status == 204)
        #expect(try await app.request("GET", "/v1/applications/\(id)", token: applicant.token).status == 404)
    }

    @Test func everyRuleAtOnce() async throws {
        let app = try await Self.app.value
        let applicant = try await app.applicant()  // not validated
        let call = try await app.openCallID()
        let host = try await app.host("IMAGO-MOL")  // same country (RO)
        // Two working days (Mon..Tue), starting in the past.
        let d = try await app.request(
            "POST", "/v1/applications", token: applicant.token,
            json: app.applicationBody(call: call, host: host, start: "2025-03-03", end: "2025-03-04"))
        #expect(d.status == 201)
        let id = try #require(d.json["id"] as? Int)
        let r = try await app.request("POST", "/v1/applications/\(id)/submit", token: applicant.token)
        #expect(r.status == 422)
        let rules = Set((r.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String })
        #expect(rules.isSuperset(of: ["organisation_not_validated", "same_country", "too_short", "start_not_in_future"]), "\(r.text)")
    }

    @Test func eachRuleOnItsOwn() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        let call = try await app.openCallID()
        let pt = try await app.host("BIOTECYL / SIVI")

        func submit(_ body: [String: Any], _ applicant: TestApp.Applicant) async throws -> Set<String> {
            let d = try await app.request("POST", "/v1/applications", token: applicant.token, json: body)
            try #require(d.status == 201, "\(d.text)")
            try await app.hostAccepts(d.json["id"] as! Int, coordinator: coordinator.token)
            let r = try await app.request("POST", "/v1/applications/\(d.json["id"] as! Int)/submit", token: applicant.token)
            return Set((r.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String })
        }
        let a = try await app.applicant(validatedBy: coordinator.token)
        #expect(try await submit(app.applicationBody(call: call, host: pt, start: "2027-03-01", end: "2027-03-02"), a) == ["too_short"])
        #expect(try await submit(app.applicationBody(call: call, host: pt, start: "2027-03-01", end: "2027-04-02"), a) == ["too_long"])
        #expect(
            try await submit(app.applicationBody(call: call, host: pt, start: "2020-03-02", end: "2020-03-06"), a) == [
                "start_not_in_future"
            ])
        #expect(try await submit(app.applicationBody(call: call, host: try await app.host("IMAGO-MOL")), a) == ["same_country"])

        // A call that has closed refuses submissions.
        let closed = try await app.request(
            "POST", "/v1/programmes/\(try await app.programmeID())/calls", token: coordinator.token,
            json: ["title": "Closed call", "opens_at": "2023-01-01T00:00:00Z", "closes_at": "2023-06-30T00:00:00Z"])
        #expect(closed.status == 201, "\(closed.text)")
        #expect(try await submit(app.applicationBody(call: Int64(closed.json["id"] as! Int), host: pt), a) == ["call_closed"])
    }

    @Test func organisationWithAFundedExchangeCannotSubmitAnother() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        let a = try await app.applicant(validatedBy: coordinator.token)
        let call = try await app.openCallID()
        let body = app.applicationBody(call: call, host: try await app.host("BIOTECYL / SIVI"))
        let first = try await app.request("POST", "/v1/applications", token: a.token, json: body)
        let firstID = try #require(first.json["id"] as? Int)
        // Decisions arrive with the disbursement issue; mark it funded directly for this rule.
        _ = try await app.sql("UPDATE applications SET status = 'approved', granted_cents = lump_sum_cents WHERE id = \(Int64(firstID))")
        let second = try await app.request("POST", "/v1/applications", token: a.token, json: body)
        try await app.hostAccepts(second.json["id"] as! Int, coordinator: coordinator.token)
        let r = try await app.request("POST", "/v1/applications/\(second.json["id"] as! Int)/submit", token: a.token)
        #expect(r.status == 422)
        #expect((r.json["errors"] as? [[String: Any]])?.compactMap { $0["rule"] as? String } == ["organisation_limit"])
    }

    @Test func ineligibleNeedsAReason() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        let a = try await app.applicant(validatedBy: coordinator.token)
        let d = try await app.request(
            "POST", "/v1/applications", token: a.token,
            json: app.applicationBody(call: try await app.openCallID(), host: try await app.host("Basque Health Cluster")))
        let id = try #require(d.json["id"] as? Int)
        try await app.hostAccepts(id, coordinator: coordinator.token)
        #expect(try await app.request("POST", "/v1/applications/\(id)/submit", token: a.token).status == 200)
        let noReason = try await app.request(
            "POST", "/v1/applications/\(id)/eligibility", token: coordinator.token, json: ["eligible": false])
        #expect(noReason.status == 422)
        let r = try await app.request(
            "POST", "/v1/applications/\(id)/eligibility", token: coordinator.token,
            json: ["eligible": false, "reason": "host outside scope"])
        #expect(r.json["status"] as? String == "ineligible")
        #expect(r.json["status_reason"] as? String == "host outside scope")
    }
}
