import Postgres

/// `CalendarDate` is what a SQL `date` column reads into and what a date parameter binds from:
/// the connection pins `DateStyle=ISO`, so the server's text is always `YYYY-MM-DD` for the
/// years the service stores. Anything else (`infinity`, a BC year from a tampered row) is a
/// decoding error, which the service answers as storage trouble, never as a trap.
extension CalendarDate: PostgresEncodable, PostgresDecodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.date }
    public var postgresBind: PostgresBind { .text(iso, typeOID: Self.postgresTypeOID) }

    public static func postgresDecode(_ cell: PostgresCell) throws(PostgresError) -> CalendarDate {
        guard let date = CalendarDate(isoUTF8: try cell.requireBytes(CalendarDate.self)) else { throw cell.failure(CalendarDate.self) }
        return date
    }
}

extension PostgresCell {
    /// A `date` cell's bytes once checked as a `CalendarDate` (whose ISO form they then are,
    /// byte for byte), for writers that copy them; nil for NULL.
    func isoDateBytes() throws(PostgresError) -> ArraySlice<UInt8>? {
        guard let bytes = utf8 else { return nil }
        guard CalendarDate(isoUTF8: bytes) != nil else { throw failure(CalendarDate.self) }
        return bytes
    }
}
