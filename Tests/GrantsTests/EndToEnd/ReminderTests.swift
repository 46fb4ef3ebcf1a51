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
}
