import Postgres

/// Commands that only make sense on demo data (`seed --demo --reset`, `demo-exchange-took-place`):
/// both refuse while the database holds a user outside `.example`, the demo accounts' domain,
/// because on real data they would erase or rewrite what people entered.
public enum DemoDatabase {
    /// Why a demo command refused: the database holds someone who is not a demo account.
    public struct RealDataFound: Error, CustomStringConvertible {
        public var email: String
        public var description: String {
            "refusing: \(email) is not a demo account (demo addresses end in .example), so this looks like "
                + "real data. Add --force to go ahead anyway."
        }
    }

    /// The `application_name` of a serving instance's sessions (`GrantsServer`).
    public static let serveApplicationName = "clusterxchange-serve"

    /// Why `seed --demo --reset` refused: a service is connected and would fail on every request.
    public struct ServiceRunning: Error, CustomStringConvertible {
        public var sessions: Int
        public var description: String {
            "refusing: a running clusterxchange serve has \(sessions) session(s) on this database; stop it first "
                + "(the reset drops every table under it), or add --force"
        }
    }

    /// Throws `ServiceRunning` while a serving instance has sessions on this database.
    public static func requireNoService(_ pool: PostgresPool) async throws {
        let row = try await pool.query(
            """
            SELECT count(*)::bigint AS n FROM pg_stat_activity
            WHERE datname = current_database() AND application_name LIKE \(serveApplicationName + "%")
            """
        ).rows.first
        let sessions = try row?.decode("n", as: Int64.self) ?? 0
        if sessions > 0 { throw ServiceRunning(sessions: Int(clamping: sessions)) }
    }

    /// Throws `RealDataFound` for the first user whose address is outside `.example`.
    public static func requireDemoOnly(_ pool: PostgresPool) async throws {
        let present = try await pool.query("SELECT to_regclass('public.users') IS NOT NULL AS present")
        guard try present.rows.first?.decode("present", as: Bool.self) == true else { return }
        let users = try await pool.query(
            "SELECT email FROM users WHERE lower(split_part(email, '@', 2)) NOT LIKE '%.example' ORDER BY id LIMIT 1")
        if let row = users.rows.first { throw RealDataFound(email: try row.decode("email")) }
    }

    /// Starts the demo over: drops the schema with every table, the append-only ledger and
    /// audit log included, so the caller migrates and seeds afresh. Refused while a service is
    /// connected or real data is found, unless `force`.
    public static func reset(_ pool: PostgresPool, force: Bool) async throws {
        if !force {
            try await requireDemoOnly(pool)
            try await requireNoService(pool)
        }
        try await pool.withConnection { conn in
            try await conn.executeScript("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        }
    }

    /// What a demo cannot wait for: an approved exchange taking place. Moves its activity and
    /// travel dates (and the report's due date) back by whole weeks, so working days and the lump
    /// sum stay the same, until it ended before today; audited. Only before the report is filed.
    public static func exchangeTookPlace(_ pool: PostgresPool, applicationID: Int64, force: Bool) async throws -> (
        start: CalendarDate, end: CalendarDate
    ) {
        if !force { try await requireDemoOnly(pool) }
        let audit = AuditContext(actorID: nil, actorRole: "system", requestID: "cli", clientAddress: "local")
        return try await pool.write { conn in
            let moved = try await conn.query(
                """
                WITH w AS (
                  SELECT id, 7 * greatest(0, ceil((greatest(activity_end, coalesce(travel_end, activity_end))
                         - (now() AT TIME ZONE 'UTC')::date + 1) / 7.0))::int AS days
                  FROM applications WHERE id = \(applicationID) AND status IN ('approved', 'agreement_signed') FOR UPDATE)
                UPDATE applications a SET activity_start = activity_start - w.days, activity_end = activity_end - w.days,
                  travel_start = travel_start - w.days, travel_end = travel_end - w.days,
                  report_due_on = report_due_on - w.days, version = version + 1, updated_at = now()
                FROM w WHERE a.id = w.id
                RETURNING a.activity_start, a.activity_end, w.days
                """)
            guard let row = moved.rows.first else {
                throw CommandError(message: "application \(applicationID) does not exist or is not approved or agreement_signed")
            }
            let (start, end): (CalendarDate, CalendarDate) = (try row.decode("activity_start"), try row.decode("activity_end"))
            try await AuditTrail.record(
                conn, audit, action: "demo.exchange_took_place", entity: "application", id: applicationID,
                after: ["activity_start": start.iso, "activity_end": end.iso, "days_back": String(try row.decode("days", as: Int32.self))])
            return (start, end)
        }
    }
}
