import Foundation
import HTTP

/// The web console at `/`: one HTML page and its versioned assets, open to anyone (the page
/// logs in through the API it drives; nothing here reads the database). Each answer carries a
/// strict Content-Security-Policy: scripts and styles from this origin only (no inline code,
/// no eval), no framing, no referrer, and the API as the only place the page may connect to.
enum ConsoleRoutes {
    /// `blob:` images are the spending chart, fetched with the bearer token and shown from memory.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; "
        + "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    static func register(into table: inout RouteTable, console: Result<ConsoleAssets, any Error>?) {
        table.add(
            Route(
                .GET, "/", roles: nil, id: "getConsole", tag: .console, summary: "The web console",
                description: "The console's page (HTML). It loads its scripts and styles from `/console/{version}/` and "
                    + "drives this API with the bearer token of the person who logs in. Answers 304 to a matching "
                    + "`If-None-Match`.",
                response: .content(["text/html": ["schema": ["type": "string"]]]),
                errorNotes: [503: "The console's files are not installed beside the service (see `CONSOLE_DIR`)."])
        ) { ctx in
            let assets = try installed(console)
            return answer(assets.index, request: ctx.request, cache: "no-cache")
        }
        table.add(
            Route(
                .GET, "/console/:version/:file", roles: nil, id: "getConsoleAsset", tag: .console,
                summary: "A console script, style sheet or image",
                description: "Served for a year (`immutable`): the version in the path changes whenever any file "
                    + "does. Another version's files answer 404 (reload the page).",
                response: .content([
                    "text/javascript": ["schema": ["type": "string"]], "text/css": ["schema": ["type": "string"]],
                    "image/svg+xml": ["schema": ["type": "string"]],
                ]))
        ) { ctx in
            let assets = try installed(console)
            guard let version = ctx.request.pathParameters["version"], let file = ctx.request.pathParameters["file"],
                let asset = assets.asset(version: version, name: file)
            else {
                throw GrantsError.notFound("no such console file in this release; reload the page")
            }
            return answer(asset, request: ctx.request, cache: "public, max-age=31536000, immutable")
        }
    }

    private static func installed(_ console: Result<ConsoleAssets, any Error>?) throws -> ConsoleAssets {
        switch console {
        case .success(let assets): return assets
        case .failure(let error): throw GrantsError.unavailable("the web console is not installed: \(error)")
        case nil: throw GrantsError.unavailable("the web console is not installed")
        }
    }

    private static func answer(_ asset: ConsoleAssets.Asset, request: HTTPRequest, cache: String) -> HTTPResponse {
        let fresh = request.headers["If-None-Match"].map { matches($0, asset.etag) } ?? false
        var r = HTTPResponse(status: fresh ? 304 : 200, body: fresh ? [] : asset.body)
        r.headers.set("Content-Type", asset.contentType)
        r.headers.set("ETag", asset.etag)
        r.headers.set("Cache-Control", cache)
        r.headers.set("Content-Security-Policy", contentSecurityPolicy)
        r.headers.set("X-Frame-Options", "DENY")
        r.headers.set("X-Content-Type-Options", "nosniff")
        r.headers.set("Referrer-Policy", "no-referrer")
        r.headers.set("Cross-Origin-Opener-Policy", "same-origin")
        return r
    }

    /// `If-None-Match: "a", W/"b"` or `*` (RFC 9110 §13.1.2, weak comparison).
    static func matches(_ header: String, _ etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            var c = candidate.trimmingCharacters(in: .whitespaces)
            if c == "*" { return true }
            if c.hasPrefix("W/") { c.removeFirst(2) }
            return c == etag
        }
    }
}
