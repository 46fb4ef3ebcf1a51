/// Documentation of programmes, budgets and calls (ProgrammeRoutes).
private typealias F = SchemaFragments

extension CalendarDate: SchemaLeaf {
    static let jsonSchema: OrderedJSON = ["type": "string", "format": "date"]
    static var sampleValue: CalendarDate? { CalendarDate(dayNumber: 0) }
}

extension JSONFragment: SchemaLeaf {
    static let jsonSchema: OrderedJSON = ["description": "any JSON value"]
    static var sampleValue: JSONFragment? { JSONFragment("null") }
}

extension ProgrammeRules: DocumentedSchema {
    static let schemaName = "ProgrammeRules"
    static let schemaHints = SchemaHints("The ClusterXchange rules of a programme (DESIGN.md §2).")
}

extension ProgrammeRoutes.RulesPatch: RequestBody {
    static let schemaName = "ProgrammeRulesPatch"
    static let schemaHints = SchemaHints(fields: [
        "per_visit_cap_cents": F.described(F.cents, "at most EUR 100 million; never below a lump sum (422 `below_lump_sum`)"),
        "per_third_party_cap_cents": F.described(F.cents, "at most EUR 100 million"),
        "halving_distance_km": ["minimum": 0, "maximum": 20000], "halving_working_days": ["minimum": 0, "maximum": 31],
        "minimum_working_days": ["minimum": 1, "maximum": 31], "maximum_calendar_days": ["minimum": 1, "maximum": 366],
        "max_funded_exchanges_per_visitor": ["minimum": 1, "maximum": 100],
        "prefinancing_percent": ["minimum": 0, "maximum": 100], "payment_due_days": ["minimum": 0, "maximum": 365],
    ])
}

extension ProgrammeResource: DocumentedSchema {
    static let schemaName = "Programme"
    static let schemaHints = SchemaHints(fields: [
        "lump_sums_cents": ["propertyNames": F.country, "description": "lump sum of a full exchange by host country"],
        "lump_sum_sources": [
            "propertyNames": F.country,
            "additionalProperties": ["type": "string", "enum": ["sourced", "illustrative"]],
        ],
    ])
}

extension ProgrammeRoutes.PatchBody {
    static let schemaName = "ProgrammePatch"
    static let schemaHints = SchemaHints(fields: [
        "name": ["minLength": 1, "maxLength": 300],
        "cap_cents": F.described(
            F.cents,
            "at most EUR 100 million (10,000,000,000 cents); never below what is committed "
                + "(409 `cap_below_committed`)"),
        "lump_sums_cents": [
            "propertyNames": F.country,
            "additionalProperties": ["type": "integer", "format": "int64", "minimum": 0, "maximum": .int(MoneyBounds.maxCapCents)],
            "description": .string(
                "host country (COSME) -> lump sum of a full exchange; upserted. Each lump sum is at most "
                    + "the per-visit cap (`rules.per_visit_cap_cents`, EUR 1,100 by default): 422 `lump_sum_above_visit_cap`"),
        ],
    ])
}

extension BudgetResource: DocumentedSchema {
    static let schemaName = "Budget"
    static let schemaHints = SchemaHints(
        "Sums over the ledger: committed = granted to approved, not cancelled applications (paid included), "
            + "outstanding = committed - paid, available = cap - committed.",
        fields: ["reconciled": ["description": "the programme's running totals (used by approvals under the lock) equal the ledger sums"]])
}

extension CallResource.CriterionView: DocumentedSchema {
    static let schemaName = "Criterion"
    static let schemaHints = SchemaHints(fields: ["weight": ["exclusiveMinimum": 0, "maximum": 1], "minimum": F.halfPoints])
}

extension ProgrammeRoutes.CriterionInput: DocumentedSchema {
    static let schemaName = "CriterionInput"
    static let schemaHints = SchemaHints(
        "Unknown members inside a criterion are ignored (StrictJSON does not descend into arrays).",
        fields: [
            "key": ["pattern": "^[a-z_]{1,40}$"],
            "weight": ["exclusiveMinimum": 0, "maximum": 1, "description": "a fraction with at most 4 decimals; the weights sum to 1"],
            "minimum": F.halfPoints, "description": ["maxLength": 2000],
        ])
}

extension CallResource: DocumentedSchema {
    static let schemaName = "Call"
    static let schemaHints = SchemaHints(fields: [
        "status": F.oneOf(["open", "upcoming", "closed"]), "overall_minimum": F.halfPoints, "divergence_limit": F.halfPoints,
        "evaluation_days": F.evaluationDays,
    ])
}

extension ProgrammeRoutes.CallBody {
    static let schemaName = "CallCreate"
    private static let fields: [String: OrderedJSON] = [
        "title": ["minLength": 1, "maxLength": 300], "closes_at": ["description": "after opens_at"],
        "criteria": ["minItems": 1], "overall_minimum": F.halfPoints, "divergence_limit": F.halfPoints,
        "minimum_evaluators": ["minimum": 1, "maximum": 10],
        "evaluation_days": F.evaluationDays,
    ]
    static let schemaHints = SchemaHints(
        "Defaults: the MEDIC-NEST criteria (relevance 0.4/min 3, quality 0.3/min 3, impact 0.3/min 2.5), overall minimum 3, "
            + "divergence limit 1.5, 2 evaluators, 10 evaluation days.",
        fields: fields, required: ["title", "opens_at", "closes_at"])
    /// The same members for a change: none required.
    static let patchHints = SchemaHints("Criteria cannot change once evaluation has started (409 `evaluation_started`).", fields: fields)
}
