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
        }
    }
}
