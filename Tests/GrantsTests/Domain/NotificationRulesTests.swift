import Foundation
import Testing

@testable import Grants

@Suite("Notification rules")
struct NotificationRulesTests {
    @Test func everyEventThatSomeoneMustActOnTellsThem() {
        #expect(NotificationRules.notices(after: .submit, from: .draft) == [Notice(.submissionReceived, .coordinators)])
        #expect(NotificationRules.notices(after: .approve, from: .evaluated) == [Notice(.decision, .applicantOrganisation)])
        #expect(NotificationRules.notices(after: .acceptReport, from: .reportSubmitted).contains(Notice(.paymentDue, .coordinators)))
        #expect(NotificationRules.notices(after: .appeal, from: .rejected) == [Notice(.appealFiled, .coordinators)])
        #expect(NotificationRules.notices(after: .cancel, from: .approved).map(\.audience) == [.applicantOrganisation, .hostOrganisation])
        // A draft withdrawn before anyone saw it tells nobody; a submitted one tells the coordinators.
        #expect(NotificationRules.notices(after: .withdraw, from: .draft).isEmpty)
        #expect(NotificationRules.notices(after: .withdraw, from: .submitted) == [Notice(.applicationWithdrawn, .coordinators)])
        // Every decision on an appeal reaches the applicant.
        for e in [ApplicationStatus.Event.upholdRejection, .upholdIneligibility, .grantRejectionAppeal, .grantEligibilityAppeal] {
            #expect(NotificationRules.notices(after: e, from: .underAppeal) == [Notice(.appealDecided, .applicantOrganisation)])
        }
    }

    @Test func aCommitmentToQualityAsksEachPartyStillToSign() {
        let all = AgreementSignatures.Party.allCases
        #expect(
            NotificationRules.signatureRequests(missing: all) == [
                Notice(.signatureRequested, .applicantOrganisation), Notice(.signatureRequested, .hostOrganisation),
                Notice(.signatureRequested, .coordinators),
            ])
        #expect(NotificationRules.signatureRequests(missing: [.hostPartnership]) == [Notice(.signatureRequested, .coordinators)])
        #expect(NotificationRules.signatureRequests(missing: [.hostOrganisation]) == [Notice(.signatureRequested, .hostOrganisation)])
        #expect(NotificationRules.signatureRequests(missing: []).isEmpty)
    }

    @Test func noEventNotifiesTheSameAudienceOfTheSameKindTwice() {
        for event in ApplicationStatus.Event.allCases {
            for from in ApplicationStatus.allCases where from.apply(event) != nil {
                let notices = NotificationRules.notices(after: event, from: from)
                #expect(Set(notices).count == notices.count, "\(event) from \(from)")
            }
        }
    }

    func facts(_ status: ApplicationStatus, reason: String? = nil, due: CalendarDate? = nil, visitor: String = "Genomica SRL")
        -> NotificationFacts
    {
        NotificationFacts(
            applicationID: 42, participantName: "Ana Popescu", visitorName: visitor, hostName: "BIOTECYL / SIVI", status: status,
            reason: reason, dueOn: due)
    }

    @Test func theTextSaysWhatHappenedWhatToDoAndWhere() {
        let link = "https://grants.example/applications/42"
        let t = NotificationText.compose(.decision, facts(.rejected, reason: "budget exhausted"), link: link)
        #expect(t.subject == "Not funded: application 42")
        #expect(t.body.contains("Ana Popescu (Genomica SRL visiting BIOTECYL / SIVI) was not selected"))
        #expect(t.body.contains("You may appeal"))
        #expect(t.body.contains("Reason: budget exhausted"))
        #expect(t.body.hasSuffix("\n\n" + link))
        let approved = NotificationText.compose(.decision, facts(.approved), link: link)
        #expect(approved.subject == "Approved: application 42")
        let due = NotificationText.compose(.evaluationAssigned, facts(.inEvaluation, due: CalendarDate(iso: "2027-03-11")), link: link)
        #expect(due.subject == "Evaluation assigned by 2027-03-11: application 42")
        #expect(!due.body.contains("Ana Popescu"), "an evaluator sees no participant before declaring")
        #expect(
            NotificationText.compose(.eligibilityOutcome, facts(.eligible), link: link).subject.hasPrefix("Your application is eligible"))
        #expect(NotificationText.compose(.appealDecided, facts(.submitted), link: link).subject == "Appeal granted: application 42")
        #expect(NotificationText.compose(.appealDecided, facts(.rejected), link: link).subject == "Appeal not granted: application 42")
    }

    @Test func remindersSayHowFarTheDeadlineIs() {
        func text(_ written: String) -> String {
            var f = facts(.agreementSigned, due: CalendarDate(iso: "2027-04-04"))
            f.writtenOn = CalendarDate(iso: written)
            return NotificationText.compose(.reportDueReminder, f, link: "https://x.example/applications/42").subject
        }
        #expect(text("2027-03-28") == "Closing report due in 7 days (2027-04-04): application 42")
        #expect(text("2027-04-03") == "Closing report due tomorrow (2027-04-04): application 42")
        #expect(text("2027-04-04") == "Closing report due today (2027-04-04): application 42")
        #expect(text("2027-04-05") == "Closing report 1 day overdue (due 2027-04-04): application 42")
        #expect(text("2027-04-07") == "Closing report 3 days overdue (due 2027-04-04): application 42")
    }

    @Test func storedNamesCannotBreakASubjectOrItsLength() {
        let hostile = facts(.approved, visitor: "Evil\r\nBcc: all@example.org " + String(repeating: "é", count: 400))
        for kind in NotificationKind.allCases {
            let t = NotificationText.compose(kind, hostile, link: "https://x.example/applications/42")
            #expect(!t.subject.contains("\r") && !t.subject.contains("\n"), "\(kind)")
            #expect(t.subject.count <= NotificationText.subjectLimit)
            #expect(!t.body.contains("Evil\r\n"))
        }
    }

    @Test func aUTCDayOfAnyInstantNeverTraps() {
        #expect(CalendarDate.utcDay(of: Date(timeIntervalSince1970: 0))?.iso == "1970-01-01")
        #expect(CalendarDate.utcDay(of: Date(timeIntervalSince1970: -1))?.iso == "1969-12-31")
        #expect(CalendarDate.utcDay(of: Date(timeIntervalSince1970: 1_800_000_000))?.iso == "2027-01-15")
        #expect(CalendarDate.utcDay(of: Date(timeIntervalSince1970: .infinity)) == nil)
        #expect(CalendarDate.utcDay(of: Date(timeIntervalSince1970: .nan)) == nil)
        #expect(CalendarDate.utcDay(of: Date(timeIntervalSince1970: 1e300)) == nil)
    }

    @Test func publicURLsAreCheckedAndTrimmed() throws {
        #expect(GrantsConfiguration.checkedPublicURL("https://grants.medic-nest.eu/") == "https://grants.medic-nest.eu")
        #expect(GrantsConfiguration.checkedPublicURL("ftp://x.example") == nil)
        #expect(GrantsConfiguration.checkedPublicURL("https://x.example/a b") == nil)
        #expect(GrantsConfiguration.checkedPublicURL("https://x.example/\"><script>") == nil)
        #expect(throws: ConfigurationError.self) { try GrantsConfiguration.fromEnvironment(["PUBLIC_URL": "grants.example"]) }
        let c = try GrantsConfiguration.fromEnvironment(["HOST": "::1", "PORT": "8081"])
        #expect(c.linkBase == "http://[::1]:8081")
    }
}

