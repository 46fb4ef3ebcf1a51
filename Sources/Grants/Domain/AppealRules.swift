import Foundation

/// Redress (DESIGN.md §2): an applicant appeals an `ineligible` or `rejected` outcome within the
/// programme's `appeal_days`; a coordinator other than the one who decided rules on it.
public enum AppealRules {
    /// The last instant an appeal is accepted: `appealDays` whole days after the outcome.
    public static func deadline(outcomeAt: Date, appealDays: Int) -> Date {
        outcomeAt.addingTimeInterval(Double(max(0, min(appealDays, 3650))) * 86_400)
    }

    public static func windowOpen(outcomeAt: Date, appealDays: Int, now: Date) -> Bool {
        now <= deadline(outcomeAt: outcomeAt, appealDays: appealDays)
    }

    /// The lifecycle event that rules on an appeal against `appealed`, or nil for a status that
    /// cannot be appealed.
    public static func event(granted: Bool, appealed: ApplicationStatus) -> ApplicationStatus.Event? {
        switch (appealed, granted) {
        case (.ineligible, true): .grantEligibilityAppeal
        case (.ineligible, false): .upholdIneligibility
        case (.rejected, true): .grantRejectionAppeal
        case (.rejected, false): .upholdRejection
        default: nil
        }
    }
}
