/// What a payment may be, as pure decisions: the amount is computed, never typed in.
public enum PaymentRules {
    public enum Amount: Equatable, Sendable {
        case due(Int64)
        /// The application's status does not allow this payment (the action named, and the
        /// status it waits for).
        case notNow(action: String, needs: ApplicationStatus)
        /// The programme pays in one payment after the exchange (pre-financing 0 %).
        case noPrefinancing
        case nothingToPay
        /// Stored amounts beyond 64-bit cents.
        case outOfRange
    }

    /// Pre-financing = granted x the programme's percentage (rounded down), while approved or
    /// signed; final = final amount minus what was paid, once the report is accepted.
    public static func amount(
        kind: PaymentKind, status: ApplicationStatus, grantedCents: Int64?, finalAmountCents: Int64?,
        paidCents: Int64, prefinancingPercent: Int
    ) -> Amount {
        let cents: Int64
        switch kind {
        case .prefinancing:
            guard [.approved, .agreementSigned].contains(status) else { return .notNow(action: "request_prefinancing", needs: .approved) }
            guard prefinancingPercent > 0 else { return .noPrefinancing }
            let (product, overflow) = (grantedCents ?? 0).multipliedReportingOverflow(by: Int64(prefinancingPercent))
            if overflow { return .outOfRange }
            cents = product / 100
        case .final:
            guard status == .reportAccepted else { return .notNow(action: "request_final_payment", needs: .reportAccepted) }
            let (difference, overflow) = (finalAmountCents ?? 0).subtractingReportingOverflow(paidCents)
            if overflow { return .outOfRange }
            cents = difference
        }
        return cents > 0 ? .due(cents) : .nothingToPay
    }

    /// Four eyes: with the programme's `four_eyes_payments` on, the requester may not approve.
    public static func mayApprove(requestedBy: Int64, approver: Int64, fourEyes: Bool) -> Bool {
        !(fourEyes && requestedBy == approver)
    }
}
