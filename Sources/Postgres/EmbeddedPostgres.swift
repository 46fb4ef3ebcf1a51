import CLibPQ
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A private PostgreSQL server for development and tests, used when no
/// DATABASE_URL is configured, so a checkout runs with zero setup.
///
/// It listens only on a unix socket (listen_addresses=''), so it never
/// collides with another server's TCP port and is unreachable from the
/// network. Because PostgreSQL refuses to run as root, root invocations go
/// through `runuser -u postgres`.
public final class EmbeddedPostgres: Sendable {
    public let dataDirectory: URL
    public let databaseName: String
    /// Skip fsync in initdb and the server: much faster, but a crash can
    /// corrupt the cluster. Only for throwaway test clusters.
    public let unsafeFastMode: Bool
    public let socketDirectory: String
    public let port: Int

    public init(dataDirectory: URL, databaseName: String = "clusterxchange", unsafeFastMode: Bool = false, port: Int = 5432) {
        self.dataDirectory = dataDirectory.standardizedFileURL
        self.databaseName = databaseName
        self.unsafeFastMode = unsafeFastMode
        self.port = port
        self.socketDirectory = EmbeddedPostgres.socketDirectory(for: dataDirectory.standardizedFileURL.path, port: port)
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Unix socket paths are limited to 107 bytes (sun_path); deep data
    /// folders get a short, deterministic socket folder under /tmp instead.
    static func socketDirectory(for dataPath: String, port: Int) -> String {
        let socketName = "/.s.PGSQL.\(port)"
        if dataPath.utf8.count + socketName.utf8.count + ".lock".utf8.count <= 107 { return dataPath }
        return "/tmp/cx-pg-" + stableHash(dataPath)
    }

    /// The libpq URL for `database` on this server.
    public func connectionURL(database: String? = nil) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let host = socketDirectory.addingPercentEncoding(withAllowedCharacters: allowed) ?? socketDirectory
        var url = "postgresql:///\(database ?? databaseName)?host=\(host)&user=postgres"
        if port != 5432 { url += "&port=\(port)" }
        return url
    }

    /// initdb once, start (or reuse) the server, create the database if
    /// missing; returns its connection URL. Safe to call from several
    /// processes at once (an exclusive file lock serialises them).
    @discardableResult
    public func start() throws -> String {
        try withFileLock {
            let tools = try Tools.locate()
            try prepareDirectories()
            let fm = FileManager.default
            if !fm.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) {
                var arguments = ["-D", dataDirectory.path, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C"]
                if unsafeFastMode { arguments.append("--no-sync") }
                try run(tools.bin("initdb"), arguments)
            }
            if try !isRunning(tools) {
                var options = "-c listen_addresses='' -c unix_socket_directories='\(socketDirectory)' -c port=\(port)"
                // Tests run many services at once, each with a pool, an admin pool and a LISTEN connection.
                if unsafeFastMode { options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" }
                try run(
                    tools.bin("pg_ctl"),
                    [
                        "start", "-w", "-t", "60", "-D", dataDirectory.path,
                        "-l", dataDirectory.appendingPathComponent("server.log").path, "-o", options,
                    ])
            }
            try createDatabaseIfMissing(databaseName, template: nil)
        }
        return connectionURL()
    }

    public func createDatabase(_ name: String, template: String? = nil) throws {
        let name = try EmbeddedPostgres.validIdentifier(name)
        var sql = "CREATE DATABASE \"\(name)\""
        if let template { sql += " TEMPLATE \"\(try EmbeddedPostgres.validIdentifier(template))\"" }
        try admin { session in _ = try session.execute(PostgresQuery(unsafeSQL: sql), prepared: false, allowReconnect: false) }
    }

    public func dropDatabase(_ name: String) throws {
        let name = try EmbeddedPostgres.validIdentifier(name)
        try admin { session in
            _ = try session.execute(
                PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)"), prepared: false,
                allowReconnect: false)
        }
    }

