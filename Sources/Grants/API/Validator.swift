import Foundation

/// Collects every input problem of a request so the client gets them all in one 422.
struct Validator {
    private(set) var violations: [RuleViolation] = []

    mutating func fail(_ field: String, _ message: String, rule: String = "invalid") {
        violations.append(RuleViolation(field: field, rule: rule, message: message))
    }

    /// `PastDateRule` for a date that records what already happened, against the UTC day now.
    mutating func notInFuture(_ field: String, _ date: CalendarDate?, _ ctx: RequestContext) {
        guard let date, let today = CalendarDate.utcDay(of: Date()) else { return }
        let tolerance = ctx.services.configuration.futureDateToleranceDays
        if let violation = PastDateRule.check(field, date, today: today, toleranceDays: tolerance) { violations.append(violation) }
    }

    /// A trimmed text of 1...max Unicode scalars and at most `maxBytes` UTF-8 bytes (default 4 x max).
    /// Lengths are counted in scalars, not grapheme clusters: "a" followed by 400,000 combining
    /// accents is one Character but 400,001 scalars (and 800 KB). PostgreSQL's `length()` counts the
    /// same scalars, so the CHECK constraints agree with this count.
    /// Control characters (C0, DEL, C1) are refused; multi-line text may hold TAB, LF and CR only.
    @discardableResult
    mutating func text(_ field: String, _ value: String, max: Int, maxBytes: Int? = nil, multiline: Bool = false) -> String {
        let t = value.trimmingSpaces
        let byteLimit = maxBytes ?? max.multipliedReportingOverflow(by: 4).partialValue
        if t.isEmpty {
            fail(field, "must not be empty", rule: "required")
        } else if t.unicodeScalars.count > max {
            fail(field, "must be at most \(max) characters (Unicode scalars)", rule: "too_long")
        } else if t.utf8.count > byteLimit {
            fail(field, "must be at most \(byteLimit) bytes in UTF-8", rule: "too_long")
        } else if let c = t.unicodeScalars.first(where: { Self.isForbiddenControl($0, multiline: multiline) }) {
            let allowed = multiline ? " (only TAB, LF and CR are allowed)" : ""
            fail(
                field, "must not contain control characters (found U+\(String(c.value, radix: 16, uppercase: true)))\(allowed)",
                rule: "control_characters")
        }
        return t
    }

    mutating func optionalText(_ field: String, _ value: String?, max: Int, maxBytes: Int? = nil, multiline: Bool = false) -> String? {
        guard let value else { return nil }
        let t = value.trimmingSpaces
        if t.isEmpty { return nil }
        return text(field, t, max: max, maxBytes: maxBytes, multiline: multiline)
    }

    /// C0 controls, DEL and C1 controls; TAB, LF and CR only where text may span lines.
    static func isForbiddenControl(_ s: Unicode.Scalar, multiline: Bool) -> Bool {
        switch s.value {
        case 0x09, 0x0A, 0x0D: return !multiline
        case 0x00...0x1F, 0x7F...0x9F: return true
        default: return false
        }
    }

    mutating func email(_ field: String, _ value: String) -> String {
        let t = value.trimmingSpaces.lowercased()
        let parts = t.split(separator: "@", omittingEmptySubsequences: false)
        if t.utf8.count > 254 || parts.count != 2 || parts[0].isEmpty || !parts[1].contains(".")
            || parts[1].hasPrefix(".") || parts[1].hasSuffix(".")
            || t.unicodeScalars.contains(where: { $0.value <= 0x20 || (0x7F...0x9F).contains($0.value) })
        {
            fail(field, "must be an e-mail address", rule: "email")
        }
        return t
    }

    /// bcrypt reads at most 72 bytes; a longer password would be silently truncated.
    /// NUL cannot be stored or hashed by PostgreSQL, so it is refused here.
    mutating func password(_ field: String, _ value: String) {
        if value.unicodeScalars.count < 10 {
            fail(field, "must be at least 10 characters", rule: "too_short")
        } else if value.utf8.count > 72 {
            fail(field, "must be at most 72 bytes", rule: "too_long")
        } else if value.utf8.contains(0) {
            fail(field, "must not contain NUL characters", rule: "control_characters")
        }
    }

