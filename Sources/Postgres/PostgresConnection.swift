import Foundation
import Synchronization

/// One libpq connection pinned to its own thread.
///
/// Usually borrowed from a `PostgresPool`; statements on one connection run
/// strictly in submission order, which is what makes transactions work.
public final class PostgresConnection: Sendable {
    let id: Int
    private let thread: ConnectionThread
    /// Invariant: only touched inside jobs executed by `thread`.
    private let session: LibPQSession
    private let logger: @Sendable (String) -> Void
    /// Set by the pool at checkout; the first statement afterwards may
    /// transparently replace a backend that died while idle.
    let freshCheckout = Atomic<Bool>(false)
    /// A connection-level error happened; the pool must not reuse this one.
    let broken = Atomic<Bool>(false)
    /// Written on the connection thread after every job, so check-in can decide whether the
    /// connection is reusable without another round trip to that thread.
    private let idleOutsideTransaction = Atomic<Bool>(false)
    /// Set between `PostgresPool.transaction`'s BEGIN and its COMMIT or ROLLBACK.
    private let inPoolTransaction = Atomic<Bool>(false)
    /// What `atCommit` deferred in the current transaction, in order: those queued with
    /// `beforeLocks` first, then the rest.
    private let commitStatements = Mutex<(beforeLocks: [PostgresQuery], last: [PostgresQuery])>(([], []))

    init(id: Int, configuration: PostgresConfiguration, logger: @escaping @Sendable (String) -> Void) {
        self.id = id
        self.logger = logger
        self.thread = ConnectionThread(name: "cx-postgres-\(id)")
        self.session = LibPQSession(
            url: configuration.url,
            applicationName: configuration.applicationName,
            statementTimeoutMilliseconds: configuration.statementTimeoutMilliseconds,
            noticeHandler: configuration.noticeHandler)
    }

    deinit {
        // Without this the idle thread would wait for jobs forever.
        thread.finish()
    }

    /// A standalone connection outside any pool (admin work, tests). Close it when done.
    public static func connect(
        configuration: PostgresConfiguration,
        logger: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> PostgresConnection {
        let connection = PostgresConnection(id: 0, configuration: configuration, logger: logger)
        do {
            try await connection.run { session throws(PostgresError) in try session.connect() }
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    /// Unnamed statement: parsed and planned on every call.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresResult {
        try await perform(query, prepared: false)
    }

    /// Named statement, prepared once per distinct SQL text on this connection
    /// and re-executed afterwards, to skip parse/plan on hot queries.
    @discardableResult
    public func prepared(_ query: PostgresQuery) async throws -> PostgresResult {
        try await perform(query, prepared: true)
    }

    /// Prepared statements sent together in one libpq pipeline (one round trip), results in
    /// order. The first error is thrown and the statements after it do not run; inside a
    /// transaction the transaction is then aborted, as after any failed statement.
    @discardableResult
    public func pipeline(_ queries: [PostgresQuery]) async throws -> [PostgresResult] {
        guard queries.count > 1 else { return queries.isEmpty ? [] : [try await prepared(queries[0])] }
        // Not a reconnect point: a pipeline never opens a checkout (BEGIN or a query does).
        freshCheckout.store(false, ordering: .releasing)
        return try await observe {
            try await run { session throws(PostgresError) in try session.executePipeline(queries) }
        }
    }

    /// Runs `query` as the last statement of the current `PostgresPool.transaction`, just before
    /// COMMIT (a rollback drops it); outside such a transaction, at once. For writes that take a
    /// lock held until COMMIT (the audit chain's global one): issued last and pipelined with the
    /// COMMIT, they hold it for the server's work alone, never across a round trip.
    /// `beforeLocks`: a write that takes no lock other transactions queue on (an outbox row)
    /// runs ahead of every other deferred statement, so those locks are not held while it runs.
    public func atCommit(_ query: PostgresQuery, beforeLocks: Bool = false) async throws {
        guard inPoolTransaction.load(ordering: .acquiring) else {
            try await prepared(query)
            return
        }
        commitStatements.withLock { if beforeLocks { $0.beforeLocks.append(query) } else { $0.last.append(query) } }
    }

    func beginPoolTransaction() {
        commitStatements.withLock { $0 = ([], []) }
        inPoolTransaction.store(true, ordering: .releasing)
    }

    /// Ends the scope; the deferred statements, for COMMIT to run first (or to drop).
    func endPoolTransaction() -> [PostgresQuery] {
        inPoolTransaction.store(false, ordering: .releasing)
        return commitStatements.withLock { s in
            defer { s = ([], []) }
            return s.beforeLocks + s.last
        }
    }

    /// Server process id of the current backend (0 before the lazy connect).
    public func backendPID() async throws -> Int32 {
        try await run { session in session.backendPID }
    }

    /// How many statements this connection has prepared (cache size).
    public func preparedStatementCount() async throws -> Int {
        try await run { session in session.preparedStatementCount }
    }

    /// Ends the session and its thread; later calls throw `.closed`.
    public func close() async {
        _ = try? await run { session in session.finish() }
        thread.finish()
    }

    /// Multi-statement trusted SQL through the simple protocol (migrations only).
    public func executeScript(_ sql: String) async throws {
        let fresh = freshCheckout.exchange(false, ordering: .acquiringAndReleasing)
        try await observe {
            try await run { session throws(PostgresError) in
                if fresh && !session.isHealthy { try session.connect() }
                try session.executeScript(sql)
            }
        }
    }

    /// Whether the pool may hand this connection out again.
    func isReusable() async -> Bool {
        !broken.load(ordering: .acquiring) && idleOutsideTransaction.load(ordering: .acquiring)
    }

    private func perform(_ query: PostgresQuery, prepared: Bool) async throws -> PostgresResult {
        let fresh = freshCheckout.exchange(false, ordering: .acquiringAndReleasing)
        return try await observe {
            try await run { session throws(PostgresError) in
                try session.execute(query, prepared: prepared, allowReconnect: fresh)
            }
        }
    }

    /// Records connection breakage for the pool and sends server text to the log only.
    private func observe<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresError {
            if error.kind == .connection || error.kind == .closed { broken.store(true, ordering: .releasing) }
            logger("postgres[\(id)] \(error.logDescription)")
            throw error
        }
    }

    /// Hops onto the connection thread and back.
    func run<T: Sendable>(_ body: @escaping @Sendable (LibPQSession) throws(PostgresError) -> T) async throws -> T {
        let session = self.session
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = thread.submit { [self] in
                let result: Result<T, any Error>
                do { result = .success(try body(session)) } catch { result = .failure(error) }
                idleOutsideTransaction.store(session.isIdleOutsideTransaction, ordering: .releasing)
                continuation.resume(with: result)
            }
            if !accepted {
                continuation.resume(throwing: PostgresError(kind: .closed, serverMessage: "connection is closed"))
            }
        }
    }
}
