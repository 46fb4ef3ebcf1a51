import Foundation
import HTTP
import Postgres

/// Liveness, readiness, metrics and the API description: unauthenticated, outside `/v1`.
enum OperationalRoutes {
    struct Health: Encodable, Sendable { var status: String }
    struct Readiness: Encodable, Sendable { var status: String; var database: String; var pendingMigrations: [String] }

    static func register(into table: inout RouteTable, metrics: @escaping @Sendable () -> String, openAPI: [UInt8]) {
        let healthBody = Array(#"{"status":"ok"}"#.utf8)
        table.add(.GET, "/healthz", roles: nil) { _ in
            var r = HTTPResponse(status: 200, body: healthBody)
            r.headers.set("Content-Type", "application/json")
            r.headers.set("Cache-Control", "no-store")
            return r
        }
        table.add(.GET, "/readyz", roles: nil, readiness)
        table.add(.GET, "/metrics", roles: nil) { _ in
            .text(metrics(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        table.add(.GET, "/openapi.json", roles: nil) { _ in
            var r = HTTPResponse(status: 200, body: openAPI)
            r.headers.set("Content-Type", "application/json")
            return r
        }
    }

    /// Ready means: the database answers and every migration in `Migrations/` is applied.
    @Sendable static func readiness(_ ctx: RequestContext) async throws -> HTTPResponse {
        let migrator = Migrator(pool: ctx.db, directory: ctx.services.configuration.migrationsDirectory)
        guard await ctx.db.ping() else {
            return try .json(Readiness(status: "unavailable", database: "unreachable", pendingMigrations: []), status: 503)
        }
        let pending = (try? await migrator.pending()) ?? ["unknown"]
        let ready = pending.isEmpty
        return try .json(Readiness(status: ready ? "ready" : "unavailable", database: "ok", pendingMigrations: pending),
                         status: ready ? 200 : 503)
    }
}
