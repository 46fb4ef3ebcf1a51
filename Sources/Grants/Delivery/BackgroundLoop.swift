import HTTP
import Synchronization

/// The loop every background worker of `serve` runs (e-mail, webhooks, reminders): a detached
/// task calling `round` until stopped, sleeping `idle` after a round that found nothing to do.
/// A failed round is logged and the loop goes on; `stop` waits for the round in hand to finish,
/// so its outcomes are recorded before the pool closes.
final class BackgroundLoop: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    func start(_ name: String, idle: Duration, logger: Logger, round: @escaping @Sendable () async throws -> Int) {
        task.withLock { t in
            guard t == nil else { return }
            t = Task.detached {
                while !Task.isCancelled {
                    var worked = 0
                    do {
                        worked = try await round()
                    } catch {
                        logger.error(name, ["error": "\(error)"])
                    }
                    if worked == 0 { try? await Task.sleep(for: idle) }
                }
            }
        }
    }

    func stop() async {
        let running = task.withLock { t in
            defer { t = nil }
            return t
        }
        running?.cancel()
        await running?.value
    }
}
