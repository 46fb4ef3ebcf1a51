import Foundation
import Postgres

/// An earlier ClusterXchange visitor, from any partnership and phase (S: once in the scheme).
struct PreviousVisitorResource: Codable, Sendable {
    var id: Int64
    var legalName: String
    var country: String
    var vatNumber: String?
    var partnership: String
    var year: Int
    var importedBy: Int64
    var importedAt: Date

    static let columns = "v.id, v.legal_name, v.country, v.vat_number, v.partnership, v.year, v.imported_by, v.imported_at"

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        legalName = try row.decode("legal_name")
        country = try row.decode("country")
        vatNumber = try row.decode("vat_number")
        partnership = try row.decode("partnership")
        year = try row.decode("year")
        importedBy = try row.decode("imported_by")
        importedAt = try row.decode("imported_at")
    }
}
