import Evaluation
import Foundation
import HTTP
import Postgres

/// The evaluation workflow (DESIGN.md §5): assignments, conflict-of-interest declarations,
/// score sheets, consensus, and the evaluation view. Scoring itself is the Evaluation module.
enum EvaluationRoutes {
    struct AssignBody: RequestBody { var evaluatorId: Int64 }
    struct DeclarationBody: RequestBody {
        var conflictOfInterest: Bool
        var details: String?
    }
    struct ScoresBody: RequestBody {
        var scores: [String: Double]
        var comments: [String: String]?
        var comment: String?
    }
    struct ConsensusBody: RequestBody {
        var scores: [String: Double]
        var justification: String
    }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .POST,
                "/v1/applications/:id/assignments",
                roles: [.coordinator],
                id: "assignEvaluator",
                tag: .evaluation,
                summary: "Assign an evaluator",
                description: "The application must be eligible (it moves to `in_evaluation`) or in evaluation.",
                body: .json(AssignBody.self),
                response: .json(AssignmentResource.self),
                status: 201,
                traits: [.noLocation],
                problems: [.invalidTransition, .alreadyAssigned]),
            assign)
        table.add(
            Route(
                .GET,
                "/v1/assignments",
                roles: [.evaluator, .coordinator, .auditor],
                id: "listAssignments",
                tag: .evaluation,
                summary: "List assignments",
                description: "An evaluator sees its own.",
                response: .page(AssignmentResource.self),
                query: [
                    .id("application_id", "only assignments of this application"),
                    QueryParameter(name: "due_by", kind: .date, description: "only those whose score sheet is due on or before this date"),
                ]),
            listAssignments)
        table.add(
            Route(
                .GET,
                "/v1/assignments/:id",
                roles: [.evaluator, .coordinator, .auditor],
                id: "getAssignment",
                tag: .evaluation,
                summary: "Get an assignment",
                description: "The assignment with its score sheet once submitted. An evaluator sees only their own "
                    + "(another's is 404).",
                response: .json(AssignmentDetail.self)),
            getAssignment)
        table.add(
            Route(
                .POST,
                "/v1/assignments/:id/declaration",
                roles: [.evaluator],
                id: "declareConflictOfInterest",
                tag: .evaluation,
                summary: "Declare (no) conflict of interest",
                body: .json(DeclarationBody.self),
                response: .json(AssignmentResource.self),
                problems: [.alreadyDeclared]),
            declare)
        table.add(
            Route(
                .PUT,
                "/v1/assignments/:id/scores",
                roles: [.evaluator],
                id: "submitScores",
                tag: .evaluation,
                summary: "Score an application",
                description: "403 `conflict_of_interest` until the declaration is made. The last sheet needed completes "
                    + "the evaluation.",
                body: .json(ScoresBody.self),
                response: .json(EvaluationView.self),
                problems: [.assignmentVoid, .invalidTransition, .conflictOfInterest]),
            score)
        table.add(
            Route(
                .GET,
                "/v1/applications/:id/evaluation",
                roles: [.applicant, .coordinator, .auditor],
                id: "getEvaluation",
                tag: .evaluation,
                summary: "Evaluation of an application",
                response: .json(EvaluationView.self)),
            view)
        table.add(
            Route(
                .POST,
                "/v1/applications/:id/consensus",
                roles: [.coordinator],
                id: "recordConsensus",
                tag: .evaluation,
                summary: "Record consensus scores",
                body: .json(ConsensusBody.self),
                response: .json(EvaluationView.self),
                problems: [.invalidTransition]),
            consensus)
    }

    @Sendable static func assign(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(AssignBody.self)
        let audit = ctx.audit
        let assignment = try await ctx.db.write { conn in
            try await EvaluationWorkflow.assign(conn, applicationID: id, evaluatorID: b.evaluatorId, user: user, audit: audit)
        }
        return try .json(assignment, status: 201)
    }

    @Sendable static func listAssignments(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let page = try Page(ctx.request)
        let mine: Int64? = user.role == .evaluator ? user.userID : nil
        let application = ctx.query.id("application_id")
        let due = ctx.query.date("due_by")
        let rows = try await ctx.db.query(
            """
            SELECT \(unescaped: AssignmentResource.columns) FROM \(unescaped: AssignmentResource.from)
            WHERE s.id > \(page.afterID) AND (\(mine)::bigint IS NULL OR s.evaluator_id = \(mine))
              AND (\(application)::bigint IS NULL OR s.application_id = \(application))
              AND (\(due)::date IS NULL OR s.due_on <= \(due))
            ORDER BY s.id LIMIT \(page.fetchLimit)
            """
        ).rows
        return try page.response(try rows.map(AssignmentResource.init(row:)), id: \.id)
    }

    /// One assignment and its sheet: what an evaluator comes back to after scoring.
    struct AssignmentDetail: Codable, Sendable {
        var assignment: AssignmentResource
        var sheet: SheetView?
    }

    @Sendable static func getAssignment(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let mine: Int64? = user.role == .evaluator ? user.userID : nil
        let detail = try await ctx.db.withConnection { conn in
            let assignment = try AssignmentResource(
                row: try await conn.query(
                    """
                    SELECT \(unescaped: AssignmentResource.columns) FROM \(unescaped: AssignmentResource.from)
                    WHERE s.id = \(id) AND (\(mine)::bigint IS NULL OR s.evaluator_id = \(mine))
                    """
                ).single())
            let sheet = try await EvaluationStore.sheets(conn, applicationIDs: [assignment.applicationId])[assignment.applicationId]?
                .first { $0.assignmentID == id }
            return AssignmentDetail(assignment: assignment, sheet: sheet.map(SheetView.init(stored:)))
        }
        return try .json(detail)
    }

    static func loadAssignment(_ conn: PostgresConnection, id: Int64, evaluator: Int64) async throws -> AssignmentResource {
        try AssignmentResource(
            row: try await conn.query(
                """
                SELECT \(unescaped: AssignmentResource.columns) FROM \(unescaped: AssignmentResource.from)
                WHERE s.id = \(id) AND s.evaluator_id = \(evaluator) FOR UPDATE OF s
                """
            ).single())
    }

    @Sendable static func declare(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(DeclarationBody.self)
        var v = Validator()
        let details = v.optionalText("details", b.details, max: 2000, multiline: true)
        if b.conflictOfInterest && details == nil { v.fail("details", "describe the conflict of interest", rule: "required") }
        try v.finish()
        let audit = ctx.audit
        let a = try await ctx.db.write { conn in
            let before = try await loadAssignment(conn, id: id, evaluator: user.userID)
            // A conflict voids the assignment: the evaluator never sees the application.
            guard let next = AssignmentStatus(rawValue: before.status)?.apply(b.conflictOfInterest ? .declareConflict : .declareNoConflict)
            else { throw GrantsError.conflict(code: .alreadyDeclared, detail: "the declaration was already made") }
            _ = try await conn.query(
                """
                UPDATE assignments SET status = \(next.rawValue), conflict_of_interest = \(b.conflictOfInterest),
                  conflict_details = \(details), declared_at = now() WHERE id = \(id)
                """)
            let after = try AssignmentResource(
                row: try await conn.query(
                    "SELECT \(unescaped: AssignmentResource.columns) FROM \(unescaped: AssignmentResource.from) WHERE s.id = \(id)"
                ).single())
            try await AuditTrail.record(
                conn, audit, action: b.conflictOfInterest ? "assignment.conflict_declared" : "assignment.no_conflict_declared",
                entity: "assignment", id: id, before: before, after: after)
            return after
        }
        return try .json(a)
    }

    @Sendable static func score(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(ScoresBody.self)
        let audit = ctx.audit
        let view = try await ctx.db.write { conn in
            let assignment = try await loadAssignment(conn, id: id, evaluator: user.userID)
            let status = AssignmentStatus(rawValue: assignment.status)
            switch status {
            case .pendingDeclaration: throw GrantsError.conflictOfInterest("declare whether you have a conflict of interest first")
            case .void:
                throw GrantsError.conflict(code: .assignmentVoid, detail: "the assignment was voided by a declared conflict of interest")
            default: break
            }
            guard let submitted = status?.apply(.submitScores) else {
                throw GrantsError.conflict(code: .invalidTransition, detail: "the assignment is '\(assignment.status)'")
            }
            var app = try await ApplicationResource.load(conn, id: assignment.applicationId, for: Principal.system, lock: true)
            guard app.status == .inEvaluation else { throw GrantsError.invalidTransition(from: app.status, action: "score") }
            let call = try await CallResource.load(conn, id: app.callId)
            let sheet = try validatedSheet(b.scores, comments: b.comments, policy: call.policy, evaluatorID: user.userID)
            var v = Validator()
            let comment = v.optionalText("comment", b.comment, max: 10_000, multiline: true)
            // Per-criterion comments are free text too: each one is checked like `comment`.
            var checkedComments: [String: String] = [:]
            for (key, text) in (b.comments ?? [:]).sorted(by: { $0.key < $1.key }) {
                if let t = v.optionalText("comments.\(key)", text, max: 10_000, multiline: true) { checkedComments[key] = t }
            }
            try v.finish()
            let comments = String(decoding: try JSONEncoder().encode(checkedComments), as: UTF8.self)
            _ = try await conn.query(
                """
                INSERT INTO score_sheets (assignment_id, application_id, evaluator_id, scores, comments, comment)
                VALUES (\(id), \(app.id), \(user.userID), \(sheet)::jsonb, \(comments)::jsonb, \(comment))
                ON CONFLICT (assignment_id) DO UPDATE SET scores = excluded.scores, comments = excluded.comments,
                  comment = excluded.comment, updated_at = now()
                """)
            _ = try await conn.query("UPDATE assignments SET status = \(submitted.rawValue) WHERE id = \(id)")
            try await AuditTrail.record(
                conn, audit, action: "score_sheet.submitted", entity: "assignment", id: id,
                after: ["application_id": String(app.id), "scores": sheet])
            let inputs = try await Inputs.load(conn, app.id)
            app = try await completeIfReady(conn, app, call: call, inputs: inputs, audit: audit)
            return try await evaluationView(conn, app, call: call, inputs: inputs).forEvaluator(user.userID)
        }
        return try .json(view)
    }

    /// Validates API scores (points) into stored half points, every issue at once.
    static func validatedSheet(_ scores: [String: Double], comments: [String: String]?, policy: ScoringPolicy, evaluatorID: Int64) throws
        -> String
    {
        switch Evaluation.validate(scores, evaluatorID: evaluatorID, against: policy) {
        case .failure(let e):
            throw GrantsError.validation(
                e.issues.map { RuleViolation(field: "scores.\($0.criterion)", rule: $0.kind.rawValue, message: $0.message) })
        case .success(let sheet):
            for key in (comments ?? [:]).keys where policy.criterion(key) == nil {
                throw GrantsError.invalid("comments.\(key)", "not a criterion of this call", rule: "unknown")
            }
            let halfPoints = sheet.scores.mapValues(\.halfPoints)
            return String(decoding: try JSONEncoder.sorted.encode(halfPoints), as: UTF8.self)
        }
    }

    /// The stored sheets and consensus of one application, loaded once per request.
    struct Inputs: Sendable {
        var sheets: [EvaluationStore.StoredSheet]
        var consensus: EvaluationStore.StoredConsensus?
        static func load(_ conn: PostgresConnection, _ applicationID: Int64) async throws -> Inputs {
            Inputs(
                sheets: try await EvaluationStore.sheets(conn, applicationIDs: [applicationID])[applicationID] ?? [],
                consensus: try await EvaluationStore.consensus(conn, applicationIDs: [applicationID])[applicationID])
        }
    }

    /// Enough sheets and no unresolved divergence: the application is evaluated.
    static func completeIfReady(
        _ conn: PostgresConnection, _ app: ApplicationResource, call: CallResource, inputs: Inputs,
        audit: AuditContext
    ) async throws -> ApplicationResource {
        guard app.status == .inEvaluation else { return app }
        guard
            case .ready = Evaluation.aggregate(sheets: inputs.sheets.map(\.sheet), consensus: inputs.consensus?.sheet, policy: call.policy)
        else { return app }
        return try await ApplicationLifecycle.move(conn, app, .completeEvaluation, reason: nil, audit: audit, user: Principal.system)
    }

    struct SheetView: Codable, Sendable {
        var assignmentId: Int64
        var evaluatorId: Int64
        var scores: [String: Double]
        var comments: [String: String]
        var comment: String?
        var submittedAt: Date

        init(stored s: EvaluationStore.StoredSheet) {
            (assignmentId, evaluatorId, scores) = (s.assignmentID, s.evaluatorID, EvaluationRoutes.points(s.halfPoints))
            (comments, comment, submittedAt) = (s.comments, s.comment, s.submittedAt)
        }
    }
    struct AggregateView: Codable, Sendable {
        var perCriterion: [String: Double]
        var weighted: Double
        var source: String
        var passes: Bool
        var failedMinimums: [String]
        var belowOverallMinimum: Bool
    }
    struct ConsensusView: Codable, Sendable {
        var scores: [String: Double]
        var justification: String
        var recordedBy: Int64
        var recordedAt: Date
    }
    struct EvaluationView: Codable, Sendable {
        var applicationId: Int64
        var status: String
        var minimumEvaluators: Int
        var sheets: [SheetView]
        var aggregate: AggregateView?
        var divergence: [String]
        var consensus: ConsensusView?
        var needsConsensus: Bool
        var assignments: [AssignmentResource]
        enum CodingKeys: String, CodingKey {
            case applicationId, status, minimumEvaluators, sheets, aggregate, divergence, consensus, needsConsensus, assignments
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(applicationId, forKey: .applicationId)
            try c.encode(status, forKey: .status)
            try c.encode(minimumEvaluators, forKey: .minimumEvaluators)
            try c.encode(sheets, forKey: .sheets)
            try c.encode(aggregate, forKey: .aggregate)
            try c.encode(divergence, forKey: .divergence)
            try c.encode(consensus, forKey: .consensus)
            try c.encode(needsConsensus, forKey: .needsConsensus)
            try c.encode(assignments, forKey: .assignments)
        }

        /// What an applicant sees once decided: the aggregate alone, no one's sheet.
        func forApplicant() -> EvaluationView {
            var v = self
            (v.sheets, v.assignments, v.divergence, v.consensus, v.needsConsensus) = ([], [], [], nil, false)
            return v
        }

        /// What an evaluator sees: their own sheet and assignment only. Scoring is independent, so
        /// nothing of another evaluator's sheet reaches them, neither directly nor through the
        /// aggregate, the divergence or the consensus (an evaluator who saw a diverging colleague's
        /// scores could re-score to close the gap while the evaluation is open).
        func forEvaluator(_ evaluatorID: Int64) -> EvaluationView {
            var v = self
            v.sheets = sheets.filter { $0.evaluatorId == evaluatorID }
            v.assignments = assignments.filter { $0.evaluatorId == evaluatorID }
            (v.aggregate, v.divergence, v.consensus, v.needsConsensus) = (nil, [], nil, false)
            return v
        }
    }

    static func points(_ halfPoints: [String: Int]) -> [String: Double] { halfPoints.mapValues { Double($0) / 2 } }

    static func aggregateView(_ aggregate: Aggregate, policy: ScoringPolicy) -> AggregateView {
        let a = policy.assess(aggregate)
        return AggregateView(
            perCriterion: aggregate.perCriterion.mapValues(\.double), weighted: aggregate.weighted.double,
            source: aggregate.source.rawValue, passes: a.passes, failedMinimums: a.failedMinimums,
            belowOverallMinimum: a.belowOverallMinimum)
    }

    static func evaluationView(
        _ conn: PostgresConnection, _ app: ApplicationResource, call: CallResource,
        inputs: Inputs
    ) async throws -> EvaluationView {
        let (sheets, consensus) = (inputs.sheets, inputs.consensus)
        let policy = call.policy
        let outcome = Evaluation.aggregate(sheets: sheets.map(\.sheet), consensus: consensus?.sheet, policy: policy)
        let assignments = try await conn.query(
            """
            SELECT \(unescaped: AssignmentResource.columns) FROM \(unescaped: AssignmentResource.from) WHERE s.application_id = \(app.id) ORDER BY s.id
            """
        ).rows.map(AssignmentResource.init(row:))
        var needsConsensus = false
        if case .needsConsensus = outcome { needsConsensus = true }
        return EvaluationView(
            applicationId: app.id, status: app.status.rawValue, minimumEvaluators: policy.minimumEvaluators,
            sheets: sheets.map(SheetView.init(stored:)),
            aggregate: outcome.aggregate.map { aggregateView($0, policy: policy) },
            divergence: Evaluation.divergence(sheets: sheets.map(\.sheet), policy: policy),
            consensus: consensus.map {
                ConsensusView(
                    scores: points($0.halfPoints), justification: $0.justification,
                    recordedBy: $0.recordedBy, recordedAt: $0.recordedAt)
            },
            needsConsensus: needsConsensus, assignments: assignments)
    }

    /// Coordinators and auditors see everything; an applicant sees only the final aggregate
    /// of its own application, and only once it is decided.
    @Sendable static func view(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let view = try await ctx.db.withConnection { conn in
            let app = try await ApplicationResource.load(conn, id: id, for: user)
            let call = try await CallResource.load(conn, id: app.callId)
            let view = try await evaluationView(conn, app, call: call, inputs: try await Inputs.load(conn, app.id))
            if user.role == .applicant {
                guard ApplicationStatus.decided.contains(app.status) else {
                    throw GrantsError.forbidden("the evaluation is visible after the decision")
                }
                return view.forApplicant()
            }
            return view
        }
        return try .json(view)
    }

    @Sendable static func consensus(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(ConsensusBody.self)
        var v = Validator()
        let justification = v.text("justification", b.justification, max: 10_000, multiline: true)
        try v.finish()
        let audit = ctx.audit
        let view = try await ctx.db.write { conn in
            var app = try await ApplicationResource.load(conn, id: id, for: user, lock: true)
            guard app.status == .inEvaluation else { throw GrantsError.invalidTransition(from: app.status, action: "record_consensus") }
            let call = try await CallResource.load(conn, id: app.callId)
            let sheet = try validatedSheet(b.scores, comments: nil, policy: call.policy, evaluatorID: user.userID)
            _ = try await conn.query(
                """
                INSERT INTO consensus_sheets (application_id, scores, justification, recorded_by) VALUES (\(id), \(sheet)::jsonb, \(justification), \(user.userID))
                ON CONFLICT (application_id) DO UPDATE SET scores = excluded.scores, justification = excluded.justification,
                  recorded_by = excluded.recorded_by, recorded_at = now()
                """)
            try await AuditTrail.record(
                conn, audit, action: "consensus.recorded", entity: "application", id: id,
                after: ["scores": sheet, "justification": justification])
            let inputs = try await Inputs.load(conn, app.id)
            app = try await completeIfReady(conn, app, call: call, inputs: inputs, audit: audit)
            return try await evaluationView(conn, app, call: call, inputs: inputs)
        }
        return try .json(view)
    }
}

extension JSONEncoder {
    static let sorted: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()
}

extension Principal {
    /// The service acting on its own rule (e.g. completing an evaluation); it sees every record.
    static let system = Principal(userID: 0, role: .coordinator, organisationID: nil, email: "system", name: "system")
}
