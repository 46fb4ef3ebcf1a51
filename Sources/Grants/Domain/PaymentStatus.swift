/// A payment's lifecycle: requested → approved (a second coordinator, four eyes) → paid.
/// A transfer the bank rejected keeps the payment approved, so it can be executed again.
public enum PaymentStatus: String, Sendable, Codable, CaseIterable {
    case requested, approved, paid

    public enum Event: String, Sendable, CaseIterable {
        case approve, execute, fail
    }

    /// The status after `event`, or nil when the event is not allowed now.
    public func apply(_ event: Event) -> PaymentStatus? {
        switch (self, event) {
        case (.requested, .approve): .approved
        case (.approved, .execute): .paid
        case (.approved, .fail): .approved
        default: nil
        }
    }
}

public enum PaymentKind: String, Sendable, Codable, CaseIterable {
    case prefinancing
    case final
}
