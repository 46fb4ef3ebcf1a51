import Foundation
import Testing

@testable import HTTP

@Suite("Router, request, problems, JSON")
struct RoutingAndValuesTests {
    private func router() -> Router {
        var r = Router()
        let ok: HTTPHandler = { _ in .noContent() }
        r.add(.GET, "/v1/applications/:id", ok)
        r.add(.PATCH, "/v1/applications/:id", ok)
        r.add(.GET, "/v1/applications/search", ok)
        r.add(.POST, "/v1/applications/:id/documents", bodyLimit: 10 * 1024 * 1024, ok)
        r.add(.GET, "/healthz", ok)
        return r
    }

    @Test func literalBeatsParameter() {
        guard case .found(_, let pattern, let params, _) = router().match(method: .GET, path: "/v1/applications/search") else {
            Issue.record("no match")
            return
        }
        #expect(pattern == "/v1/applications/search")
        #expect(params.isEmpty)
    }

    @Test func parametersArePercentDecodedPerSegment() {
        guard case .found(_, let pattern, let params, _) = router().match(method: .GET, path: "/v1/applications/a%2Fb%20c") else {
            Issue.record("no match")
            return
        }
        #expect(pattern == "/v1/applications/:id")
        #expect(params["id"] == "a/b c")
    }

    @Test func methodNotAllowedListsMethods() {
        guard case .methodNotAllowed(let allow) = router().match(method: .DELETE, path: "/v1/applications/7") else {
            Issue.record("expected 405")
            return
        }
        #expect(allow.map(\.rawValue) == ["GET", "HEAD", "PATCH"])
    }

    @Test func headFallsBackToGet() {
        guard case .found(_, let pattern, _, _) = router().match(method: .HEAD, path: "/healthz") else {
            Issue.record("no match")
            return
        }
        #expect(pattern == "/healthz")
    }

    @Test func notFoundAndBodyLimit() {
        let r = router()
        guard case .notFound = r.match(method: .GET, path: "/nope") else {
            Issue.record("expected 404")
            return
        }
        #expect(r.bodyLimit(method: .POST, path: "/v1/applications/1/documents") == 10 * 1024 * 1024)
        #expect(r.bodyLimit(method: .GET, path: "/healthz") == nil)
        #expect(r.routes.count == 5)
    }

    @Test func queryParsing() {
        let request = HTTPRequest(method: .GET, target: "/v1/x?status=a+b&call_id=%31&status=c&flag")
        #expect(request.path == "/v1/x")
        #expect(request.query["status"] == "c")
        #expect(request.query["call_id"] == "1")
        #expect(request.queryItems.map(\.name) == ["status", "call_id", "status", "flag"])
        #expect(request.queryItems[0].value == "a b")
    }

    @Test func requestIDSanity() {
        #expect(HTTPRequest(method: .GET, target: "/", requestID: "abc-1.2_3").requestID == "abc-1.2_3")
        #expect(HTTPRequest(method: .GET, target: "/", requestID: "bad id").requestID != "bad id")
        #expect(HTTPRequest(method: .GET, target: "/", requestID: String(repeating: "a", count: 129)).requestID.count < 129)
    }

    @Test func headersAreCaseInsensitiveAndOrdered() {
        var h: HTTPHeaders = ["Set-Cookie": "a"]
        h.add("set-cookie", "b")
        h.add("X-One", "1")
        #expect(h.values("SET-COOKIE") == ["a", "b"])
        h.set("Set-Cookie", "c")
        #expect(h.values("set-cookie") == ["c"])
        #expect(h.map(\.name) == ["Set-Cookie", "X-One"])
        h.remove("x-one")
        #expect(h["X-One"] == nil)
    }

    @Test func problemJSONShape() throws {
        var problem = ProblemDetails(
            status: 409, code: "budget_exceeded", title: "Budget Exceeded", detail: "Not \"enough\"",
            errors: [FieldError(field: "a.b", message: "bad")], extensions: ["available_cents": .int(42), "ok": .bool(false)])
        problem.headers.set("Retry-After", "5")
        let response = problem.response
        #expect(response.status == 409)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(response.headers["Retry-After"] == "5")
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(object?["type"] as? String == "https://clusterxchange.eu/problems/budget_exceeded")
        #expect(object?["title"] as? String == "Budget Exceeded")
        #expect(object?["status"] as? Int == 409)
        #expect(object?["code"] as? String == "budget_exceeded")
        #expect(object?["detail"] as? String == "Not \"enough\"")
        #expect(object?["available_cents"] as? Int == 42)
        #expect(((object?["errors"] as? [[String: String]])?.first)?["field"] == "a.b")
        #expect(ProblemDetails.methodNotAllowed(allow: [.GET, .POST]).response.headers["Allow"] == "GET, POST")
        #expect(ProblemDetails.payloadTooLarge(10).status == 413)
        #expect(ProblemDetails.internal().code == "internal_error")
    }