    /// Renames a database; used to publish a fully built template atomically.
    public func renameDatabase(_ name: String, to newName: String) throws {
        let from = try EmbeddedPostgres.validIdentifier(name)
        let to = try EmbeddedPostgres.validIdentifier(newName)
        try admin { session in
            _ = try session.execute(
                PostgresQuery(unsafeSQL: "ALTER DATABASE \"\(from)\" RENAME TO \"\(to)\""), prepared: false,
                allowReconnect: false)
        }
    }

    public func databaseExists(_ name: String) throws -> Bool {
        try admin { session in
            try !session.execute("SELECT 1 FROM pg_database WHERE datname = \(name)", prepared: false, allowReconnect: false)
                .rows.isEmpty
        }
    }

    /// Names of all non-template databases.
    public func databaseNames() throws -> [String] {
        try admin { session in
            try session.execute("SELECT datname FROM pg_database WHERE NOT datistemplate", prepared: false, allowReconnect: false)
                .rows.map { try $0.decode("datname", as: String.self) }
        }
    }

    public func stop() throws {
        let tools = try Tools.locate()
        guard try isRunning(tools) else { return }
        try run(tools.bin("pg_ctl"), ["stop", "-m", "fast", "-w", "-D", dataDirectory.path])
    }

    public func isRunning() throws -> Bool {
        try isRunning(Tools.locate())
    }

    // MARK: - Internals

    private func createDatabaseIfMissing(_ name: String, template: String?) throws {
        guard try !databaseExists(name) else { return }
        do {
            try createDatabase(name, template: template)
        } catch let error as PostgresError where error.sqlState == "42P04" {
            // Created concurrently by another process: fine.
        }
    }

    /// A short-lived blocking session to the `postgres` maintenance database,
    /// created, used and finished on the calling thread.
    private func admin<T>(_ body: (LibPQSession) throws -> T) throws -> T {
        let session = LibPQSession(
            url: connectionURL(database: "postgres"), applicationName: "clusterxchange-embedded",
            statementTimeoutMilliseconds: 0)
        try session.connect()
        defer { session.finish() }
        return try body(session)
    }

    static func validIdentifier(_ name: String) throws -> String {
        let utf8 = Array(name.utf8)
        func ok(_ c: UInt8, first: Bool) -> Bool {
            c == UInt8(ascii: "_") || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
                || (!first && c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
        }
        guard (1...63).contains(utf8.count), ok(utf8[0], first: true), utf8.dropFirst().allSatisfy({ ok($0, first: false) })
        else { throw Failure(description: "invalid database name (must match ^[a-z_][a-z0-9_]{0,62}$)") }
        return name
    }

    private var runAsPostgresUser: Bool { geteuid() == 0 }

    private func isRunning(_ tools: Tools) throws -> Bool {
        guard FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) else {
            return false
        }
        let status = try run(tools.bin("pg_ctl"), ["status", "-D", dataDirectory.path], allowFailure: true)
        return status == 0
    }

    /// Creates the data and socket folders; as root, hands them to `postgres`
    /// and makes sure every parent folder is traversable by it.
    private func prepareDirectories() throws {
        let fm = FileManager.default
        try fm.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        if socketDirectory != dataDirectory.path {
            try fm.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        }
        chmod(dataDirectory.path, 0o700)
        guard runAsPostgresUser else { return }
        guard let pw = getpwnam("postgres") else { throw Failure(description: "running as root but there is no postgres user") }
        for path in Set([dataDirectory.path, socketDirectory]) {
            try run("/bin/chown", ["-R", "\(pw.pointee.pw_uid):\(pw.pointee.pw_gid)", path], asPostgres: false)
            var parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            while parent != "/" && !parent.isEmpty {
                var info = stat()
                if stat(parent, &info) == 0, info.st_mode & 0o001 == 0 {
                    chmod(parent, info.st_mode & 0o7777 | 0o001)
                }
                parent = URL(fileURLWithPath: parent).deletingLastPathComponent().path
            }
        }
    }

