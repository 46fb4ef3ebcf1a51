import HTTP
import Synchronization

/// The loop every background worker of `serve` runs (e-mail, webhooks, reminders): a detached
/// task calling `round` until stopped, sleeping `idle` after a round that found nothing to do.
/// A failed round is logged and the loop goes on. `stop` never cancels a round, only the sleep
/// between rounds, and waits for the round in hand, so its outcomes are recorded before the pool
/// closes. (Cancelling a task inside `URLSession.data(for:)` deadlocks in the toolchain's
/// FoundationNetworking: the cancellation handler waits on the session's queue while holding
/// the task's status lock; the test run hung on it.)
final class BackgroundLoop: Sendable {
    private struct State {
        var loop: Task<Void, Never>?
        var sleep: Task<Void, Never>?
        var stopping = false
    }
    private let state = Mutex(State())

    func start(_ name: String, idle: Duration, logger: Logger, round: @escaping @Sendable () async throws -> Int) {
        state.withLock { s in
            guard s.loop == nil, !s.stopping else { return }
            s.loop = Task.detached { [self] in
                while !state.withLock({ $0.stopping }) {
                    var worked = 0
                    do {
                        worked = try await round()
                    } catch {
                        logger.error(name, ["error": "\(error)"])
                    }
                    if worked == 0 { await pause(idle) }
                }
            }
        }
    }

    /// Sleeps `idle` in a task of its own, which `stop` may cancel.
    private func pause(_ idle: Duration) async {
        let sleeper: Task<Void, Never>? = state.withLock { s in
            guard !s.stopping else { return nil }
            let t = Task { _ = try? await Task.sleep(for: idle) }
            s.sleep = t
            return t
        }
        await sleeper?.value
    }

    func stop() async {
        let (loop, sleep) = state.withLock { s in
            s.stopping = true
            return (s.loop, s.sleep)
        }
        sleep?.cancel()
        await loop?.value
    }
}
