import Foundation
import Testing

/// Every role against every route it must not use, IDOR across organisations, tokens.
@Suite("Access control (end to end)")
struct AccessControlTests {
    static let app = Task { try await TestApp.start() }

    /// (method, path template, roles admitted). `{app}`, `{org}`, `{doc}`, `{prog}`, `{call}`, `{user}` are filled in.
    static let matrix: [(String, String, Set<String>)] = [
        ("GET", "/v1/me", ["applicant", "evaluator", "coordinator", "auditor"]),
        ("POST", "/v1/users", ["coordinator"]),
        ("GET", "/v1/users", ["coordinator", "auditor"]),
        ("GET", "/v1/organisations", ["applicant", "coordinator", "auditor"]),
        ("PATCH", "/v1/organisations/{org}", ["applicant", "coordinator"]),
        ("POST", "/v1/organisations/{org}/validation", ["coordinator"]),
        ("GET", "/v1/hosts", ["applicant", "evaluator", "coordinator", "auditor"]),
        ("GET", "/v1/programmes/{prog}", ["applicant", "evaluator", "coordinator", "auditor"]),
        ("PATCH", "/v1/programmes/{prog}", ["coordinator"]),
        ("GET", "/v1/programmes/{prog}/budget", ["applicant", "evaluator", "coordinator", "auditor"]),
        ("POST", "/v1/programmes/{prog}/calls", ["coordinator"]),
        ("PATCH", "/v1/calls/{call}", ["coordinator"]),
        ("POST", "/v1/applications", ["applicant"]),
        ("PATCH", "/v1/applications/{app}", ["applicant"]),
        ("POST", "/v1/applications/{app}/submit", ["applicant"]),
        ("POST", "/v1/applications/{app}/withdraw", ["applicant"]),
        ("POST", "/v1/applications/{app}/eligibility", ["coordinator"]),
        ("POST", "/v1/applications/{app}/documents?kind=other&filename=a.pdf", ["applicant", "coordinator"]),
        ("POST", "/v1/applications/{app}/host-decision", ["applicant", "coordinator"]),
        ("POST", "/v1/applications/{app}/host-preapproval", ["coordinator"]),
        ("POST", "/v1/applications/{app}/signatures", ["applicant", "coordinator"]),
        ("GET", "/v1/hosted-exchanges", ["applicant"]),
        ("GET", "/v1/hosted-exchanges/{app}", ["applicant"]),
        ("POST", "/v1/applications/{app}/appeal", ["applicant"]),
        ("GET", "/v1/appeals", ["coordinator", "auditor"]),
        ("POST", "/v1/previous-visitors/import", ["coordinator"]),
        ("GET", "/v1/previous-visitors", ["coordinator", "auditor"]),
        ("GET", "/v1/exports/financial-transparency?programme_id={prog}", ["coordinator", "auditor"]),
        ("GET", "/v1/exports/exchanges?programme_id={prog}", ["coordinator", "auditor"]),
        ("GET", "/v1/applications/{app}/documents", ["applicant", "coordinator", "auditor"]),
        ("GET", "/v1/documents/{doc}", ["applicant", "coordinator", "auditor"]),
        ("GET", "/v1/audit-log", ["coordinator", "auditor"]),
        ("GET", "/v1/audit-log/verify", ["coordinator", "auditor"]),
    ]

