import Foundation
import Testing

@testable import Evaluation

@Suite struct RationalTests {
    @Test func normalisesToLowestTermsWithPositiveDenominator() {
        let r = Rational(6, -4)
        #expect(r.numerator == -3)
        #expect(r.denominator == 2)
        #expect(Rational(0, -7) == Rational(0))
        #expect(Rational(154, 40) == Rational(77, 20))
        #expect(Rational(154, 40).hashValue == Rational(77, 20).hashValue)
        #expect(Rational(halfPoints: 7).description == "7/2")
        #expect(Rational(8, 2).description == "4")
    }

    @Test func comparesExactlyByCrossMultiplication() {
        #expect(Rational(1, 3) < Rational(34, 100))
        #expect(Rational(-1, 2) < Rational(1, 3))
        #expect(!(Rational(2, 4) < Rational(1, 2)))
        // 0.1 + 0.2 != 0.3 in Double; the exact values must still compare equal.
        #expect(Rational(3, 10) == Rational(30, 100))
        // Products far beyond Int64 still compare correctly.
        let big = Int64.max - 1
        #expect(Rational(big, big - 1) < Rational(big - 1, big - 2))
        #expect(Rational(big - 1, big) < Rational(big, big - 1))
    }

    @Test func doubleViewIsForDisplay() {
        #expect(Rational(77, 20).double == 3.85)
    }

    @Test func codableRoundTripsAndRejectsZeroDenominator() throws {
        for value in [Rational(77, 20), Rational(-3), Rational(0)] {
            let data = try JSONEncoder().encode(value)
            #expect(try JSONDecoder().decode(Rational.self, from: data) == value)
        }
        let zero = Data(#"{"numerator":1,"denominator":0}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Rational.self, from: zero) }
        let unnormalised = Data(#"{"numerator":6,"denominator":-4}"#.utf8)
        #expect(try JSONDecoder().decode(Rational.self, from: unnormalised) == Rational(-3, 2))
    }
}
