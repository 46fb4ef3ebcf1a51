import Foundation
import Synchronization

/// A snapshot of pool occupancy, for metrics and /readyz.
public struct PoolStatistics: Sendable, Hashable {
    /// Connections currently lent out.
    public var inUse: Int
    /// Connections parked and ready.
    public var idle: Int
    /// Checkouts queued for a connection.
    public var waiting: Int
    /// Connections that exist (in use + idle); never above `capacity`.
    public var size: Int
    /// The configured `poolSize`.
    public var capacity: Int
}

/// A bounded set of connections with async, time-limited checkout.
///
/// Bounded because every connection is a server backend and a dedicated
/// thread; time-limited because under overload a fast `.poolTimeout` (503) is
/// better than an ever-growing queue of waiting requests.
public final class PostgresPool: Sendable {
    public let configuration: PostgresConfiguration
    let logger: @Sendable (String) -> Void
    private let state = Mutex(State())

    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<PostgresConnection, any Error>
        /// When the checkout fails with `.poolTimeout` (the reaper enforces it).
        var deadline: ContinuousClock.Instant
    }

    private struct State {
        var idle: [PostgresConnection] = []
        var inUse = 0
        /// idle + inUse: connections that exist or are promised to a caller.
        var total = 0
        /// In arrival order; every waiter has the same timeout, so the first expires first.
        var waiters: [Waiter] = []
        var closed = false
        var nextID = 1
        /// The one task that fails expired waiters, while there are waiters. One sleeping task
        /// per pool rather than one per waiter: a cancelled `Task.sleep` keeps its timer until
        /// the deadline, so a timer per waiter held about 400 bytes per checkout for the whole
        /// timeout, tens of MiB at a few thousand waiting checkouts a second (heaptrack).
        var reaper: Task<Void, Never>?
    }

    public init(configuration: PostgresConfiguration, logger: @escaping @Sendable (String) -> Void = { _ in }) {
        precondition(configuration.poolSize > 0, "poolSize must be positive")
        self.configuration = configuration
        self.logger = logger
    }

    public var statistics: PoolStatistics {
        state.withLock { s in
            PoolStatistics(
                inUse: s.inUse, idle: s.idle.count, waiting: s.waiters.count, size: s.total,
                capacity: configuration.poolSize)
        }
    }

    /// One statement on any free connection (unnamed statement).
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresResult {
        try await withConnection { connection in try await connection.query(query) }
    }

    /// One statement through the per-connection prepared-statement cache.
    @discardableResult
    public func prepared(_ query: PostgresQuery) async throws -> PostgresResult {
        try await withConnection { connection in try await connection.prepared(query) }
    }

    /// Lends a connection for the duration of `body`.
    ///
    /// The connection goes back to the pool afterwards unless it broke or
    /// `body` left a transaction open; then it is discarded, because its
    /// session state can no longer be trusted.
    public func withConnection<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await checkout()
        let value: T
        do {
            value = try await body(connection)
        } catch {
            await checkin(connection)
            throw error
        }
        await checkin(connection)
        return value
    }

    /// True when a trivial statement round-trips (for /readyz).
    public func ping() async -> Bool {
        (try? await query("SELECT 1")) != nil
    }

    /// Fails waiters and future checkouts with `.closed` and ends idle
    /// connections; lent connections are ended when they come back.
    public func close() async {
        let (idle, waiters) = state.withLock { s -> ([PostgresConnection], [Waiter]) in
            s.closed = true
            let idle = s.idle
            s.total -= idle.count
            s.idle.removeAll()
            let waiters = s.waiters
            s.waiters.removeAll()
            return (idle, waiters)
        }
        state.withLock { s in s.reaper }?.cancel()
        for waiter in waiters {
            waiter.continuation.resume(throwing: PostgresError(kind: .closed, serverMessage: "pool closed"))
        }
        for connection in idle { await connection.close() }
    }

    // MARK: - Checkout / checkin

    private enum CheckoutDecision {
        case reuse(PostgresConnection)
        case create(Int)
        case wait
        case closed
    }

    func checkout() async throws -> PostgresConnection {
        let waiterID = state.withLock { s in
            defer { s.nextID += 1 }
            return s.nextID
        }
        let connection = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PostgresConnection, any Error>) in
                let decision = state.withLock { s -> CheckoutDecision in
                    if s.closed { return .closed }
                    if let connection = s.idle.popLast() {
                        s.inUse += 1
                        return .reuse(connection)
                    }
                    if s.total < configuration.poolSize {
                        s.total += 1
                        s.inUse += 1
                        return .create(waiterID)
                    }
                    s.waiters.append(
                        Waiter(id: waiterID, continuation: continuation, deadline: .now + configuration.checkoutTimeout))
                    if s.reaper == nil { s.reaper = Task { [weak self] in await self?.reapExpiredWaiters() } }
                    return .wait
                }
                switch decision {
                case .reuse(let connection):
                    continuation.resume(returning: connection)
                case .create(let id):
                    continuation.resume(returning: makeConnection(id: id))
                case .closed:
                    continuation.resume(throwing: PostgresError(kind: .closed, serverMessage: "pool closed"))
                case .wait:
                    break
                }
            }
        } onCancel: {
            failWaiter(waiterID, with: CancellationError())
        }
        connection.freshCheckout.store(true, ordering: .releasing)
        return connection
    }

    private func failWaiter(_ id: Int, with error: any Error) {
        let waiter = state.withLock { s -> Waiter? in
            guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return s.waiters.remove(at: index)
        }
        guard let waiter else { return }
        waiter.continuation.resume(throwing: error)
    }

    /// Sleeps until the first waiter's deadline, fails every waiter whose deadline has passed
    /// with `.poolTimeout`, and repeats; ends (and is started again by the next waiter) when
    /// none is left or the pool is closed.
    private func reapExpiredWaiters() async {
        while true {
            let next = state.withLock { s -> ContinuousClock.Instant? in
                guard !s.closed, let first = s.waiters.first else {
                    s.reaper = nil
                    return nil
                }
                return first.deadline
            }
            guard let next else { return }
            try? await Task.sleep(until: next, clock: .continuous)
            if Task.isCancelled { return }
            let now = ContinuousClock.now
            let expired = state.withLock { s -> [Waiter] in
                let count = s.waiters.prefix { $0.deadline <= now }.count
                defer { s.waiters.removeFirst(count) }
                return Array(s.waiters.prefix(count))
            }
            if !expired.isEmpty { logger("postgres pool: \(expired.count) checkout(s) timed out (\(statistics))") }
            let timeout = configuration.checkoutTimeout
            for waiter in expired {
                waiter.continuation.resume(
                    throwing: PostgresError(kind: .poolTimeout, serverMessage: "no connection free within \(timeout)"))
            }
        }
    }

    private func makeConnection(id: Int) -> PostgresConnection {
        PostgresConnection(id: id, configuration: configuration, logger: logger)
    }

    private enum CheckinDecision {
        case park
        case handOver(Waiter)
        case handOverNew(Waiter, Int)
        case close
    }

    func checkin(_ connection: PostgresConnection) async {
        let reusable = await connection.isReusable()
        if !reusable {
            logger("postgres pool: discarding connection \(connection.id)")
        }
        let decision = state.withLock { s -> CheckinDecision in
            if !reusable || s.closed {
                s.total -= 1
                s.inUse -= 1
                if !s.closed, !s.waiters.isEmpty {
                    // The discarded slot goes straight to the next waiter as a new connection.
                    let waiter = s.waiters.removeFirst()
                    s.total += 1
                    s.inUse += 1
                    defer { s.nextID += 1 }
                    return .handOverNew(waiter, s.nextID)
                }
                return .close
            }
            if !s.waiters.isEmpty {
                return .handOver(s.waiters.removeFirst())
            }
            s.inUse -= 1
            s.idle.append(connection)
            return .park
        }
        switch decision {
        case .park:
            break
        case .handOver(let waiter):
            waiter.continuation.resume(returning: connection)
        case .handOverNew(let waiter, let id):
            waiter.continuation.resume(returning: makeConnection(id: id))
            await connection.close()
        case .close:
            await connection.close()
        }
    }
}
