import Synchronization

/// Bounds how many bcrypt operations (pgcrypto `crypt`, run by PostgreSQL on a pool connection)
/// are under way at once, with a bounded queue behind them.
///
/// Why: a bcrypt costs tens of milliseconds of CPU. Unbounded, a registration flood occupies
/// every pool connection and both cores with hashing, and a login (which needs a connection and
/// a hash too) waited 1.0–1.3 s instead of 74 ms. The service keeps two gates, one for logins
/// and a smaller one for enrolment (registration, staff accounts), so enrolment can never take
/// the permits or connections logins need. A full queue is refused at once with 503 and
/// `Retry-After` instead of piling up requests.
final class PasswordHashGate: Sendable {
    private struct State {
        var inUse = 0
        var waiters: [CheckedContinuation<Void, any Error>] = []
    }

    let permits: Int
    let maxWaiting: Int
    private let state = Mutex(State())

    init(permits: Int, maxWaiting: Int) {
        self.permits = max(1, permits)
        self.maxWaiting = max(0, maxWaiting)
    }

    /// Runs `body` holding a permit; throws 503 `service_unavailable` when the queue is full.
    func run<T: Sendable>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    private enum Decision {
        case go
        case wait
        case refuse
    }

    private func acquire() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let decision = state.withLock { s -> Decision in
                if s.inUse < permits {
                    s.inUse += 1
                    return .go
                }
                guard s.waiters.count < maxWaiting else { return .refuse }
                s.waiters.append(continuation)
                return .wait
            }
            switch decision {
            case .go: continuation.resume()
            case .refuse:
                continuation.resume(throwing: GrantsError.unavailable("too many password checks are under way; retry in a second"))
            case .wait: break
            }
        }
    }

    /// Hands the permit straight to the first waiter, or returns it.
    private func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, any Error>? in
            if s.waiters.isEmpty {
                s.inUse -= 1
                return nil
            }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }

    /// Hashing operations under way and queued (for tests and metrics).
    var load: (inUse: Int, waiting: Int) { state.withLock { ($0.inUse, $0.waiters.count) } }
}
