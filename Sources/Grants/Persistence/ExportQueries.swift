import Foundation
import Postgres

/// The SQL behind the agency exports (DESIGN.md §8): beneficiaries in the Financial
/// Transparency System's shape and the exchange list of the ClusterXchange IT Tool, read
/// straight into the exported rows.
enum ExportQueries {
    /// One row per beneficiary organisation and calendar year (UTC) of payment: the support
    /// actually transferred to it that year (the ledger's payment rows).
    static func beneficiaries(
        _ conn: PostgresConnection, programme: ReportQueries.Programme, year: Int?
    ) async throws -> [ExportRoutes.TransparencyRow] {
        try await conn.query(
            """
            SELECT o.legal_name, o.country::text, y.year, y.paid
            FROM (
                SELECT l.organisation_id, extract(year FROM l.created_at AT TIME ZONE 'UTC')::int AS year,
                       sum(ledger_paid_delta(l.kind, l.amount_cents))::bigint AS paid
                FROM ledger_entries l
                WHERE l.programme_id = \(programme.id) AND l.kind = 'payment'
                GROUP BY 1, 2
            ) y JOIN organisations o ON o.id = y.organisation_id
            WHERE (\(year)::int IS NULL OR y.year = \(year)) AND y.paid <> 0
            ORDER BY y.year, o.legal_name, o.id
            """
        ).rows.map { r in
            ExportRoutes.TransparencyRow(
                name: try r.decode(0), country: try r.decode(1), nuts2: nil, purpose: ExportRoutes.purpose,
                amountCents: try r.decode(3), programme: programme.name, year: try r.decode(2))
        }
    }

    /// Every application past submission: dates are the actual ones once reported, the amount
    /// the final one once accepted, else the granted one.
    static func exchanges(_ conn: PostgresConnection, programme: ReportQueries.Programme) async throws -> [ExportRoutes.ExchangeRow] {
        try await conn.query(
            """
            SELECT a.id, vo.legal_name, vo.country::text, vo.kind, ho.legal_name, ho.country::text,
                   coalesce(ho.cluster_name, CASE WHEN ho.kind = 'cluster' THEN ho.legal_name END),
                   coalesce(a.actual_start, a.activity_start), coalesce(a.actual_end, a.activity_end),
                   coalesce(a.final_amount_cents, a.granted_cents), a.status
            FROM applications a
            JOIN organisations vo ON vo.id = a.organisation_id
            JOIN organisations ho ON ho.id = a.host_organisation_id
            WHERE a.programme_id = \(programme.id) AND a.status NOT IN ('draft', 'withdrawn')
            ORDER BY a.id
            """
        ).rows.map { r in
            ExportRoutes.ExchangeRow(
                applicationId: try r.decode(0), visitor: try r.decode(1), visitorCountry: try r.decode(2), visitorKind: try r.decode(3),
                visitorPartnership: programme.code, host: try r.decode(4), hostCountry: try r.decode(5),
                hostPartnership: try r.decode(6), startDate: try r.decode(7), endDate: try r.decode(8), amountCents: try r.decode(9),
                status: try r.decode(10))
        }
    }
}
