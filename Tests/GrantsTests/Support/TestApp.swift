import Foundation
import Grants
import HTTP
import Postgres
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One running service on an ephemeral port over a fresh, migrated and seeded database.
/// Tests talk to it only over HTTP; `sql` exists for set-up and for tampering on purpose.
final class TestApp: Sendable {
    let server: GrantsServer
    let databaseURL: String
    let base: String
    let client: HTTPTestClient
    /// Direct database access for set-up and for tampering on purpose.
    let admin: PostgresPool

    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var configuration: GrantsConfiguration {
        var c = GrantsConfiguration()
        c.root = root
        c.port = 0
        c.poolSize = 6
        c.httpThreads = 1
        c.bcryptCost = 4
        c.logLevel = "error"
        // Every test registers from 127.0.0.1 at example.org: the limits have their own tests.
        c.registrationsPerAddress = 1_000_000
        c.registrationsPerDomain = 1_000_000
        // Reminder rounds run when a test asks (`ReminderTests`), never behind another test's back.
        c.remindersEnabled = false
        // The journeys report on exchanges planned for 2027 (activities must start in the future);
        // `PastDateTests` runs the production default and checks the refusal.
        c.futureDateToleranceDays = 3650
        return c
    }

    /// A new database cloned from the migrated template, with the MEDIC-NEST seeds loaded.
    static func freshDatabase() async throws -> String {
        let url = try await TestDatabases.freshDatabase(migrationsDirectory: root.appendingPathComponent("Migrations"))
        let pool = PostgresPool(configuration: PostgresConfiguration(url: url))
        _ = try await Seeder.seed(pool: pool, directory: root.appendingPathComponent("seeds"), demo: false)
        await pool.close()
        return url
    }

    static func start(databaseURL: String? = nil, configure: (inout GrantsConfiguration) -> Void = { _ in }) async throws -> TestApp {
        let url: String
        if let databaseURL { url = databaseURL } else { url = try await freshDatabase() }
        var c = configuration
        configure(&c)
        let server = try GrantsServer.start(
            configuration: c, databaseURL: url,
            logger: Logger(label: "test", level: .error))
        return TestApp(server: server, databaseURL: url)
    }

    /// Runs `body` against a started service and always stops it, also when `body` throws or a
    /// `#require` fails, so no test leaves a server, its threads or its pool behind.
    ///
    /// After `body`, the ledger's summaries (Migrations/0015) must equal a recomputation from the
    /// entries in every programme: each scenario doubles as a test of the trigger that keeps them.
    /// `tamperedLedger`: the test bypassed the triggers on purpose.
    static func with<T>(
        databaseURL: String? = nil, configure: (inout GrantsConfiguration) -> Void = { _ in }, tamperedLedger: Bool = false,
        _ body: (TestApp) async throws -> T
    ) async throws -> T {
        let app = try await start(databaseURL: databaseURL, configure: configure)
        do {
            let result = try await body(app)
            if !tamperedLedger {
                let drift = try await app.sql(
                    "SELECT p.id, d.summary, d.key FROM programmes p, ledger_summaries_drift(p.id) d ORDER BY 1, 2, 3 LIMIT 20"
                ).rows.map {
                    "\(try $0.decode(0, as: Int64.self)) \(try $0.decode(1, as: String.self)) \(try $0.decode(2, as: String.self))"
                }
                #expect(drift.isEmpty, "ledger summaries differ from the entries: \(drift)")
            }
            await app.stop()
            return result
        } catch {
            await app.stop()
            throw error
        }
    }

    private init(server: GrantsServer, databaseURL: String) {
        self.server = server
        self.databaseURL = databaseURL
        self.base = "http://127.0.0.1:\(server.port)"
        self.client = HTTPTestClient(base: base)
        var c = PostgresConfiguration(url: databaseURL)
        c.poolSize = 2
        self.admin = PostgresPool(configuration: c)
    }

    func stop() async {
        await server.shutdown()
        await admin.close()
    }

    /// Direct SQL for set-up and tamper tests, and for the ledger-summary check in `with`; results
    /// a user sees are checked over HTTP.
    func sql(_ query: PostgresQuery) async throws -> PostgresResult {
        try await admin.query(query)
    }

