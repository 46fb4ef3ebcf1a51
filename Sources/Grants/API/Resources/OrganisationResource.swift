import Foundation
import Postgres

/// An organisation as its owner, coordinators and auditors see it.
struct OrganisationResource: Codable, Sendable {
    var id: Int64
    var legalName: String
    var country: String
    var kind: String
    var city: String
    var latitude: Double
    var longitude: Double
    var vatNumber: String?
    var iban: String?
    /// The cluster it is a member of and that cluster's ECCP profile (an SME visits only as a member).
    var clusterName: String?
    var clusterProfileUrl: String?
    var status: String
    var statusReason: String?
    var validatedAt: Date?
    var openToHosting: Bool
    var createdAt: Date
    var updatedAt: Date
    var version: Int
    /// A change of bank or legal details waiting for a coordinator; the values above stay in force
    /// (and payments use this IBAN) until it is approved. Always present, null when none waits.
    var pendingChange: OrganisationChangeResource?

    static let columns = """
        o.id, o.legal_name, o.country, o.kind, o.city, o.latitude, o.longitude, o.vat_number, o.iban, o.cluster_name, o.cluster_profile_url, o.status,
        o.status_reason, o.validated_at, o.open_to_hosting, o.created_at, o.updated_at, o.version,
        \(OrganisationChangeResource.pendingColumn)
        """

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        legalName = try row.decode("legal_name")
        country = try row.decode("country")
        kind = try row.decode("kind")
        city = try row.decode("city")
        latitude = try row.decode("latitude")
        longitude = try row.decode("longitude")
        vatNumber = try row.decode("vat_number")
        iban = try row.decode("iban")
        clusterName = try row.decode("cluster_name")
        clusterProfileUrl = try row.decode("cluster_profile_url")
        status = try row.decode("status")
        statusReason = try row.decode("status_reason")
        validatedAt = try row.decode("validated_at")
        openToHosting = try row.decode("open_to_hosting")
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
        version = try row.decode("version")
        pendingChange = try row.decode("pending_change", as: String?.self).map(OrganisationChangeResource.decode(json:))
    }

    enum CodingKeys: String, CodingKey {
        case id, legalName, country, kind, city, latitude, longitude, vatNumber, iban, clusterName, clusterProfileUrl, status
        case statusReason, validatedAt
        case openToHosting, createdAt, updatedAt, version, pendingChange
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(legalName, forKey: .legalName)
        try c.encode(country, forKey: .country)
        try c.encode(kind, forKey: .kind)
        try c.encode(city, forKey: .city)
        try c.encode(latitude, forKey: .latitude)
        try c.encode(longitude, forKey: .longitude)
        try c.encodeIfPresent(vatNumber, forKey: .vatNumber)
        try c.encodeIfPresent(iban, forKey: .iban)
        try c.encode(clusterName, forKey: .clusterName)
        try c.encode(clusterProfileUrl, forKey: .clusterProfileUrl)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(statusReason, forKey: .statusReason)
        try c.encodeIfPresent(validatedAt, forKey: .validatedAt)
        try c.encode(openToHosting, forKey: .openToHosting)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(version, forKey: .version)
        // Explicit null: an applicant sees at a glance that nothing waits.
        try c.encode(pendingChange, forKey: .pendingChange)
    }

    var etag: String { "\"org-\(id)-v\(version)\"" }
}

/// What any signed-in user may see of a host: its public profile, nothing financial.
struct HostResource: Codable, Sendable {
    var id: Int64
    var legalName: String
    var kind: String
    var country: String
    var city: String
    var latitude: Double
    var longitude: Double
}
