extension ApplicationStatus {
    /// `('approved', ...)`: a set of statuses as a SQL list, built from the domain's own sets so
    /// queries and the state machine cannot disagree. Constant text, safe for `\(unescaped:)`.
    static func sqlList(_ statuses: Set<ApplicationStatus>) -> String {
        "(" + statuses.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ") + ")"
    }

    static let fundedSQLList = sqlList(funded)
}
