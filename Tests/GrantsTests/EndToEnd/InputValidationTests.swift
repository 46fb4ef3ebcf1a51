import Foundation
import Testing

/// Bad input gets a clear problem+json with a stable code, never a 500, and nothing stored is lost.
@Suite("Input validation (end to end)")
struct InputValidationTests {
    static let app = Task { try await TestApp.start() }

    func register(_ app: TestApp, _ org: [String: Any], email: String? = nil, password: String = "correct-horse-battery") async throws
        -> TestResponse
    {
        try await app.request(
            "POST", "/v1/auth/register",
            json: [
                "email": email ?? "x-\(UUID().uuidString.prefix(6))@example.org", "password": password, "name": "X", "organisation": org,
            ])
    }

    var goodOrg: [String: Any] {
        [
            "legal_name": "Org \(UUID().uuidString.prefix(6))", "country": "PT", "kind": "sme", "city": "Porto", "latitude": 41.15,
            "longitude": -8.61,
        ]
    }

    @Test func malformedJSON() async throws {
        let app = try await Self.app.value
        for raw in ["{", "not json", "{\"email\": }", "", "[1,2", "\u{FEFF}{}"] {
            let r = try await app.request("POST", "/v1/auth/register", body: Data(raw.utf8), headers: ["Content-Type": "application/json"])
            #expect(r.status == 400 || r.status == 422, "\(raw): \(r.status)")
            #expect(r.header("Content-Type")?.hasPrefix("application/problem+json") == true)
            #expect(r.code == "malformed_json" || r.code == "validation_failed")
        }
        let invalidUTF8 = try await app.request(
            "POST", "/v1/auth/register", body: Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]),
            headers: ["Content-Type": "application/json"])
        #expect(invalidUTF8.status == 400)
    }

    @Test func wrongMediaType() async throws {
        let app = try await Self.app.value
        let r = try await app.request(
            "POST", "/v1/auth/login", body: Data("email=a&password=b".utf8),
            headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(r.status == 415)
        #expect(r.code == "unsupported_media_type")
    }

    @Test func wrongTypesMissingAndUnknownFields() async throws {
        let app = try await Self.app.value
        var org = goodOrg
        org["latitude"] = "north"
        let types = try await register(app, org)
        #expect(types.status == 422)
        #expect((types.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "organisation.latitude")

        var missing = goodOrg
        missing.removeValue(forKey: "city")
        let m = try await register(app, missing)
        #expect(m.status == 422)
        #expect((m.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "organisation.city")

        var unknown = goodOrg
        unknown["is_admin"] = true
        let u = try await register(app, unknown)
        #expect(u.status == 422)
        #expect((u.json["errors"] as? [[String: Any]])?.contains { $0["field"] as? String == "organisation.is_admin" } == true)
    }

    @Test func domainValidation() async throws {
        let app = try await Self.app.value
        var bad = goodOrg
        bad["country"] = "US"
        bad["iban"] = "PT50000201231234567890155"
        bad["latitude"] = 91.0
        bad["kind"] = "startup"
        bad["legal_name"] = String(repeating: "A", count: 100_000)
        let r = try await register(app, bad, email: "not-an-email", password: "short")
        #expect(r.status == 422)
        let fields = Set((r.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
        #expect(
            fields == [
                "email", "password", "organisation.legal_name", "organisation.country", "organisation.kind",
                "organisation.latitude", "organisation.iban",
            ], "\(r.text.prefix(2000))")

        var lower = goodOrg
        lower["country"] = "pt"
        #expect(try await register(app, lower).status == 422)
        var valid = goodOrg
        valid["iban"] = "PT50 0002 0123 1234 5678 9015 4"
        let ok = try await register(app, valid)
        #expect(ok.status == 201, "\(ok.text)")
        #expect((ok.json["organisation"] as? [String: Any])?["iban"] as? String == "PT50000201231234567890154")
    }

    /// Found by schemathesis: PostgreSQL cannot store NUL, and Foundation formats dates before
    /// 1582 in the Julian calendar. Both used to answer 500.
    @Test func unstorableValuesAreRefusedNotServerErrors() async throws {
        let app = try await Self.app.value
        let nul = try await register(app, goodOrg, password: "correct-horse\u{0}battery")
        #expect(nul.status == 422)
        let login = try await app.request("POST", "/v1/auth/login", json: ["email": "a\u{0}b@example.org", "password": "whatever-long"])
        #expect(login.status == 422 || login.status == 401)
        let coordinator = try await app.staff("coordinator")
        let ancient = try await app.request(
            "POST", "/v1/programmes/\(try await app.programmeID())/calls", token: coordinator.token,
            json: ["title": "Old", "opens_at": "0001-01-01T01:01:01Z", "closes_at": "2026-11-22T14:49:45Z"])
        #expect(ancient.status == 422)
        #expect((ancient.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "opens_at")
        for query in ["entity_type=a%00b", "from=0001-01-01T01:01:01Z", "to=0001-01-01"] {
            let r = try await app.request("GET", "/v1/audit-log?\(query)", token: coordinator.token)
            #expect(r.status == 422, "\(query): \(r.status)")
        }
    }

    /// The router checks every declared query parameter before the handler runs: all the
    /// problems of a request in one 422, each naming its parameter and rule.
    @Test func queryParametersAreCheckedFromTheirDeclarations() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        func fields(_ path: String) async throws -> [String: String] {
            let r = try await app.request("GET", path, token: coordinator.token)
            #expect(r.status == 422, "\(path): \(r.status)")
            #expect(r.code == "validation_failed", "\(path)")
            let errors = r.json["errors"] as? [[String: Any]] ?? []
            return Dictionary(errors.map { ($0["field"] as? String ?? "", $0["rule"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
        }
        #expect(
            try await fields("/v1/applications?status=approvedd&call_id=0&organisation_id=x")
                == ["status": "enum", "call_id": "integer", "organisation_id": "integer"])
        #expect(try await fields("/v1/hosts?country=pt") == ["country": "country"])
        #expect(try await fields("/v1/reports/spending?as_of=yesterday") == ["programme_id": "required", "as_of": "date_time"])
        #expect(try await fields("/v1/reports/spending.svg?programme_id=1&format=csv") == ["format": "enum"])
        #expect(try await fields("/v1/ledger?from=2027-02-30&format=xml") == ["from": "date", "format": "enum"])
        #expect(try await fields("/v1/users?role=root") == ["role": "enum"])
        // A parameter a route does not declare is ignored, as before.
        let ok = try await app.request("GET", "/v1/applications?utm_source=mail&status=draft", token: coordinator.token)
        #expect(ok.status == 200)
        // `Accept: text/csv` gives CSV unless `format` says otherwise.
        let csvByHeader = try await app.request("GET", "/v1/ledger", token: coordinator.token, headers: ["Accept": "text/csv"])
        #expect(csvByHeader.header("Content-Type")?.hasPrefix("text/csv") == true)
        let jsonByFormat = try await app.request("GET", "/v1/ledger?format=json", token: coordinator.token, headers: ["Accept": "text/csv"])
        #expect(jsonByFormat.header("Content-Type")?.hasPrefix("application/json") == true)
        // A date bound and its day edge: as_of=<day> is the end of that day, audit from=<day> its start.
        let programme = try await app.programmeID()
        let report = try await app.request(
            "GET", "/v1/reports/spending?programme_id=\(programme)&as_of=2027-03-31", token: coordinator.token)
        #expect(report.json["as_of"] as? String == "2027-03-31T23:59:59.999999Z")
    }

    @Test func duplicateEmailIsAConflictNotAnError() async throws {
        let app = try await Self.app.value
        let email = "dup-\(UUID().uuidString.prefix(6))@example.org"
        #expect(try await register(app, goodOrg, email: email).status == 201)
        let again = try await register(app, goodOrg, email: email.uppercased())
        #expect(again.status == 409)
        #expect(again.code == "email_taken")
        #expect(!(again.text.contains("duplicate key") || again.text.contains("users_email_unique")))
    }

    @Test func invalidDatesAndIds() async throws {
        let app = try await Self.app.value
        let a = try await app.applicant()
        var body = app.applicationBody(call: try await app.openCallID(), host: try await app.host("IMAGO-MOL"))
        for bad in ["2027-02-30", "03/01/2027", "2027-03-01T10:00:00Z", ""] {
            body["activity_start"] = bad
            let r = try await app.request("POST", "/v1/applications", token: a.token, json: body)
            #expect(r.status == 422, "\(bad)")
            #expect((r.json["errors"] as? [[String: Any]])?.contains { $0["field"] as? String == "activity_start" } == true)
        }
        body["activity_start"] = "2027-03-01"
        body["call_id"] = 999_999
        let noCall = try await app.request("POST", "/v1/applications", token: a.token, json: body)
        #expect(noCall.status == 422)
        for path in ["/v1/applications/abc", "/v1/applications/-1", "/v1/applications/0", "/v1/applications/99999999999999999999"] {
            #expect(try await app.request("GET", path, token: a.token).status == 404, "\(path)")
        }
        let badLimit = try await app.request("GET", "/v1/applications?limit=1000", token: a.token)
        #expect(badLimit.status == 422)
        let badCursor = try await app.request("GET", "/v1/applications?cursor=%%%", token: a.token)
        #expect(badCursor.status == 422 || badCursor.status == 400)
    }

    @Test func documentsAreSniffedAndLimited() async throws {
        let app = try await Self.app.value
        let a = try await app.applicant()
        let d = try await app.request(
            "POST", "/v1/applications", token: a.token,
            json: app.applicationBody(call: try await app.openCallID(), host: try await app.host("IMAGO-MOL")))
        let id = try #require(d.json["id"] as? Int)
        // An HTML page that claims to be a PDF.
        let lie = try await app.request(
            "POST", "/v1/applications/\(id)/documents?kind=invoice&filename=invoice.pdf", token: a.token,
            body: Data("<html><script>alert(1)</script>".utf8), headers: ["Content-Type": "application/pdf"])
        #expect(lie.status == 415)
        #expect(lie.code == "unsupported_media_type")
        let badKind = try await app.request(
            "POST", "/v1/applications/\(id)/documents?kind=selfie&filename=a.pdf", token: a.token,
            body: Data("%PDF-1.4".utf8))
        #expect(badKind.status == 422)
        let traversal = try await app.request(
            "POST", "/v1/applications/\(id)/documents?kind=other&filename=..%2F..%2Fetc%2Fpasswd", token: a.token,
            body: Data("%PDF-1.4".utf8))
        #expect(traversal.status == 422)
        let tooBig = try await app.request(
            "POST", "/v1/applications/\(id)/documents?kind=invoice&filename=big.pdf", token: a.token,
            body: Data("%PDF-".utf8) + Data(count: 10 * 1024 * 1024))
        #expect(tooBig.status == 413)
        #expect(tooBig.code == "payload_too_large")

        // A real upload round-trips byte for byte, with its SHA-256 and a safe download name.
        var pdf = Data("%PDF-1.7\n".utf8)
        pdf.append(Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
        let up = try await app.request(
            "POST", "/v1/applications/\(id)/documents?kind=invoice&filename=Factur%C4%83%20Ia%C8%99i.pdf",
            token: a.token, body: pdf)
        #expect(up.status == 201, "\(up.text)")
        #expect(up.json["size_bytes"] as? Int == pdf.count)
        #expect((up.json["sha256"] as? String)?.count == 64)
        let docID = try #require(up.json["id"] as? Int)
        let down = try await app.request("GET", "/v1/documents/\(docID)", token: a.token)
        #expect(down.status == 200)
        #expect(down.body == pdf)
        #expect(down.header("Content-Type") == "application/pdf")
        #expect(down.header("Content-Disposition")?.contains("filename*=UTF-8''Factur%C4%83%20Ia%C8%99i.pdf") == true)
        let list = try await app.request("GET", "/v1/applications/\(id)/documents", token: a.token)
        #expect(list.items.count == 1)
    }

    @Test func documentsOfSubmittedApplicationsAreKept() async throws {
        let app = try await Self.app.value
        let coordinator = try await app.staff("coordinator")
        let a = try await app.applicant(validatedBy: coordinator.token)
        let d = try await app.request(
            "POST", "/v1/applications", token: a.token,
            json: app.applicationBody(call: try await app.openCallID(), host: try await app.host("Slovenian Innovation Hub")))
        let id = try #require(d.json["id"] as? Int)
        let up = try await app.request(
            "POST", "/v1/applications/\(id)/documents?kind=other&filename=plan.jpg", token: a.token,
            body: Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]))
        let docID = try #require(up.json["id"] as? Int)
        try await app.hostAccepts(id, coordinator: coordinator.token)
        #expect(try await app.request("POST", "/v1/applications/\(id)/submit", token: a.token).status == 200)
        let del = try await app.request("DELETE", "/v1/documents/\(docID)", token: a.token)
        #expect(del.status == 409)
        // Even the database refuses.
        await #expect(throws: (any Error).self) { _ = try await app.sql("DELETE FROM documents WHERE id = \(Int64(docID))") }
        #expect(try await app.request("GET", "/v1/documents/\(docID)", token: a.token).status == 200)
    }
}
