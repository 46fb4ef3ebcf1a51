import Foundation
import HTTP
import Postgres

/// Liveness, readiness, metrics and the API description: unauthenticated, outside `/v1`.
enum OperationalRoutes {
    struct Health: Encodable, Sendable { var status: String }
    struct Readiness: Encodable, Sendable { var status: String; var database: String; var pendingMigrations: [String] }

    /// `migrations` is read from `Migrations/` once at start: the files do not change under a
    /// running service, so `/readyz` only asks the database what is applied.
    static func register(into table: inout RouteTable, metrics: @escaping @Sendable () -> String, openAPI: [UInt8],
                         migrations: Result<[Migrator.Migration], any Error>) {
        let healthBody = Array(#"{"status":"ok"}"#.utf8)
        table.add(.GET, "/healthz", roles: nil) { _ in
            var r = HTTPResponse(status: 200, body: healthBody)
            r.headers.set("Content-Type", "application/json")
            r.headers.set("Cache-Control", "no-store")
            return r
        }
        table.add(.GET, "/readyz", roles: nil) { ctx in try await readiness(ctx, migrations: migrations) }
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
    static func readiness(_ ctx: RequestContext, migrations: Result<[Migrator.Migration], any Error>) async throws -> HTTPResponse {
        let migrator = Migrator(pool: ctx.db, directory: ctx.services.configuration.migrationsDirectory)
        guard await ctx.db.ping() else {
            return try .json(Readiness(status: "unavailable", database: "unreachable", pendingMigrations: []), status: 503)
        }
        var pending = ["unreadable Migrations/ folder"]
        if case .success(let expected) = migrations { pending = (try? await migrator.pending(of: expected)) ?? ["unknown"] }
        let ready = pending.isEmpty
        return try .json(Readiness(status: ready ? "ready" : "unavailable", database: "ok", pendingMigrations: pending),
                         status: ready ? 200 : 503)
    }
}
