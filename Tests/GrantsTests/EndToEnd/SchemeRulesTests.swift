import Foundation
import Testing

/// The scheme as the ECCP texts define it (issue 11), each rule driven over HTTP the way its
/// user meets it: who may visit and host, the host's acceptance and view, the declarations,
/// the four signatures and once in the scheme.
@Suite("Scheme rules (end to end)")
struct SchemeRulesTests {
    static let app = Task { try await TestApp.start() }

    func errorsOf(_ r: TestResponse) -> [String] { (r.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String } }

    /// A validated host organisation in Spain with one user.
    func hostWithUser(_ app: TestApp, _ coordinator: String, kind: String = "cluster", clusterMember: Bool? = nil) async throws
        -> TestApp.Applicant
    {
        try await app.applicant(
            country: "ES", kind: kind, city: "Madrid", latitude: 40.4168, longitude: -3.7038, name: "Host \(UUID().uuidString.prefix(6))",
            validatedBy: coordinator, clusterMember: clusterMember)
    }

    func draft(_ app: TestApp, _ visitor: TestApp.Applicant, host: Int64, extra: [String: Any] = [:]) async throws -> TestResponse {
        var body = app.applicationBody(call: try await app.openCallID(), host: host)
        for (k, v) in extra { body[k] = v }
        return try await app.request("POST", "/v1/applications", token: visitor.token, json: body)
    }

    @Test func whoMayVisit() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        let host = try await app.host("BIOTECYL / SIVI")
        for kind in ["large_company", "public_authority"] {
            let a = try await app.applicant(kind: kind, validatedBy: coordinator.token)
            let r = try await draft(app, a, host: host)
            #expect(r.status == 422 && r.code == "visitor_kind_not_eligible", "\(kind): \(r.text)")
        }
        let loneSME = try await app.applicant(kind: "sme", validatedBy: coordinator.token, clusterMember: false)
        let lone = try await draft(app, loneSME, host: host)
        #expect(lone.status == 422 && lone.code == "cluster_membership_required", "\(lone.text)")

        // The membership must point at the cluster's ECCP profile.
        let bad = try await app.request(
            "POST", "/v1/auth/register",
            json: [
                "email": "bad-\(UUID().uuidString.prefix(6))@example.org", "password": "correct-horse-battery", "name": "X",
                "organisation": [
                    "legal_name": "Bad URL SRL", "country": "RO", "kind": "sme", "city": "Iași", "latitude": 47.1, "longitude": 27.6,
                    "cluster_name": "Some cluster", "cluster_profile_url": "http://example.com/cluster",
                ],
            ])
        #expect(
            bad.status == 422 && (bad.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "organisation.cluster_profile_url")

        // Recording the membership (before validation it applies at once) lets the SME apply.
        let unvalidated = try await app.applicant(kind: "sme", clusterMember: false)
        let org = try await app.request("GET", "/v1/organisations/\(unvalidated.organisationID)", token: unvalidated.token)
        let patched = try await app.request(
            "PATCH", "/v1/organisations/\(unvalidated.organisationID)", token: unvalidated.token,
            json: [
                "cluster_name": "Iași Medical Cluster", "cluster_profile_url": "https://clustercollaboration.eu/cluster-organisations/iasi",
            ],
            headers: ["If-Match": org.header("ETag") ?? ""])
        #expect(patched.status == 200 && patched.json["cluster_name"] as? String == "Iași Medical Cluster", "\(patched.text)")
        #expect(try await draft(app, unvalidated, host: host).status == 201)

