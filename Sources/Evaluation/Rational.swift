/// An exact fraction `numerator / denominator` with `Int64` parts.
///
/// Means of half-point scores and weighted sums with basis-point weights are
/// not representable exactly in binary floating point (3.85 is not), and a
/// rounding error must never decide whether an application passes a minimum
/// or who wins a tie. Values are always normalised (lowest terms, positive
/// denominator), so the synthesised `==`/`hash` agree with numeric equality.
///
/// Comparison uses cross-multiplication in full 128-bit width
/// (`multipliedFullWidth`), so it is exact and cannot overflow for any
/// representable pair.
public struct Rational: Hashable, Comparable, Sendable {
    /// The numerator; carries the sign.
    public let numerator: Int64
    /// The denominator; always > 0.
    public let denominator: Int64

    /// Creates `numerator / denominator` in lowest terms.
    ///
    /// - Precondition: `denominator != 0`, and the normalised value fits
    ///   in `Int64` (only `Int64.min` with a negative denominator does not).
    public init(_ numerator: Int64, _ denominator: Int64) {
        precondition(denominator != 0, "Rational with zero denominator")
        let divisor = Rational.gcd(numerator.magnitude, denominator.magnitude)
        let negative = (numerator < 0) != (denominator < 0)
        let n = numerator.magnitude / divisor
        let d = denominator.magnitude / divisor
        precondition(d <= UInt64(Int64.max), "Rational denominator out of range")
        if negative {
            precondition(n <= UInt64(Int64.max) + 1, "Rational numerator out of range")
            self.numerator = n == UInt64(Int64.max) + 1 ? Int64.min : -Int64(n)
        } else {
            precondition(n <= UInt64(Int64.max), "Rational numerator out of range")
            self.numerator = Int64(n)
        }
        self.denominator = Int64(d)
    }

    /// Creates the integer `value`.
    public init(_ value: Int64) {
        self.numerator = value
        self.denominator = 1
    }

    /// Creates the point value of a number of half points (`7` → `7/2`).
    public init(halfPoints: Int) {
        self.init(Int64(halfPoints), 2)
    }

    public static let zero = Rational(0)

    /// Approximate value, for display only (e.g. `3.85`). Never compare these.
    public var double: Double { Double(numerator) / Double(denominator) }

    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        // a/b < c/d  <=>  a*d < c*b, because both denominators are positive.
        let left = lhs.numerator.multipliedFullWidth(by: rhs.denominator)
        let right = rhs.numerator.multipliedFullWidth(by: lhs.denominator)
        return left.high != right.high ? left.high < right.high : left.low < right.low
    }

    private static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x == 0 ? 1 : x
    }
}

extension Rational: CustomStringConvertible {
    /// `"77/20"`, or `"4"` for integers; exact, unlike `double`.
    public var description: String {
        denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)"
    }
}

extension Rational: Codable {
    private enum CodingKeys: String, CodingKey { case numerator, denominator }

    /// Decodes and re-normalises, rejecting a zero denominator instead of
    /// trapping, because decoded data is untrusted.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let n = try container.decode(Int64.self, forKey: .numerator)
        let d = try container.decode(Int64.self, forKey: .denominator)
        guard d != 0, !(n == .min && d < 0), d != .min else {
            throw DecodingError.dataCorruptedError(
                forKey: .denominator, in: container, debugDescription: "invalid rational \(n)/\(d)"
            )
        }
        self.init(n, d)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(numerator, forKey: .numerator)
        try container.encode(denominator, forKey: .denominator)
    }
}
