import Foundation
import Grants
import HTTP
import Postgres

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `clusterxchange serve | migrate | seed [--demo] | create-user --email E --name N --role R | openapi`
let usage = """
    usage: clusterxchange <command>
      serve                         start the HTTP API (migrates first unless MIGRATE_ON_START=false)
      migrate                       apply pending migrations from Migrations/
      seed [--demo] [--reset]       load seeds/ (MEDIC-NEST programme, partners, lump sums, call); --demo adds demo users;
                                    --reset first drops every table (refused while a user outside .example exists or a serve
                                    is connected, unless --force)
      demo-exchange-took-place --application ID [--force]
                                    demo data only: move an approved exchange's dates back by whole weeks so it is over
                                    (a demo cannot wait for the trip; working days and the lump sum stay the same)
      create-user --email E --name N --role R
                                    create an evaluator, coordinator or auditor; the password is read from standard input
      openapi                       print the OpenAPI document (the bytes served at /openapi.json)
      healthcheck                   exit 0 when this machine's service (PORT) answers 200 on /readyz within 3 s, else 1
      --help                        this text
    configuration: environment variables, see README.md (DATABASE_URL unset: private PostgreSQL under .data/postgres)
    """

let configuration: GrantsConfiguration
do {
    configuration = try GrantsConfiguration.fromEnvironment()
} catch {
    FileHandle.standardError.write(Data("clusterxchange: configuration: \(error)\n".utf8))
    exit(2)
}
let logger = Logger(label: "clusterxchange", level: configuration.loggerLevel)
let all = Array(CommandLine.arguments.dropFirst())
guard let command = all.first, !["--help", "-h", "help"].contains(command) else {
    print(usage)
    exit(CommandLine.arguments.count > 1 ? 0 : 2)
}
let arguments = Array(all.dropFirst())

func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("clusterxchange: \(message)\n".utf8))
    exit(1)
}

func withDatabase<T: Sendable>(_ body: @Sendable (PostgresPool, String) async throws -> T) async -> T {
    let database: DatabaseBootstrap
    do { database = try DatabaseBootstrap.resolve(configuration, logger: logger) } catch { fail("database: \(error)") }
    let pool = PostgresPool(configuration: PostgresConfiguration(url: database.url))
    do {
        let result = try await body(pool, database.url)
        await pool.close()
        database.stopEmbedded(logger: logger)
        return result
    } catch {
        await pool.close()
        database.stopEmbedded(logger: logger)
        fail("\(error)")
    }
}

switch command {
case "healthcheck":
    // For container HEALTHCHECKs (exec form, no shell needed): the image's /bin/sh is dash.
    guard let url = URL(string: "http://127.0.0.1:\(configuration.port)/readyz") else { fail("healthcheck: bad PORT") }
    var request = URLRequest(url: url, timeoutInterval: 3)
    request.httpMethod = "GET"
    let status = try? await URLSession.shared.data(for: request).1 as? HTTPURLResponse
    guard status?.statusCode == 200 else {
        fail("healthcheck: /readyz on port \(configuration.port) answered \(status.map { String($0.statusCode) } ?? "nothing")")
    }
    print("healthy")
case "openapi":
    do { FileHandle.standardOutput.write(Data(try GrantsRoutes.openAPIDocument().utf8)) } catch { fail("openapi: \(error)") }
case "migrate":
    let applied = await withDatabase { pool, _ in try await Migrator(pool: pool, directory: configuration.migrationsDirectory).migrate() }
    print(applied.isEmpty ? "migrations: up to date" : "migrations applied: \(applied.joined(separator: ", "))")
case "seed":
    let demo = arguments.contains("--demo")
    let (reset, force) = (arguments.contains("--reset"), arguments.contains("--force"))
    if reset && !demo { fail("--reset starts the demo over: use it as seed --demo --reset") }
    let files = await withDatabase { pool, _ in
        if reset { try await DemoDatabase.reset(pool, force: force) }
        _ = try await Migrator(pool: pool, directory: configuration.migrationsDirectory).migrate()
        return try await Seeder.seed(pool: pool, directory: configuration.seedsDirectory, demo: demo)
    }
    print("seeded: \(files.joined(separator: ", "))")
case "demo-exchange-took-place":
    guard let text = option("--application"), let id = Int64(text), id > 0 else { fail("demo-exchange-took-place needs --application ID") }
    let force = arguments.contains("--force")
    let dates = await withDatabase { pool, _ in try await DemoDatabase.exchangeTookPlace(pool, applicationID: id, force: force) }
    print("application \(id): the exchange took place from \(dates.start.iso) to \(dates.end.iso)")
case "create-user":
    guard let email = option("--email"), let name = option("--name"), let role = option("--role") else {
        fail("create-user needs --email, --name and --role")
    }
    guard let password = readLine(strippingNewline: true), !password.isEmpty else { fail("no password on standard input") }
    let id = await withDatabase { pool, _ in
        _ = try await Migrator(pool: pool, directory: configuration.migrationsDirectory).migrate()
        return try await GrantsCommands.createUser(
            pool: pool, email: email, password: password, name: name, role: role,
            bcryptCost: configuration.bcryptCost)
    }
    print("created user \(id) (\(role))")
case "serve":
    let database: DatabaseBootstrap
    do { database = try DatabaseBootstrap.resolve(configuration, logger: logger) } catch { fail("database: \(error)") }
    do {
        if configuration.migrateOnStart {
            let pool = PostgresPool(configuration: PostgresConfiguration(url: database.url))
            let applied = try await Migrator(pool: pool, directory: configuration.migrationsDirectory).migrate()
            await pool.close()
            if !applied.isEmpty { logger.info("migrations applied", ["names": applied.joined(separator: ",")]) }
        }
        let server = try GrantsServer.start(configuration: configuration, databaseURL: database.url, logger: logger)
        server.http.installSignalHandlers()
        logger.info("listening", ["host": configuration.host, "port": String(server.port)])
        await server.http.waitUntilStopped()
        await server.stopWorkers()
        await server.pool.close()
        database.stopEmbedded(logger: logger)
        logger.info("stopped")
    } catch {
        database.stopEmbedded(logger: logger)
        fail("\(error)")
    }
default:
    print(usage)
    exit(2)
}
