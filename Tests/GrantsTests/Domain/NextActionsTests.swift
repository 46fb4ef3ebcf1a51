import Grants
import Testing

@Suite("Next actions")
struct NextActionsTests {
    @Test func everyStepNamesWhoTakesIt() {
        for event in ApplicationStatus.Event.allCases {
            #expect(!event.takenBy.isEmpty, "\(event)")
            #expect(!event.takenBy.contains(.auditor), "auditors never change anything: \(event)")
        }
    }

    @Test func anApplicantIsOfferedOnlyWhatItMayDo() {
        #expect(ApplicationStatus.submitted.allowedActions(for: .applicant) == ["withdraw"])
        #expect(ApplicationStatus.submitted.allowedActions(for: .coordinator) == ["declare_eligible", "declare_ineligible"])
        #expect(
            ApplicationStatus.submitted.nextActions.map(\.phrase) == [
                "withdraw (applicant)", "declare_eligible (coordinator)", "declare_ineligible (coordinator)",
            ])
        #expect(ApplicationStatus.closed.nextActions.isEmpty)
        #expect(ApplicationStatus.approved.allowedActions(for: .auditor).isEmpty)
    }

    @Test func theStepsToAStatusAreTheShortestPath() {
        #expect(ApplicationStatus.approved.steps(to: .reportAccepted) == [.signAgreement, .submitReport, .acceptReport])
        #expect(
            ApplicationStatus.draft.steps(to: .approved) == [
                .submit, .declareEligible, .startEvaluation, .completeEvaluation, .approve,
            ])
        #expect(ApplicationStatus.reportAccepted.steps(to: .reportAccepted) == [])
        #expect(ApplicationStatus.closed.steps(to: .draft) == nil)
        #expect(ApplicationStatus.withdrawn.steps(to: .approved) == nil)
    }

    @Test func eachDocumentKindHasItsUploaders() {
        #expect(DocumentKind.commitmentToQuality.uploadedBy == [.applicant])
        #expect(DocumentKind.hostAcceptance.uploadedBy == [.coordinator])
        for kind in DocumentKind.allCases {
            #expect(!kind.uploadedBy.isEmpty && !kind.uploadedBy.contains(.auditor) && !kind.uploadedBy.contains(.evaluator))
        }
    }
}
