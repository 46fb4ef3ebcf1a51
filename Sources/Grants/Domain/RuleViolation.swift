/// One broken business rule, named by the request field it concerns so a client can show
/// it next to the input (`errors[]` of the problem response).
public struct RuleViolation: Sendable, Hashable {
    public var field: String
    public var rule: String
    public var message: String
    public init(field: String, rule: String, message: String) {
        self.field = field
        self.rule = rule
        self.message = message
    }
}
