import Foundation
import Testing

/// Issue 15, finding 6: a validated organisation's bank and legal details change only when a
/// coordinator other than the requester approves; until then the validated IBAN is paid to.
@Suite("Organisation changes under four eyes (end to end)")
struct OrganisationChangeTests {
    static let oldIBAN = "RO49AAAA1B31007593840000"
    static let newIBAN = "DE89370400440532013000"

    @Test func ibanChangeWaitsAndPaymentsUseTheValidatedIBAN() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let second = try await app.staff("coordinator")
            let auditor = try await app.staff("auditor")
            let pid = try await app.programmeID()
            #expect(
                try await app.request(
                    "PATCH", "/v1/programmes/\(pid)", token: s.coordinator.token,
                    json: ["rules": ["prefinancing_percent": 50]]
                ).status == 200)
            let (applicant, id) = try await s.evaluatedApplication()
            #expect(try await s.decide(id, "approved").status == 200)
            let org = applicant.organisationID

            // The finding: this PATCH answered 200 with the new IBAN in force.
            let patch = try await app.request(
                "PATCH", "/v1/organisations/\(org)", token: applicant.token,
                json: ["iban": Self.newIBAN, "city": "Iasi"])
            #expect(patch.status == 200, "\(patch.text)")
            #expect(patch.json["iban"] as? String == Self.oldIBAN)
            #expect(patch.json["status"] as? String == "validated")
            #expect(patch.json["city"] as? String == "Iasi", "details that are not bank or legal apply at once")
            let pending = try #require(patch.json["pending_change"] as? [String: Any], "\(patch.text)")
            #expect((pending["proposed"] as? [String: Any])?["iban"] as? String == Self.newIBAN)
            #expect((pending["previous"] as? [String: Any])?["iban"] as? String == Self.oldIBAN)
            #expect(pending["status"] as? String == "pending")
            #expect(pending["requested_by"] as? Int == Int(applicant.userID))
            let changeID = try #require(pending["id"] as? Int)

            // The applicant sees its request waiting; a second request waits for the first decision.
            let seen = try await app.request("GET", "/v1/organisations/\(org)", token: applicant.token)
            #expect((seen.json["pending_change"] as? [String: Any])?["id"] as? Int == changeID)
            let another = try await app.request(
                "PATCH", "/v1/organisations/\(org)", token: applicant.token, json: ["vat_number": "RO123456"])
            #expect(another.status == 409)
            #expect(another.code == "organisation_change_pending")
            #expect((another.json["detail"] as? String ?? "").contains("coordinator must approve or reject"))
            let list = try await app.request("GET", "/v1/organisations/\(org)/changes", token: auditor.token)
            #expect(list.items.map { $0["id"] as? Int } == [changeID])

            // Meanwhile a payment goes to the validated IBAN and records it.
            let p = try await app.request(
                "POST", "/v1/payments", token: s.coordinator.token,
                json: ["application_id": id, "kind": "prefinancing"])
            let paymentID = try #require(p.json["id"] as? Int, "\(p.text)")
            #expect(try await app.request("POST", "/v1/payments/\(paymentID)/approve", token: second.token).status == 200)
            let paid = try await app.request(
                "POST", "/v1/payments/\(paymentID)/execute", token: s.coordinator.token,
                json: ["bank_reference": "BT-1", "value_date": "2027-02-20"])
            #expect(paid.status == 200, "\(paid.text)")
            #expect(paid.json["payee_iban"] as? String == Self.oldIBAN)

            // An applicant cannot decide; a coordinator approves and the new IBAN is in force.
            let byApplicant = try await app.request(
                "POST", "/v1/organisations/\(org)/changes/\(changeID)/decision", token: applicant.token,
                json: ["decision": "approved"])
            #expect(byApplicant.status == 403)
            let approved = try await app.request(
                "POST", "/v1/organisations/\(org)/changes/\(changeID)/decision", token: second.token,
                json: ["decision": "approved", "reason": "bank letter checked"])
            #expect(approved.status == 200, "\(approved.text)")
            #expect(approved.json["status"] as? String == "approved")
            #expect(approved.json["decided_by"] as? Int == Int(second.id))
            let after = try await app.request("GET", "/v1/organisations/\(org)", token: applicant.token)
            #expect(after.json["iban"] as? String == Self.newIBAN)
            #expect(after.json["status"] as? String == "validated")
            #expect(after.json.keys.contains("pending_change") && after.json["pending_change"] is NSNull)
            let twice = try await app.request(
                "POST", "/v1/organisations/\(org)/changes/\(changeID)/decision", token: s.coordinator.token,
                json: ["decision": "rejected", "reason": "late"])
            #expect(twice.status == 409)
            #expect(twice.code == "change_already_decided")

            // The audit trail shows the old and the new IBAN, at the request and at the approval.
            let audit = try await app.request("GET", "/v1/audit-log?entity_type=organisation&entity_id=\(org)", token: auditor.token)
            let requested = try #require(audit.items.first { $0["action"] as? String == "organisation.change_requested" })
            #expect((requested["before"] as? [String: Any])?["iban"] as? String == Self.oldIBAN)
            #expect(((requested["after"] as? [String: Any])?["proposed"] as? [String: Any])?["iban"] as? String == Self.newIBAN)
            let approval = try #require(audit.items.first { $0["action"] as? String == "organisation.change_approved" })
            #expect((approval["before"] as? [String: Any])?["iban"] as? String == Self.oldIBAN)
            #expect((approval["after"] as? [String: Any])?["iban"] as? String == Self.newIBAN)
        }
    }

    @Test func aCoordinatorsOwnRequestNeedsAnotherCoordinator() async throws {
        try await TestApp.with { app in
            let first = try await app.staff("coordinator")
            let second = try await app.staff("coordinator")
            let a = try await app.applicant(validatedBy: first.token, iban: Self.oldIBAN)
            let r = try await app.request(
                "PATCH", "/v1/organisations/\(a.organisationID)", token: first.token,
                json: ["legal_name": "Renamed SRL", "iban": Self.newIBAN])
            #expect(r.status == 200)
            #expect(r.json["legal_name"] as? String != "Renamed SRL")
            let change = try #require((r.json["pending_change"] as? [String: Any])?["id"] as? Int)
            let own = try await app.request(
                "POST", "/v1/organisations/\(a.organisationID)/changes/\(change)/decision", token: first.token,
                json: ["decision": "approved"])
            #expect(own.status == 403)
            #expect(own.code == "four_eyes")
            let decision = "/v1/organisations/\(a.organisationID)/changes/\(change)/decision"
            let noReason = try await app.request("POST", decision, token: second.token, json: ["decision": "rejected"])
            #expect(noReason.status == 422)
            let rejected = try await app.request(
                "POST", decision, token: second.token,
                json: ["decision": "rejected", "reason": "no bank letter"])
            #expect(rejected.status == 200, "\(rejected.text)")
            let org = try await app.request("GET", "/v1/organisations/\(a.organisationID)", token: a.token)
            #expect(org.json["iban"] as? String == Self.oldIBAN)
            #expect(org.json["legal_name"] as? String != "Renamed SRL")
            #expect(org.json["pending_change"] is NSNull)
            let history = try await app.request("GET", "/v1/organisations/\(a.organisationID)/changes/\(change)", token: a.token)
            #expect(history.json["status"] as? String == "rejected")
            #expect(history.json["decision_reason"] as? String == "no bank letter")
            // Another organisation's changes are not found for this applicant.
            let other = try await app.applicant(validatedBy: first.token)
            #expect(try await app.request("GET", "/v1/organisations/\(a.organisationID)/changes", token: other.token).status == 404)
        }
    }

    /// One coordinator alone used to be able to redirect payments: reject the organisation, edit
    /// its IBAN (applied at once, the organisation no longer being validated), validate it again.
    @Test func oneCoordinatorCannotRejectEditAndRevalidate() async throws {
        try await TestApp.with { app in
            let first = try await app.staff("coordinator")
            let a = try await app.applicant(validatedBy: first.token, iban: Self.oldIBAN)
            let path = "/v1/organisations/\(a.organisationID)"
            let rejected = try await app.request(
                "POST", path + "/validation", token: first.token,
                json: ["decision": "rejected", "reason": "pretext"])
            #expect(rejected.status == 200)
            let edit = try await app.request("PATCH", path, token: first.token, json: ["iban": Self.newIBAN])
            #expect(edit.status == 200)
            #expect(edit.json["iban"] as? String == Self.oldIBAN, "held for another coordinator")
            #expect(edit.json["pending_change"] is [String: Any])
            _ = try await app.request("POST", path + "/validation", token: first.token, json: ["decision": "validated"])
            let org = try await app.request("GET", path, token: a.token)
            #expect(org.json["iban"] as? String == Self.oldIBAN)
        }
    }

    /// A rejected organisation used to reopen itself (back to pending_validation) by renaming.
    @Test func onlyACoordinatorReopensARejectedOrganisation() async throws {
        try await TestApp.with { app in
            let coordinator = try await app.staff("coordinator")
            let a = try await app.applicant()
            // Before validation, details apply at once: the coordinator reviews them when validating.
            let early = try await app.request(
                "PATCH", "/v1/organisations/\(a.organisationID)", token: a.token, json: ["iban": Self.oldIBAN])
            #expect(early.json["iban"] as? String == Self.oldIBAN)
            #expect(early.json["pending_change"] is NSNull)
            let rejected = try await app.request(
                "POST", "/v1/organisations/\(a.organisationID)/validation", token: coordinator.token,
                json: ["decision": "rejected", "reason": "not an SME"])
            #expect(rejected.json["status"] as? String == "rejected")
            let renamed = try await app.request(
                "PATCH", "/v1/organisations/\(a.organisationID)", token: a.token,
                json: ["legal_name": "Brand New Name \(UUID().uuidString.prefix(6))"])
            #expect(renamed.status == 200, "\(renamed.text)")
            #expect(renamed.json["status"] as? String == "rejected")
            #expect(renamed.json["status_reason"] as? String == "not an SME")
            let reopened = try await app.request(
                "POST", "/v1/organisations/\(a.organisationID)/validation", token: coordinator.token,
                json: ["decision": "validated", "reason": "now an SME"])
            #expect(reopened.json["status"] as? String == "validated")
            // A stale If-Match on the validation decision is refused.
            let stale = try await app.request(
                "POST", "/v1/organisations/\(a.organisationID)/validation", token: coordinator.token,
                json: ["decision": "validated"], headers: ["If-Match": "\"org-\(a.organisationID)-v1\""])
            #expect(stale.status == 412)
        }
    }
}
