import Foundation
import HTTP
import Postgres

/// Liveness, readiness, metrics and the API description: unauthenticated, outside `/v1`.
enum OperationalRoutes {
    struct Health: Codable, Sendable { var status: String }
    struct Readiness: Codable, Sendable {
        var status: String
        var database: String
        var pendingMigrations: [String]
    }

    /// `migrations` is read from `Migrations/` once at start: the files do not change under a
    /// running service, so `/readyz` only asks the database what is applied. `openAPI` is the
    /// document derived from the whole table, known only once every route is added.
    static func register(
        into table: inout RouteTable, metrics: @escaping @Sendable () -> String,
        openAPI: @escaping @Sendable () -> [UInt8], migrations: Result<[Migrator.Migration], any Error>
    ) {
        let healthBody = Array(#"{"status":"ok"}"#.utf8)
        table.add(
            Route(
                .GET, "/healthz", roles: nil, id: "getHealth", tag: .operations, summary: "Liveness",
                description: "Answers 200 while the process serves requests; does not touch the database.",
                response: .json(Health.self))
        ) { _ in
            var r = HTTPResponse(status: 200, body: healthBody)
            r.headers.set("Content-Type", "application/json")
            r.headers.set("Cache-Control", "no-store")
            return r
        }
        table.add(
            Route(
                .GET, "/readyz", roles: nil, id: "getReadiness", tag: .operations, summary: "Readiness",
                description: "200 when the database answers and every migration is applied, else 503 with the same body.",
                response: .json(Readiness.self),
                errorNotes: [
                    503: "Not ready: the database is unreachable or migrations are pending (Readiness body), "
                        + "or the server is at capacity (problem)."
                ],
                errorBodies: [503: Readiness.self])
        ) { ctx in try await readiness(ctx, migrations: migrations) }
        table.add(
            Route(
                .GET, "/metrics", roles: nil, id: "getMetrics", tag: .operations, summary: "Prometheus metrics",
                description: "HTTP and database-pool metrics in the Prometheus text format 0.0.4.",
                response: .content(["text/plain": ["schema": ["type": "string"]]]))
        ) { _ in
            .text(metrics(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        table.add(
            Route(
                .GET, "/openapi.json", roles: nil, id: "getOpenAPI", tag: .operations, summary: "This document",
                response: .content(["application/json": ["schema": ["type": "object"]]]))
        ) { _ in
            var r = HTTPResponse(status: 200, body: openAPI())
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
        return try .json(
            Readiness(status: ready ? "ready" : "unavailable", database: "ok", pendingMigrations: pending),
            status: ready ? 200 : 503)
    }
}