    /// Serialises start() across threads and processes sharing this data folder.
    private func withFileLock<T>(_ body: () throws -> T) throws -> T {
        let lockPath = dataDirectory.path + ".lock"
        try FileManager.default.createDirectory(at: dataDirectory.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(description: "cannot open \(lockPath)") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw Failure(description: "cannot lock \(lockPath)") }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// Runs a tool (as `postgres` when we are root), output captured in a
    /// temporary file: a pipe could be inherited by the postmaster and never close.
    @discardableResult
    private func run(_ executable: String, _ arguments: [String], allowFailure: Bool = false, asPostgres: Bool = true) throws -> Int32 {
        var argv = [executable] + arguments
        if asPostgres && runAsPostgresUser {
            argv = [Tools.runuser, "-u", "postgres", "--"] + argv
        }
        let outputPath = NSTemporaryDirectory() + "cx-pg-\(getpid())-\(UUID().uuidString).out"
        defer { unlink(outputPath) }
        let status = try spawnAndWait(argv, outputPath: outputPath)
        if status != 0 && !allowFailure {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw Failure(description: "\((executable as NSString).lastPathComponent) \(arguments.first ?? "") failed (\(status)): \(text)")
        }
        return status
    }

    /// Where the server binaries are.
    struct Tools {
        static let runuser = FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") ? "/usr/sbin/runuser" : "/sbin/runuser"
        var binDirectory: String

        func bin(_ name: String) -> String { binDirectory + "/" + name }

        /// `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin, else PATH.
        static func locate() throws -> Tools {
            let fm = FileManager.default
            func hasServer(_ dir: String) -> Bool {
                fm.isExecutableFile(atPath: dir + "/initdb") && fm.isExecutableFile(atPath: dir + "/pg_ctl")
            }
            if let dir = pgConfigBindir(), hasServer(dir) { return Tools(binDirectory: dir) }
            let versions = ((try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
                .compactMap { Int($0) }.sorted(by: >)
            for version in versions where hasServer("/usr/lib/postgresql/\(version)/bin") {
                return Tools(binDirectory: "/usr/lib/postgresql/\(version)/bin")
            }
            for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            where hasServer(dir) {
                return Tools(binDirectory: dir)
            }
            throw Failure(description: "PostgreSQL server binaries (initdb, pg_ctl) not found")
        }

        private static func pgConfigBindir() -> String? {
            let candidates = ["/usr/bin/pg_config", "/usr/local/bin/pg_config"]
            guard let pgConfig = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else { return nil }
            let outputPath = NSTemporaryDirectory() + "cx-pgconfig-\(getpid())-\(UUID().uuidString).out"
            defer { unlink(outputPath) }
            guard (try? spawnAndWait([pgConfig, "--bindir"], outputPath: outputPath)) == 0,
                let text = try? String(contentsOfFile: outputPath, encoding: .utf8)
            else { return nil }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}

/// FNV-1a 64 as hex: a stable short name for paths and migration sets (not security).
func stableHash(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

/// posix_spawn + waitpid. Foundation's `Process` is avoided on purpose: its
/// SIGCHLD-based reaping can miss children when waited for from a plain
/// thread, leaving `waitUntilExit()` hung on a zombie.
func spawnAndWait(_ argv: [String], outputPath: String) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { for pointer in cArgs { free(pointer) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
    guard spawned == 0 else {
        throw EmbeddedPostgres.Failure(description: "cannot start \(argv[0]): errno \(spawned)")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { throw EmbeddedPostgres.Failure(description: "waitpid failed: errno \(errno)") }
    }
    // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
    if status & 0x7f == 0 { return (status >> 8) & 0xff }
    return 128 + (status & 0x7f)
}
