import Foundation
import Signing

/// The web console's files (plain HTML, CSS and JavaScript modules in `Web/console/`), read
/// once at start and served from memory. Every asset lives under one versioned prefix,
/// `/console/<version>/`, where the version is a digest of all of them: the files can be
/// cached for a year, a release changes every URL at once, and relative `import`s between
/// modules need no build step to carry a fingerprint. Only `index.html` is fetched each time
/// (with its ETag); the service writes the prefix into it where it says `{{ASSETS}}`.
public struct ConsoleAssets: Sendable {
    public struct Asset: Sendable {
        public var body: [UInt8]
        public var contentType: String
        public var etag: String
    }

    /// The digest of every file (16 hex digits): the prefix `/console/<version>/` of this release.
    public let version: String
    public let index: Asset
    let files: [String: Asset]

    /// What a file's name may be: flat (no folders), lower-case words, a known extension.
    static let types: [String: String] = [
        "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "svg": "image/svg+xml",
        "html": "text/html; charset=utf-8", "png": "image/png", "ico": "image/x-icon",
    ]
    /// The console is a few hundred kilobytes; a folder far larger is not the console.
    static let maxTotalBytes = 8 << 20

    public enum LoadError: Error, CustomStringConvertible {
        case missing(String)
        case tooLarge(Int)
        case noIndex
        public var description: String {
            switch self {
            case .missing(let path): "the console's folder \(path) cannot be read"
            case .tooLarge(let bytes): "the console's folder holds \(bytes) bytes, more than \(ConsoleAssets.maxTotalBytes)"
            case .noIndex: "the console's folder has no index.html"
            }
        }
    }

    /// Reads `directory` (`GrantsConfiguration.consoleDirectory`: `Web/console` under the project
    /// root unless `CONSOLE_DIR` says otherwise).
    public init(directory: URL) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        } catch {
            throw LoadError.missing(directory.path)
        }
        var raw: [(String, [UInt8], String)] = []
        var total = 0
        for name in names where Self.isServable(name) {
            guard let ext = name.split(separator: ".").last, let type = Self.types[String(ext)],
                let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
            else { continue }
            total += data.count
            guard total <= Self.maxTotalBytes else { throw LoadError.tooLarge(total) }
            raw.append((name, [UInt8](data), type))
        }
        var digestInput: [UInt8] = []
        for (name, bytes, _) in raw {
            digestInput += Array(name.utf8) + [0] + SHA256.hash(bytes)
        }
        let version = String(HMACSHA256.hex(SHA256.hash(digestInput)).prefix(16))
        var files: [String: Asset] = [:]
        var index: Asset?
        for (name, bytes, type) in raw {
            if name == "index.html" {
                let page = String(decoding: bytes, as: UTF8.self).replacingOccurrences(
                    of: "{{ASSETS}}", with: "/console/\(version)")
                let body = Array(page.utf8)
                index = Asset(body: body, contentType: type, etag: Self.etag(body))
            } else {
                files[name] = Asset(body: bytes, contentType: type, etag: Self.etag(bytes))
            }
        }
        guard let index else { throw LoadError.noIndex }
        self.version = version
        self.index = index
        self.files = files
    }

    /// The asset at `/console/<version>/<name>`; nil for another version (an old page asking
    /// for files this release does not have) or a name that is not served.
    public func asset(version: String, name: String) -> Asset? {
        guard version == self.version else { return nil }
        return files[name]
    }

    /// Names like `app.js` or `style.css`: no dot files, no folders, nothing to escape.
    static func isServable(_ name: String) -> Bool {
        guard !name.hasPrefix("."), name.utf8.count <= 64 else { return false }
        return name.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
        }
    }

    static func etag(_ bytes: [UInt8]) -> String {
        "\"\(HMACSHA256.hex(SHA256.hash(bytes)).prefix(32))\""
    }
}