    struct Organisation: Codable {
        var legalName: String
        var country: String
    }
    struct Registration: Codable {
        var email: String
        var organisation: Organisation
        var tags: [Int]?
        var startsAt: Date?
    }

    private func request(_ body: String, contentType: String? = "application/json") -> HTTPRequest {
        var headers: HTTPHeaders = [:]
        if let contentType { headers.set("Content-Type", contentType) }
        return HTTPRequest(method: .POST, target: "/", headers: headers, body: Array(body.utf8))
    }

    private func problem(_ r: HTTPRequest) -> ProblemDetails? {
        do {
            _ = try r.decode(Registration.self)
            return nil
        } catch { return error as? ProblemDetails }
    }

    @Test func decodeSnakeCaseAndDates() throws {
        let value = try request(
            #"{"email":"a@b.c","organisation":{"legal_name":"X","country":"FR"},"starts_at":"2025-03-01T10:00:00.250Z"}"#,
            contentType: "application/json; charset=utf-8"
        ).decode(Registration.self)
        #expect(value.organisation.legalName == "X")
        #expect(value.startsAt != nil)
        #expect(
            try request(#"{"email":"a","organisation":{"legal_name":"X","country":"FR"}}"#, contentType: "application/merge-patch+json")
                .decode(Registration.self).email == "a")
    }

    @Test func decodeErrorsMapToProblems() {
        #expect(problem(request("{}", contentType: "text/plain"))?.status == 415)
        #expect(problem(request("{}", contentType: nil))?.code == "unsupported_media_type")
        #expect(problem(request(""))?.code == "malformed_json")
        #expect(problem(request("{\"email\":"))?.code == "malformed_json")
        var invalidUTF8 = request("")
        invalidUTF8.body = [0x7B, 0x22, 0xFF, 0x22, 0x7D]
        #expect(problem(invalidUTF8)?.status == 400)
        let missing = problem(request(#"{"email":"a","organisation":{"legal_name":"X"}}"#))
        #expect(missing?.status == 422)
        #expect(missing?.code == "validation_failed")
        #expect(missing?.errors.first?.field == "organisation.country")
        let mismatch = problem(request(#"{"email":"a","organisation":{"legal_name":5,"country":"FR"}}"#))
        #expect(mismatch?.errors.first?.field == "organisation.legal_name")
        let nulled = problem(request(#"{"email":null,"organisation":{"legal_name":"X","country":"FR"}}"#))
        #expect(nulled?.errors.first?.field == "email")
        let indexed = problem(request(#"{"email":"a","organisation":{"legal_name":"X","country":"FR"},"tags":[1,"x"]}"#))
        #expect(indexed?.errors.first?.field == "tags[1]")
        let badDate = problem(request(#"{"email":"a","organisation":{"legal_name":"X","country":"FR"},"starts_at":"yesterday"}"#))
        #expect(badDate?.status == 422)
        #expect(badDate?.errors.first?.field == "starts_at")
    }

    @Test func jsonResponseUsesSnakeCase() throws {
        let response = try HTTPResponse.json(Organisation(legalName: "X", country: "FR"), status: 201)
        #expect(response.status == 201)
        #expect(response.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(String(decoding: response.body, as: UTF8.self).contains("\"legal_name\":\"X\""))
    }

    @Test func dateFormatting() {
        #expect(HTTPDateCache.format(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test func loggerWritesJSONLines() throws {
        let lines = LockedLines()
        let logger = Logger(label: "t", level: .info, sink: .custom { lines.append($0) })
        logger.debug("hidden")
        logger.info("hello \"x\"", ["k": "v"])
        #expect(lines.all.count == 1)
        let object = try JSONSerialization.jsonObject(with: Data(lines.all[0].utf8)) as? [String: String]
        #expect(object?["msg"] == "hello \"x\"")
        #expect(object?["k"] == "v")
        #expect(object?["level"] == "info")
    }
}
