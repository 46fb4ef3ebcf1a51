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
    var status: String
    var statusReason: String?
    var validatedAt: Date?
    var openToHosting: Bool
    var createdAt: Date
    var updatedAt: Date
    var version: Int

    static let columns = """
        o.id, o.legal_name, o.country, o.kind, o.city, o.latitude, o.longitude, o.vat_number, o.iban, o.status,
        o.status_reason, o.validated_at, o.open_to_hosting, o.created_at, o.updated_at, o.version
        """

    init(row: PostgresRow) throws {
        id = try row.decode("id"); legalName = try row.decode("legal_name"); country = try row.decode("country")
        kind = try row.decode("kind"); city = try row.decode("city"); latitude = try row.decode("latitude")
        longitude = try row.decode("longitude"); vatNumber = try row.decode("vat_number"); iban = try row.decode("iban")
        status = try row.decode("status"); statusReason = try row.decode("status_reason")
        validatedAt = try row.decode("validated_at"); openToHosting = try row.decode("open_to_hosting")
        createdAt = try row.decode("created_at"); updatedAt = try row.decode("updated_at"); version = try row.decode("version")
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
