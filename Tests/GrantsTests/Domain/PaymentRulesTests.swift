import Testing

@testable import Grants

/// Payment and assignment rules as pure values in, decisions out.
@Suite("Payment and assignment rules")
struct PaymentRulesTests {
    @Test func paymentLifecycle() {
        #expect(PaymentStatus.requested.apply(.approve) == .approved)
        #expect(PaymentStatus.approved.apply(.execute) == .paid)
        #expect(PaymentStatus.approved.apply(.fail) == .approved)
        for (status, event) in [
            (PaymentStatus.requested, PaymentStatus.Event.execute), (.requested, .fail), (.approved, .approve),
            (.paid, .approve), (.paid, .execute), (.paid, .fail),
        ] {
            #expect(status.apply(event) == nil, "\(status) \(event)")
        }
    }

    @Test func amounts() {
        // Pre-financing: granted x percent, rounded down, while approved or signed.
        #expect(
            PaymentRules.amount(
                kind: .prefinancing, status: .approved, grantedCents: 78_001, finalAmountCents: nil,
                paidCents: 0, prefinancingPercent: 33) == .due(25_740))
        #expect(
            PaymentRules.amount(
                kind: .prefinancing, status: .reportAccepted, grantedCents: 78_000, finalAmountCents: nil,
                paidCents: 0, prefinancingPercent: 33) == .notNow(action: "request_prefinancing", needs: .approved))
        #expect(
            PaymentRules.amount(
                kind: .prefinancing, status: .approved, grantedCents: 78_000, finalAmountCents: nil,
                paidCents: 0, prefinancingPercent: 0) == .noPrefinancing)
        // Final: final amount minus what was paid, once the report is accepted.
        #expect(
            PaymentRules.amount(
                kind: .final, status: .reportAccepted, grantedCents: 78_000, finalAmountCents: 39_000,
                paidCents: 25_740, prefinancingPercent: 33) == .due(13_260))
        #expect(
            PaymentRules.amount(
                kind: .final, status: .reportAccepted, grantedCents: 78_000, finalAmountCents: 39_000,
                paidCents: 39_000, prefinancingPercent: 0) == .nothingToPay)
        #expect(
            PaymentRules.amount(
                kind: .final, status: .approved, grantedCents: 78_000, finalAmountCents: nil,
                paidCents: 0, prefinancingPercent: 0) == .notNow(action: "request_final_payment", needs: .reportAccepted))
        // Stored extremes answer, never trap.
        #expect(
            PaymentRules.amount(
                kind: .prefinancing, status: .approved, grantedCents: .max, finalAmountCents: nil,
                paidCents: 0, prefinancingPercent: 100) == .outOfRange)
        #expect(
            PaymentRules.amount(
                kind: .final, status: .reportAccepted, grantedCents: 0, finalAmountCents: .min,
                paidCents: 1, prefinancingPercent: 0) == .outOfRange)
    }

    @Test func fourEyes() {
        #expect(!PaymentRules.mayApprove(requestedBy: 7, approver: 7, fourEyes: true))
        #expect(PaymentRules.mayApprove(requestedBy: 7, approver: 8, fourEyes: true))
        #expect(PaymentRules.mayApprove(requestedBy: 7, approver: 7, fourEyes: false))
    }

    @Test func assignmentLifecycle() {
        #expect(AssignmentStatus.pendingDeclaration.apply(.declareNoConflict) == .declared)
        #expect(AssignmentStatus.pendingDeclaration.apply(.declareConflict) == .void)
        #expect(AssignmentStatus.pendingDeclaration.apply(.submitScores) == nil)
        #expect(AssignmentStatus.declared.apply(.submitScores) == .submitted)
        #expect(AssignmentStatus.submitted.apply(.submitScores) == .submitted)
        #expect(AssignmentStatus.declared.apply(.declareConflict) == nil)
        #expect(AssignmentStatus.void.apply(.submitScores) == nil)
    }
}
