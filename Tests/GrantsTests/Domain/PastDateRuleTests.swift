import Grants
import Testing

@Suite("Past dates")
struct PastDateRuleTests {
    let today = CalendarDate(iso: "2026-12-07")!

    @Test func todayAndThePastPass() {
        #expect(PastDateRule.check("value_date", today, today: today, toleranceDays: 0) == nil)
        #expect(PastDateRule.check("value_date", CalendarDate(iso: "2020-02-29")!, today: today, toleranceDays: 0) == nil)
    }

    @Test func theToleranceAllowsTomorrowAndNoMore() {
        let tomorrow = today.adding(days: 1)
        #expect(PastDateRule.check("actual_end", tomorrow, today: today, toleranceDays: 1) == nil)
        let refused = PastDateRule.check("actual_end", tomorrow, today: today, toleranceDays: 0)
        #expect(refused?.rule == "date_in_future")
        #expect(refused?.field == "actual_end")
        #expect(refused?.message.contains("2026-12-08") == true)
        #expect(PastDateRule.check("actual_end", today.adding(days: 2), today: today, toleranceDays: 1)?.rule == "date_in_future")
    }
}
