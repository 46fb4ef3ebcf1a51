import Foundation
import Testing

@testable import Grants

/// Every route the service registers is in `openapi.json` with its error answers, and the
/// document describes no route the service does not have. The served copy is the file, and
/// the file is what the route declarations derive.
@Suite("OpenAPI contract")
struct OpenAPIContractTests {
    @Test func everyRouteIsDocumentedAndNothingElse() async throws {
        try await TestApp.with { app in
            let served = try await app.request("GET", "/openapi.json")
            #expect(served.status == 200)
            let file = try Data(contentsOf: TestApp.root.appendingPathComponent("openapi.json"))
            #expect(served.body == file)
            // One source: the committed file is what the route declarations derive (`make openapi`).
            let derived = Data(try GrantsRoutes.openAPIDocument().utf8)
            #expect(derived == file, "openapi.json is stale: run make openapi")
            let doc = try #require(try JSONSerialization.jsonObject(with: file) as? [String: Any])
            let paths = try #require(doc["paths"] as? [String: [String: Any]])

            var documented = Set<String>()
            for (path, operations) in paths {
                for method in operations.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                    documented.insert("\(method.uppercased()) \(path)")
                }
            }
            let registered = Set(
                app.server.routes.map { route in
                    let path = route.path.split(separator: "/", omittingEmptySubsequences: false)
                        .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
                    return "\(route.method.rawValue) \(path)"
                })
            #expect(registered.subtracting(documented).sorted() == [], "routes missing from openapi.json")
            #expect(documented.subtracting(registered).sorted() == [], "openapi.json documents routes the service does not have")

            // Authenticated operations declare their error answers as problem+json.
            for (path, operations) in paths {
                for (method, raw) in operations {
                    guard let op = raw as? [String: Any], let responses = op["responses"] as? [String: Any] else { continue }
                    let open = (op["security"] as? [Any])?.isEmpty == true
                    if !open { #expect(responses["401"] != nil, "\(method) \(path) lacks 401") }
                    if path.contains("{id}") && !open { #expect(responses["404"] != nil, "\(method) \(path) lacks 404") }
                }
            }
        }
    }
}
