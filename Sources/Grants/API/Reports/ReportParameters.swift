import Foundation
import HTTP

/// What every report is about: the programme, the instant (`as_of`) and the form (JSON or
/// CSV). The router has already checked the declared parameters (`ReportRoutes.reportScope`).
struct ReportParameters: Sendable {
    var programmeID: Int64
    /// Inclusive upper bound on ledger `created_at`.
    var asOf: Date
    /// The UTC calendar date of `asOf` (file names, overdue days).
    var asOfDate: CalendarDate
    var csv: Bool

    init(_ ctx: RequestContext) throws {
        guard let programme = ctx.query.id("programme_id") else {
            throw GrantsError.invalid("programme_id", "is required", rule: "required")
        }
        programmeID = programme
        asOf = ctx.query.instant("as_of") ?? Date()
        asOfDate = AsOf.utcDate(asOf)
        csv = CSVWriter.isWanted(format: ctx.query.text("format"), by: ctx.request)
    }
}
