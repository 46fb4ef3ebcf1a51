/// One evaluator's mark on one criterion, on the 0...5 scale in steps of 0.5.
///
/// Stored as an integer number of *half points* (0...10) so that no floating
/// point value ever takes part in a threshold, mean or tie-break decision.
/// The `Double` view exists for display and for decoding user input only;
/// every half-point value is exactly representable in binary floating point,
/// so the round trip `Score(points: s.points) == s` always holds.
public struct Score: Hashable, Comparable, Sendable {
    /// The valid range of half points: 0 (0.0 points) ... 10 (5.0 points).
    public static let halfPointRange: ClosedRange<Int> = 0...10

    /// The score in half points, always within `halfPointRange`.
    public let halfPoints: Int

    /// Creates a score from half points; `nil` when outside 0...10.
    public init?(halfPoints: Int) {
        guard Score.halfPointRange.contains(halfPoints) else { return nil }
        self.halfPoints = halfPoints
    }

    /// Creates a score from points as typed by a person (e.g. `3.5`).
    ///
    /// Accepts only finite multiples of 0.5 within 0...5: `2.5` is accepted,
    /// `2.25`, `5.5`, `-0.5` and NaN are rejected. The check is exact because
    /// `points * 2` is exact for every double in this range. (Integer
    /// conversion rather than `rounded()`, which would pull in libm.)
    public init?(points: Double) {
        guard points.isFinite, points >= 0, points <= 5 else { return nil }
        let doubled = points * 2
        let whole = Int(doubled)
        guard Double(whole) == doubled else { return nil }
        self.halfPoints = whole
    }

    /// The score in points, for display only (e.g. `3.5`).
    public var points: Double { Double(halfPoints) / 2 }

    /// The score in points as an exact rational, for arithmetic.
    public var exactPoints: Rational { Rational(halfPoints: halfPoints) }

    public static func < (lhs: Score, rhs: Score) -> Bool { lhs.halfPoints < rhs.halfPoints }
}

extension Score: Codable {
    /// Encoded as points (`3.5`) because that is what people and the HTTP API
    /// speak; decoding applies the same half-point validation as `init?(points:)`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let value = try container.decode(Double.self)
        guard let score = Score(points: value) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "score \(value) is not a multiple of 0.5 within 0...5"
            )
        }
        self = score
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(points)
    }
}

extension Score: CustomStringConvertible {
    public var description: String {
        "\(halfPoints / 2)" + (halfPoints % 2 == 0 ? ".0" : ".5")
    }
}
