import CLibPQ
import Foundation

/// Owns one `PGconn` and the statement cache that belongs to it.
///
/// Invariant: an instance is only ever touched from a single thread at a time
/// — the `ConnectionThread` of its `PostgresConnection`, or the one thread
/// that created a short-lived admin session (EmbeddedPostgres). libpq
/// connections are not thread-safe; `@unchecked Sendable` only lets the
/// instance be captured by jobs that run on that owning thread.
final class LibPQSession: @unchecked Sendable {
    private let url: String
    private let applicationName: String
    private let statementTimeoutMilliseconds: Int
    private var conn: OpaquePointer?
    /// SQL text → server-side prepared statement name on this backend.
    private var statementNames: [String: String] = [:]
    private var nextStatementNumber = 0
    /// Receives the server's notices; declared after `conn` and outliving it (see `NoticeSink.install`).
    private let noticeSink: NoticeSink

    init(
        url: String, applicationName: String, statementTimeoutMilliseconds: Int,
        noticeHandler: @escaping @Sendable (PostgresNotice) -> Void = { _ in }
    ) {
        self.url = url
        self.applicationName = applicationName
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        self.noticeSink = NoticeSink(noticeHandler)
    }

    deinit {
        // Last reference gone, so no other thread can be using the connection.
        if let conn { PQfinish(conn) }
    }

    var preparedStatementCount: Int { statementNames.count }

    var backendPID: Int32 { conn.map { PQbackendPID($0) } ?? 0 }

    /// True when there is no open transaction, so the connection can be reused.
    var isIdleOutsideTransaction: Bool {
        guard let conn else { return true }
        return PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE
    }

    var isHealthy: Bool {
        guard let conn else { return false }
        return PQstatus(conn) == CONNECTION_OK
    }

