import Foundation
import Testing

@testable import Grants

/// The console's files as the service serves them (issue 14): the page with its ETag, the
/// assets under one versioned prefix, the security headers, and what is never served. The
/// browser journeys are in Tests/Console (scripts/console-checks.sh).
@Suite("Web console serving (end to end)")
struct ConsoleServingTests {
    static func folder(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cx-console-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        return dir
    }

    @Test func thePageAndItsAssetsAreServedWithTheirHeaders() async throws {
        let dir = try Self.folder([
            "index.html": #"<script type="module" src="{{ASSETS}}/app.js"></script>"#,
            "app.js": "import './ui.js';", "ui.js": "export const x = 1;", ".secret.js": "no", "notes.txt": "no",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        try await TestApp.with(configure: { $0.console = dir }) { app in
            let page = try await app.request("GET", "/")
            #expect(page.status == 200)
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            #expect(page.header("Cache-Control") == "no-cache")
            let csp = try #require(page.header("Content-Security-Policy"))
            #expect(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe"))
            #expect(page.header("X-Frame-Options") == "DENY")
            #expect(page.header("Referrer-Policy") == "no-referrer")
            let match = try #require(page.text.firstMatch(of: /\/console\/([0-9a-f]{16})\/app\.js/))
            let version = String(match.1)

            let etag = try #require(page.header("ETag"))
            let again = try await app.request("GET", "/", headers: ["If-None-Match": "W/\"other\", \(etag)"])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)

            let script = try await app.request("GET", "/console/\(version)/ui.js")
            #expect(script.status == 200)
            #expect(script.text == "export const x = 1;")
            #expect(script.header("Content-Type") == "text/javascript; charset=utf-8")
            #expect(script.header("Cache-Control") == "public, max-age=31536000, immutable")
            #expect(script.header("X-Content-Type-Options") == "nosniff")

            // Another release's files, hidden files and other kinds of file are not served.
            for path in [
                "/console/0123456789abcdef/ui.js", "/console/\(version)/.secret.js", "/console/\(version)/notes.txt",
                "/console/\(version)/missing.js", "/console/\(version)/..%2Fapp.js",
            ] {
                let r = try await app.request("GET", path)
                #expect(r.status == 404, "\(path)")
                #expect(r.header("Content-Type")?.hasPrefix("application/problem+json") == true, "\(path)")
            }
        }
    }

    @Test func anyChangedFileChangesTheVersion() throws {
        let a = try Self.folder(["index.html": "{{ASSETS}}", "app.js": "1"])
        let b = try Self.folder(["index.html": "{{ASSETS}}", "app.js": "2"])
        defer {
            try? FileManager.default.removeItem(at: a)
            try? FileManager.default.removeItem(at: b)
        }
        let va = try ConsoleAssets(directory: a).version
        let vb = try ConsoleAssets(directory: b).version
        #expect(va != vb)
        #expect(try ConsoleAssets(directory: a).version == va)
    }

    @Test func withoutItsFilesTheConsoleAnswers503AndTheAPIStillServes() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("cx-no-console-\(UUID().uuidString)")
        try await TestApp.with(configure: { $0.console = missing }) { app in
            let page = try await app.request("GET", "/")
            #expect(page.status == 503)
            #expect(page.text.contains("not installed"))
            #expect(try await app.request("GET", "/healthz").status == 200)
        }
    }

    /// The console in the repository is whole: every module the page loads, and every module
    /// those import, is served.
    @Test func theShippedConsoleLoadsEveryModuleItImports() async throws {
        try await TestApp.with { app in
            let page = try await app.request("GET", "/")
            #expect(page.status == 200)
            let prefix = try #require(page.text.firstMatch(of: /\/console\/[0-9a-f]{16}\//)).0
            var pending = page.text.matches(of: /\{?\/console\/[0-9a-f]{16}\/([a-z0-9.-]+)/).map { String($0.1) }
            var seen: Set<String> = []
            while let name = pending.popLast() {
                guard seen.insert(name).inserted else { continue }
                let r = try await app.request("GET", "\(prefix)\(name)")
                #expect(r.status == 200, "\(name) is not served")
                if name.hasSuffix(".js") {
                    pending += r.text.matches(of: /from '\.\/([a-z0-9.-]+)'|import '\.\/([a-z0-9.-]+)'/).map {
                        String($0.1 ?? $0.2 ?? "")
                    }
                }
            }
            #expect(seen.isSuperset(of: ["app.js", "api.js", "ui.js", "style.css", "applicant.js", "auditor.js"]))
        }
    }
}
