import Foundation

/// A serial job queue drained by one dedicated OS thread.
///
/// libpq calls block (network round trips, server work up to
/// `statement_timeout`). Running them on Swift's cooperative pool would starve
/// every other task on a 2-core box, so each connection gets its own thread
/// and async callers just wait on a continuation.
final class ConnectionThread: @unchecked Sendable {
    // Invariant: `jobs` and `finished` are only read or written while
    // `condition` is locked; that lock is what makes this type Sendable.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var finished = false

    init(name: String) {
        // The thread retains `self` until its loop exits after `finish()`.
        let thread = Thread { [self] in self.runLoop() }
        thread.name = name
        thread.start()
    }

    /// Queues a job; false when the thread has been told to finish.
    @discardableResult
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !finished else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Lets already-queued jobs run, then ends the thread.
    func finish() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !finished { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job() }
        }
    }
}

/// Runs one blocking closure on a fresh thread, for rare slow work (initdb,
/// pg_ctl, CREATE DATABASE) that must not occupy a cooperative-pool thread.
func runOnDedicatedThread<T: Sendable>(
    name: String = "cx-postgres-blocking",
    _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.name = name
        thread.start()
    }
}
