/// Documentation of assignments, score sheets, consensus and the ranking (EvaluationRoutes, RankingRoutes).
private typealias F = SchemaFragments

private let scoreMap: OrderedJSON = [
    "propertyNames": ["pattern": "^[a-z_]{1,40}$"], "description": "criterion key -> points (0..5 in half points)",
]

extension EvaluationRoutes.AssignBody {
    static let schemaName = "AssignRequest"
    static let schemaHints = SchemaHints(fields: ["evaluator_id": F.positive])
}

extension EvaluationRoutes.DeclarationBody {
    static let schemaName = "DeclarationRequest"
    static let schemaHints = SchemaHints(
        "Declaring a conflict voids the assignment: the evaluator never sees the application.",
        fields: ["details": ["maxLength": 2000, "description": "required when conflict_of_interest is true"]])
}

extension EvaluationRoutes.ScoresBody {
    static let schemaName = "ScoresRequest"
    static let schemaHints = SchemaHints(fields: [
        "scores": scoreMap,
        "comments": [
            "additionalProperties": ["type": "string", "maxLength": 10000],
            "description": "criterion key -> comment (multi-line text, at most 10,000 characters each)",
        ],
        "comment": ["maxLength": 10000],
    ])
}

extension EvaluationRoutes.ConsensusBody {
    static let schemaName = "ConsensusRequest"
    static let schemaHints = SchemaHints(fields: ["scores": scoreMap, "justification": ["minLength": 1, "maxLength": 10000]])
}

extension AssignmentResource: DocumentedSchema {
    static let schemaName = "Assignment"
    static let schemaHints = SchemaHints(fields: ["status": F.oneOf(AssignmentStatus.self)])
}

extension EvaluationRoutes.AssignmentDetail: DocumentedSchema {
    static let schemaName = "AssignmentDetail"
    static let schemaHints = SchemaHints(
        "An assignment and its score sheet (null until submitted; a void assignment's sheet is not shown).")
}

extension EvaluationRoutes.SheetView: DocumentedSchema {
    static let schemaName = "ScoreSheet"
}

extension EvaluationRoutes.AggregateView: DocumentedSchema {
    static let schemaName = "Aggregate"
    static let schemaHints = SchemaHints(fields: ["source": F.oneOf(["evaluators", "consensus"])])
}

extension EvaluationRoutes.ConsensusView: DocumentedSchema {
    static let schemaName = "Consensus"
}

extension EvaluationRoutes.EvaluationView: DocumentedSchema {
    static let schemaName = "EvaluationView"
    static let schemaHints = SchemaHints(
        "Sheets, aggregate (per criterion and weighted), divergence and consensus. An applicant sees only the aggregate of its "
            + "own application, once decided. An evaluator (the answer to their score sheet) sees only their own sheet and "
            + "assignment: no aggregate, divergence or consensus, so scoring stays independent.",
        fields: [
            "status": F.oneOf(ApplicationStatus.self),
            "divergence": ["description": "criteria on which evaluators differ by more than the call's limit"],
        ])
}

extension RankingRoutes.Item: DocumentedSchema {
    static let schemaName = "RankingItem"
    static let schemaHints = SchemaHints(fields: [
        "status": F.oneOf(["evaluated", "reserve"]), "proposed_decision": F.oneOf(["approved", "reserve", "rejected"]),
        "reason": [
            "description": "e.g. `passes_and_fits`, `budget`, `organisation_limit`, `below_minimum:<criterion>`, `below_overall_minimum`"
        ],
    ])
}

extension RankingRoutes.Unranked: DocumentedSchema {
    static let schemaName = "Unrankable"
    static let schemaHints = SchemaHints(fields: ["reason": ["description": "`needs_consensus` or `insufficient_sheets`"]])
}

extension RankingRoutes.RankingView: DocumentedSchema {
    static let schemaName = "Ranking"
    static let schemaHints = SchemaHints(
        "The call's evaluated and reserve applications ranked, with the decisions proposed against the budget available now.")
}

extension RankingRoutes.Applied: DocumentedSchema {
    static let schemaName = "AppliedDecision"
    static let schemaHints = SchemaHints(fields: [
        "decision": F.oneOf(["approved", "reserve", "rejected"]), "status": F.oneOf(ApplicationStatus.self),
    ])
}

extension RankingRoutes.ApplyResult: DocumentedSchema {
    static let schemaName = "RankingApplied"
}
