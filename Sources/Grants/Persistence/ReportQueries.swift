import Foundation
import Postgres

/// The SQL behind the auditor reports (issue 6). Every figure is a sum over the ledger
/// (DESIGN.md §3) restricted to `created_at <= asOf`, so a report for a past instant shows
/// exactly what the budget endpoint showed at that instant. The queries of one report run in
/// one REPEATABLE READ transaction, so they all see the same snapshot and always reconcile.
enum ReportQueries {
    /// The programme as the reports name it.
    struct Programme: Sendable {
        var id: Int64
        var code: String
        var name: String
        var capCents: Int64
        var targetExchanges: Int
    }

    /// One application with ledger entries up to `asOf`: its net commitment and payments, and
    /// the attributes the breakdowns group by.
    struct ApplicationFigures: Sendable {
        var applicationId: Int64
        var callId: Int64
        var callTitle: String
        var organisationId: Int64
        var legalName: String
        var visitorCountry: String
        var organisationKind: String
        var vatNumber: String?
        var hostCountry: String
        var status: String
        /// Commitments minus releases up to `asOf`.
        var committedCents: Int64
        var paidCents: Int64
        /// `YYYY-MM` (UTC) of the commitment (approval) entry, when there is one.
        var commitmentMonth: String?
        var firstPaymentOn: CalendarDate?
        var lastPaymentOn: CalendarDate?
        var finalAmountCents: Int64?
        var paymentDueOn: CalendarDate?

        /// Funded at `asOf`: a net commitment remains (paid money stays committed).
        var funded: Bool { committedCents > 0 }
        /// Fully paid at `asOf`: the final payment has been booked.
        var fullyPaid: Bool { committedCents > 0 && paidCents >= committedCents }
    }

    /// Ledger movements of one calendar month (UTC).
    struct MonthFigures: Sendable {
        var month: String
        var committedCents: Int64
        var paidCents: Int64
    }

    /// One ledger entry for the chart's step lines.
    struct Movement: Sendable {
        var at: Date
        var kind: String
        var amountCents: Int64
    }

    /// nil when the programme does not exist.
    static func programme(_ conn: PostgresConnection, id: Int64) async throws -> Programme? {
        guard let row = try await conn.query("""
            SELECT id, code, name, cap_cents, target_exchanges FROM programmes WHERE id = \(id)
            """).rows.first else { return nil }
        return Programme(id: try row.decode("id"), code: try row.decode("code"), name: try row.decode("name"),
                         capCents: try row.decode("cap_cents"), targetExchanges: try row.decode("target_exchanges"))
    }

    /// Every application of the programme with at least one ledger entry up to `asOf`.
    static func applications(_ conn: PostgresConnection, programmeID: Int64, asOf: Date) async throws -> [ApplicationFigures] {
        let rows = try await conn.query("""
            SELECT a.id, a.call_id, c.title AS call_title, a.organisation_id, vo.legal_name, vo.country::text AS visitor_country,
                   vo.kind, vo.vat_number, ho.country::text AS host_country, a.status, a.final_amount_cents,
                   a.payment_due_on::text AS payment_due_on, t.committed, t.paid, t.commitment_month, t.first_payment_on, t.last_payment_on
            FROM (
                SELECT l.application_id,
                       coalesce(sum(CASE l.kind WHEN 'commitment' THEN l.amount_cents WHEN 'release' THEN -l.amount_cents ELSE 0 END), 0)::bigint AS committed,
                       coalesce(sum(l.amount_cents) FILTER (WHERE l.kind = 'payment'), 0)::bigint AS paid,
                       to_char(min(l.created_at) FILTER (WHERE l.kind = 'commitment') AT TIME ZONE 'UTC', 'YYYY-MM') AS commitment_month,
                       ((min(l.created_at) FILTER (WHERE l.kind = 'payment')) AT TIME ZONE 'UTC')::date::text AS first_payment_on,
                       ((max(l.created_at) FILTER (WHERE l.kind = 'payment')) AT TIME ZONE 'UTC')::date::text AS last_payment_on
                FROM ledger_entries l
                WHERE l.programme_id = \(programmeID) AND l.created_at <= \(asOf)
                GROUP BY l.application_id
            ) t
            JOIN applications a ON a.id = t.application_id
            JOIN calls c ON c.id = a.call_id
            JOIN organisations vo ON vo.id = a.organisation_id
            JOIN organisations ho ON ho.id = a.host_organisation_id
            ORDER BY a.id
            """).rows
        return try rows.map { r in
            ApplicationFigures(
                applicationId: try r.decode("id"), callId: try r.decode("call_id"), callTitle: try r.decode("call_title"),
                organisationId: try r.decode("organisation_id"), legalName: try r.decode("legal_name"),
                visitorCountry: try r.decode("visitor_country"), organisationKind: try r.decode("kind"),
                vatNumber: try r.decode("vat_number"), hostCountry: try r.decode("host_country"), status: try r.decode("status"),
                committedCents: try r.decode("committed"), paidCents: try r.decode("paid"),
                commitmentMonth: try r.decode("commitment_month"),
                firstPaymentOn: try r.decode("first_payment_on", as: String?.self).map(CalendarDate.init(db:)),
                lastPaymentOn: try r.decode("last_payment_on", as: String?.self).map(CalendarDate.init(db:)),
                finalAmountCents: try r.decode("final_amount_cents"),
                paymentDueOn: try r.decode("payment_due_on", as: String?.self).map(CalendarDate.init(db:)))
        }
    }

    /// Net ledger movements per month of booking (UTC), up to `asOf`.
    static func months(_ conn: PostgresConnection, programmeID: Int64, asOf: Date) async throws -> [MonthFigures] {
        try await conn.query("""
            SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month,
                   coalesce(sum(CASE kind WHEN 'commitment' THEN amount_cents WHEN 'release' THEN -amount_cents ELSE 0 END), 0)::bigint AS committed,
                   coalesce(sum(amount_cents) FILTER (WHERE kind = 'payment'), 0)::bigint AS paid
            FROM ledger_entries
            WHERE programme_id = \(programmeID) AND created_at <= \(asOf)
            GROUP BY 1 ORDER BY 1
            """).rows.map { r in
            MonthFigures(month: try r.decode("month"), committedCents: try r.decode("committed"), paidCents: try r.decode("paid"))
        }
    }

    /// Every ledger entry up to `asOf` in booking order (the chart's cumulative lines).
    static func movements(_ conn: PostgresConnection, programmeID: Int64, asOf: Date) async throws -> [Movement] {
        try await conn.query("""
            SELECT created_at, kind, amount_cents FROM ledger_entries
            WHERE programme_id = \(programmeID) AND created_at <= \(asOf)
            ORDER BY created_at, id
            """).rows.map { r in
            Movement(at: try r.decode("created_at"), kind: try r.decode("kind"), amountCents: try r.decode("amount_cents"))
        }
    }
}