    /// `query` with the database's own triggers switched off (as only a superuser can): how a
    /// tamper test changes what the append-only triggers protect.
    func tamper(_ query: PostgresQuery) async throws {
        try await admin.withConnection { conn in
            _ = try await conn.query("SET session_replication_role = replica")
            _ = try await conn.query(query)
            _ = try await conn.query("SET session_replication_role = origin")
        }
    }

    func request(
        _ method: String, _ path: String, token: String? = nil, json: Any? = nil, body: Data? = nil,
        headers: [String: String] = [:]
    ) async throws -> TestResponse {
        try await client.send(method, path, token: token, json: json, body: body, headers: headers)
    }

    // MARK: actors of the scenarios

    func staff(_ role: String, _ email: String? = nil) async throws -> (id: Int64, token: String) {
        let mail = email ?? "\(role)-\(UUID().uuidString.prefix(8).lowercased())@medic-nest.example"
        let id = try await GrantsCommands.createUser(
            pool: server.pool, email: mail, password: "correct-horse-battery",
            name: "Test \(role)", role: role, bcryptCost: 4)
        return (id, try await login(mail, "correct-horse-battery"))
    }

    func login(_ email: String, _ password: String) async throws -> String {
        let r = try await request("POST", "/v1/auth/login", json: ["email": email, "password": password])
        try #require(r.status == 200, "login failed: \(r.text)")
        return try #require(r.json["token"] as? String)
    }

    struct Applicant: Sendable {
        var userID: Int64
        var organisationID: Int64
        var token: String
        var email: String
    }

