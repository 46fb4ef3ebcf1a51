/// The upper bounds of every money setting and stored amount (issue 15). With every amount at
/// most EUR 100 million, a sum of a billion of them still fits in 64 bits, so report totals and
/// chart scales cannot overflow on values the validator and the CHECK constraints let in
/// (Migrations/0008). Arithmetic on stored values is still checked: a tampered row must give a
/// clean problem, not a trap.
public enum MoneyBounds {
    /// A programme cap: at most EUR 100,000,000.
    public static let maxCapCents: Int64 = 10_000_000_000
    /// The per-visit and per-third-party caps: never more than a whole programme may hold.
    public static let maxRuleCents: Int64 = maxCapCents
    /// Text for messages: `10000000000 cents (EUR 100,000,000)`.
    public static func describe(_ cents: Int64) -> String {
        let euros = String(cents / 100)
        var grouped = ""
        for (i, c) in euros.enumerated() {
            if i > 0 && (euros.count - i) % 3 == 0 { grouped += "," }
            grouped.append(c)
        }
        return "\(cents) cents (EUR \(grouped))"
    }
}
