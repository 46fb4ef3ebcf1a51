import Foundation
import Glibc
import Synchronization

/// One `NOTIFY` received on a channel.
public struct PostgresNotification: Sendable, Equatable {
    public var channel: String
    public var payload: String
    /// The backend that sent it.
    public var backendPID: Int32
}

/// `LISTEN` on one channel from a connection and a thread of its own, outside the pool: the
/// thread blocks in `poll` on the socket, never in Swift's cooperative pool. It reconnects after
/// any loss (a second later, then every second) and says so with `.lost` then `.listening`,
/// because notifications sent while it was away are gone: a subscriber must treat `.lost` as
/// "anything may have changed".
public final class PostgresListener: Sendable {
    public enum Event: Sendable, Equatable {
        /// LISTEN is in place: from now on every notification on the channel arrives.
        case listening
        case notification(String)
        /// The connection is gone; notifications may have been missed.
        case lost
    }

    private let configuration: PostgresConfiguration
    private let channel: String
    private let onEvent: @Sendable (Event) -> Void
    private let logger: @Sendable (String) -> Void
    private let state = Mutex(State())

    private struct State {
        var started = false
        var stopping = false
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// `channel` is an SQL identifier written into `LISTEN`: lower-case letters, digits and `_`
    /// (nil otherwise, as it is spliced into the statement).
    public init?(
        configuration: PostgresConfiguration, channel: String, logger: @escaping @Sendable (String) -> Void = { _ in },
        onEvent: @escaping @Sendable (Event) -> Void
    ) {
        guard
            !channel.isEmpty && channel.utf8.count <= 63
                && channel.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F })
        else { return nil }
        self.configuration = configuration
        self.channel = channel
        self.logger = logger
        self.onEvent = onEvent
    }

    public func start() {
        let first = state.withLock { s in
            defer { s.started = true }
            return !s.started
        }
        guard first else { return }
        let thread = Thread { [self] in
            run()
            let waiters = state.withLock { s in
                s.finished = true
                defer { s.waiters.removeAll() }
                return s.waiters
            }
            for w in waiters { w.resume() }
        }
        thread.name = "cx-postgres-listen"
        thread.start()
    }

    /// Ends the listener; returns once its connection is closed (within about 200 ms).
    public func stop() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                s.stopping = true
                if s.finished || !s.started { return true }
                s.waiters.append(c)
                return false
            }
            if done { c.resume() }
        }
    }

    private static func describe(_ error: any Error) -> String {
        (error as? PostgresError)?.logDescription ?? String(describing: error)
    }

    private var stopping: Bool { state.withLock { $0.stopping } }

    /// Invariant: the session is created, used and finished on this thread only.
    private func run() {
        var lostBefore = false
        while !stopping {
            let session = LibPQSession(
                url: configuration.url, applicationName: configuration.applicationName + "-listen",
                statementTimeoutMilliseconds: configuration.statementTimeoutMilliseconds, noticeHandler: configuration.noticeHandler)
            do {
                try session.connect()
                try session.executeScript("LISTEN \(channel)")
                onEvent(.listening)
                lostBefore = false
                var quietSince = ContinuousClock.now
                while !stopping {
                    var pfd = pollfd(fd: session.socket, events: Int16(POLLIN), revents: 0)
                    let ready = poll(&pfd, 1, 200)
                    if ready < 0 && errno != EINTR { throw PostgresError(kind: .connection, serverMessage: "poll failed: errno \(errno)") }
                    if ready > 0 {
                        for n in try session.drainNotifications() where n.channel == channel { onEvent(.notification(n.payload)) }
                        quietSince = .now
                    } else if ContinuousClock.now - quietSince > .seconds(10) {
                        // A silent network failure gives no POLLIN; a statement every 10 s notices it.
                        try session.executeScript("SELECT 1")
                        for n in try session.drainNotifications() where n.channel == channel { onEvent(.notification(n.payload)) }
                        quietSince = .now
                    }
                }
                session.finish()
                return
            } catch {
                session.finish()
                if !lostBefore { logger("postgres listener (\(channel)): \(Self.describe(error)); reconnecting") }
                lostBefore = true
                onEvent(.lost)
                for _ in 0..<5 where !stopping { usleep(200_000) }
            }
        }
    }
}
