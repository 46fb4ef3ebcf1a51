import Foundation
import Postgres
import Synchronization

/// Every route of the service, in the order of the OpenAPI document. The server and the
/// `openapi` command build the same table, so the document always describes what is served.
public enum GrantsRoutes {
    /// What the operational routes read at run time; the document needs none of it.
    struct Operational: Sendable {
        var metrics: @Sendable () -> String = { "" }
        var migrations: Result<[Migrator.Migration], any Error> = .success([])
    }

    static func table(maxDocumentBytes: Int, operational: Operational = Operational()) throws -> RouteTable {
        let document = Mutex<[UInt8]>([])
        var table = RouteTable()
        OperationalRoutes.register(into: &table, metrics: operational.metrics, openAPI: { document.withLock { $0 } },
                                   migrations: operational.migrations)
        AuthRoutes.register(into: &table)
        OrganisationRoutes.register(into: &table)
        ProgrammeRoutes.register(into: &table)
        ApplicationRoutes.register(into: &table)
        DocumentRoutes.register(into: &table, maxDocumentBytes: maxDocumentBytes)
        EvaluationRoutes.register(into: &table)
        RankingRoutes.register(into: &table)
        DecisionRoutes.register(into: &table)
        PaymentRoutes.register(into: &table)
        LedgerRoutes.register(into: &table)
        ReportRoutes.register(into: &table)
        AuditRoutes.register(into: &table)
        let bytes = Array(try OpenAPIDocument.rendered(table.declarations).utf8)
        document.withLock { $0 = bytes }
        return table
    }

    /// The document of the service as configured by default (what `openapi.json` holds).
    public static func openAPIDocument() throws -> String {
        try OpenAPIDocument.rendered(table(maxDocumentBytes: GrantsConfiguration().maxDocumentBytes).declarations)
    }
}