    /// An instant the service can store and reason about: years 1970 to 9999. (Foundation
    /// formats earlier dates in the Julian calendar, so they would not round-trip.)
    mutating func instant(_ field: String, _ value: Date?) {
        guard let value else { return }
        if value < Date(timeIntervalSince1970: 0) || value > Date(timeIntervalSince1970: 253_402_300_799) {
            fail(field, "must be between 1970-01-01 and 9999-12-31", rule: "range")
        }
    }

    mutating func cosmeCountry(_ field: String, _ value: String) -> String {
        if !Countries.isAlpha2(value) {
            fail(field, "must be an ISO 3166-1 alpha-2 code in upper case", rule: "country")
        } else if !Countries.cosme.contains(value) {
            fail(field, "must be a COSME country (EU-27, AL, AM, BA, IS, XK, MD, ME, MK, RS, TR, UA)", rule: "not_cosme")
        }
        return value
    }

    mutating func coordinates(_ prefix: String, latitude: Double, longitude: Double) {
        if !latitude.isFinite || !(-90...90).contains(latitude) { fail("\(prefix)latitude", "must be between -90 and 90", rule: "range") }
        if !longitude.isFinite || !(-180...180).contains(longitude) {
            fail("\(prefix)longitude", "must be between -180 and 180", rule: "range")
        }
    }

    mutating func iban(_ field: String, _ value: String?) -> String? {
        guard let value, !value.trimmingSpaces.isEmpty else { return nil }
        guard let n = IBAN.normalised(value) else {
            fail(field, "is not a valid IBAN (ISO 13616 check digits)", rule: "iban")
            return nil
        }
        return n
    }

    mutating func date(_ field: String, _ value: String) -> CalendarDate? {
        guard let d = CalendarDate(iso: value) else {
            fail(field, "must be a date YYYY-MM-DD", rule: "date")
            return nil
        }
        return d
    }

    /// A cluster membership: the cluster's name and its profile on the European Cluster
    /// Collaboration Platform (an https URL on clustercollaboration.eu), given together.
    mutating func clusterMembership(_ prefix: String, name: String?, profileURL: String?) -> (name: String, url: String)? {
        guard name != nil || profileURL != nil else { return nil }
        guard let name, let profileURL else {
            fail(
                prefix + (name == nil ? "cluster_name" : "cluster_profile_url"), "cluster_name and cluster_profile_url go together",
                rule: "required")
            return nil
        }
        let n = text(prefix + "cluster_name", name, max: 300)
        let url = profileURL.trimmingSpaces
        let host = url.hasPrefix("https://") ? url.dropFirst(8).prefix { $0 != "/" && $0 != "?" && $0 != "#" }.lowercased() : ""
        if url.count > 500 || !(host == "clustercollaboration.eu" || host.hasSuffix(".clustercollaboration.eu")) {
            fail(
                prefix + "cluster_profile_url", "must be the cluster's ECCP profile, an https://clustercollaboration.eu/... address",
                rule: "eccp_profile")
        }
        return (n, url)
    }

    mutating func organisationKind(_ field: String, _ value: String) {
        if OrganisationKind(rawValue: value) == nil {
            fail(field, "must be one of \(OrganisationKind.allCases.map(\.rawValue).joined(separator: ", "))", rule: "enum")
        }
    }

    /// An optional id filter from the query string: absent is fine, anything but a positive
    /// integer is reported (never silently ignored, which would widen the result).
    mutating func positiveID(_ field: String, _ raw: String?) -> Int64? {
        guard let raw else { return nil }
        guard let n = Int64(raw), n > 0 else {
            fail(field, "must be a positive integer", rule: "integer")
            return nil
        }
        return n
    }

    func finish() throws {
        if !violations.isEmpty { throw GrantsError.validation(violations) }
    }
}
