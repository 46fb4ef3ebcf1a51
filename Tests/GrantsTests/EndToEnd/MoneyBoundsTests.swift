import Foundation
import Postgres
import Testing

/// Issue 15, finding 2: money settings are bounded (validator and CHECK constraints), and the
/// reports, the chart and payment amounts stay answerable on any stored value. The service runs
/// inside the test process, so a trap in it ends the whole test run: these tests fail by crashing.
@Suite("Money bounds and overflow-safe figures (end to end)")
struct MoneyBoundsTests {
    func fields(_ r: TestResponse) -> [String: String] {
        var out: [String: String] = [:]
        for e in r.json["errors"] as? [[String: Any]] ?? [] {
            if let f = e["field"] as? String { out[f] = e["message"] as? String ?? "" }
        }
        return out
    }

    @Test func programmeMoneySettingsHaveUpperBounds() async throws {
        try await TestApp.with { app in
            let coordinator = try await app.staff("coordinator")
            let pid = try await app.programmeID()
            func patch(_ body: [String: Any]) async throws -> TestResponse {
                try await app.request("PATCH", "/v1/programmes/\(pid)", token: coordinator.token, json: body)
            }

            // The finding: this cap was accepted and every later chart request trapped.
            let huge = try await patch(["cap_cents": 5_000_000_000_000_000_000])
            #expect(huge.status == 422, "\(huge.text)")
            #expect(huge.code == "validation_failed")
            #expect(fields(huge)["cap_cents"]?.contains("10000000000") == true, "\(huge.text)")
            #expect(try await patch(["cap_cents": 10_000_000_001]).status == 422)
            #expect(try await patch(["cap_cents": 10_000_000_000]).status == 200)

            let rules = try await patch([
                "rules": [
                    "per_visit_cap_cents": 10_000_000_001, "per_third_party_cap_cents": -1,
                    "prefinancing_percent": 101, "payment_due_days": 366, "halving_working_days": 32,
                    "maximum_calendar_days": 367, "halving_distance_km": 20_001,
                ]
            ])
            #expect(rules.status == 422)
            #expect(
                Set(fields(rules).keys) == [
                    "rules.per_visit_cap_cents", "rules.per_third_party_cap_cents", "rules.prefinancing_percent",
                    "rules.payment_due_days", "rules.halving_working_days", "rules.maximum_calendar_days",
                    "rules.halving_distance_km",
                ], "\(rules.text)")
            #expect(fields(rules)["rules.prefinancing_percent"]?.contains("100") == true)

            // A lump sum is at most the per-visit cap (EUR 1,100), and the cap not below a lump sum.
            let lump = try await patch(["lump_sums_cents": ["PT": 110_001]])
            #expect(lump.status == 422)
            #expect(fields(lump)["lump_sums_cents.PT"]?.contains("110000") == true, "\(lump.text)")
            #expect(try await patch(["lump_sums_cents": ["PT": 110_000]]).status == 200)
            let lowCap = try await patch(["rules": ["per_visit_cap_cents": 80_000]])
            #expect(lowCap.status == 422)
            #expect(fields(lowCap)["rules.per_visit_cap_cents"] != nil, "\(lowCap.text)")
            // Raising both together is fine.
            let both = try await patch(["rules": ["per_visit_cap_cents": 200_000], "lump_sums_cents": ["PT": 150_000]])
            #expect(both.status == 200, "\(both.text)")

            // The database holds the same bounds whatever writes to it.
            for statement: PostgresQuery in [
                "UPDATE programmes SET cap_cents = 5000000000000000000 WHERE id = \(pid)",
                "UPDATE programmes SET per_visit_cap_cents = 10000000001 WHERE id = \(pid)",
                "UPDATE programmes SET prefinancing_percent = 101 WHERE id = \(pid)",
                "UPDATE programmes SET payment_due_days = 100000 WHERE id = \(pid)",
                "UPDATE programme_lump_sums SET amount_cents = 300000 WHERE programme_id = \(pid) AND country = 'PT'",
                "UPDATE programmes SET per_visit_cap_cents = 1000 WHERE id = \(pid)",
            ] {
                await #expect(throws: PostgresError.self) { _ = try await app.sql(statement) }
            }
            let chart = try await app.request("GET", "/v1/reports/spending.svg?programme_id=\(pid)", token: coordinator.token)
            #expect(chart.status == 200)
        }
    }

    /// Every report, the chart, the budget and a payment request over stored values that no
    /// request could have written (constraints dropped): a 2xx or a clean problem, never a trap.
    @Test func reportsChartAndPaymentsSurviveExtremeStoredValues() async throws {
        try await TestApp.with(tamperedLedger: true) { app in
            let s = try await Scenario.make(app)
            let auditor = try await app.staff("auditor")
            let pid = try await app.programmeID()
            #expect(
                try await app.request(
                    "PATCH", "/v1/programmes/\(pid)", token: s.coordinator.token,
                    json: ["rules": ["prefinancing_percent": 100]]
                ).status == 200)
            let (_, id) = try await s.evaluatedApplication()
            #expect(try await s.decide(id, "approved").status == 200)

            // IF EXISTS: the same tampering runs against the schema before Migrations/0008 (the test fails there by trapping).
            for statement: PostgresQuery in [
                """
                ALTER TABLE programmes DROP CONSTRAINT IF EXISTS programmes_cap_bounded, DROP CONSTRAINT IF EXISTS programmes_cap_cents_check,
                  DROP CONSTRAINT IF EXISTS programmes_committed_within_cap, DROP CONSTRAINT IF EXISTS programmes_committed_bounded,
                  DROP CONSTRAINT IF EXISTS programmes_paid_bounded
                """,
                """
                ALTER TABLE applications DROP CONSTRAINT IF EXISTS applications_granted_bounded,
                  DROP CONSTRAINT IF EXISTS applications_lump_sum_bounded
                """,
                """
                ALTER TABLE ledger_entries DROP CONSTRAINT IF EXISTS ledger_entries_amount_bounded,
                  DROP CONSTRAINT IF EXISTS ledger_entries_amount_cents_check
                """,
                "ALTER TABLE ledger_entries DISABLE TRIGGER USER",
                "DROP INDEX IF EXISTS ledger_one_commitment",
            ] { _ = try await app.sql(statement) }

            let paths = [
                "/v1/reports/spending?programme_id=\(pid)", "/v1/reports/spending?programme_id=\(pid)&format=csv",
                "/v1/reports/beneficiaries?programme_id=\(pid)", "/v1/reports/beneficiaries?programme_id=\(pid)&format=csv",
                "/v1/reports/overdue-payments?programme_id=\(pid)", "/v1/reports/spending.svg?programme_id=\(pid)",
                "/v1/reports/spending.svg?programme_id=\(pid)&as_of=9999-12-31", "/v1/programmes/\(pid)/budget",
            ]
            // Each state is read twice: from the ledger's summaries (rebuilt from the tampered entries
            // where they still fit in 64 bits) and, with a marker entry booked at +infinity after every
            // `as_of`, from the entries themselves (Migrations/0015).
            func probe(_ state: String) async throws -> [Int] {
                var statuses: [Int] = []
                _ = try? await app.sql("SELECT ledger_rebuild_summaries(\(pid))")
                for source in ["summaries", "entries"] {
                    if source == "entries" {
                        _ = try await app.sql(
                            """
                            INSERT INTO ledger_entries (programme_id, application_id, organisation_id, kind, amount_cents, reason, created_at)
                            SELECT programme_id, application_id, organisation_id, 'payment', 1, 'marker', 'infinity'
                            FROM ledger_entries WHERE application_id = \(Int64(id)) LIMIT 1
                            """)
                    }
                    for path in paths {
                        for token in [s.coordinator.token, auditor.token] {
                            let r = try await app.request("GET", path, token: token)
                            #expect(
                                r.status == 200 || r.code == "stored_amount_out_of_range",
                                "\(state), \(source): \(path): \(r.status) \(r.text.prefix(300))")
                            if r.status != 200 { #expect(r.header("Content-Type")?.hasPrefix("application/problem+json") == true) }
                            if source == "entries" { statuses.append(r.status) }
                        }
                    }
                    _ = try await app.sql("DELETE FROM ledger_entries WHERE reason = 'marker'")
                }
                let pay = try await app.request(
                    "POST", "/v1/payments", token: s.coordinator.token,
                    json: ["application_id": id, "kind": "prefinancing"])
                #expect([201, 409].contains(pay.status), "\(state) payment: \(pay.status) \(pay.text)")
                if pay.status == 201 {
                    // Leave no open payment behind, so the next state requests afresh.
                    _ = try await app.sql("DELETE FROM payments WHERE application_id = \(Int64(id))")
                }
                statuses.append(pay.status)
                #expect(try await app.request("GET", "/healthz").status == 200, "\(state): the process must stay alive")
                return statuses
            }

            // The finding: a cap of 5e18 and a lump sum of 1e17 approved at 100 % pre-financing.
            _ = try await app.sql("UPDATE programmes SET cap_cents = 5000000000000000000 WHERE id = \(pid)")
            _ = try await app.sql(
                """
                UPDATE applications SET granted_cents = 100000000000000000, lump_sum_cents = 100000000000000000 WHERE id = \(Int64(id))
                """)
            _ = try await app.sql("UPDATE ledger_entries SET amount_cents = 100000000000000000 WHERE application_id = \(Int64(id))")
            let first = try await probe("cap 5e18, grant 1e17")
            #expect(first.prefix(paths.count * 2).allSatisfy { $0 == 200 }, "\(first)")
            #expect(first.last == 409, "1e17 x 100 overflows: a clean 409")

            // Extremes: the largest cap, two commitments whose sum exceeds 64 bits, a negative cap.
            _ = try await app.sql("UPDATE programmes SET cap_cents = 9223372036854775807 WHERE id = \(pid)")
            _ = try await app.sql("UPDATE ledger_entries SET amount_cents = 9223372036854775807 WHERE application_id = \(Int64(id))")
            _ = try await probe("cap and commitment Int64.max")
            _ = try await app.sql(
                """
                INSERT INTO ledger_entries (programme_id, application_id, organisation_id, kind, amount_cents, reason, created_at)
                SELECT programme_id, application_id, organisation_id, 'commitment', 9223372036854775807, 'tampered', '0001-01-01 00:00:00+00'
                FROM ledger_entries WHERE application_id = \(Int64(id)) LIMIT 1
                """)
            let overflowing = try await probe("sum beyond Int64")
            #expect(overflowing.contains(409), "\(overflowing)")
            _ = try await app.sql("UPDATE programmes SET cap_cents = -9223372036854775808 WHERE id = \(pid)")
            _ = try await probe("negative cap")
            _ = try await app.sql("DELETE FROM ledger_entries WHERE reason = 'tampered'")
            _ = try await app.sql(
                """
                UPDATE ledger_entries SET amount_cents = -9223372036854775808, created_at = '-infinity' WHERE application_id = \(Int64(id))
                """)
            _ = try await probe("negative commitment at -infinity")
            _ = try await app.sql("UPDATE programmes SET cap_cents = 0 WHERE id = \(pid)")
            _ = try await app.sql(
                """
                UPDATE ledger_entries SET amount_cents = 1, created_at = '9999-12-31 23:59:59+00' WHERE application_id = \(Int64(id))
                """)
            _ = try await probe("zero cap, entry at the end of 9999")
        }
    }

    /// Criteria weights and minimums far outside their range used to reach `Int(Double)` (a trap).
    @Test func hugeCriterionNumbersAreRefusedNotTrapped() async throws {
        try await TestApp.with { app in
            let coordinator = try await app.staff("coordinator")
            let pid = try await app.programmeID()
            let r = try await app.request(
                "POST", "/v1/programmes/\(pid)/calls", token: coordinator.token,
                json: [
                    "title": "Huge numbers", "opens_at": "2027-01-01T00:00:00Z", "closes_at": "2027-02-01T00:00:00Z",
                    "criteria": [
                        ["key": "relevance", "weight": 1e300, "minimum": 1e300], ["key": "impact", "weight": -1e300, "minimum": 2],
                    ],
                ])
            #expect(r.status == 422, "\(r.text)")
            let f = fields(r)
            #expect(f["criteria[0].weight"] != nil && f["criteria[0].minimum"] != nil && f["criteria[1].weight"] != nil, "\(r.text)")
            #expect(try await app.request("GET", "/healthz").status == 200)
        }
    }

    /// Activity dates 1970..9999 (and year 1): working days are computed in constant time and the
    /// draft is stored; submitting it is refused by the date rules, not by a trap or a stall.
    @Test func farApartActivityDatesAreQuickAndBounded() async throws {
        try await TestApp.with { app in
            let coordinator = try await app.staff("coordinator")
            let a = try await app.applicant(validatedBy: coordinator.token)
            let host = try await app.host("BIOTECYL / SIVI")
            for (start, end) in [("1970-01-01", "9999-12-31"), ("0001-01-01", "9999-12-31")] {
                let started = Date()
                let d = try await app.request(
                    "POST", "/v1/applications", token: a.token,
                    json: app.applicationBody(call: try await app.openCallID(), host: host, start: start, end: end))
                #expect(d.status == 201, "\(d.text)")
                #expect(Date().timeIntervalSince(started) < 5)
                let wd = d.json["working_days"] as? Int ?? -1
                #expect(wd > 2_000_000 && wd < 3_000_000, "\(d.text.prefix(500))")
                if let id = d.json["id"] as? Int {
                    let s = try await app.request("POST", "/v1/applications/\(id)/submit", token: a.token)
                    #expect(s.status == 422, "\(s.text)")
                    #expect((s.json["errors"] as? [[String: Any]] ?? []).contains { $0["rule"] as? String == "too_long" })
                    _ = try await app.request("DELETE", "/v1/applications/\(id)", token: a.token)
                }
            }
        }
    }
}
