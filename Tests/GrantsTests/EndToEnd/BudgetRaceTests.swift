import Foundation
import Testing

/// The budget invariant under concurrency, across two service instances sharing one
/// database: approvals are fired at both at once, with lump sums far past the cap.
@Suite("Budget races across two instances (end to end)", .serialized)
struct BudgetRaceTests {
    /// Runs `body` for each element with at most `width` in flight.
    func concurrently<T: Sendable, R: Sendable>(_ items: [T], width: Int = 8, _ body: @escaping @Sendable (T) async throws -> R)
        async throws -> [R]
    {
        try await withThrowingTaskGroup(of: (Int, R).self) { group in
            var results = [R?](repeating: nil, count: items.count)
            var next = 0
            for _ in 0..<min(width, items.count) {
                let i = next
                next += 1
                group.addTask { (i, try await body(items[i])) }
            }
            while let (i, r) = try await group.next() {
                results[i] = r
                if next < items.count {
                    let j = next
                    next += 1
                    group.addTask { (j, try await body(items[j])) }
                }
            }
            return results.map { $0! }
        }
    }

    @Test func hundredApprovalsAtTwoInstancesNeverPassTheCap() async throws {
        try await TestApp.with { a in
            try await TestApp.with(databaseURL: a.databaseURL) { b in
                let s = try await Scenario.make(a)
                let pid = try await a.programmeID()
                // 100 x EUR 780 = EUR 78,000 asked of a EUR 20,000 cap: at most 25 fit.
                #expect(
                    try await a.request("PATCH", "/v1/programmes/\(pid)", token: s.coordinator.token, json: ["cap_cents": 2_000_000]).status
                        == 200)
                let ids = try await concurrently(Array(0..<100)) { _ in try await s.evaluatedApplication().id }
                let second = try await b.login(
                    try await a.sql("SELECT email FROM users WHERE id = \(s.coordinator.id)").rows[0].decode("email"),
                    "correct-horse-battery")

                let answers = try await concurrently(Array(ids.enumerated()), width: 32) { (i, id) in
                    let (app, token) = i % 2 == 0 ? (a, s.coordinator.token) : (b, second)
                    return try await app.request(
                        "POST", "/v1/applications/\(id)/decision", token: token,
                        json: ["decision": "approved", "reason": "race"])
                }
                let won = answers.filter { $0.status == 200 }
                let refused = answers.filter { $0.status == 409 }
                #expect(won.count + refused.count == 100, "\(Set(answers.map(\.status)))")
                #expect(won.count == 25)
                #expect(refused.allSatisfy { $0.code == "budget_exceeded" })
                // Refused by the check before booking or by the ledger at COMMIT: the same answer, with figures.
                #expect(refused.allSatisfy { $0.json["available_cents"] is Int && $0.json["requested_cents"] as? Int == 78_000 })
                let budget = try await s.budget()
                #expect(budget["committed_cents"] as? Int == 25 * 78_000)
                #expect((budget["committed_cents"] as? Int ?? .max) <= 2_000_000)
                #expect(budget["reconciled"] as? Bool == true)
                // The ledger sums equal the budget endpoint.
                let ledger = try await a.request("GET", "/v1/ledger?programme_id=\(pid)&limit=200", token: s.coordinator.token)
                #expect(
                    ledger.items.filter { $0["kind"] as? String == "commitment" }.reduce(0) { $0 + ($1["amount_cents"] as? Int ?? 0) } == 25
                        * 78_000)
                // The audit rows of the race, each written last in its transaction from either
                // instance, still form one unbroken chain.
                let auditor = try await a.staff("auditor")
                let chain = try await b.request("GET", "/v1/audit-log/verify", token: auditor.token)
                #expect(chain.json["valid"] as? Bool == true, "\(chain.text)")
                #expect((chain.json["checked"] as? Int ?? 0) >= 25)
            }
        }
    }

    @Test func oneOrganisationsTwoApplicationsOnlyOneWins() async throws {
        try await TestApp.with { a in
            try await TestApp.with(databaseURL: a.databaseURL) { b in
                let s = try await Scenario.make(a)
                let applicant = try await a.applicant(validatedBy: s.coordinator.token)
                var ids: [Int] = []
                for host in ["BIOTECYL / SIVI", "Basque Health Cluster"] {
                    let d = try await a.request(
                        "POST", "/v1/applications", token: applicant.token,
                        json: a.applicationBody(call: try await a.openCallID(), host: try await a.host(host)))
                    let id = try #require(d.json["id"] as? Int)
                    try await a.hostAccepts(id, coordinator: s.coordinator.token)
                    #expect(try await a.request("POST", "/v1/applications/\(id)/submit", token: applicant.token).status == 200)
                    #expect(
                        try await a.request(
                            "POST", "/v1/applications/\(id)/eligibility", token: s.coordinator.token, json: ["eligible": true]
                        ).status == 200)
                    let sheet: [String: Double] = ["relevance": 4, "quality": 4, "impact": 4]
                    #expect(try await s.evaluate(id, scores: [sheet, sheet]).json["status"] as? String == "evaluated")
                    ids.append(id)
                }
                let apps = [a, b]
                for _ in 0..<5 {
                    let answers = try await concurrently(Array(ids.enumerated()), width: 2) { (i, id) in
                        try await apps[i].request(
                            "POST", "/v1/applications/\(id)/decision", token: s.coordinator.token,
                            json: ["decision": "approved", "reason": "race"])
                    }
                    if answers.contains(where: { $0.status == 200 }) {
                        #expect(answers.map(\.status).sorted() == [200, 409])
                        #expect(answers.first { $0.status == 409 }?.code == "organisation_limit")
                        break
                    }
                }
                let funded = try await a.request("GET", "/v1/applications?status=approved", token: applicant.token)
                #expect(funded.items.count == 1)
            }
        }
    }

    /// An approved application taken to an approved final payment (four eyes: `second`
    /// approves what the scenario's coordinator requested).
    func approvedFinalPayment(_ a: TestApp, _ s: Scenario, second: (id: Int64, token: String)) async throws
        -> (application: Int, payment: Int)
    {
        let (applicant, id) = try await s.evaluatedApplication()
        #expect(try await s.decide(id, "approved").status == 200)
        for kind in ["commitment_to_quality", "invoice", "host_confirmation"] {
            _ = try await a.request(
                "POST", "/v1/applications/\(id)/documents?kind=\(kind)&filename=\(kind).pdf", token: applicant.token,
                body: Data("%PDF-1.4".utf8))
        }
        #expect(try await a.signAgreement(id, applicant: applicant.token, coordinator: s.coordinator.token).status == 201)
        #expect(
            try await a.request(
                "POST", "/v1/applications/\(id)/report", token: applicant.token,
                json: ["actual_start": "2027-03-01", "actual_end": "2027-03-05", "summary": "done"]
            ).status == 200)
        #expect(
            try await a.request(
                "POST", "/v1/applications/\(id)/report/review", token: s.coordinator.token, json: ["accepted": true]
            ).status == 200)
        let p = try await a.request("POST", "/v1/payments", token: s.coordinator.token, json: ["application_id": id, "kind": "final"])
        let pid = try #require(p.json["id"] as? Int)
        #expect(try await a.request("POST", "/v1/payments/\(pid)/approve", token: second.token).status == 200)
        return (id, pid)
    }

    /// Payments booked at commit and approvals take the programme lock before the audit
    /// chain's, in the same order: fired together at two instances, none deadlocks.
    @Test func paymentsAndApprovalsTogetherNeverDeadlock() async throws {
        try await TestApp.with { a in
            try await TestApp.with(databaseURL: a.databaseURL) { b in
                let s = try await Scenario.make(a)
                let second = try await a.staff("coordinator")
                var payments: [Int] = []
                for _ in 0..<4 { payments.append(try await approvedFinalPayment(a, s, second: second).payment) }
                let approvals = try await concurrently(Array(0..<8)) { _ in try await s.evaluatedApplication().id }
                let deadlocksBefore: Int64 = try await a.sql(
                    "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
                ).rows[0].decode("deadlocks")
                let work: [(kind: String, id: Int)] = payments.map { ("pay", $0) } + approvals.map { ("approve", $0) }
                let answers = try await concurrently(Array(work.enumerated()), width: 12) { (i, job) in
                    let app = i % 2 == 0 ? a : b
                    return job.kind == "pay"
                        ? try await app.request(
                            "POST", "/v1/payments/\(job.id)/execute", token: s.coordinator.token,
                            json: ["bank_reference": "BT-\(job.id)", "value_date": "2027-03-20"])
                        : try await app.request(
                            "POST", "/v1/applications/\(job.id)/decision", token: s.coordinator.token,
                            json: ["decision": "approved", "reason": "race"])
                }
                #expect(answers.allSatisfy { $0.status == 200 }, "\(answers.map(\.status))")
                // A backend reports its statistics within a second of its transaction's end.
                try await Task.sleep(for: .milliseconds(1500))
                let deadlocksAfter: Int64 = try await a.sql(
                    "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
                ).rows[0].decode("deadlocks")
                #expect(deadlocksAfter == deadlocksBefore, "deadlocks detected and retried")
                let budget = try await s.budget()
                #expect(budget["paid_cents"] as? Int == 4 * 78_000)
                #expect(budget["reconciled"] as? Bool == true)
                let auditor = try await a.staff("auditor")
                let chain = try await b.request("GET", "/v1/audit-log/verify", token: auditor.token)
                #expect(chain.json["valid"] as? Bool == true, "\(chain.text)")
            }
        }
    }

    /// Every transaction takes the application's row before the programme's, as a single
    /// approval does (it takes the programme's only at COMMIT): approving and cancelling one
    /// application at once, and applying the ranking while its candidates are decided one by
    /// one, wait for each other instead of deadlocking. Each application is approved once.
    @Test func decisionsCancellationsAndRankingTogetherNeverDeadlock() async throws {
        try await TestApp.with { a in
            try await TestApp.with(databaseURL: a.databaseURL) { b in
                let s = try await Scenario.make(a)
                let ids = try await concurrently(Array(0..<8)) { _ in try await s.evaluatedApplication().id }
                let deadlocksBefore: Int64 = try await a.sql(
                    "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
                ).rows[0].decode("deadlocks")
                let call = try await a.openCallID()
                var jobs: [(kind: String, id: Int)] = ids.flatMap { [("approve", $0), ("cancel", $0)] }
                jobs.insert(("ranking", Int(call)), at: 4)
                let answers = try await concurrently(Array(jobs.enumerated()), width: 12) { (i, job) in
                    let app = i % 2 == 0 ? a : b
                    switch job.kind {
                    case "approve":
                        return try await app.request(
                            "POST", "/v1/applications/\(job.id)/decision", token: s.coordinator.token,
                            json: ["decision": "approved", "reason": "race"])
                    case "cancel":
                        return try await app.request(
                            "POST", "/v1/applications/\(job.id)/cancel", token: s.coordinator.token, json: ["reason": "race"])
                    default:
                        return try await app.request("POST", "/v1/calls/\(job.id)/ranking/apply", token: s.coordinator.token)
                    }
                }
                // A cancellation before the approval, or a second approval, is refused (409); nothing fails otherwise.
                #expect(answers.allSatisfy { [200, 409].contains($0.status) }, "\(answers.map(\.status))")
                try await Task.sleep(for: .milliseconds(1500))
                let deadlocksAfter: Int64 = try await a.sql(
                    "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
                ).rows[0].decode("deadlocks")
                #expect(deadlocksAfter == deadlocksBefore, "deadlocks detected and retried")
                let commitments: Int64 = try await a.sql(
                    """
                    SELECT count(*)::bigint AS n FROM ledger_entries
                    WHERE kind = 'commitment' AND application_id = ANY(\(ids.map { Int64($0) }))
                    """
                ).rows[0].decode("n")
                #expect(commitments == Int64(ids.count))
                let budget = try await s.budget()
                #expect(budget["reconciled"] as? Bool == true)
            }
        }
    }

    /// The payment's ledger row is booked at commit (pipelined with the audit rows and the
    /// COMMIT): when the ledger refuses it, the answer is still the ledger's problem, and
    /// nothing of the execution is kept, neither the payment's status, the application's, nor
    /// an audit row.
    @Test func aPaymentTheLedgerRefusesAtCommitChangesNothing() async throws {
        try await TestApp.with { a in
            let s = try await Scenario.make(a)
            let second = try await a.staff("coordinator")
            let (id, pid) = try await approvedFinalPayment(a, s, second: second)
            // The final amount lowered by a cent behind the workflow's back: the 780.00 payment
            // now exceeds it, which only the ledger's trigger sees.
            _ = try await a.sql("UPDATE applications SET final_amount_cents = final_amount_cents - 1 WHERE id = \(id)")
            let auditRows: Int64 = try await a.sql("SELECT count(*) AS n FROM audit_log").rows[0].decode("n")
            let r = try await a.request(
                "POST", "/v1/payments/\(pid)/execute", token: s.coordinator.token,
                json: ["bank_reference": "BT-9", "value_date": "2027-03-20"])
            #expect(r.status == 409, "\(r.text)")
            #expect(r.code == "payment_exceeds_grant")
            let payment = try await a.request("GET", "/v1/payments/\(pid)", token: s.coordinator.token)
            #expect(payment.json["status"] as? String == "approved")
            let app = try await a.request("GET", "/v1/applications/\(id)", token: s.coordinator.token)
            #expect(app.json["status"] as? String == "report_accepted")
            let ledger = try await a.request("GET", "/v1/ledger?application_id=\(id)", token: s.coordinator.token)
            #expect(ledger.items.filter { $0["kind"] as? String == "payment" }.isEmpty)
            #expect(try await a.sql("SELECT count(*) AS n FROM audit_log").rows[0].decode("n", as: Int64.self) == auditRows)
            // The move to `paid` queued its notifications; the refused COMMIT wrote none (outbox).
            let told: Int64 = try await a.sql(
                "SELECT count(*) AS n FROM notifications WHERE application_id = \(id) AND kind = 'payment_executed'"
            ).rows[0].decode("n")
            #expect(told == 0)
        }
    }

    @Test func onePaymentExecutedTwiceAtOnceIsPaidOnce() async throws {
        try await TestApp.with { a in
            try await TestApp.with(databaseURL: a.databaseURL) { b in
                let s = try await Scenario.make(a)
                let second = try await a.staff("coordinator")
                let (id, pid) = try await approvedFinalPayment(a, s, second: second)
                let answers = try await concurrently([a, b, a, b], width: 4) { app in
                    try await app.request(
                        "POST", "/v1/payments/\(pid)/execute", token: s.coordinator.token,
                        json: ["bank_reference": "BT-1", "value_date": "2027-03-20"])
                }
                #expect(answers.filter { $0.status == 200 }.count == 1, "\(answers.map(\.status))")
                #expect(answers.filter { $0.status == 409 }.count == 3)
                let budget = try await s.budget()
                #expect(budget["paid_cents"] as? Int == 78_000)
                #expect(budget["reconciled"] as? Bool == true)
                let ledger = try await a.request("GET", "/v1/ledger?application_id=\(id)", token: s.coordinator.token)
                #expect(ledger.items.filter { $0["kind"] as? String == "payment" }.count == 1)
                // Paid once, told once: one notification per applicant user, from the one payment that won.
                let told = try await a.sql(
                    """
                    SELECT user_id, count(*) AS n FROM notifications WHERE application_id = \(id) AND kind = 'payment_executed'
                    GROUP BY user_id
                    """
                ).rows.map { try $0.decode("n", as: Int64.self) }
                #expect(told == [1])
            }
        }
    }
}
