/// Arithmetic on amounts that came from the database or a request. Bounded inputs never get near
/// the 64-bit limits (see `MoneyBounds`), but a row written around the service could; then the
/// caller gets a 409 `stored_amount_out_of_range` naming the figure, never a trapped process.
enum CheckedAmounts {
    static func sum(_ a: Int64, _ b: Int64, _ what: String) throws -> Int64 {
        let (r, overflow) = a.addingReportingOverflow(b)
        if overflow { throw GrantsError.storedAmountOutOfRange(what) }
        return r
    }

    static func difference(_ a: Int64, _ b: Int64, _ what: String) throws -> Int64 {
        let (r, overflow) = a.subtractingReportingOverflow(b)
        if overflow { throw GrantsError.storedAmountOutOfRange(what) }
        return r
    }

    static func product(_ a: Int64, _ b: Int64, _ what: String) throws -> Int64 {
        let (r, overflow) = a.multipliedReportingOverflow(by: b)
        if overflow { throw GrantsError.storedAmountOutOfRange(what) }
        return r
    }

    static func total<S: Sequence>(_ values: S, _ what: String) throws -> Int64 where S.Element == Int64 {
        try values.reduce(0) { try sum($0, $1, what) }
    }

    /// `value x percent / 100`, rounded down, for a percentage of any size.
    static func percentage(_ value: Int64, _ percent: Int, _ what: String) throws -> Int64 {
        try product(value, Int64(percent), what) / 100
    }
}