    @Test func everyRoleAgainstEveryRoute() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        let tokens: [String: String] = [
            "applicant": try await app.applicant(validatedBy: coordinator.token).token,
            "evaluator": try await app.staff("evaluator").token,
            "coordinator": coordinator.token,
            "auditor": try await app.staff("auditor").token,
        ]
        let owner = try await app.applicant(validatedBy: coordinator.token)
        let d = try await app.request(
            "POST", "/v1/applications", token: owner.token,
            json: app.applicationBody(call: try await app.openCallID(), host: try await app.host("IMAGO-MOL")))
        let appID = try #require(d.json["id"] as? Int)
        let doc = try await app.request(
            "POST", "/v1/applications/\(appID)/documents?kind=other&filename=x.pdf", token: owner.token,
            body: Data("%PDF-1.4\n".utf8), headers: ["Content-Type": "application/pdf"])
        let docID = try #require(doc.json["id"] as? Int)
        for (method, template, admitted) in Self.matrix {
            let path = template.replacingOccurrences(of: "{app}", with: "\(appID)")
                .replacingOccurrences(of: "{org}", with: "\(owner.organisationID)")
                .replacingOccurrences(of: "{doc}", with: "\(docID)")
                .replacingOccurrences(of: "{prog}", with: "\(try await app.programmeID())")
                .replacingOccurrences(of: "{call}", with: "\(try await app.openCallID())")
            // No token at all: 401 everywhere.
            let anonymous = try await app.request(method, path, json: method == "GET" ? nil : [String: Any]())
            #expect(anonymous.status == 401, "\(method) \(path) anonymous")
            #expect(anonymous.code == "unauthenticated")
            for (role, token) in tokens where !admitted.contains(role) {
                let r = try await app.request(method, path, token: token, json: method == "GET" ? nil : [String: Any]())
                #expect(r.status == 403, "\(method) \(path) as \(role): \(r.status) \(r.text)")
                #expect(r.code == "forbidden")
            }
        }
    }

    @Test func applicantsCannotSeeOrTouchEachOthersRecords() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        let alice = try await app.applicant(validatedBy: coordinator.token)
        let bob = try await app.applicant(validatedBy: coordinator.token)
        let d = try await app.request(
            "POST", "/v1/applications", token: alice.token,
            json: app.applicationBody(call: try await app.openCallID(), host: try await app.host("IMAGO-MOL")))
        let id = try #require(d.json["id"] as? Int)
        let doc = try await app.request(
            "POST", "/v1/applications/\(id)/documents?kind=other&filename=x.png", token: alice.token,
            body: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]))
        let docID = try #require(doc.json["id"] as? Int)
        // Bob gets 404 for everything of Alice's: the ids are not even confirmed to exist.
        for (method, path) in [
            ("GET", "/v1/applications/\(id)"), ("PATCH", "/v1/applications/\(id)"),
            ("DELETE", "/v1/applications/\(id)"), ("POST", "/v1/applications/\(id)/submit"),
            ("POST", "/v1/applications/\(id)/withdraw"), ("GET", "/v1/applications/\(id)/documents"),
            ("GET", "/v1/documents/\(docID)"), ("DELETE", "/v1/documents/\(docID)"),
            ("POST", "/v1/applications/\(id)/documents?kind=other&filename=y.pdf"),
            ("GET", "/v1/organisations/\(alice.organisationID)"),
            ("PATCH", "/v1/organisations/\(alice.organisationID)"),
        ] {
            let body: Data? = path.contains("documents?") ? Data("%PDF-1.4".utf8) : nil
            let r = try await app.request(
                method, path, token: bob.token, json: method == "GET" || body != nil ? nil : [String: Any](), body: body)
            #expect(r.status == 404, "\(method) \(path): \(r.status) \(r.text)")
        }
        let bobsList = try await app.request("GET", "/v1/applications", token: bob.token)
        #expect(bobsList.items.isEmpty)
        let bobsOrgs = try await app.request("GET", "/v1/organisations", token: bob.token)
        #expect(bobsOrgs.items.map { $0["id"] as? Int } == [Int(bob.organisationID)])
        // Alice's application is untouched.
        let mine = try await app.request("GET", "/v1/applications/\(id)", token: alice.token)
        #expect(mine.json["status"] as? String == "draft")
    }

    @Test func evaluatorsSeeOnlyAssignedApplications() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        let evaluator = try await app.staff("evaluator")
        let a = try await app.applicant(validatedBy: coordinator.token)
        let d = try await app.request(
            "POST", "/v1/applications", token: a.token,
            json: app.applicationBody(call: try await app.openCallID(), host: try await app.host("IMAGO-MOL")))
        let id = try #require(d.json["id"] as? Int)
        #expect(try await app.request("GET", "/v1/applications/\(id)", token: evaluator.token).status == 404)
        #expect(try await app.request("GET", "/v1/applications", token: evaluator.token).items.isEmpty)
    }

    @Test func tokensExpireOnLogoutAndGarbageIsRefused() async throws {
        let app = try await Self.app.value
        let a = try await app.applicant()
        #expect(try await app.request("GET", "/v1/me", token: a.token).status == 200)
        #expect(try await app.request("POST", "/v1/auth/logout", token: a.token).status == 204)
        let after = try await app.request("GET", "/v1/me", token: a.token)
        #expect(after.status == 401)
        #expect(after.header("WWW-Authenticate") == "Bearer")
        for header in ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer \(String(repeating: "x", count: 5000))", "token abc"] {
            let r = try await app.request("GET", "/v1/me", headers: ["Authorization": header])
            #expect(r.status == 401, "\(header.prefix(20))")
        }
    }

    @Test func userListsCarryTheApplicantsOrganisation() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        let a = try await app.applicant()
        let users = try await app.request("GET", "/v1/users?role=applicant&limit=200", token: coordinator.token)
        let listed = try #require(users.items.first { $0["id"] as? Int == Int(a.userID) })
        #expect((listed["organisation"] as? [String: Any])?["id"] as? Int == Int(a.organisationID))
        let staff = try await app.request("GET", "/v1/users?role=coordinator", token: coordinator.token)
        #expect(staff.items.allSatisfy { $0.keys.contains("organisation") && $0["organisation"] is NSNull })
    }

    @Test func auditorsNeverWrite() async throws {
        let app = try await Self.app.value
        let auditor = try await app.staff("auditor")
        let r = try await app.request(
            "PATCH", "/v1/programmes/\(try await app.programmeID())", token: auditor.token, json: ["cap_cents": 1])
        #expect(r.status == 403)
        #expect((r.json["detail"] as? String)?.contains("auditors") == true)
    }
}
