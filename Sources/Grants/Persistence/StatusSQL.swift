extension ApplicationStatus {
    /// `('approved', ...)`: the funded statuses as a SQL list, built from the domain's own set so
    /// queries and the state machine cannot disagree. Constant text, safe for `\(unescaped:)`.
    static let fundedSQLList = "(" + funded.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ") + ")"
}