    func connect() throws(PostgresError) {
        finish()
        let keywords = ["dbname", "application_name", "client_encoding"]
        let values = [url, applicationName, "UTF8"]
        let connection: OpaquePointer? = withCStringArray(keywords) { keys in
            withCStringArray(values) { vals in PQconnectdbParams(keys, vals, 1) }
        }
        guard let connection else {
            throw PostgresError(kind: .connection, serverMessage: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            // Thrown, never printed: the caller's logger records it as a JSON line.
            let message = String(cString: PQerrorMessage(connection)).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            PQfinish(connection)
            throw PostgresError(kind: .connection, sqlState: "08001", serverMessage: message)
        }
        // Before anything else can arrive: NOTICE/WARNING, and the FATAL of a backend
        // terminated while idle, go to the handler instead of raw lines on stderr.
        noticeSink.install(on: connection)
        conn = connection
        // Fixed session settings make result text parseable (UTC, ISO dates,
        // hex bytea) and cap runaway statements.
        _ = try execute(
            PostgresQuery(
                unsafeSQL: """
                    SELECT set_config('TimeZone', 'UTC', false), set_config('DateStyle', 'ISO, YMD', false), \
                    set_config('bytea_output', 'hex', false), set_config('statement_timeout', $1, false)
                    """,
                binds: [.text(String(statementTimeoutMilliseconds))]),
            prepared: false, allowReconnect: false)
    }

    func finish() {
        if let conn { PQfinish(conn) }
        conn = nil
        statementNames.removeAll()
    }

    /// The socket libpq reads, for `poll` (LISTEN); -1 when not connected.
    var socket: Int32 { conn.map { PQsocket($0) } ?? -1 }

    /// Reads what has arrived on the socket and returns the notifications in it, in order.
    /// A closed or broken connection throws, so a listener knows to reconnect.
    func drainNotifications() throws(PostgresError) -> [PostgresNotification] {
        guard let conn, PQstatus(conn) == CONNECTION_OK else { throw connectionError("not connected") }
        guard PQconsumeInput(conn) == 1, PQstatus(conn) == CONNECTION_OK else { throw connectionError("connection lost") }
        var out: [PostgresNotification] = []
        while let n = PQnotifies(conn) {
            out.append(
                PostgresNotification(
                    channel: String(cString: n.pointee.relname), payload: String(cString: n.pointee.extra),
                    backendPID: n.pointee.be_pid))
            PQfreemem(n)
        }
        return out
    }

    /// Detects a backend that died while the connection sat idle in the pool
    /// (pg_terminate_backend, server restart): the FATAL message or EOF is
    /// already in the socket, and reading it costs no round trip.
    private func looksAlive() -> Bool {
        guard let conn, PQstatus(conn) == CONNECTION_OK else { return false }
        guard PQconsumeInput(conn) == 1 else { return false }
        return PQstatus(conn) == CONNECTION_OK
    }

    /// Runs one parameterised statement.
    ///
    /// `allowReconnect` is true only for the first statement after a checkout:
    /// nothing has happened on the connection in this checkout yet, so a dead
    /// backend can be replaced and the statement sent again without risk of
    /// losing transaction state.
    func execute(_ query: PostgresQuery, prepared: Bool, allowReconnect: Bool) throws(PostgresError) -> PostgresResult {
        var reconnected = false
        if conn == nil || (allowReconnect && !looksAlive()) {
            try connect()
            reconnected = true
        } else if !isHealthy {
            throw connectionError("connection is broken")
        }
        do {
            return try executeOnce(query, prepared: prepared)
        } catch  where error.kind == .connection && allowReconnect && !reconnected {
            try connect()
            return try executeOnce(query, prepared: prepared)
        }
    }

    /// Simple-protocol execution of a trusted multi-statement script
    /// (migrations only: they have no binds and may hold many statements).
    func executeScript(_ sql: String) throws(PostgresError) {
        if conn == nil { try connect() }
        guard let conn else { throw connectionError("not connected") }
        let result = LibPQResult(PQexec(conn, sql))
        _ = try consume(result, conn: conn)
    }

    private func executeOnce(_ query: PostgresQuery, prepared: Bool) throws(PostgresError) -> PostgresResult {
        guard let conn else { throw connectionError("not connected") }
        if prepared {
            let name = try statementName(for: query, conn: conn)
            do {
                return try runPrepared(name, query, conn: conn)
            } catch  where error.sqlState == "26000" {
                // Someone ran DEALLOCATE/DISCARD ALL behind our back: re-prepare once.
                statementNames.removeAll()
                let again = try statementName(for: query, conn: conn)
                return try runPrepared(again, query, conn: conn)
            } catch  where error.sqlState == "0A000" && PQtransactionStatus(conn) == PQTRANS_IDLE {
                // "cached plan must not change result type" after a schema
                // change: the old statement is unusable, so prepare a new one.
                // Only outside a transaction, which the error would have aborted.
                statementNames[query.sql] = nil
                let again = try statementName(for: query, conn: conn)
                return try runPrepared(again, query, conn: conn)
            }
        }
        let result: LibPQResult = try withParameters(query.binds) { count, types, values, lengths, formats in
            LibPQResult(PQexecParams(conn, query.sql, count, types, values, lengths, formats, 0))
        }
        return try consume(result, conn: conn)
    }

    /// Runs `queries` as prepared statements in one libpq pipeline: all sent, one Sync, then
    /// every result read, so the batch costs one round trip (and one hop to this thread)
    /// instead of one each. Used for what runs just before COMMIT while a lock is held (the
    /// audit chain's), so the lock is released without waiting on the client in between.
    /// The first error is thrown; the server skips the statements after it (their results
    /// are PIPELINE_ABORTED) and an open transaction is left aborted for the caller's ROLLBACK.
    /// A failure to send or a lost connection leaves the session unusable (`.connection`).
    func executePipeline(_ queries: [PostgresQuery]) throws(PostgresError) -> [PostgresResult] {
        guard let conn, isHealthy else { throw connectionError("connection is broken") }
        // Everything that can be refused is refused before the first byte is sent.
        for query in queries { try Self.refuseNUL(query.binds) }
        // Synchronous PQprepare is not allowed in pipeline mode: prepare what this backend lacks first.
        var names: [String] = []
        for query in queries { names.append(try statementName(for: query, conn: conn)) }
        guard PQenterPipelineMode(conn) == 1 else { throw connectionError("cannot enter pipeline mode") }
        for (query, name) in zip(queries, names) {
            let sent =
                (try? withParameters(query.binds) { count, _, values, lengths, formats in
                    PQsendQueryPrepared(conn, name, count, values, lengths, formats, 0)
                }) ?? 0
            guard sent == 1 else { throw brokenPipeline("sending a pipelined statement failed") }
        }
        guard PQpipelineSync(conn) == 1 else { throw brokenPipeline("sending the pipeline's sync failed") }
        var results: [PostgresResult] = []
        var firstError: PostgresError?
        for _ in queries {
            // One result per statement, then NULL.
            guard let first = PQgetResult(conn) else { throw brokenPipeline("a pipelined statement got no result") }
            let result = LibPQResult(first)
            if PQresultStatus(first) != PGRES_PIPELINE_ABORTED {
                do { results.append(try consume(result, conn: conn)) } catch { firstError = firstError ?? error }
            }
            while let extra = PQgetResult(conn) { PQclear(extra) }
        }
        guard let sync = PQgetResult(conn) else { throw brokenPipeline("the pipeline's sync got no answer") }
        let synced = PQresultStatus(sync) == PGRES_PIPELINE_SYNC
        PQclear(sync)
        guard synced, PQexitPipelineMode(conn) == 1 else { throw brokenPipeline("the pipeline did not end at its sync") }
        if let firstError { throw firstError }
        return results
    }

    /// A pipeline that cannot be finished: the session is closed, so nothing half-read is reused.
    private func brokenPipeline(_ what: String) -> PostgresError {
        let error = connectionError(what)
        finish()
        return error
    }

    private func runPrepared(_ name: String, _ query: PostgresQuery, conn: OpaquePointer) throws(PostgresError) -> PostgresResult {
        let result: LibPQResult = try withParameters(query.binds) { count, _, values, lengths, formats in
            LibPQResult(PQexecPrepared(conn, name, count, values, lengths, formats, 0))
        }
        return try consume(result, conn: conn)
    }

    private func statementName(for query: PostgresQuery, conn: OpaquePointer) throws(PostgresError) -> String {
        if let name = statementNames[query.sql] { return name }
        nextStatementNumber += 1
        let name = "cx_stmt_\(nextStatementNumber)"
        let types = query.binds.map { Oid($0.typeOID) }
        let result = LibPQResult(PQprepare(conn, name, query.sql, Int32(types.count), types.isEmpty ? nil : types))
        _ = try consume(result, conn: conn)
        statementNames[query.sql] = name
        return name
    }

    private func connectionError(_ fallback: String) -> PostgresError {
        let message = conn.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? ""
        return PostgresError(kind: .connection, sqlState: "08006", serverMessage: message.isEmpty ? fallback : message)
    }

    /// Turns a PGresult into rows or an error; the wrapper clears it on return.
    private func consume(_ result: LibPQResult, conn: OpaquePointer) throws(PostgresError) -> PostgresResult {
        guard let res = result.pointer else { throw connectionError("no result (connection lost?)") }
        let status = PQresultStatus(res)
        switch status {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return rows(of: res)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            func field(_ code: Character) -> String? {
                PQresultErrorField(res, Int32(code.asciiValue!)).map { String(cString: $0) }
            }
            let state = field("C")
            // A FATAL (terminated backend, shutdown, "starting up") ends the session even when
            // libpq has not yet seen the socket close: treat it as a lost connection.
            let broken = PQstatus(conn) != CONNECTION_OK || state.map(LibPQSession.endsSession) == true
            var message = field("M") ?? String(cString: PQresultErrorMessage(res))
            if let detail = field("D") { message += " DETAIL: \(detail)" }
            throw PostgresError(
                kind: broken ? .connection : .server,
                sqlState: state ?? (broken ? "08006" : nil),
                constraint: field("n"), table: field("t"), column: field("c"),
                serverMessage: message)
        default:
            throw PostgresError(kind: .protocol, serverMessage: "unexpected result status \(String(cString: PQresStatus(status)))")
        }
    }

    /// Connection exceptions (class 08), admin/crash shutdown and "cannot connect now" (57P01–57P03).
    static func endsSession(_ sqlState: String) -> Bool {
        sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    private func rows(of res: OpaquePointer) -> PostgresResult {
        let rowCount = Int(PQntuples(res))
        let fieldCount = Int(PQnfields(res))
        var names: [String] = []
        var types: [UInt32] = []
        for f in 0..<fieldCount {
            names.append(String(cString: PQfname(res, Int32(f))))
            types.append(UInt32(PQftype(res, Int32(f))))
        }
        let columns = PostgresColumns(names: names, typeOIDs: types)
        var bytes: [UInt8] = []
        var spans: [(start: Int, count: Int)] = []
        spans.reserveCapacity(rowCount * fieldCount)
        // One pass for the size, so the buffer is allocated once.
        var total = 0
        for r in 0..<rowCount {
            for f in 0..<fieldCount { total += Int(PQgetlength(res, Int32(r), Int32(f))) }
        }
        bytes.reserveCapacity(total)
        for r in 0..<rowCount {
            for f in 0..<fieldCount {
                if PQgetisnull(res, Int32(r), Int32(f)) == 1 {
                    spans.append((bytes.count, -1))
                } else {
                    let length = Int(PQgetlength(res, Int32(r), Int32(f)))
                    let start = bytes.count
                    if length > 0, let value = PQgetvalue(res, Int32(r), Int32(f)) {
                        bytes.append(contentsOf: UnsafeRawBufferPointer(start: value, count: length))
                    }
                    spans.append((start, bytes.count - start))
                }
            }
        }
        let values = PostgresValues(bytes: bytes, spans: spans, columnCount: fieldCount)
        let rows = (0..<rowCount).map { PostgresRow(columns: columns, values: values, row: $0) }
        let affected = Int(String(cString: PQcmdTuples(res))) ?? 0
        return PostgresResult(rows: rows, affectedRows: affected)
    }

    /// A text parameter travels NUL-terminated, so a NUL inside it would cut it short: refused.
    private static func refuseNUL(_ binds: [PostgresBind]) throws(PostgresError) {
        for bind in binds where bind.format == .text && bind.bytes?.contains(0) == true {
            throw PostgresError(kind: .protocol, sqlState: "22021", serverMessage: "text parameter contains a NUL byte")
        }
    }

    /// Lays out binds as the parallel C arrays libpq wants; text values are
    /// NUL-terminated copies, bytea goes binary with an explicit length.
    private func withParameters<R>(
        _ binds: [PostgresBind],
        _ body: (
            Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
            UnsafePointer<Int32>?
        ) -> R
    ) throws(PostgresError) -> R {
        try Self.refuseNUL(binds)
        var buffers: [UnsafeMutablePointer<CChar>?] = []
        buffers.reserveCapacity(binds.count)
        defer { for buffer in buffers { buffer?.deallocate() } }
        var lengths: [Int32] = []
        var formats: [Int32] = []
        let types = binds.map { Oid($0.typeOID) }
        for bind in binds {
            formats.append(bind.format.rawValue)
            guard let bytes = bind.bytes else {
                buffers.append(nil)
                lengths.append(0)
                continue
            }
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(start: buffer, count: bytes.count).copyMemory(from: source)
            }
            buffer[bytes.count] = 0
            buffers.append(buffer)
            lengths.append(Int32(bytes.count))
        }
        let constBuffers = buffers.map { UnsafePointer($0) }
        return types.withUnsafeBufferPointer { t in
            constBuffers.withUnsafeBufferPointer { v in
                lengths.withUnsafeBufferPointer { l in
                    formats.withUnsafeBufferPointer { f in
                        body(Int32(binds.count), t.baseAddress, v.baseAddress, l.baseAddress, f.baseAddress)
                    }
                }
            }
        }
    }
}

/// Owns one `PGresult` and clears it in `deinit`, so no path can leak one.
///
/// Invariant: created, read and released inside a single job on the
/// connection's thread; rows are copied out before the job ends.
final class LibPQResult: @unchecked Sendable {
    let pointer: OpaquePointer?

    init(_ pointer: OpaquePointer?) {
        self.pointer = pointer
    }

    deinit {
        if let pointer { PQclear(pointer) }
    }
}

private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicated = strings.map { strdup($0) }
    defer { for pointer in duplicated { free(pointer) } }
    let pointers: [UnsafePointer<CChar>?] = duplicated.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
