import Foundation
import Testing

/// Issue 15, finding 8 over HTTP: lengths in scalars and bytes, control characters, every
/// free-text member validated, duplicate JSON members refused.
@Suite("Free text and strict JSON (end to end)")
struct TextInputTests {
    static let app = Task { try await TestApp.start() }

    static let zalgo = "a" + String(repeating: "\u{0301}", count: 400_000)

    func rules(_ r: TestResponse) -> [String: String] {
        var out: [String: String] = [:]
        for e in r.json["errors"] as? [[String: Any]] ?? [] {
            if let f = e["field"] as? String { out[f] = e["rule"] as? String ?? "" }
        }
        return out
    }

    func raw(_ app: TestApp, _ method: String, _ path: String, token: String? = nil, _ json: String) async throws -> TestResponse {
        try await app.request(method, path, token: token, body: Data(json.utf8), headers: ["Content-Type": "application/json"])
    }

    @Test func combiningMarksCountTowardsTheLimit() async throws {
        let app = try await Self.app.value
        let a = try await app.applicant()
        var body = app.applicationBody(call: try await app.openCallID(), host: try await app.host("IMAGO-MOL"))
        body["objectives"] = Self.zalgo
        body["activity_type"] = "a" + String(repeating: "\u{0301}", count: 100)
        let r = try await app.request("POST", "/v1/applications", token: a.token, json: body)
        #expect(r.status == 422, "\(r.status)")
        #expect(rules(r)["objectives"] == "too_long")
        #expect(rules(r)["activity_type"] == "too_long")

        let name = try await app.request("PATCH", "/v1/organisations/\(a.organisationID)", token: a.token, json: ["city": Self.zalgo])
        #expect(name.status == 422)
        #expect(rules(name)["city"] == "too_long")
        let org = try await app.request("GET", "/v1/organisations/\(a.organisationID)", token: a.token)
        #expect(org.body.count < 10_000)
    }

