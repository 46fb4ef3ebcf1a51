import Foundation
import Testing

/// The calendar feed read the way a calendar application reads it, and parsed by the `icalendar`
/// package (issue 12): exchanges and deadlines as all-day events with stable UIDs, behind a token
/// of its own that rotates and revokes.
@Suite("Calendar feed (end to end)")
struct CalendarTests {
    /// The events as Python's `icalendar` reads them.
    func parse(_ ics: Data) throws -> [[String: Any]] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cx-\(UUID().uuidString).ics")
        try ics.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let p = Process()
        p.executableURL = PythonPeer.python
        p.arguments = [
            "-c",
            """
            import json, sys, datetime, icalendar
            cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
            out = []
            for e in cal.walk('VEVENT'):
                start, end = e.decoded('DTSTART'), e.decoded('DTEND')
                out.append({'uid': str(e['UID']), 'summary': str(e['SUMMARY']), 'start': start.isoformat(), 'end': end.isoformat(),
                            'all_day': not isinstance(start, datetime.datetime), 'location': str(e.get('LOCATION', ''))})
            print(json.dumps({'name': str(cal.get('X-WR-CALNAME')), 'events': out}))
            """,
            file.path,
        ]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "icalendar could not parse the feed")
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return json["events"] as? [[String: Any]] ?? []
    }

    @Test func anApplicantsCalendarHoldsTheExchangeAndTheReportDeadline() async throws {
        try await TestApp.with { app in
            let s = try await Scenario.make(app)
            let e = try await s.evaluatedApplication()
            try #require(try await s.decide(e.id, "approved").status == 200)
            _ = try await app.sql("UPDATE applications SET participant_name = 'Ștefan Núñez-Ionescu, PhD; CTO' WHERE id = \(e.id)")

            let made = try await app.request("POST", "/v1/calendar-token", token: e.applicant.token)
            #expect(made.status == 201, "\(made.text)")
            let token = try #require(made.json["token"] as? String)
            #expect((made.json["url"] as? String)?.hasSuffix("/v1/calendar.ics?token=\(token)") == true)
            let feed = try await app.request("GET", "/v1/calendar.ics?token=\(token)")
            #expect(feed.status == 200 && feed.header("Content-Type") == "text/calendar; charset=utf-8")
            #expect(feed.text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 }, "folded")
            let events = try parse(feed.body)
            let exchange = try #require(events.first { ($0["uid"] as? String)?.hasPrefix("exchange-\(e.id)@") == true }, "\(events)")
            #expect(exchange["all_day"] as? Bool == true)
            #expect(exchange["start"] as? String == "2027-03-01" && exchange["end"] as? String == "2027-03-06")
            #expect(
                exchange["summary"] as? String
                    == "Exchange: Ștefan Núñez-Ionescu, PhD; CTO (\(try await orgName(app, e.applicant.organisationID))) at BIOTECYL / SIVI"
            )
            let report = try #require(events.first { ($0["uid"] as? String)?.hasPrefix("report_due-application-\(e.id)@") == true })
            #expect(report["start"] as? String == "2027-04-04" && report["all_day"] as? Bool == true)
            // The same UIDs on the next read: a calendar updates, never duplicates.
            let again = try parse(try await app.request("GET", "/v1/calendar.ics?token=\(token)").body)
            #expect(Set(again.compactMap { $0["uid"] as? String }) == Set(events.compactMap { $0["uid"] as? String }))

            // Coordinators see every funded exchange; the bearer token is no calendar token.
            let staff = try await app.request("POST", "/v1/calendar-token", token: s.coordinator.token).json["token"] as? String ?? ""
            let staffEvents = try parse(try await app.request("GET", "/v1/calendar.ics?token=\(staff)").body)
            #expect(staffEvents.contains { ($0["uid"] as? String)?.hasPrefix("exchange-\(e.id)@") == true })
            #expect(try await app.request("GET", "/v1/calendar.ics?token=\(e.applicant.token)").status == 404)
            #expect(try await app.request("GET", "/v1/calendar.ics").status == 422)

            // Rotating ends the old URL; revoking ends the new one.
            let rotated = try #require(
                try await app.request("POST", "/v1/calendar-token", token: e.applicant.token).json["token"] as? String)
            #expect(try await app.request("GET", "/v1/calendar.ics?token=\(token)").status == 404)
            #expect(try await app.request("GET", "/v1/calendar.ics?token=\(rotated)").status == 200)
            #expect(try await app.request("DELETE", "/v1/calendar-token", token: e.applicant.token).status == 204)
            #expect(try await app.request("GET", "/v1/calendar.ics?token=\(rotated)").status == 404)
        }
    }

    func orgName(_ app: TestApp, _ id: Int64) async throws -> String {
        try await app.sql("SELECT legal_name FROM organisations WHERE id = \(id)").rows[0].decode(0)
    }
}
