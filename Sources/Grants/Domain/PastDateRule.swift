/// Dates that record what already happened (a closing report's actual dates, a payment's value
/// date) may not lie in the future. `toleranceDays` (`FUTURE_DATE_TOLERANCE_DAYS`, default 1)
/// allows for a user whose local date is already tomorrow in UTC.
public enum PastDateRule {
    /// The violation for `date` in `field`, or nil when it is at most `toleranceDays` after `today`.
    public static func check(_ field: String, _ date: CalendarDate, today: CalendarDate, toleranceDays: Int) -> RuleViolation? {
        let latest = today.adding(days: toleranceDays)
        guard date > latest else { return nil }
        return RuleViolation(
            field: field, rule: "date_in_future",
            message: "\(field) \(date.iso) is after today (\(today.iso), UTC): it records what already happened; use the real date")
    }
}
