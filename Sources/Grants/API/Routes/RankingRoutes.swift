import Evaluation
import Foundation
import HTTP
import Postgres

/// The ranked list of a call with proposed decisions against the budget available now,
/// and applying that proposal through the single decision path.
enum RankingRoutes {
    struct Item: Codable, Sendable {
        var rank: Int
        var applicationId: Int64
        var organisationId: Int64
        var status: String
        var weightedScore: Double
        var scores: [String: Double]
        var sme: Bool
        var submittedAt: Date?
        var lumpSumCents: Int64
        var passes: Bool
        var proposedDecision: String
        var reason: String
        var promotable: Bool
    }
    struct Unranked: Codable, Sendable {
        var applicationId: Int64
        var reason: String
        var diverging: [String]
    }
    struct RankingView: Codable, Sendable {
        var callId: Int64
        var availableCents: Int64
        var items: [Item]
        var unrankable: [Unranked]
        var promotable: [Int64]
    }
    struct Applied: Codable, Sendable {
        var applicationId: Int64
        var decision: String
        var status: String
    }
    struct ApplyResult: Codable, Sendable {
        var callId: Int64
        var applied: [Applied]
        var budget: BudgetResource
    }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .GET,
                "/v1/calls/:id/ranking",
                roles: .staff,
                id: "getRanking",
                tag: .evaluation,
                summary: "Ranking and proposed decisions",
                response: .json(RankingView.self),
                problems: [.storedAmountOutOfRange]),
            get)
        table.add(
            Route(
                .POST,
                "/v1/calls/:id/ranking/apply",
                roles: [.coordinator],
                id: "applyRanking",
                tag: .evaluation,
                summary: "Apply the proposed decisions",
                response: .json(ApplyResult.self),
                traits: [.idempotent],
                problems: [.invalidTransition, .budgetExceeded, .organisationLimit, .storedAmountOutOfRange]),
            apply)
    }

    /// Builds the ranking and the selection proposal from the database state seen by `conn`.
    static func compute(_ conn: PostgresConnection, callID: Int64) async throws -> (RankingView, [Proposal]) {
        let call = try await CallResource.load(conn, id: callID)
        let programme = try await conn.query(
            "SELECT \(unescaped: ProgrammeResource.columns) FROM programmes p WHERE p.id = \(call.programmeId)"
        ).single()
        let rules = try ProgrammeResource.rules(from: programme)
        let budget = try await BudgetResource.load(conn, programmeID: call.programmeId)
        let rows = try await conn.query(
            """
            SELECT a.id, a.organisation_id, a.status, a.lump_sum_cents, a.submitted_at,
                   (extract(epoch FROM a.submitted_at) * 1000000)::bigint AS submitted_us, o.kind = 'sme' AS sme
            FROM applications a JOIN organisations o ON o.id = a.organisation_id
            WHERE \(fragment: ApprovalWorkflow.rankingCandidates(callID: callID))
            ORDER BY a.id
            """
        ).rows
        let ids = try rows.map { try $0.decode("id", as: Int64.self) }
        let sheets = try await EvaluationStore.sheets(conn, applicationIDs: ids)
        let consensus = try await EvaluationStore.consensus(conn, applicationIDs: ids)
        var status: [Int64: String] = [:]
        var submitted: [Int64: Date] = [:]
        var candidates: [Candidate] = []
        for r in rows {
            let id: Int64 = try r.decode("id")
            status[id] = try r.decode("status")
            submitted[id] = try r.decode("submitted_at")
            candidates.append(
                Candidate(
                    id: id, organisationID: try r.decode("organisation_id"), isSME: try r.decode("sme"),
                    submittedAt: try r.decode("submitted_us", as: Int64?.self) ?? Int64.max,
                    requestedCents: try r.decode("lump_sum_cents"),
                    sheets: (sheets[id] ?? []).map(\.sheet), consensus: consensus[id]?.sheet))
        }
        var funded: [Int64: Int] = [:]
        for r in try await conn.query(
            """
            SELECT organisation_id, count(*)::bigint AS n FROM applications WHERE programme_id = \(call.programmeId)
              AND status IN \(unescaped: ApplicationStatus.fundedSQLList) GROUP BY organisation_id
            """
        ).rows { funded[try r.decode("organisation_id")] = Int(clamping: try r.decode("n", as: Int64.self)) }
        var committedByOrg: [Int64: Int64] = [:]
        for r in try await conn.query(
            """
            SELECT organisation_id, sum(ledger_committed_delta(kind, amount_cents))::bigint AS c
            FROM ledger_entries WHERE programme_id = \(call.programmeId) GROUP BY organisation_id
            """
        ).rows { committedByOrg[try r.decode("organisation_id")] = try r.decode("c") }
        let context = SelectionContext(
            availableCents: budget.availableCents, committedCentsByOrganisation: committedByOrg,
            perOrganisationCapCents: rules.perThirdPartyCapCents, fundedExchangesByOrganisation: funded,
            maxFundedExchangesPerOrganisation: rules.maxFundedExchangesPerVisitor)
        let ranking = Evaluation.rank(candidates, policy: call.policy)
        let proposals = Evaluation.select(ranking, context: context)
        let byID = Dictionary(proposals.map { ($0.candidateID, $0) }, uniquingKeysWith: { first, _ in first })
        let items = try ranking.ranked.map { rc -> Item in
            // The selection walk proposes a decision for every ranked candidate.
            guard let p = byID[rc.candidateID] else { throw GrantsError.internalInvariant("no proposal for application \(rc.candidateID)") }
            let promotable = status[rc.candidateID] == "reserve" && p.decision == .approved
            return Item(
                rank: rc.rank, applicationId: rc.candidateID, organisationId: rc.organisationID, status: status[rc.candidateID] ?? "",
                weightedScore: rc.aggregate.weighted.double, scores: rc.aggregate.perCriterion.mapValues(\.double), sme: rc.isSME,
                submittedAt: submitted[rc.candidateID] ?? nil, lumpSumCents: rc.requestedCents, passes: rc.passes,
                proposedDecision: p.decision.rawValue, reason: p.reason.code, promotable: promotable)
        }
        let unranked = ranking.unrankable.map { u -> Unranked in
            var diverging: [String] = []
            if case .needsConsensus(let d) = u.reason { diverging = d }
            return Unranked(applicationId: u.candidateID, reason: u.reason.code, diverging: diverging)
        }
        return (
            RankingView(
                callId: callID, availableCents: budget.availableCents, items: items, unrankable: unranked,
                promotable: items.filter(\.promotable).map(\.applicationId)), proposals
        )
    }

    @Sendable static func get(_ ctx: RequestContext) async throws -> HTTPResponse {
        let id = try ctx.id()
        return try .json(try await ctx.db.withConnection { try await compute($0, callID: id).0 })
    }

    /// Applies the proposal under the programme lock, through `ApprovalWorkflow.decide`, so the
    /// cap is enforced in exactly one place. Reserve entries that stay reserve are left alone.
    @Sendable static func apply(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let audit = ctx.audit
        return try await ctx.db.write { conn in
            try await Idempotency.run(ctx, conn) {
                let call = try await CallResource.load(conn, id: id)
                try await ApprovalWorkflow.lockForRanking(conn, callID: id, programmeID: call.programmeId)
                let (view, proposals) = try await compute(conn, callID: id)
                let status = Dictionary(uniqueKeysWithValues: view.items.map { ($0.applicationId, $0.status) })
                var applied: [Applied] = []
                for p in proposals {
                    let current = status[p.candidateID]
                    if current == "reserve" && p.decision != .approved { continue }
                    let app = try await ApprovalWorkflow.decide(
                        conn, applicationID: p.candidateID, decision: p.decision,
                        reason: "ranking: \(p.reason.code)", user: user, audit: audit)
                    applied.append(Applied(applicationId: app.id, decision: p.decision.rawValue, status: app.status.rawValue))
                }
                return try .json(
                    ApplyResult(callId: id, applied: applied, budget: try await BudgetResource.load(conn, programmeID: call.programmeId)))
            }
        }
    }
}
