import Foundation
import HTTP
import Postgres
import Synchronization
import Testing

@testable import Grants

/// Reminders (issue 12): one per deadline and offset whatever the number of instances, the
/// current one only after a gap, and a leader that dies is replaced without a duplicate.
@Suite("Reminders (end to end)")
struct ReminderTests {
    func day(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }

    func reminders(_ app: TestApp, _ kind: String) async throws -> [(user: Int64, due: CalendarDate)] {
        try await app.sql("SELECT user_id, due_on FROM notifications WHERE kind = \(kind) ORDER BY id").rows.map {
            (try $0.decode(0), try $0.decode(1))
        }
    }

    @Test func oneReminderPerOffsetWhateverTheInstances() async throws {
        try await TestApp.with { a in
            try await TestApp.with(databaseURL: a.databaseURL) { b in
                let s = try await Scenario.make(a)
                let e = try await s.evaluatedApplication()
                try #require(try await s.decide(e.id, "approved").status == 200)
                // report_due_on = 2027-03-05 + 30 days; offsets -7, 0, +3 fall on 03-28, 04-04, 04-07.
                let schedulers = [a.server.reminders, b.server.reminders].compactMap { $0 }
                #expect(schedulers.isEmpty, "tests run rounds themselves")
                let rounds = [
                    ReminderScheduler(pool: a.server.pool, intervalSeconds: 60, logger: Logger(label: "a", level: .error)),
                    ReminderScheduler(pool: b.server.pool, intervalSeconds: 60, logger: Logger(label: "b", level: .error)),
                ]
                func race(_ today: String) async throws {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for _ in 0..<3 { for r in rounds { group.addTask { _ = try await r.round(today: day(today)) } } }
                        try await group.waitForAll()
                    }
                }
                try await race("2027-03-27")
                #expect(try await reminders(a, "report_due_reminder").isEmpty, "no offset reached yet")
                try await race("2027-03-28")
                let first = try await reminders(a, "report_due_reminder")
                #expect(first.map(\.user) == [e.applicant.userID], "one, to the applicant: \(first)")
                try await race("2027-03-30")
                #expect(try await reminders(a, "report_due_reminder").count == 1, "nothing new between offsets")
                try await race("2027-04-04")
                try await race("2027-04-08")
                #expect(try await reminders(a, "report_due_reminder").count == 3, "one per offset")
                let sent: Int64 = try await a.sql("SELECT count(*) FROM reminders_sent WHERE deadline = 'report_due'").rows[0].decode(0)
                #expect(sent == 3)
                let inApp = try await a.request("GET", "/v1/notifications", token: e.applicant.token).items
                #expect((inApp.first?["subject"] as? String)?.hasPrefix("Closing report") == true, "\(inApp.first ?? [:])")
                #expect(inApp.first?["due_on"] as? String == "2027-04-04")
            }
        }
    }

    @Test func afterAGapOnlyTheCurrentReminderGoes() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let e = try await s.evaluatedApplication()
            try #require(try await s.decide(e.id, "approved").status == 200)
            let r = ReminderScheduler(pool: app.server.pool, intervalSeconds: 60, logger: Logger(label: "r", level: .error))
            // First round long after the deadline: only +3 (the latest reached), and nothing 30 days on.
            _ = try await r.round(today: day("2027-04-10"))
            let offsets: [Int64] = try await app.sql("SELECT offset_days::bigint FROM reminders_sent ORDER BY 1").rows.map {
                try $0.decode(0)
            }
            #expect(offsets == [3])
            _ = try await app.sql("DELETE FROM reminders_sent")
            _ = try await r.round(today: day("2027-06-01"))
            #expect(try await app.sql("SELECT count(*) FROM reminders_sent").rows[0].decode(0, as: Int64.self) == 0, "stale")
        }
    }

    @Test func aDeadLeaderIsReplacedWithoutADuplicate() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let e = try await s.evaluatedApplication()
            try #require(try await s.decide(e.id, "approved").status == 200)
            let follower = ReminderScheduler(pool: app.server.pool, intervalSeconds: 60, logger: Logger(label: "f", level: .error))
            // A leader holds the round's lock in an open transaction (a round that is running).
            let leader = PostgresPool(configuration: PostgresConfiguration(url: app.databaseURL))
            let (release, released) = AsyncStream<Void>.makeStream()
            let backend = Mutex<Int64?>(nil)
            let holding = Task {
                try await leader.withConnection { conn in
                    _ = try await conn.query("BEGIN")
                    _ = try await conn.query("SELECT pg_advisory_xact_lock(\(ReminderScheduler.lockKey))")
                    let pid: Int64 = try await conn.query("SELECT pg_backend_pid()::bigint AS pid").single().decode("pid")
                    backend.withLock { $0 = pid }
                    for await _ in release { break }
                }
            }
            var pid: Int64?
            for _ in 0..<200 where pid == nil {
                pid = backend.withLock { $0 }
                if pid == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
            let leaderPID = try #require(pid)
            #expect(try await follower.round(today: day("2027-03-28")) == nil, "another instance leads")
            #expect(try await reminders(app, "report_due_reminder").isEmpty)
            // The leader dies (its backend is killed): its lock goes with it, the follower leads.
            _ = try await app.sql("SELECT pg_terminate_backend(\(leaderPID)::integer)")
            released.finish()
            _ = try? await holding.value
            var led: Int?? = nil
            for _ in 0..<50 {
                led = try await follower.round(today: day("2027-03-28"))
                if led != nil && led! != nil { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(led == 1)
            #expect(try await follower.round(today: day("2027-03-28")) == 0, "no duplicate")
            #expect(try await reminders(app, "report_due_reminder").count == 1)
            await leader.close()
        }
    }

    /// The evaluator is reminded of its score sheet, the coordinators of a payment; a sheet
    /// already scored and a payment already made remind nobody.
    @Test func evaluatorsAndCoordinatorsAreRemindedOfTheirDeadlines() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            // The call gives evaluators 14 days instead of the default 10.
            let callPath = "/v1/calls/\(try await app.openCallID())"
            let call = try await app.request("GET", callPath, token: s.coordinator.token)
            #expect(call.json["evaluation_days"] as? Int == 10, "\(call.text)")
            let tooLong = try await app.request(
                "PATCH", callPath, token: s.coordinator.token, json: ["evaluation_days": 400],
                headers: ["If-Match": call.header("ETag") ?? ""])
            #expect(tooLong.status == 422 && tooLong.text.contains("evaluation_days"), "\(tooLong.text)")
            let patched = try await app.request(
                "PATCH", callPath, token: s.coordinator.token, json: ["evaluation_days": 14],
                headers: ["If-Match": call.header("ETag") ?? ""])
            #expect(patched.json["evaluation_days"] as? Int == 14, "\(patched.text)")
            let e = try await s.eligibleApplication()
            let evaluator = s.evaluators[0]
            let asg = try await app.request(
                "POST", "/v1/applications/\(e.id)/assignments", token: s.coordinator.token, json: ["evaluator_id": evaluator.id])
            let dueText = try #require(asg.json["due_on"] as? String, "\(asg.text)")
            let due = try #require(CalendarDate(iso: dueText))
            #expect(due == CalendarDate.utcDay(of: Date())?.adding(days: 14))
            let r = ReminderScheduler(pool: app.server.pool, intervalSeconds: 60, logger: Logger(label: "r", level: .error))
            _ = try await r.round(today: due.adding(days: -7))
            let sheet = try await reminders(app, "evaluation_due_reminder")
            #expect(sheet.map(\.user) == [evaluator.id] && sheet.first?.due == due, "\(sheet)")
            let inbox = try await app.request("GET", "/v1/notifications", token: evaluator.token).items
            #expect((inbox.first?["body"] as? String)?.contains("Ana Popescu") == false, "no participant before the declaration")

            // Through to an accepted report: the payment falls due for the coordinators.
            let done = try await s.evaluatedApplication()
            try #require(try await s.decide(done.id, "approved").status == 200)
            try #require(
                try await app.signAgreement(done.id, applicant: done.applicant.token, coordinator: s.coordinator.token).status == 201)
            _ = try await app.upload(done.id, "boarding_pass", token: done.applicant.token)
            _ = try await app.upload(done.id, "host_confirmation", token: done.applicant.token)
            let report = ["actual_start": "2027-03-01", "actual_end": "2027-03-05", "summary": "Five days on the pipeline."]
            let submitted = try await app.request("POST", "/v1/applications/\(done.id)/report", token: done.applicant.token, json: report)
            try #require(submitted.status == 200, "\(submitted.text)")
            let accepted = try await app.request(
                "POST", "/v1/applications/\(done.id)/report/review", token: s.coordinator.token, json: ["accepted": true])
            let payDueText = try #require(accepted.json["payment_due_on"] as? String, "\(accepted.text)")
            let payDue = try #require(CalendarDate(iso: payDueText))
            // The coordinators' list filters by the payment's due date.
            let dueBy = try await app.request("GET", "/v1/applications?payment_due_by=\(payDue)", token: s.coordinator.token).items
            #expect(dueBy.compactMap { $0["id"] as? Int } == [done.id], "\(dueBy)")
            let dayBefore = "/v1/applications?payment_due_by=\(payDue.adding(days: -1))"
            #expect(try await app.request("GET", dayBefore, token: s.coordinator.token).items.isEmpty)
            _ = try await r.round(today: payDue)
            let pay = try await reminders(app, "payment_due_reminder")
            #expect(pay.contains { $0.user == s.coordinator.id && $0.due == payDue }, "\(pay)")
            let coordinators: Set<Int64> = Set(
                try await app.sql("SELECT id FROM users WHERE role = 'coordinator' AND active").rows.map { try $0.decode(0) })
            #expect(Set(pay.map(\.user)).isSubset(of: coordinators), "coordinators only")
            #expect(try await reminders(app, "report_due_reminder").isEmpty, "a report already accepted is not due")
        }
    }

    /// Two real `serve` processes run rounds every second: each deadline's reminder goes once,
    /// and after either is killed (`kill -9`) the other goes on alone.
    @Test func killedServeProcessesAreReplacedWithoutADuplicate() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let env = ["REMINDERS": "true", "REMINDER_INTERVAL_SECONDS": "1", "WEBHOOKS": "false"]
            func start() throws -> CrashRecoveryTests.ServiceProcess {
                try CrashRecoveryTests.ServiceProcess(databaseURL: app.databaseURL, port: CrashRecoveryTests.freePort(), environment: env)
            }
            var a = try start()
            defer { a.kill9() }
            let b = try start()
            defer { b.kill9() }
            try await a.waitReady(HTTPTestClient(base: "http://127.0.0.1:\(a.port)"))
            try await b.waitReady(HTTPTestClient(base: "http://127.0.0.1:\(b.port)"))
            // A report due in 7 days today: the first offset is reached.
            let inAWeek = try #require(CalendarDate.utcDay(of: Date())).adding(days: 7)
            func approvedDueInAWeek() async throws -> Int {
                let e = try await s.evaluatedApplication()
                try #require(await s.decide(e.id, "approved").status == 200)
                _ = try await app.sql("UPDATE applications SET report_due_on = \(inAWeek) WHERE id = \(Int64(e.id))")
                return e.id
            }
            func remindersOf(_ id: Int) async throws -> Int64 {
                try await app.sql(
                    "SELECT count(*) FROM notifications WHERE kind = 'report_due_reminder' AND application_id = \(Int64(id))"
                ).rows[0].decode(0)
            }
            func waitForReminder(_ id: Int) async throws -> Int64 {
                for _ in 0..<100 {
                    let n = try await remindersOf(id)
                    if n > 0 { return n }
                    try await Task.sleep(for: .milliseconds(100))
                }
                return 0
            }
            let first = try await approvedDueInAWeek()
            #expect(try await waitForReminder(first) == 1)
            a.kill9()
            let second = try await approvedDueInAWeek()
            #expect(try await waitForReminder(second) == 1, "b leads alone")
            a = try start()
            try await a.waitReady(HTTPTestClient(base: "http://127.0.0.1:\(a.port)"))
            b.kill9()
            let third = try await approvedDueInAWeek()
            #expect(try await waitForReminder(third) == 1, "a leads alone")
            try await Task.sleep(for: .seconds(2.5))  // more rounds, by both instances in turn
            for id in [first, second, third] { #expect(try await remindersOf(id) == 1, "no duplicate for \(id)") }
            let keys: Int64 = try await app.sql("SELECT count(*) FROM reminders_sent WHERE deadline = 'report_due'").rows[0].decode(0)
            #expect(keys == 3)
        }
    }
}
