import Foundation
import HTTP

/// `programme_id` (required), `as_of` (optional) and `format`, all checked in one 422.
struct ReportParameters: Sendable {
    var programmeID: Int64
    /// Inclusive upper bound on ledger `created_at`.
    var asOf: Date
    /// The UTC calendar date of `asOf` (file names, overdue days).
    var asOfDate: CalendarDate
    var csv: Bool

    init(_ request: HTTPRequest, formats: Bool = true) throws {
        let q = request.query
        var v = Validator()
        var programme: Int64?
        if let raw = q["programme_id"] {
            if let n = Int64(raw), n > 0 { programme = n } else { v.fail("programme_id", "must be a positive integer", rule: "integer") }
        } else {
            v.fail("programme_id", "is required", rule: "required")
        }
        var asOf = Date()
        if let raw = q["as_of"] {
            if let d = AsOf.parse(raw) {
                asOf = d
            } else {
                v.fail("as_of", "must be a date YYYY-MM-DD (end of that day, UTC) or an RFC 3339 timestamp", rule: "date_time")
            }
        }
        if let f = q["format"] {
            if !formats {
                v.fail("format", "this report is only available as SVG", rule: "enum")
            } else if !["json", "csv"].contains(f) {
                v.fail("format", "must be json or csv", rule: "enum")
            }
        }
        try v.finish()
        guard let programme else { throw GrantsError.invalid("programme_id", "is required", rule: "required") }
        programmeID = programme
        self.asOf = asOf
        asOfDate = AsOf.utcDate(asOf)
        csv = formats && (q["format"] == "csv" || (q["format"] == nil && CSVWriter.isWanted(by: request)))
    }
}
