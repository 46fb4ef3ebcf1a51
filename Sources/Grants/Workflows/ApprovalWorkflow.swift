import Evaluation
import Postgres

/// Approvals: the one path by which money is committed (single decisions and `ranking/apply`
/// both come here). Under the programme lock it asks `FundingRule`, then books the commitment
/// in the ledger, records the grant and moves the application.
enum ApprovalWorkflow {
    /// Locks the programme row: every approval, cancellation and cap change of a programme
    /// is serialised here, across all service instances, so "check then commit" is atomic.
    @discardableResult
    static func lockProgramme(_ conn: PostgresConnection, applicationID: Int64) async throws -> ProgrammeRules {
        try await lockedProgramme(conn, applicationID: applicationID).rules
    }

    /// The locked programme's rules and the money still available (cap minus the running
    /// committed total that the ledger trigger maintains under this same lock).
    static func lockedProgramme(_ conn: PostgresConnection, applicationID: Int64) async throws -> (
        rules: ProgrammeRules, availableCents: Int64
    ) {
        let row = try await conn.prepared(
            """
            SELECT \(unescaped: ProgrammeResource.columns), p.committed_cents AS running_committed FROM programmes p
            WHERE p.id = (SELECT programme_id FROM applications WHERE id = \(applicationID)) FOR UPDATE
            """
        ).single()
        let available = try CheckedAmounts.difference(
            try row.decode("cap_cents"), try row.decode("running_committed"),
            "the available amount")
        return (try ProgrammeResource.rules(from: row), available)
    }

    /// The one decision path (single decisions and `ranking/apply` both come here).
    static func decide(
        _ conn: PostgresConnection, applicationID: Int64, decision: ProposedDecision, reason: String?,
        user: Principal, audit: AuditContext
    ) async throws -> ApplicationResource {
        let (rules, available) = try await lockedProgramme(conn, applicationID: applicationID)
        let app = try await ApplicationResource.load(conn, id: applicationID, for: user, lock: true)
        switch decision {
        case .reserve: return try await ApplicationLifecycle.move(conn, app, .placeOnReserve, reason: reason, audit: audit, user: user)
        case .rejected: return try await ApplicationLifecycle.move(conn, app, .reject, reason: reason, audit: audit, user: user)
        case .approved: break
        }
        guard app.status.apply(.approve) != nil else { throw GrantsError.invalidTransition(from: app.status, action: "approve") }
        // Once in the whole scheme (S): the earlier-visitors list may have grown since submission.
        try await SchemeChecks.refusePreviousVisit(conn, organisationID: app.organisationId)
        let amount = app.lumpSumCents
        let funded: Int64 = try await conn.query(
            """
            SELECT count(*)::bigint AS n FROM applications WHERE programme_id = \(app.programmeId) AND organisation_id = \(app.organisationId)
              AND id <> \(app.id) AND status IN \(unescaped: ApplicationStatus.fundedSQLList)
            """
        ).single().decode("n")
        let orgCommitted = try await Ledger.organisationCommitted(conn, programmeID: app.programmeId, organisationID: app.organisationId)
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
        try await Ledger.append(conn, .commitment, app: app, cents: amount, reason: reason ?? "approved", audit: audit)
        _ = try await conn.query("UPDATE applications SET granted_cents = \(amount), decided_at = now() WHERE id = \(app.id)")
        return try await ApplicationLifecycle.move(conn, app, .approve, reason: reason, audit: audit, user: user)
    }
}
