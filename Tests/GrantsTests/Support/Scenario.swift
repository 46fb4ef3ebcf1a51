import Foundation
import Testing

/// Walks applications through the lifecycle over HTTP, as real users would.
struct Scenario: Sendable {
    let app: TestApp
    let coordinator: (id: Int64, token: String)
    let evaluators: [(id: Int64, token: String)]

    static func make(_ app: TestApp, evaluators: Int = 2) async throws -> Scenario {
        var list: [(id: Int64, token: String)] = []
        for _ in 0..<evaluators { list.append(try await app.staff("evaluator")) }
        return Scenario(app: app, coordinator: try await app.staff("coordinator"), evaluators: list)
    }

    /// A validated applicant organisation with one submitted, eligible application.
    func eligibleApplication(
        kind: String = "sme", host: String = "BIOTECYL / SIVI", start: String = "2027-03-01",
        end: String = "2027-03-05", iban: String? = "RO49AAAA1B31007593840000",
        call: Int64? = nil
    ) async throws -> (applicant: TestApp.Applicant, id: Int) {
        let a = try await app.applicant(kind: kind, validatedBy: coordinator.token, iban: iban)
        var callID = call
        if callID == nil { callID = try await app.openCallID() }
        let d = try await app.request(
            "POST", "/v1/applications", token: a.token,
            json: app.applicationBody(call: callID!, host: try await app.host(host), start: start, end: end))
        try #require(d.status == 201, "\(d.text)")
        let id = try #require(d.json["id"] as? Int)
        try await app.hostAccepts(id, coordinator: coordinator.token)
        let s = try await app.request("POST", "/v1/applications/\(id)/submit", token: a.token)
        try #require(s.status == 200, "\(s.text)")
        let e = try await app.request(
            "POST", "/v1/applications/\(id)/eligibility", token: coordinator.token, json: ["eligible": true, "reason": "ok"])
        try #require(e.status == 200, "\(e.text)")
        return (a, id)
    }

    /// Assigns the evaluators, has each declare no conflict and score.
    func evaluate(_ id: Int, scores: [[String: Double]]) async throws -> TestResponse {
        var last: TestResponse?
        for (i, sheet) in scores.enumerated() {
            let ev = evaluators[i]
            let asg = try await app.request(
                "POST", "/v1/applications/\(id)/assignments", token: coordinator.token, json: ["evaluator_id": ev.id])
            try #require(asg.status == 201, "\(asg.text)")
            let asgID = try #require(asg.json["id"] as? Int)
            let decl = try await app.request(
                "POST", "/v1/assignments/\(asgID)/declaration", token: ev.token, json: ["conflict_of_interest": false])
            try #require(decl.status == 200, "\(decl.text)")
            let put = try await app.request(
                "PUT", "/v1/assignments/\(asgID)/scores", token: ev.token,
                json: ["scores": sheet, "comment": "sheet \(i)"])
            try #require(put.status == 200, "\(put.text)")
            last = put
        }
        return try #require(last)
    }

    /// Eligible, evaluated with passing scores.
    func evaluatedApplication(
        kind: String = "sme", host: String = "BIOTECYL / SIVI", score: Double = 4,
        start: String = "2027-03-01", end: String = "2027-03-05", call: Int64? = nil
    ) async throws -> (applicant: TestApp.Applicant, id: Int) {
        let e = try await eligibleApplication(kind: kind, host: host, start: start, end: end, call: call)
        let sheet = ["relevance": score, "quality": score, "impact": score]
        let r = try await evaluate(e.id, scores: [sheet, sheet])
        try #require(r.json["status"] as? String == "evaluated", "\(r.text)")
        return e
    }

    func decide(_ id: Int, _ decision: String, key: String? = nil) async throws -> TestResponse {
        try await app.request(
            "POST", "/v1/applications/\(id)/decision", token: coordinator.token,
            json: ["decision": decision, "reason": "panel decision"],
            headers: key.map { ["Idempotency-Key": $0] } ?? [:])
    }

    func budget() async throws -> [String: Any] {
        try await app.request("GET", "/v1/programmes/\(try await app.programmeID())/budget", token: coordinator.token).json
    }
}
