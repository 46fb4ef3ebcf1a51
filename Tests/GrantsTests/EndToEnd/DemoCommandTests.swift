import Foundation
import Grants
import Postgres
import Testing

/// The first hour's demo commands (issue 13): `seed --demo --reset` and
/// `demo-exchange-took-place`, and the refusal of dates after today where the past is meant.
@Suite("Demo commands and past dates")
struct DemoCommandTests {
    static func rules(_ r: TestResponse) -> [String] {
        (r.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
    }

    /// A report and a payment record what happened: dates after today are refused (tolerance
    /// one day, the production default); the demo command moves the exchange into the past by
    /// whole weeks, keeping its working days, so the report and payment go through.
    @Test func futureReportAndValueDatesAreRefusedUntilTheExchangeTookPlace() async throws {
        try await TestApp.with(configure: { $0.futureDateToleranceDays = 1 }) { app in
            let s = try await Scenario.make(app)
            let (applicant, id) = try await s.evaluatedApplication()
            #expect(try await s.decide(id, "approved").status == 200)
            try await app.signAgreement(id, applicant: applicant.token, coordinator: s.coordinator.token)
            for kind in ["boarding_pass", "host_confirmation"] { try await app.upload(id, kind, token: applicant.token) }

            let planned = ["actual_start": "2027-03-01", "actual_end": "2027-03-05", "summary": "five days"]
            let early = try await app.request("POST", "/v1/applications/\(id)/report", token: applicant.token, json: planned)
            #expect(early.status == 422)
            #expect(Self.rules(early) == ["date_in_future", "date_in_future"], "\(early.text)")

            let moved = try await DemoDatabase.exchangeTookPlace(app.admin, applicationID: Int64(id), force: true)
            let today = try #require(CalendarDate.utcDay(of: Date()))
            #expect(moved.end < today)
            #expect(moved.start.isoWeekday == 1)
            #expect(moved.end.dayNumber - moved.start.dayNumber == 4)
            let read = try await app.request("GET", "/v1/applications/\(id)", token: applicant.token)
            #expect(read.json["activity_start"] as? String == moved.start.iso)
            #expect(read.json["working_days"] as? Int == 5)
            let audit = try await app.sql(
                "SELECT count(*)::bigint AS n FROM audit_log WHERE action = 'demo.exchange_took_place' AND entity_id = \(Int64(id))")
            #expect(try audit.rows[0].decode("n", as: Int64.self) == 1)

            let report = ["actual_start": moved.start.iso, "actual_end": moved.end.iso, "summary": "five days"]
            let filed = try await app.request("POST", "/v1/applications/\(id)/report", token: applicant.token, json: report)
            #expect(filed.json["status"] as? String == "report_submitted", "\(filed.text)")
            let accepted = try await app.request(
                "POST", "/v1/applications/\(id)/report/review", token: s.coordinator.token, json: ["accepted": true])
            #expect(accepted.json["final_amount_cents"] as? Int == 78_000, "\(accepted.text)")

            let requested = try await app.request(
                "POST", "/v1/payments", token: s.coordinator.token, json: ["application_id": id, "kind": "final"])
            let pid = try #require(requested.json["id"] as? Int)
            let second = try await app.staff("coordinator")
            #expect(try await app.request("POST", "/v1/payments/\(pid)/approve", token: second.token).status == 200)
            let execute = "/v1/payments/\(pid)/execute"
            let late = try await app.request(
                "POST", execute, token: s.coordinator.token, json: ["bank_reference": "BT-1", "value_date": today.adding(days: 2).iso])
            #expect(late.status == 422)
            #expect(Self.rules(late) == ["date_in_future"])
            #expect(try await s.budget()["paid_cents"] as? Int == 0)
            // One day ahead is within the tolerance: a coordinator east of UTC, just after midnight.
            let paid = try await app.request(
                "POST", execute, token: s.coordinator.token, json: ["bank_reference": "BT-1", "value_date": today.adding(days: 1).iso])
            #expect(paid.json["status"] as? String == "paid", "\(paid.text)")
        }
    }

    /// Both demo commands refuse a database with a user outside `.example` (real data), and
    /// the exchange command only moves an approved exchange whose report is not filed.
    @Test func demoCommandsRefuseRealDataAndUnapprovedExchanges() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let (_, id) = try await s.eligibleApplication()  // its owner is at example.org
            await #expect(throws: DemoDatabase.RealDataFound.self) {
                try await DemoDatabase.exchangeTookPlace(app.admin, applicationID: Int64(id), force: false)
            }
            await #expect(throws: DemoDatabase.RealDataFound.self) { try await DemoDatabase.reset(app.admin, force: false) }
            await #expect(throws: CommandError.self) {
                try await DemoDatabase.exchangeTookPlace(app.admin, applicationID: Int64(id), force: true)
            }
            let status = try await app.sql("SELECT status, activity_start::text AS s FROM applications WHERE id = \(Int64(id))")
            #expect(try status.rows[0].decode("s", as: String.self) == "2027-03-01")
        }
    }

    /// `seed --demo --reset` on demo data: refused while the service is connected; once it has
    /// stopped, every table (append-only ledger and audit log included) is gone, and migrating
    /// and seeding again gives the demo's first state.
    @Test func resetStartsTheDemoOver() async throws {
        let app = try await TestApp.start()
        do {
            let seeds = TestApp.root.appendingPathComponent("seeds")
            _ = try await Seeder.seed(pool: app.admin, directory: seeds, demo: true)
            let token = try await app.login("coordinator@medic-nest.example", "medic-nest-demo")
            let patched = try await app.request(
                "PATCH", "/v1/calls/\(try await app.openCallID())", token: token, json: ["evaluation_days": 20])
            #expect(patched.status == 200, "\(patched.text)")
            await #expect(throws: DemoDatabase.ServiceRunning.self) { try await DemoDatabase.reset(app.admin, force: false) }
            await app.server.shutdown()
            try await DemoDatabase.reset(app.admin, force: false)
            let tables = try await app.sql("SELECT count(*)::bigint AS n FROM pg_tables WHERE schemaname = 'public'")
            #expect(try tables.rows[0].decode("n", as: Int64.self) == 0)
            _ = try await Migrator(pool: app.admin, directory: TestApp.root.appendingPathComponent("Migrations")).migrate()
            _ = try await Seeder.seed(pool: app.admin, directory: seeds, demo: true)
            let after = try await app.sql(
                """
                SELECT (SELECT count(*) FROM audit_log)::bigint AS audits, (SELECT count(*) FROM users)::bigint AS users,
                  (SELECT evaluation_days FROM calls ORDER BY id LIMIT 1)::bigint AS days
                """)
            #expect(try after.rows[0].decode("users", as: Int64.self) == 6)
            #expect(try after.rows[0].decode("days", as: Int64.self) != 20)

            _ = try await app.sql(
                "INSERT INTO users (email, password_hash, name, role) VALUES ('maria@clinic.ro', 'x', 'Maria', 'coordinator')")
            await #expect(throws: DemoDatabase.RealDataFound.self) { try await DemoDatabase.reset(app.admin, force: false) }
            try await DemoDatabase.reset(app.admin, force: true)
            _ = try await Migrator(pool: app.admin, directory: TestApp.root.appendingPathComponent("Migrations")).migrate()
        } catch {
            await app.stop()
            throw error
        }
        await app.admin.close()
    }
}
