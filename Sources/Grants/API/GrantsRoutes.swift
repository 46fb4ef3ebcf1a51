import Foundation
import Postgres

/// Every route of the service, in the order of the OpenAPI document. The server and the
/// `openapi` command build the same table, so the document always describes what is served.
public enum GrantsRoutes {
    /// What the operational routes read at run time; the document needs none of it.
    struct Operational: Sendable {
        var metrics: @Sendable () -> String = { "" }
        var migrations: Result<[Migrator.Migration], any Error> = .success([])
        /// The console's files, read at start (nil: not served, as in the `openapi` command).
        var console: Result<ConsoleAssets, any Error>?
    }

    /// The routes, failing when the declarations cannot be documented (a type the schema
    /// recorder cannot walk, two routes with one operationId): the service then does not start.
    static func table(maxDocumentBytes: Int, operational: Operational = Operational()) throws -> RouteTable {
        _ = try document.get()
        return routes(maxDocumentBytes: maxDocumentBytes, operational: operational)
    }

    private static func routes(maxDocumentBytes: Int, operational: Operational = Operational()) -> RouteTable {
        var table = RouteTable()
        OperationalRoutes.register(
            into: &table, metrics: operational.metrics, openAPI: { (try? document.get()) ?? [] },
            migrations: operational.migrations)
        AuthRoutes.register(into: &table)
        OrganisationRoutes.register(into: &table)
        ProgrammeRoutes.register(into: &table)
        ApplicationRoutes.register(into: &table)
        HostRoutes.register(into: &table)
        DocumentRoutes.register(into: &table, maxDocumentBytes: maxDocumentBytes)
        EvaluationRoutes.register(into: &table)
        RankingRoutes.register(into: &table)
        DecisionRoutes.register(into: &table)
        AgreementRoutes.register(into: &table)
        AppealRoutes.register(into: &table)
        PaymentRoutes.register(into: &table)
        LedgerRoutes.register(into: &table)
        ReportRoutes.register(into: &table)
        ExportRoutes.register(into: &table)
        PreviousVisitorRoutes.register(into: &table)
        AuditRoutes.register(into: &table)
        NotificationRoutes.register(into: &table)
        WebhookRoutes.register(into: &table)
        CalendarRoutes.register(into: &table)
        ConsoleRoutes.register(into: &table, console: operational.console)
        return table
    }

    /// The document depends on the declarations only, which no setting changes (the document
    /// body limit is a handler's, not a schema's): rendered once per process, not per start.
    private static let document = Result<[UInt8], any Error> {
        Array(try OpenAPIDocument.rendered(routes(maxDocumentBytes: GrantsConfiguration().maxDocumentBytes).declarations).utf8)
    }

    /// The document of the service (what `openapi.json` holds and `/openapi.json` serves).
    public static func openAPIDocument() throws -> String {
        String(decoding: try document.get(), as: UTF8.self)
    }
}