    @Test func controlCharactersOnlyInMultiLineText() async throws {
        let app = try await Self.app.value
        let a = try await app.applicant()
        var body = app.applicationBody(call: try await app.openCallID(), host: try await app.host("IMAGO-MOL"))
        body["activity_type"] = "job\nshadowing"
        body["participant"] = ["name": "Ana\u{85}Popescu", "email": "ana@example.org", "position": "CTO\t"]
        body["objectives"] = "Line one\r\nLine two\tindented\u{1B}[31m"
        let r = try await app.request("POST", "/v1/applications", token: a.token, json: body)
        #expect(r.status == 422)
        #expect(
            rules(r) == [
                "activity_type": "control_characters", "participant.name": "control_characters",
                "objectives": "control_characters",
            ], "\(r.text)")
        body["activity_type"] = "job_shadowing"
        body["participant"] = ["name": "Ana Popescu", "email": "ana@example.org", "position": "CTO"]
        body["objectives"] = "Line one\r\nLine two\tindented"
        let ok = try await app.request("POST", "/v1/applications", token: a.token, json: body)
        #expect(ok.status == 201, "\(ok.text)")
        #expect(ok.json["objectives"] as? String == "Line one\r\nLine two\tindented")
    }

    /// The withdraw reason (and the cancel reason) went to the database unchecked.
    @Test func reasonsAreValidated() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        let a = try await app.applicant(validatedBy: coordinator.token)
        let d = try await app.request(
            "POST", "/v1/applications", token: a.token,
            json: app.applicationBody(
                call: try await app.openCallID(),
                host: try await app.host("BIOTECYL / SIVI")))
        let id = try #require(d.json["id"] as? Int)
        try await app.hostAccepts(id, coordinator: coordinator.token)
        #expect(try await app.request("POST", "/v1/applications/\(id)/submit", token: a.token).status == 200)
        let long = String(repeating: "x\u{1}", count: 50_000)
        let w = try await app.request("POST", "/v1/applications/\(id)/withdraw", token: a.token, json: ["reason": long])
        #expect(w.status == 422, "\(w.status)")
        #expect(rules(w)["reason"] == "too_long")
        let ctl = try await app.request("POST", "/v1/applications/\(id)/withdraw", token: a.token, json: ["reason": "changed\u{0}plans"])
        #expect(rules(ctl)["reason"] == "control_characters")
        let c = try await app.request("POST", "/v1/applications/\(id)/cancel", token: coordinator.token, json: ["reason": Self.zalgo])
        #expect(c.status == 422)
        #expect(rules(c)["reason"] == "too_long")
        let stored = try await app.request("GET", "/v1/applications/\(id)", token: a.token)
        #expect(stored.json["status"] as? String == "submitted")
        let fine = try await app.request(
            "POST", "/v1/applications/\(id)/withdraw", token: a.token,
            json: ["reason": "Plans changed.\nSorry."])
        #expect(fine.status == 200, "\(fine.text)")
    }

    @Test func criterionDescriptionsAndScoreCommentsAreValidated() async throws {
        let app = try await Self.app.value
        let s = try await Scenario.make(app, evaluators: 1)
        let call = try await app.request(
            "POST", "/v1/programmes/\(try await app.programmeID())/calls", token: s.coordinator.token,
            json: [
                "title": "Descriptions", "opens_at": "2027-01-01T00:00:00Z", "closes_at": "2027-02-01T00:00:00Z",
                "criteria": [["key": "relevance", "weight": 1, "minimum": 2, "description": Self.zalgo]],
            ])
        #expect(call.status == 422)
        #expect(rules(call)["criteria[0].description"] == "too_long", "\(call.text.prefix(500))")

        let (_, id) = try await s.eligibleApplication()
        let ev = s.evaluators[0]
        let asg = try await app.request(
            "POST", "/v1/applications/\(id)/assignments", token: s.coordinator.token,
            json: ["evaluator_id": ev.id])
        let asgID = try #require(asg.json["id"] as? Int)
        _ = try await app.request("POST", "/v1/assignments/\(asgID)/declaration", token: ev.token, json: ["conflict_of_interest": false])
        let sheet = ["relevance": 4.0, "quality": 4.0, "impact": 4.0]
        let put = try await app.request(
            "PUT", "/v1/assignments/\(asgID)/scores", token: ev.token,
            json: ["scores": sheet, "comments": ["relevance": "fine\u{7}", "impact": Self.zalgo]])
        #expect(put.status == 422, "\(put.status) \(put.text.prefix(300))")
        #expect(rules(put) == ["comments.relevance": "control_characters", "comments.impact": "too_long"])
    }

    @Test func duplicateMembersAreMalformedJSON() async throws {
        let app = try await Self.app.value
        let login = try await raw(app, "POST", "/v1/auth/login", #"{"email":"a@example.org","email":"b@example.org","password":"x"}"#)
        #expect(login.status == 400)
        #expect(login.code == "malformed_json")
        #expect(login.text.contains("email"))

        let nested = try await raw(
            app, "POST", "/v1/auth/register",
            """
            {"email":"dup@example.org","password":"correct-horse-battery","name":"D","organisation":{"legal_name":"Dup Org",
             "country":"PT","kind":"sme","city":"Porto","city":"Lisboa","latitude":41.1,"longitude":-8.6}}
            """)
        #expect(nested.status == 400)
        #expect(nested.code == "malformed_json")
        #expect(nested.text.contains("organisation.city"), "\(nested.text)")

        let coordinator = try await app.staff("coordinator")
        let a = try await app.applicant(validatedBy: coordinator.token, iban: "RO49AAAA1B31007593840000")
        let twoIBANs = try await raw(
            app, "PATCH", "/v1/organisations/\(a.organisationID)", token: a.token,
            #"{"city":"Iasi","iban":"RO49AAAA1B31007593840000","\u0069ban":"DE89370400440532013000"}"#)
        #expect(twoIBANs.status == 400)
        #expect(twoIBANs.code == "malformed_json")
        let org = try await app.request("GET", "/v1/organisations/\(a.organisationID)", token: a.token)
        #expect(org.json["iban"] as? String == "RO49AAAA1B31007593840000")
        #expect(org.json["city"] as? String == "Cluj-Napoca")
        // A shape error and a duplicate: the duplicate is reported.
        let both = try await raw(app, "POST", "/v1/auth/login", #"{"email":1,"email":2}"#)
        #expect(both.code == "malformed_json")
    }
}
