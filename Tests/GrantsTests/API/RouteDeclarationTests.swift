import Foundation
import Testing

@testable import Grants

/// The strict decoder's members and the document are derived from the Swift types: these are
/// the member lists that were written by hand before (Swift `members` and the Python mirror),
/// kept as literals so a derivation that drifts from them fails here.
@Suite("Route declarations")
struct RouteDeclarationTests {
    @Test func membersAreDerivedFromTheBodyTypes() {
        #expect(
            AuthRoutes.RegisterBody.members == [
                "email", "password", "name", "organisation", "organisation.legal_name", "organisation.country",
                "organisation.kind", "organisation.city", "organisation.latitude", "organisation.longitude",
                "organisation.vat_number", "organisation.iban", "organisation.cluster_name", "organisation.cluster_profile_url",
            ])
        #expect(AuthRoutes.LoginBody.members == ["email", "password"])
        #expect(AuthRoutes.CreateUserBody.members == ["email", "password", "name", "role"])
        #expect(
            OrganisationRoutes.PatchBody.members == [
                "legal_name", "country", "kind", "city", "latitude", "longitude", "vat_number", "iban", "open_to_hosting",
                "cluster_name", "cluster_profile_url",
            ])
        #expect(
            ProgrammeRoutes.PatchBody.members
                == Set(
                    ["name", "cap_cents", "rules", "lump_sums_cents", "balance_received_on"]
                        + [
                            "per_visit_cap_cents", "per_third_party_cap_cents", "halving_distance_km", "halving_working_days",
                            "minimum_working_days", "maximum_calendar_days", "max_funded_exchanges_per_visitor", "prefinancing_percent",
                            "payment_due_days", "four_eyes_payments", "payment_due_from", "appeal_days", "report_due_days",
                            "reminder_offset_days",
                        ].map { "rules.\($0)" }))
        // Criteria are an array: the strict decoder does not walk into arrays.
        #expect(
            ProgrammeRoutes.CallBody.members == [
                "title", "opens_at", "closes_at", "criteria", "overall_minimum", "divergence_limit", "minimum_evaluators",
                "evaluation_days",
            ])
        #expect(
            ApplicationRoutes.Body.members == [
                "call_id", "host_organisation_id", "participant", "participant.name", "participant.email", "participant.position",
                "origin", "origin.city", "origin.country", "origin.latitude", "origin.longitude", "activity_start", "activity_end",
                "activity_type", "objectives", "declarations", "declarations.participant_employed_by_visitor",
                "declarations.participant_third_country_national", "declarations.residence_days_in_cosme",
                "declarations.no_previous_clusterxchange_visit", "travel_start", "travel_end",
            ])
        #expect(EvaluationRoutes.ScoresBody.members == ["scores", "comments", "comment"])
        #expect(PaymentRoutes.ExecuteBody.members == ["bank_reference", "value_date"])
        #expect(ReasonBody.members == ["reason"])
    }

    @Test func recorderSeesOptionalityAndTypesInDeclarationOrder() throws {
        let properties = try SchemaRecorder.properties(of: PaymentResource.self)
        #expect(properties.prefix(4).map(\.key) == ["id", "application_id", "programme_id", "kind"])
        #expect(properties.first { $0.key == "approved_by" }?.optional == true)
        #expect(properties.first { $0.key == "amount_cents" }?.optional == false)
        let valueDate = try #require(properties.first { $0.key == "value_date" })
        #expect(valueDate.type == CalendarDate.self && valueDate.optional)
    }

    @Test func everyDeclarationIsDocumentedOnceWithItsCodes() throws {
        let routes = try GrantsRoutes.table(maxDocumentBytes: 1 << 20).declarations
        #expect(Set(routes.map(\.id)).count == routes.count, "operationIds are unique")
        let doc = try OpenAPIDocument.build(routes)
        let execute = try #require(doc["paths"]?["/v1/payments/{id}/execute"]?["post"])
        let codes =
            execute["x-problem-codes"].map { value -> [String] in
                guard case .array(let items) = value else { return [] }
                return items.compactMap(\.stringValue)
            } ?? []
        #expect(codes.contains("payment_exceeds_grant"), "\(codes)")
        #expect(execute["responses"]?["409"]?["description"]?.stringValue?.contains("`payment_exceeds_grant`") == true)
        // A create route links to the routes that take the new id (schemathesis' stateful phase follows them).
        let links = try #require(doc["paths"]?["/v1/applications"]?["post"]?["responses"]?["201"]?["links"])
        #expect(links["submitApplication"]?["parameters"]?["id"]?.stringValue == "$response.body#/id")
    }

    @Test func unknownHintsAndClashingNamesAreRefused() throws {
        struct Clash: DocumentedSchema {
            static let schemaName = "Organisation"
            var other: Int
        }
        struct BadHint: DocumentedSchema {
            static let schemaName = "BadHint"
            static let schemaHints = SchemaHints(fields: ["no_such_member": ["maxLength": 1]])
            var name: String
        }
        var catalog = SchemaCatalog()
        try catalog.reference(OrganisationResource.self)
        #expect(throws: SchemaCatalog.Failure.self) { try catalog.reference(Clash.self) }
        #expect(throws: SchemaCatalog.Failure.self) { try catalog.reference(BadHint.self) }
    }
}
