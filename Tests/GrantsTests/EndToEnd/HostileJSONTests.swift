import Foundation
import Testing

/// JSON bodies built to break the decoder, sent by an anonymous client to the routes anyone can
/// reach. Found by the `json-bodies` fuzzer: 513 nested `[` crashed the whole process inside
/// Foundation's scanner, taking every user down with it.
@Suite("Hostile JSON (end to end)")
struct HostileJSONTests {
    static let app = Task { try await TestApp.start() }

    static let bodies: [(name: String, body: String)] = [
        ("513 open arrays", String(repeating: "[", count: 513)),
        ("513 open arrays then junk", String(repeating: "[", count: 513) + "x"),
        ("600 balanced arrays", String(repeating: "[", count: 600) + String(repeating: "]", count: 600)),
        ("513 nested objects", String(repeating: "{\"a\":", count: 513)),
        ("33 levels", "{\"email\":" + String(repeating: "[", count: 33) + String(repeating: "]", count: 33) + "}"),
        ("duplicate member", "{\"email\":\"a@example.org\",\"email\":\"b@example.org\",\"password\":\"x\"}"),
        ("duplicate via escape", "{\"email\":\"a@example.org\",\"\\u0065mail\":\"b@example.org\",\"password\":\"x\"}"),
        ("duplicate nested", "{\"organisation\":{\"city\":\"a\",\"city\":\"b\"}}"),
    ]

    @Test(arguments: bodies.indices)
    func refusedWithAProblemAndTheServiceStaysUp(_ index: Int) async throws {
        let app = try await Self.app.value
        let (name, body) = Self.bodies[index]
        for route in ["/v1/auth/login", "/v1/auth/register"] {
            let r = try await app.request("POST", route, body: Data(body.utf8), headers: ["Content-Type": "application/json"])
            #expect(r.status == 400, "\(name) on \(route): \(r.status) \(r.text)")
            #expect(r.code == "malformed_json", "\(name) on \(route)")
            let health = try await app.request("GET", "/healthz")
            #expect(health.status == 200, "\(name): the service must survive")
        }
    }

    @Test func nestingWithinTheLimitStillDecodes() async throws {
        let app = try await Self.app.value
        // A body of ordinary depth with a wrong value type is a 422 about that field, not a 400.
        let r = try await app.request(
            "POST", "/v1/auth/login", body: Data("{\"email\":[[1]],\"password\":\"x\"}".utf8),
            headers: ["Content-Type": "application/json"])
        #expect(r.status == 422)
        #expect(r.code == "validation_failed")
    }
}
