import Evaluation
import Postgres

/// Approvals: the one path by which money is committed (single decisions and `ranking/apply`
/// both come here). It asks `FundingRule`, then books the commitment in the ledger (whose
/// trigger enforces the cap under the programme lock), records the grant and moves the application.
enum ApprovalWorkflow {
    /// Locks the programme row: every cancellation, report review, payment request, ranking
    /// application and cap change of a programme is serialised here, across all service
    /// instances, so "check then commit" is atomic (a single approval takes it at COMMIT, through
    /// the ledger trigger). Callers lock their application rows (and a ranking its visitor
    /// organisations) first, in the order a single approval takes them, so none deadlocks.
    @discardableResult
    static func lockProgramme(_ conn: PostgresConnection, applicationID: Int64) async throws -> ProgrammeRules {
        try await programme(conn, applicationID: applicationID).rules
    }

    /// The programme's rules and the money still available (cap minus the running committed
    /// total that the ledger trigger maintains under the programme lock), read under that lock
    /// or, with `lock` false, as last committed (a single approval: the trigger checks the cap
    /// again under the lock when its commitment is booked at COMMIT).
    static func programme(_ conn: PostgresConnection, applicationID: Int64, lock: Bool = true) async throws -> (
        rules: ProgrammeRules, availableCents: Int64
    ) {
        let row = try await conn.prepared(
            """
            SELECT \(unescaped: ProgrammeResource.columns), p.committed_cents AS running_committed FROM programmes p
            WHERE p.id = (SELECT programme_id FROM applications WHERE id = \(applicationID)) \(unescaped: lock ? "FOR UPDATE" : "")
            """
        ).single()
        let available = try CheckedAmounts.difference(
            try row.decode("cap_cents"), try row.decode("running_committed"),
            "the available amount")
        return (try ProgrammeResource.rules(from: row), available)
    }

    /// The applications `ranking/apply` decides on: the call's evaluated and reserve ones (its
    /// ranking reads the same set).
    static func rankingCandidates(callID: Int64) -> PostgresQuery {
        "a.call_id = \(callID) AND a.status IN ('evaluated', 'reserve')"
    }

    /// Locks what `ranking/apply` decides on before its batch: the candidates' rows, then their
    /// visitor organisations', then the programme's. That is the order a single approval takes
    /// them (application, organisation, programme at COMMIT), and all applications before any
    /// organisation, since two candidates may share one: a ranking and a decision at the same
    /// time wait for each other instead of deadlocking.
    static func lockForRanking(_ conn: PostgresConnection, callID: Int64, programmeID: Int64) async throws {
        let candidates = rankingCandidates(callID: callID)
        _ = try await conn.query("SELECT a.id FROM applications a WHERE \(fragment: candidates) ORDER BY a.id FOR UPDATE")
        _ = try await conn.query(
            """
            SELECT o.id FROM organisations o
            WHERE o.id IN (SELECT a.organisation_id FROM applications a WHERE \(fragment: candidates))
            ORDER BY o.id FOR NO KEY UPDATE
            """)
        _ = try await conn.query("SELECT id FROM programmes WHERE id = \(programmeID) FOR UPDATE")
    }

    /// The answer to a single approval the ledger refused at COMMIT (it lost the race for the
    /// last money to another approval booked first): the same `budget_exceeded` as the check
    /// before it gives, with the money available now.
    static func refusedAtCommit(_ db: PostgresPool, applicationID: Int64) async throws -> GrantsError {
        try await db.withConnection { conn in
            let (_, available) = try await programme(conn, applicationID: applicationID, lock: false)
            let requested: Int64 = try await conn.query(
                "SELECT lump_sum_cents FROM applications WHERE id = \(applicationID)"
            ).single().decode("lump_sum_cents")
            return .budgetExceeded(availableCents: available, requestedCents: requested)
        }
    }

    /// The one decision path (single decisions and `ranking/apply` both come here).
    ///
    /// Locks, in this order: the application row, the visitor organisation's row (so two
    /// approvals of one organisation, on any instance, see each other's funded exchange and
    /// ceiling), then the programme row. A single decision (`bookAtCommit`) books its commitment
    /// as the transaction's last statements, in the COMMIT's pipeline: the ledger trigger takes the
    /// programme lock and checks the cap there, so approvals of one programme are serialised for
    /// the server's own work only, not across the service's round trips. `ranking/apply` holds
    /// the programme lock for its whole batch and books each commitment at once, so the next
    /// candidate's check sees it.
    static func decide(
        _ conn: PostgresConnection, applicationID: Int64, decision: ProposedDecision, reason: String?,
        user: Principal, audit: AuditContext, bookAtCommit: Bool = false
    ) async throws -> ApplicationResource {
        let app = try await ApplicationResource.load(conn, id: applicationID, for: user, lock: true)
        switch decision {
        case .reserve: return try await ApplicationLifecycle.move(conn, app, .placeOnReserve, reason: reason, audit: audit, user: user)
        case .rejected: return try await ApplicationLifecycle.move(conn, app, .reject, reason: reason, audit: audit, user: user)
        case .approved: break
        }
        guard app.status.apply(.approve) != nil else { throw GrantsError.invalidTransition(from: app.status, action: "approve") }
        // Once in the whole scheme (S): the earlier-visitors list may have grown since submission.
        try await SchemeChecks.refusePreviousVisit(conn, organisationID: app.organisationId, lockOrganisation: true)
        let (rules, available) = try await programme(conn, applicationID: applicationID, lock: !bookAtCommit)
        let amount = app.lumpSumCents
        let visitor = try await conn.prepared(
            """
            SELECT (SELECT count(*) FROM applications WHERE programme_id = \(app.programmeId) AND organisation_id = \(app.organisationId)
                      AND id <> \(app.id) AND status IN \(unescaped: ApplicationStatus.fundedSQLList))::bigint AS funded,
                   (SELECT coalesce(sum(ledger_committed_delta(kind, amount_cents)), 0) FROM ledger_entries
                      WHERE programme_id = \(app.programmeId) AND organisation_id = \(app.organisationId))::bigint AS committed
            """
        ).single()
        let (funded, orgCommitted): (Int64, Int64) = (try visitor.decode("funded"), try visitor.decode("committed"))
        let rule = FundingRule(
            maxFundedExchangesPerOrganisation: rules.maxFundedExchangesPerVisitor,
            perOrganisationCapCents: rules.perThirdPartyCapCents)
        switch rule.decide(
            requestedCents: amount, fundedExchanges: Int(clamping: funded), committedCents: orgCommitted,
            availableCents: available)
        {
        case .exchangeLimit:
            throw GrantsError.organisationLimit("the visitor organisation already has a funded exchange in this programme")
        case .ceiling:
            throw GrantsError.organisationLimit("support to this third party would exceed \(rules.perThirdPartyCapCents) cents")
        case .budget:
            throw GrantsError.budgetExceeded(availableCents: available, requestedCents: amount)
        case .fund:
            break
        }
        if bookAtCommit {
            try await Ledger.appendAtCommit(conn, .commitment, app: app, cents: amount, reason: reason ?? "approved", audit: audit)
        } else {
            try await Ledger.append(conn, .commitment, app: app, cents: amount, reason: reason ?? "approved", audit: audit)
        }
        // The grant (the lump sum) and decided_at are written by the move's one UPDATE.
        return try await ApplicationLifecycle.move(conn, app, .approve, reason: reason, audit: audit, user: user)
    }
}