    /// Registers an applicant organisation and, unless told otherwise, has a coordinator validate it.
    func applicant(
        country: String = "RO", kind: String = "sme", city: String = "Cluj-Napoca", latitude: Double = 46.7712,
        longitude: Double = 23.6236, name: String? = nil, validatedBy coordinator: String? = nil,
        iban: String? = nil, clusterMember: Bool? = nil, vat: String? = nil
    ) async throws -> Applicant {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let email = "owner-\(tag)@example.org"
        var org: [String: Any] = [
            "legal_name": name ?? "SME \(tag)", "country": country, "kind": kind, "city": city,
            "latitude": latitude, "longitude": longitude,
        ]
        if let iban { org["iban"] = iban }
        if let vat { org["vat_number"] = vat }
        // An SME visits only as a cluster member: by default the test SMEs are members.
        if clusterMember ?? (kind == "sme") {
            org["cluster_name"] = "Transylvania Lifesciences Cluster"
            org["cluster_profile_url"] = "https://clustercollaboration.eu/cluster-organisations/transylvania-lifesciences"
        }
        let r = try await request(
            "POST", "/v1/auth/register",
            json: [
                "email": email, "password": "correct-horse-battery", "name": "Owner \(tag)", "organisation": org,
            ])
        try #require(r.status == 201, "register failed: \(r.status) \(r.text)")
        let user = r.json
        let orgID = try #require((user["organisation"] as? [String: Any])?["id"] as? Int)
        if let coordinator {
            let v = try await request(
                "POST", "/v1/organisations/\(orgID)/validation", token: coordinator,
                json: ["decision": "validated", "reason": "profile checked"])
            try #require(v.status == 200, "validation failed: \(v.text)")
        }
        return Applicant(
            userID: Int64(try #require(user["id"] as? Int)), organisationID: Int64(orgID),
            token: try await login(email, "correct-horse-battery"), email: email)
    }

    /// The id of a seeded host by legal name.
    func host(_ legalName: String) async throws -> Int64 {
        try await sql("SELECT id FROM organisations WHERE legal_name = \(legalName)").rows.first!.decode("id")
    }

    func openCallID() async throws -> Int64 {
        try await sql("SELECT id FROM calls WHERE title = 'ClusterXchange open call'").rows.first!.decode("id")
    }

    func programmeID() async throws -> Int64 {
        try await sql("SELECT id FROM programmes WHERE code = 'MEDIC-NEST'").rows.first!.decode("id")
    }

    /// A valid application body: five working days in Portugal... or wherever the host is.
    func applicationBody(
        call: Int64, host: Int64, start: String = "2027-03-01", end: String = "2027-03-05",
        origin: (String, String, Double, Double) = ("Cluj-Napoca", "RO", 46.7712, 23.6236)
    ) -> [String: Any] {
        [
            "call_id": call, "host_organisation_id": host,
            "participant": ["name": "Ana Popescu", "email": "ana@example.org", "position": "CTO"],
            "origin": ["city": origin.0, "country": origin.1, "latitude": origin.2, "longitude": origin.3],
            "activity_start": start, "activity_end": end, "activity_type": "job_shadowing",
            "objectives": "Learn the host's genomic data pipeline and plan a joint pilot.",
            "declarations": [
                "participant_employed_by_visitor": true, "participant_third_country_national": false,
                "no_previous_clusterxchange_visit": true,
            ],
        ]
    }

    /// Uploads a small PDF of `kind` to the application; its id.
    @discardableResult
    func upload(_ applicationID: Int, _ kind: String, token: String, tag: String = "") async throws -> Int {
        let r = try await request(
            "POST", "/v1/applications/\(applicationID)/documents?kind=\(kind)&filename=\(kind).pdf", token: token,
            body: Data("%PDF-1.4\n% \(kind) \(tag) \(UUID().uuidString)\n".utf8))
        try #require(r.status == 201, "upload \(kind): \(r.text)")
        return try #require(r.json["id"] as? Int)
    }

    /// The seeded hosts have no users: a coordinator records their written acceptance.
    func hostAccepts(_ applicationID: Int, coordinator: String) async throws {
        let doc = try await upload(applicationID, "host_acceptance", token: coordinator)
        let r = try await request(
            "POST", "/v1/applications/\(applicationID)/host-decision", token: coordinator,
            json: ["decision": "accepted", "document_id": doc])
        try #require(r.status == 200, "host decision: \(r.text)")
    }

    /// The four Commitment-to-Quality signatures of an approved application whose host has no
    /// users: the visitor uploads and signs; a coordinator signs both partnerships and, with the
    /// host's signed copy, the host organisation. The last answer (status agreement_signed).
    @discardableResult
    func signAgreement(_ applicationID: Int, applicant: String, coordinator: String) async throws -> TestResponse {
        try await upload(applicationID, "commitment_to_quality", token: applicant)
        let path = "/v1/applications/\(applicationID)/signatures"
        let v = try await request("POST", path, token: applicant, json: ["party": "visitor_organisation"])
        try #require(v.status == 201, "visitor signature: \(v.text)")
        let copy = try await upload(applicationID, "signed_commitment_to_quality", token: coordinator)
        let h = try await request(
            "POST", path, token: coordinator,
            json: ["party": "host_organisation", "on_behalf_of": "Host director", "evidence_document_id": copy])
        try #require(h.status == 201, "host signature: \(h.text)")
        try #require(try await request("POST", path, token: coordinator, json: ["party": "visitor_partnership"]).status == 201)
        let last = try await request("POST", path, token: coordinator, json: ["party": "host_partnership"])
        try #require(last.status == 201, "host partnership signature: \(last.text)")
        return last
    }
}

struct TestResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
    var code: String? { json["code"] as? String }
}

/// A real HTTP client (URLSession over libcurl) — not our own server code talking to itself.
struct HTTPTestClient: Sendable {
    let base: String
    let session: URLSession

    init(base: String, timeoutSeconds: Double = 60) {
        self.base = base
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeoutSeconds
        config.httpMaximumConnectionsPerHost = 16
        self.session = URLSession(configuration: config)
    }

    func send(
        _ method: String, _ path: String, token: String? = nil, json: Any? = nil, body: Data? = nil,
        headers: [String: String] = [:]
    ) async throws -> TestResponse {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = body
        }
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var h: [String: String] = [:]
        for (k, v) in http.allHeaderFields { h[String(describing: k)] = String(describing: v) }
        return TestResponse(status: http.statusCode, headers: h, body: data)
    }
}