@Suite("Delivery backoff")
struct DeliveryBackoffTests {
    @Test func doublesUpToTheCapWithBoundedJitter() {
        #expect(DeliveryBackoff.delaySeconds(afterAttempt: 1, base: 60, cap: 3600, jitter: 0.5) == 60)
        #expect(DeliveryBackoff.delaySeconds(afterAttempt: 3, base: 60, cap: 3600, jitter: 0.5) == 240)
        #expect(DeliveryBackoff.delaySeconds(afterAttempt: 30, base: 60, cap: 3600, jitter: 0.5) == 3600)
        #expect(DeliveryBackoff.delaySeconds(afterAttempt: 2, base: 60, cap: 3600, jitter: 0) == 96)
        #expect(abs(DeliveryBackoff.delaySeconds(afterAttempt: 2, base: 60, cap: 3600, jitter: 1) - 144) < 1e-9)
        // Whatever the inputs, a finite delay within the cap (plus its jitter).
        for attempt in [Int.min, -1, 0, 1, 64, Int.max] {
            for jitter in [-1, .nan, .infinity, 2.0] {
                let d = DeliveryBackoff.delaySeconds(afterAttempt: attempt, base: 60, cap: 3600, jitter: jitter)
                #expect(d.isFinite && d >= 0 && d <= 3600 * 1.2 + 1e-9)
            }
        }
    }
}

@Suite("Delivery outcomes")
struct DeliveryOutcomesTests {
    @Test func eachOutcomeBecomesItsRowsColumns() {
        var batch = DeliveryOutcomes(succeededStatus: "sent", retryBaseSeconds: 60)
        batch.append(1, .succeeded, attempts: 1, jitter: 0.5)
        batch.append(2, .retry("451 try later"), attempts: 3, jitter: 0.5)
        batch.append(3, .failed("550 no such user"), attempts: 1, jitter: 0.5)
        #expect(batch.ids == [1, 2, 3])
        #expect(batch.statuses == ["sent", "pending", "failed"])
        #expect(batch.delaysMilliseconds == [0, 240_000, 0])
        #expect(batch.errors == ["", "451 try later", "550 no such user"])
        #expect(batch.failures == 2)
    }
}