        // A large company may host.
        let company = try await hostWithUser(app, coordinator.token, kind: "large_company")
        let visitor = try await app.applicant(kind: "research", validatedBy: coordinator.token)
        let d = try await draft(app, visitor, host: company.organisationID)
        let id = try #require(d.json["id"] as? Int, "\(d.text)")
        #expect(
            try await app.request("POST", "/v1/applications/\(id)/host-decision", token: company.token, json: ["decision": "accepted"])
                .status
                == 200)
        let submitted = try await app.request("POST", "/v1/applications/\(id)/submit", token: visitor.token)
        #expect(submitted.json["status"] as? String == "submitted", "\(submitted.text)")
    }

    @Test func anSMEHostOutsideAnyClusterNeedsTheAgencysPreapproval() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        let host = try await hostWithUser(app, coordinator.token, kind: "sme", clusterMember: false)
        let visitor = try await app.applicant(kind: "cluster", validatedBy: coordinator.token)
        let id = try #require(try await draft(app, visitor, host: host.organisationID).json["id"] as? Int)
        _ = try await app.request("POST", "/v1/applications/\(id)/host-decision", token: host.token, json: ["decision": "accepted"])
        let refused = try await app.request("POST", "/v1/applications/\(id)/submit", token: visitor.token)
        #expect(refused.status == 422 && refused.code == "host_preapproval_required", "\(refused.text)")
        // Without the agency's document the coordinator cannot record it.
        let noDoc = try await app.request(
            "POST", "/v1/applications/\(id)/host-preapproval", token: coordinator.token,
            json: ["document_id": 999_999, "note": "EISMEA ok"])
        #expect(noDoc.status == 422)
        let doc = try await app.upload(id, "agency_preapproval", token: coordinator.token)
        let pre = try await app.request(
            "POST", "/v1/applications/\(id)/host-preapproval", token: coordinator.token,
            json: ["document_id": doc, "note": "EISMEA e-mail of 2027-01-12"])
        #expect(pre.status == 200 && (pre.json["host_preapproval"] as? [String: Any])?["document_id"] as? Int == doc, "\(pre.text)")
        #expect(try await app.request("POST", "/v1/applications/\(id)/submit", token: visitor.token).status == 200)
    }

    @Test func theHostAcceptsAndSeesOnlyThePublicPart() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        let host = try await hostWithUser(app, coordinator.token)
        let other = try await hostWithUser(app, coordinator.token)
        let visitor = try await app.applicant(validatedBy: coordinator.token)
        let d = try await draft(app, visitor, host: host.organisationID)
        let id = try #require(d.json["id"] as? Int, "\(d.text)")
        #expect((d.json["host_acceptance"] as? [String: Any])?["status"] as? String == "pending")
        let secret = try await app.upload(id, "other", token: visitor.token)

        // Not yet accepted: submit names the rule.
        let early = try await app.request("POST", "/v1/applications/\(id)/submit", token: visitor.token)
        #expect(early.status == 422 && early.code == "host_acceptance_missing", "\(early.text)")
        // The host has users: they answer, not a coordinator; and not the visitor.
        let byCoordinator = try await app.request(
            "POST", "/v1/applications/\(id)/host-decision", token: coordinator.token, json: ["decision": "accepted", "document_id": 1])
        #expect(byCoordinator.code == "host_users_decide", "\(byCoordinator.text)")
        let byVisitor = try await app.request(
            "POST", "/v1/applications/\(id)/host-decision", token: visitor.token, json: ["decision": "accepted"])
        #expect(byVisitor.status == 404)
        let byOther = try await app.request(
            "POST", "/v1/applications/\(id)/host-decision", token: other.token, json: ["decision": "accepted"])
        #expect(byOther.status == 404)

        // The host's view: the public part, never money, scores, declarations or documents.
        let list = try await app.request("GET", "/v1/hosted-exchanges", token: host.token)
        #expect(list.items.map { $0["id"] as? Int } == [id])
        let view = try await app.request("GET", "/v1/hosted-exchanges/\(id)", token: host.token)
        #expect(view.json["participant_name"] as? String == "Ana Popescu" && view.json["objectives"] != nil)
        for hidden in ["lump_sum_cents", "granted_cents", "distance_km", "declarations", "participant", "origin", "status_reason"] {
            #expect(view.json[hidden] == nil, "host sees \(hidden)")
        }
        #expect(try await app.request("GET", "/v1/applications/\(id)", token: host.token).status == 404)
        #expect(try await app.request("GET", "/v1/applications/\(id)/documents", token: host.token).status == 404)
        #expect(try await app.request("GET", "/v1/documents/\(secret)", token: host.token).status == 404)
        #expect(try await app.request("GET", "/v1/hosted-exchanges/\(id)", token: other.token).status == 404)
        #expect(try await app.request("GET", "/v1/hosted-exchanges/\(id)", token: visitor.token).status == 404)

        // Declining needs a reason; a declined match cannot be submitted.
        let noReason = try await app.request(
            "POST", "/v1/applications/\(id)/host-decision", token: host.token, json: ["decision": "declined"])
        #expect(noReason.status == 422)
        let declined = try await app.request(
            "POST", "/v1/applications/\(id)/host-decision", token: host.token,
            json: ["decision": "declined", "reason": "no lab slot in March"])
        #expect((declined.json["host_acceptance"] as? [String: Any])?["status"] as? String == "declined", "\(declined.text)")
        #expect(try await app.request("POST", "/v1/applications/\(id)/submit", token: visitor.token).code == "host_acceptance_missing")

        // Another host is asked afresh and accepts; then the exchange is submitted.
        let etag = try await app.request("GET", "/v1/applications/\(id)", token: visitor.token).header("ETag") ?? ""
        let moved = try await app.request(
            "PATCH", "/v1/applications/\(id)", token: visitor.token, json: ["host_organisation_id": other.organisationID],
            headers: ["If-Match": etag])
        #expect((moved.json["host_acceptance"] as? [String: Any])?["status"] as? String == "pending", "\(moved.text)")
        let accepted = try await app.request(
            "POST", "/v1/applications/\(id)/host-decision", token: other.token, json: ["decision": "accepted"])
        #expect(accepted.status == 200, "\(accepted.text)")
        let submitted = try await app.request("POST", "/v1/applications/\(id)/submit", token: visitor.token)
        #expect(submitted.json["status"] as? String == "submitted", "\(submitted.text)")
        // Too late to answer now.
        #expect(
            try await app.request(
                "POST", "/v1/applications/\(id)/host-decision", token: other.token, json: ["decision": "declined", "reason": "x"]
            )
            .code == "invalid_transition")
        // The audit trail has the host's answers.
        let audit = try await app.request("GET", "/v1/audit-log?entity_type=application&entity_id=\(id)", token: coordinator.token)
        let actions = audit.items.compactMap { $0["action"] as? String }
        #expect(actions.contains("application.host_declined") && actions.contains("application.host_accepted"), "\(actions)")
    }

    @Test func documentsAreWithdrawnNeverDeleted() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        let auditor = try await app.staff("auditor")
        let visitor = try await app.applicant(validatedBy: coordinator.token)
        let id = try #require(try await draft(app, visitor, host: try await app.host("BIOTECYL / SIVI")).json["id"] as? Int)
        let doc = try await app.upload(id, "other", token: visitor.token, tag: "plan")
        #expect(try await app.request("DELETE", "/v1/documents/\(doc)", token: visitor.token).status == 204)
        // Hidden from the application's list; the bytes are kept and staff still read them.
        #expect(try await app.request("GET", "/v1/applications/\(id)/documents", token: visitor.token).items.isEmpty)
        let kept = try await app.request("GET", "/v1/documents/\(doc)", token: auditor.token)
        #expect(kept.status == 200 && kept.text.contains("plan"))
        #expect(try await app.request("DELETE", "/v1/documents/\(doc)", token: visitor.token).status == 404)
        let audit = try await app.request("GET", "/v1/audit-log?entity_type=document&entity_id=\(doc)", token: auditor.token)
        #expect(audit.items.compactMap { $0["action"] as? String } == ["document.uploaded", "document.withdrawn"], "\(audit.text)")
        // A draft with documents is withdrawn, not deleted: it and its documents stay on record.
        #expect(try await app.request("DELETE", "/v1/applications/\(id)", token: visitor.token).status == 204)
        let after = try await app.request("GET", "/v1/applications/\(id)", token: auditor.token)
        #expect(after.json["status"] as? String == "withdrawn", "\(after.text)")
        #expect(try await app.request("GET", "/v1/documents/\(doc)", token: auditor.token).status == 200)
    }

    @Test func declarationsAndTravelDates() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        let visitor = try await app.applicant(validatedBy: coordinator.token)
        let host = try await app.host("Basque Health Cluster")
        let outside = try await draft(app, visitor, host: host, extra: ["travel_start": "2027-02-20", "travel_end": "2027-03-06"])
        #expect(outside.status == 422 && errorsOf(outside) == ["travel_outside_activity"], "\(outside.text)")
        let d = try await draft(
            app, visitor, host: host,
            extra: [
                "travel_start": "2027-02-28", "travel_end": "2027-03-06",
                "declarations": [
                    "participant_employed_by_visitor": true, "participant_third_country_national": true,
                    "residence_days_in_cosme": 150,
                ],
            ])
        let id = try #require(d.json["id"] as? Int, "\(d.text)")
        #expect(d.json["working_days"] as? Int == 5, "travel days are not working days")
        try await app.hostAccepts(id, coordinator: coordinator.token)
        let refused = try await app.request("POST", "/v1/applications/\(id)/submit", token: visitor.token)
        #expect(refused.code == "declaration_required", "\(refused.text)")
        let fields = Set((refused.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
        #expect(
            fields == ["declarations.residence_days_in_cosme", "documents", "declarations.no_previous_clusterxchange_visit"], "\(fields)")
        var etag = try await app.request("GET", "/v1/applications/\(id)", token: visitor.token).header("ETag") ?? ""
        let fixed = try await app.request(
            "PATCH", "/v1/applications/\(id)", token: visitor.token,
            json: ["declarations": ["residence_days_in_cosme": 400, "no_previous_clusterxchange_visit": true]], headers: ["If-Match": etag])
        let decl = fixed.json["declarations"] as? [String: Any]
        #expect(
            decl?["participant_third_country_national"] as? Bool == true && decl?["residence_days_in_cosme"] as? Int == 400, "\(fixed.text)"
        )
        try await app.upload(id, "residence_permit", token: visitor.token)
        etag = try await app.request("GET", "/v1/applications/\(id)", token: visitor.token).header("ETag") ?? ""
        let submitted = try await app.request("POST", "/v1/applications/\(id)/submit", token: visitor.token, headers: ["If-Match": etag])
        #expect(submitted.json["status"] as? String == "submitted", "\(submitted.text)")
    }

    @Test func fourSignaturesOnOneDocument() async throws {
        let app = try await Self.app.value
        let s = try await Scenario.make(app)
        let host = try await hostWithUser(app, s.coordinator.token)
        let visitor = try await app.applicant(validatedBy: s.coordinator.token, iban: "RO49AAAA1B31007593840000")
        let id = try #require(try await draft(app, visitor, host: host.organisationID).json["id"] as? Int)
        _ = try await app.request("POST", "/v1/applications/\(id)/host-decision", token: host.token, json: ["decision": "accepted"])
        try #require(try await app.request("POST", "/v1/applications/\(id)/submit", token: visitor.token).status == 200)
        _ = try await app.request("POST", "/v1/applications/\(id)/eligibility", token: s.coordinator.token, json: ["eligible": true])
        let sheet = ["relevance": 4.0, "quality": 4.0, "impact": 4.0]
        _ = try await s.evaluate(id, scores: [sheet, sheet])
        try #require(try await s.decide(id, "approved").status == 200)
        let sign = { (token: String, body: [String: Any]) in
            try await app.request("POST", "/v1/applications/\(id)/signatures", token: token, json: body)
        }
        #expect(try await sign(host.token, ["party": "host_organisation"]).code == "commitment_to_quality_missing")
        let first = try await app.upload(id, "commitment_to_quality", token: visitor.token, tag: "v1")

        let h = try await sign(host.token, ["party": "host_organisation"])
        #expect(h.status == 201 && (h.json["missing_signatures"] as? [String])?.count == 3, "\(h.text)")
        #expect(try await sign(host.token, ["party": "host_organisation"]).code == "already_signed")
        #expect(try await sign(visitor.token, ["party": "host_organisation"]).code == "forbidden")
        #expect(try await sign(host.token, ["party": "visitor_partnership"]).code == "forbidden")
        // A coordinator signs for an organisation only on its behalf, with its signed copy.
        #expect(try await sign(s.coordinator.token, ["party": "visitor_organisation"]).code == "signed_document_required")
        #expect(try await sign(visitor.token, ["party": "visitor_organisation"]).status == 201)
        #expect(try await sign(s.coordinator.token, ["party": "visitor_partnership"]).status == 201)
        // The host may read the document it signs, and its signature records its SHA-256.
        let pdf = try await app.request("GET", "/v1/documents/\(first)", token: host.token)
        #expect(pdf.status == 200)
        var current = try await app.request("GET", "/v1/applications/\(id)", token: visitor.token)
        let sha = try #require(current.json["commitment_to_quality_sha256"] as? String)
        #expect(pdf.header("ETag") == "\"\(sha)\"")
        #expect((current.json["signatures"] as? [[String: Any]] ?? []).allSatisfy { $0["document_sha256"] as? String == sha })

        // A new version of the document voids the three signatures.
        try await app.upload(id, "commitment_to_quality", token: visitor.token, tag: "v2")
        current = try await app.request("GET", "/v1/applications/\(id)", token: visitor.token)
        #expect((current.json["missing_signatures"] as? [String])?.count == 4, "\(current.text)")
        #expect((current.json["signatures"] as? [[String: Any]] ?? []).allSatisfy { $0["valid"] as? Bool == false })
        for (token, party) in [
            (host.token, "host_organisation"), (visitor.token, "visitor_organisation"), (s.coordinator.token, "visitor_partnership"),
        ] {
            #expect(try await sign(token, ["party": party]).status == 201)
        }
        let last = try await sign(s.coordinator.token, ["party": "host_partnership"])
        #expect(
            last.json["status"] as? String == "agreement_signed" && (last.json["missing_signatures"] as? [String]) == [], "\(last.text)")
        // Once signed, the document cannot change.
        let late = try await app.request(
            "POST", "/v1/applications/\(id)/documents?kind=commitment_to_quality&filename=v3.pdf", token: visitor.token,
            body: Data("%PDF-1.4\n% v3\n".utf8))
        #expect(late.code == "invalid_transition")
    }

    @Test func onceInTheWholeScheme() async throws {
        let app = try await Self.app.value
        let s = try await Scenario.make(app)
        let csv = { (text: String) in
            try await app.request(
                "POST", "/v1/previous-visitors/import", token: s.coordinator.token, body: Data(text.utf8),
                headers: ["Content-Type": "text/csv"])
        }
        // One bad row: nothing is imported, every problem is listed.
        let bad = try await csv(
            "legal_name,country,vat_number,partnership,year\r\nGenomica SRL,RO,,BOOST-MED,2023\r\n,Romania,,BOOST-MED,20x3\r\n")
        #expect(bad.status == 422 && bad.code == "import_rejected", "\(bad.text)")
        #expect(
            Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == [
                "rows[2].legal_name", "rows[2].country", "rows[2].year",
            ])
        #expect(try await app.request("GET", "/v1/previous-visitors", token: s.coordinator.token).items.isEmpty)
        #expect(try await csv("legal_name,country\n\"unterminated\n").code == "import_rejected")

        let tag = UUID().uuidString.prefix(6)
        let good = try await csv(
            """
            Year,Partnership,Legal_Name,Country,VAT_Number
            2022,BOOST-MED,"GENÓMICA \(tag), S.R.L.",RO,
            2023,HEALTH-X,Other \(tag) GmbH,DE,DE 999 888 777
            """)
        #expect(good.status == 200 && good.json["imported"] as? Int == 2, "\(good.text)")
        #expect(
            try await csv("legal_name,country,partnership,year\nOther \(tag) GmbH,DE,HEALTH-X,2023\n").json["already_listed"] as? Int == 1)
        // The export re-imports as it is.
        let export = try await app.request("GET", "/v1/previous-visitors?format=csv", token: s.coordinator.token)
        #expect(export.header("Content-Type")?.hasPrefix("text/csv") == true)
        #expect(try await csv(export.text).json["already_listed"] as? Int == 2)
        #expect(try await app.request("GET", "/v1/previous-visitors", token: s.evaluators[0].token).status == 403)

        // Matched on the normalised name and country at submission.
        let same = try await app.applicant(name: "Genomica \(tag) SRL", validatedBy: s.coordinator.token)
        let id = try #require(try await draft(app, same, host: try await app.host("BIOTECYL / SIVI")).json["id"] as? Int)
        try await app.hostAccepts(id, coordinator: s.coordinator.token)
        let refused = try await app.request("POST", "/v1/applications/\(id)/submit", token: same.token)
        #expect(refused.status == 409 && refused.code == "previous_visit", "\(refused.text)")
        #expect(refused.json["matched_on"] as? String == "legal_name_country")
        #expect((refused.text).contains("BOOST-MED"))

        // ... on the VAT number whatever the name, and again inside the approval.
        let later = try await s.evaluatedApplication()
        let vatCase = try await app.applicant(
            country: "DE", kind: "research", name: "Renamed \(tag)", validatedBy: s.coordinator.token, vat: "de999888777")
        let vatDraft = try #require(try await draft(app, vatCase, host: try await app.host("BIOTECYL / SIVI")).json["id"] as? Int)
        try await app.hostAccepts(vatDraft, coordinator: s.coordinator.token)
        #expect(
            try await app.request("POST", "/v1/applications/\(vatDraft)/submit", token: vatCase.token).json["matched_on"] as? String
                == "vat_number")

        let laterName = try #require(
            try await app.request("GET", "/v1/organisations/\(later.applicant.organisationID)", token: s.coordinator.token).json[
                "legal_name"]
                as? String)
        _ = try await csv("legal_name,country,partnership,year\n\"\(laterName)\",RO,BOOST-MED,2021\n")
        let approve = try await s.decide(later.id, "approved")
        #expect(approve.status == 409 && approve.code == "previous_visit", "\(approve.text)")
        let after = try await app.request("GET", "/v1/applications/\(later.id)", token: s.coordinator.token)
        #expect(after.json["status"] as? String == "evaluated" && after.json["granted_cents"] == nil, "\(after.text)")
    }

    @Test func appealsAreDecidedByAnotherCoordinatorWithinTheWindow() async throws {
        let app = try await Self.app.value
        let s = try await Scenario.make(app)
        let second = try await app.staff("coordinator")
        // Ineligible, appealed, granted by the second coordinator: back to eligibility checking.
        let a = try await app.applicant(validatedBy: s.coordinator.token)
        let id = try #require(try await draft(app, a, host: try await app.host("BIOTECYL / SIVI")).json["id"] as? Int)
        try await app.hostAccepts(id, coordinator: s.coordinator.token)
        _ = try await app.request("POST", "/v1/applications/\(id)/submit", token: a.token)
        let out = try await app.request(
            "POST", "/v1/applications/\(id)/eligibility", token: s.coordinator.token,
            json: ["eligible": false, "reason": "host outside scope"])
        #expect(out.json["status"] as? String == "ineligible" && out.json["appeal_deadline"] as? String != nil, "\(out.text)")
        // The coordinator cannot appeal; the answer names who can.
        #expect(out.json["allowed_actions"] as? [String] == [])
        #expect((out.json["next_actions"] as? [[String: Any]])?.map { $0["roles"] as? [String] } == [["applicant"]])
        let appeal = try await app.request(
            "POST", "/v1/applications/\(id)/appeal", token: a.token, json: ["grounds": "The host works on precision oncology."])
        #expect(appeal.status == 201 && appeal.json["appealed_status"] as? String == "ineligible", "\(appeal.text)")
        let appealID = try #require(appeal.json["id"] as? Int)
        #expect(try await app.request("GET", "/v1/applications/\(id)", token: a.token).json["status"] as? String == "under_appeal")
        let same = try await app.request(
            "POST", "/v1/appeals/\(appealID)/decision", token: s.coordinator.token, json: ["decision": "granted", "reason": "ok"])
        #expect(same.status == 403 && same.code == "four_eyes", "\(same.text)")
        let granted = try await app.request(
            "POST", "/v1/appeals/\(appealID)/decision", token: second.token, json: ["decision": "granted", "reason": "scope confirmed"])
        #expect(granted.json["decision"] as? String == "granted", "\(granted.text)")
        #expect(try await app.request("GET", "/v1/applications/\(id)", token: a.token).json["status"] as? String == "submitted")
        #expect(
            try await app.request(
                "POST", "/v1/appeals/\(appealID)/decision", token: second.token, json: ["decision": "upheld", "reason": "x"]
            )
            .code == "change_already_decided")
        let listed = try await app.request("GET", "/v1/appeals?application_id=\(id)", token: s.coordinator.token)
        #expect(listed.items.map { $0["id"] as? Int } == [appealID])

        // Rejected, appealed, upheld: the outcome stands and cannot be appealed again.
        let r = try await s.evaluatedApplication()
        _ = try await s.decide(r.id, "rejected")
        let ap = try await app.request("POST", "/v1/applications/\(r.id)/appeal", token: r.applicant.token, json: ["grounds": "scores"])
        let apID = try #require(ap.json["id"] as? Int, "\(ap.text)")
        let upheld = try await app.request(
            "POST", "/v1/appeals/\(apID)/decision", token: second.token, json: ["decision": "upheld", "reason": "scores confirmed"])
        #expect(upheld.status == 200, "\(upheld.text)")
        #expect(try await app.request("GET", "/v1/applications/\(r.id)", token: r.applicant.token).json["status"] as? String == "rejected")
        let again = try await app.request("POST", "/v1/applications/\(r.id)/appeal", token: r.applicant.token, json: ["grounds": "again"])
        #expect(again.code == "appeal_window_closed", "\(again.text)")

        // After the programme's appeal_days the window is closed.
        let late = try await s.evaluatedApplication()
        _ = try await s.decide(late.id, "rejected")
        _ = try await app.sql("UPDATE applications SET outcome_at = now() - interval '15 days' WHERE id = \(Int64(late.id))")
        let closed = try await app.request(
            "POST", "/v1/applications/\(late.id)/appeal", token: late.applicant.token, json: ["grounds": "x"])
        #expect(closed.status == 409 && closed.code == "appeal_window_closed", "\(closed.text)")
        // The spending report counts the appeals (this suite's app is shared: at least these).
        let report = try await app.request(
            "GET", "/v1/reports/spending?programme_id=\(try await app.programmeID())", token: s.coordinator.token)
        let figures = report.json["appeals"] as? [String: Any] ?? [:]
        #expect(
            (figures["filed"] as? Int ?? 0) >= 2 && (figures["upheld"] as? Int ?? 0) >= 1 && (figures["granted"] as? Int ?? 0) >= 1,
            "\(figures)")
        // Someone else's application is not found.
        #expect(try await app.request("POST", "/v1/applications/\(late.id)/appeal", token: a.token, json: ["grounds": "x"]).status == 404)
    }

    @Test func thePaymentClockAndRetentionFollowTheProgramme() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let pid = try await app.programmeID()
            let etag = try await app.request("GET", "/v1/programmes/\(pid)", token: s.coordinator.token).header("ETag") ?? ""
            let patched = try await app.request(
                "PATCH", "/v1/programmes/\(pid)", token: s.coordinator.token,
                json: ["rules": ["payment_due_from": "exchange_end"], "balance_received_on": "2024-06-30"], headers: ["If-Match": etag])
            #expect((patched.json["rules"] as? [String: Any])?["payment_due_from"] as? String == "exchange_end", "\(patched.text)")
            #expect(patched.json["retention_until"] as? String == "2029-06-30")
            #expect(
                try await app.request(
                    "PATCH", "/v1/programmes/\(pid)", token: s.coordinator.token, json: ["rules": ["payment_due_from": "tomorrow"]]
                ).status == 422)

            let (applicant, id) = try await s.evaluatedApplication()
            try #require(try await s.decide(id, "approved").status == 200)
            try await app.signAgreement(id, applicant: applicant.token, coordinator: s.coordinator.token)
            try await app.upload(id, "boarding_pass", token: applicant.token)
            try await app.upload(id, "host_confirmation", token: applicant.token)
            let report = try await app.request(
                "POST", "/v1/applications/\(id)/report", token: applicant.token,
                json: ["actual_start": "2027-03-01", "actual_end": "2027-03-05", "summary": "Five days."])
            try #require(report.status == 200, "\(report.text)")
            let accepted = try await app.request(
                "POST", "/v1/applications/\(id)/report/review", token: s.coordinator.token, json: ["accepted": true])
            // Ten days from the exchange's end, not from today's acceptance.
            #expect(accepted.json["payment_due_on"] as? String == "2027-03-15", "\(accepted.text)")

            // Overdue: both readings of the clock are shown, and which one applies.
            _ = try await app.sql(
                "UPDATE applications SET actual_end = '2026-11-01', payment_due_on = '2026-11-11', report_accepted_on = '2026-11-20' WHERE id = \(Int64(id))"
            )
            let overdue = try await app.request("GET", "/v1/reports/overdue-payments?programme_id=\(pid)", token: s.coordinator.token)
            let item = try #require(overdue.json["items"] as? [[String: Any]]).first { $0["application_id"] as? Int == id }
            #expect(item?["due_from_exchange_end"] as? String == "2026-11-11", "\(overdue.text)")
            #expect(item?["due_from_report_acceptance"] as? String == "2026-11-30")
            #expect(item?["payment_clock"] as? String == "exchange_end")

            // Paid (four eyes), the exchange reaches the agency's exports.
            let second = try await app.staff("coordinator")
            let payment = try await app.request(
                "POST", "/v1/payments", token: s.coordinator.token, json: ["application_id": id, "kind": "final"])
            let paymentID = try #require(payment.json["id"] as? Int, "\(payment.text)")
            #expect(try await app.request("POST", "/v1/payments/\(paymentID)/approve", token: second.token).status == 200)
            let paid = try await app.request(
                "POST", "/v1/payments/\(paymentID)/execute", token: s.coordinator.token,
                json: ["bank_reference": "BT-1", "value_date": "2026-12-01"])
            #expect(paid.status == 200, "\(paid.text)")
            let year = Calendar(identifier: .gregorian).component(.year, from: Date())
            let fts = try await app.request(
                "GET", "/v1/exports/financial-transparency?programme_id=\(pid)&year=\(year)", token: s.coordinator.token)
            let row = (fts.json["items"] as? [[String: Any]])?.first
            #expect(row?["amount_cents"] as? Int == 78_000 && row?["year"] as? Int == year, "\(fts.text)")
            #expect(row?["country"] as? String == "RO" && row?["nuts2"] == nil)
            #expect(fts.json["retention_until"] as? String == "2029-06-30" && fts.json["publish_by"] as? String == "\(year + 1)-06-30")
            let ftsCSV = try await app.request(
                "GET", "/v1/exports/financial-transparency?programme_id=\(pid)&format=csv", token: s.coordinator.token)
            #expect(ftsCSV.text.hasPrefix("name,country,nuts2,purpose,amount_eur,programme,year\r\n"), "\(ftsCSV.text)")
            #expect(ftsCSV.text.contains(",780.00,"))
            #expect(
                try await app.request("GET", "/v1/exports/financial-transparency?programme_id=\(pid)&year=1999", token: s.coordinator.token)
                    .status == 422)
            let exchanges = try await app.request("GET", "/v1/exports/exchanges?programme_id=\(pid)&format=csv", token: s.coordinator.token)
            let lines = exchanges.text.split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("application_id,visitor,visitor_country,visitor_kind,visitor_partnership,host") == true)
            #expect(
                lines.contains { $0.hasPrefix("\(id),") && $0.contains(",MEDIC-NEST,BIOTECYL / SIVI,ES,") && $0.hasSuffix(",780.00,paid") })
            #expect(try await app.request("GET", "/v1/exports/exchanges?programme_id=\(pid)", token: s.evaluators[0].token).status == 403)

            // The auditor's reports carry the retention date.
            let spending = try await app.request("GET", "/v1/reports/spending?programme_id=\(pid)", token: s.coordinator.token)
            #expect(spending.json["retention_until"] as? String == "2029-06-30", "\(spending.text.prefix(300))")
            #expect((spending.json["appeals"] as? [String: Any])?["filed"] as? Int == 0)
            let beneficiaries = try await app.request("GET", "/v1/reports/beneficiaries?programme_id=\(pid)", token: s.coordinator.token)
            #expect(beneficiaries.json["retention_until"] as? String == "2029-06-30")

            // The rules answer says where each rule comes from.
            let programme = try await app.request("GET", "/v1/programmes/\(pid)", token: applicant.token)
            let sources = programme.json["rule_sources"] as? [String: String] ?? [:]
            #expect(sources["per_third_party_cap_cents"]?.contains("Financial Regulation") == true, "\(programme.text)")
            let proofs = programme.json["closing_report_proofs"] as? [[String: Any]] ?? []
            #expect(proofs.first { $0["kind"] as? String == "host_confirmation" }?["sourced"] as? Bool == false)
            #expect(proofs.first { $0["kind"] as? String == "boarding_pass" }?["sourced"] as? Bool == true)
        }
    }
}
