import Foundation
import Grants
import Postgres
import Testing

@Suite("Seeds")
struct SeedTests {
    /// `make run` seeds on every start: a second run must change nothing.
    @Test func seedingTwiceChangesNothing() async throws {
        try await TestApp.with { app in
            func counts() async throws -> [Int64] {
                var out: [Int64] = []
                for table in ["programmes", "programme_lump_sums", "organisations", "calls", "users"] {
                    out.append(try await app.sql("SELECT count(*)::bigint AS n FROM \(unescaped: table)").rows[0].decode("n"))
                }
                return out
            }
            _ = try await Seeder.seed(pool: app.admin, directory: TestApp.root.appendingPathComponent("seeds"), demo: true)
            let once = try await counts()
            _ = try await Seeder.seed(pool: app.admin, directory: TestApp.root.appendingPathComponent("seeds"), demo: true)
            #expect(try await counts() == once)
            #expect(once[0] == 1)  // MEDIC-NEST
            #expect(once[2] >= 9)  // 8 partner clusters + the demo SME
            #expect(once[4] == 6)  // demo users of every role

            // The seeded programme is what DESIGN.md §2 says, read over HTTP.
            let token = try await app.login("auditor@medic-nest.example", "medic-nest-demo")
            let programme = try await app.request("GET", "/v1/programmes/\(try await app.programmeID())", token: token)
            #expect(programme.json["cap_cents"] as? Int == 8_000_000)
            #expect((programme.json["lump_sums_cents"] as? [String: Any])?["PT"] as? Int == 78_000)
            #expect((programme.json["lump_sum_sources"] as? [String: Any])?["PT"] as? String == "sourced")
            #expect((programme.json["rules"] as? [String: Any])?["per_visit_cap_cents"] as? Int == 110_000)
            let hosts = try await app.request("GET", "/v1/hosts?limit=200", token: token)
            #expect(Set(hosts.items.compactMap { $0["country"] as? String }).isSuperset(of: ["RO", "BE", "GR", "ES", "SI", "BG", "BA"]))

            // The directory's filters (the console's host search): kind, and text in the name or city.
            let clusters = try await app.request("GET", "/v1/hosts?kind=cluster&limit=200", token: token)
            #expect(!clusters.items.isEmpty)
            #expect(clusters.items.allSatisfy { $0["kind"] as? String == "cluster" })
            #expect(clusters.items.count < hosts.items.count)
            let some = try #require(hosts.items.first)
            let name = try #require(some["legal_name"] as? String)
            let word = String(name.split(separator: " ").max { $0.count < $1.count } ?? "")
            let found = try await app.request(
                "GET", "/v1/hosts?q=\(word.uppercased().addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")", token: token)
            #expect(found.items.contains { $0["id"] as? Int == some["id"] as? Int })
            #expect(
                found.items.allSatisfy {
                    "\($0["legal_name"] ?? "") \($0["city"] ?? "")".lowercased().contains(word.lowercased())
                })
            #expect(try await app.request("GET", "/v1/hosts?q=%25", token: token).items.isEmpty)
            #expect(try await app.request("GET", "/v1/hosts?kind=giant", token: token).status == 422)
        }
    }
}
