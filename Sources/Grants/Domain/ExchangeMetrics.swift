#if canImport(Glibc)
    import Glibc
#else
    import Foundation
#endif

/// The figures of an exchange that decide its lump sum: working days and distance.
public enum ExchangeMetrics {
    /// Mean Earth radius (IUGG) in km, as fixed by DESIGN.md §2.
    public static let earthRadiusKm = 6371.0088

    /// Monday..Friday between the first and last activity day, inclusive. Travel days are
    /// outside the activity dates by definition, so nothing is subtracted for them.
    public static func workingDays(from start: CalendarDate, to end: CalendarDate) -> Int {
        guard end >= start else { return 0 }
        let total = end.dayNumber - start.dayNumber + 1
        let fullWeeks = total / 7
        var count = fullWeeks * 5
        var weekday = start.isoWeekday
        for _ in 0..<(total % 7) {
            if weekday <= 5 { count += 1 }
            weekday = weekday == 7 ? 1 : weekday + 1
        }
        return count
    }

    /// Calendar days of the activity, both ends included.
    public static func calendarDays(from start: CalendarDate, to end: CalendarDate) -> Int {
        end.dayNumber - start.dayNumber + 1
    }

    /// Great-circle (haversine) distance in km.
    public static func distanceKm(_ a: Coordinates, _ b: Coordinates) -> Double {
        let rad = Double.pi / 180
        let dLat = (b.latitude - a.latitude) * rad
        let dLon = (b.longitude - a.longitude) * rad
        let h = sin2(dLat / 2) + cos(a.latitude * rad) * cos(b.latitude * rad) * sin2(dLon / 2)
        return 2 * earthRadiusKm * asin(min(1, h.squareRoot()))
    }

    private static func sin2(_ x: Double) -> Double {
        let s = sin(x)
        return s * s
    }
}

public struct Coordinates: Sendable, Hashable, Codable {
    public var latitude: Double
    public var longitude: Double
    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
    public var isValid: Bool {
        latitude.isFinite && longitude.isFinite && (-90...90).contains(latitude) && (-180...180).contains(longitude)
    }
}
