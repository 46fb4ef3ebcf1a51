/// An evaluator's assignment: the declaration comes first; a declared conflict voids it.
public enum AssignmentStatus: String, Sendable, Codable, CaseIterable {
    case pendingDeclaration = "pending_declaration"
    case declared, submitted, void

    public enum Event: Sendable {
        case declareNoConflict, declareConflict, submitScores
    }

    public func apply(_ event: Event) -> AssignmentStatus? {
        switch (self, event) {
        case (.pendingDeclaration, .declareNoConflict): .declared
        case (.pendingDeclaration, .declareConflict): .void
        case (.declared, .submitScores), (.submitted, .submitScores): .submitted
        default: nil
        }
    }
}
