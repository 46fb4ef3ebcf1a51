import Postgres

/// The scheme facts a transaction reads before applying the pure rules of `SchemeRules` and
/// `SchemeParticipation`: an organisation's kind and cluster membership, and whether it matches
/// an earlier visitor of any partnership (checked at submission and again when approving).
enum SchemeChecks {
    static func participation(_ conn: PostgresConnection, organisationID: Int64) async throws -> SchemeParticipation.Organisation {
        let row = try await conn.query(
            "SELECT kind, cluster_name IS NOT NULL AS member FROM organisations WHERE id = \(organisationID)"
        ).single()
        guard let kind = OrganisationKind(rawValue: try row.decode("kind")) else {
            throw GrantsError.unavailable("unknown organisation kind in storage")
        }
        return .init(kind: kind, clusterMember: try row.decode("member"))
    }

    /// Answers 409 `previous_visit` naming the record when the organisation matches an earlier
    /// visitor on its normalised VAT number, or on its normalised legal name and country.
    /// `lockOrganisation`: also lock the organisation's row (FOR NO KEY UPDATE: ledger rows that
    /// reference it still insert) until the transaction ends; approvals serialise on it.
    static func refusePreviousVisit(_ conn: PostgresConnection, organisationID: Int64, lockOrganisation: Bool = false) async throws {
        let org = try await conn.prepared(
            """
            SELECT legal_name, country, vat_number FROM organisations WHERE id = \(organisationID)
            \(unescaped: lockOrganisation ? "FOR NO KEY UPDATE" : "")
            """
        ).single()
        let country: String = try org.decode("country")
        let name = LegalIdentity.normalisedName(try org.decode("legal_name"))
        let vat = LegalIdentity.normalisedVAT(try org.decode("vat_number"), country: country)
        guard
            let row = try await conn.query(
                """
                SELECT \(unescaped: PreviousVisitorResource.columns), (\(vat)::text IS NOT NULL AND v.normalised_vat = \(vat)) AS by_vat
                FROM previous_visitors v
                WHERE (\(vat)::text IS NOT NULL AND v.normalised_vat = \(vat)) OR (v.normalised_name = \(name) AND v.country = \(country))
                ORDER BY by_vat DESC, v.year, v.id LIMIT 1
                """
            ).rows.first
        else { return }
        let r = try PreviousVisitorResource(row: row)
        throw GrantsError.previousVisit(
            recordID: r.id, record: "\(r.legalName), \(r.country), \(r.partnership), \(r.year)", byVAT: try row.decode("by_vat"))
    }
}
