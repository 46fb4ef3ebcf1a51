import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The HTTP/1.1 server: a fixed set of epoll event-loop threads sharing one
/// listening socket, with handlers running as Swift tasks.
///
/// Threads never grow with clients: loops only do non-blocking I/O, and the
/// cooperative pool only runs handler code, never a blocking system call.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let context: ServerContext
    private let state = Mutex<LifecycleState>(LifecycleState())

    private struct LifecycleState {
        var started = false
        var shutdownRequested = false
        var loops: [EventLoop] = []
        var signalSources: [any DispatchSourceSignal] = []
    }

    private let boundPort = Atomic<Int>(0)

    public init(configuration: HTTPServerConfiguration, router: Router, logger: Logger = Logger(label: "http")) {
        self.configuration = configuration
        self.context = ServerContext(configuration: configuration, router: router, logger: logger)
    }

    /// Binds and listens (port 0 picks an ephemeral port), then starts the
    /// event-loop threads. Throws `SocketError` when the address is unusable.
    public func start() throws {
        // A peer closing mid-write must be an EPIPE, not the death of the process.
        signal(SIGPIPE, SIG_IGN)
        let alreadyStarted = state.withLock { s -> Bool in
            if s.started || s.shutdownRequested { return true }
            s.started = true
            return false
        }
        if alreadyStarted { throw SocketError(operation: "start (already started)", code: EALREADY) }

        let effectiveCap = Self.clampedConnectionCap(configuration)
        context.maxConnections.store(effectiveCap, ordering: .releasing)
        if effectiveCap < configuration.maxConnections {
            context.logger.warning(
                "maxConnections clamped to the descriptor limit",
                [
                    "configured": String(configuration.maxConnections), "effective": String(effectiveCap),
                ])
        }
        let (fd, port) = try Socket.listen(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        boundPort.store(port, ordering: .releasing)
        var loops: [EventLoop] = []
        do {
            for i in 0..<max(1, configuration.eventLoopThreads) {
                loops.append(try EventLoop(index: i, context: context))
            }
        } catch {
            close(fd)
            throw error
        }
        context.listenerFD.store(fd, ordering: .releasing)
        context.listenerUsers.store(loops.count, ordering: .releasing)
        context.stop.withLock { $0.running = loops.count }
        state.withLock { $0.loops = loops }
        for loop in loops { loop.start(listener: fd) }
        context.logger.info("http server listening", ["host": configuration.host, "port": String(port), "threads": String(loops.count)])
    }

    /// Raises the soft descriptor limit to the hard one, then keeps `descriptorReserve`
    /// descriptors out of the connection cap: with the default limit of 1024 and a cap of 1024,
    /// accept(2) would fail (EMFILE) before the cap is ever reached and new clients would hang
    /// unanswered instead of getting a 503.
    static func clampedConnectionCap(_ configuration: HTTPServerConfiguration) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return max(1, configuration.maxConnections) }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let soft = limit.rlim_cur > rlim_t(Int32.max) ? Int(Int32.max) : Int(limit.rlim_cur)
        let available = soft - max(0, configuration.descriptorReserve)
        return max(1, min(configuration.maxConnections, available))
    }

    /// The effective connection cap (after `start`: `maxConnections` clamped to the descriptor limit).
    public var maxConnections: Int { context.maxConnections.load(ordering: .acquiring) }

    /// The bound port (meaningful after `start`).
    public var port: Int { boundPort.load(ordering: .acquiring) }

    public var metrics: HTTPMetrics { context.metrics }

    public var router: Router { context.router }

    /// Graceful shutdown: closes the listener, lets in-flight requests finish
    /// (their responses carry `Connection: close`), closes idle connections and
    /// force-closes the rest after `shutdownGrace`. Returns once all loops exited.
    /// Safe to call more than once and from several tasks.
    public func shutdown() async {
        let loops = state.withLock { s -> [EventLoop]? in
            if s.shutdownRequested { return nil }
            s.shutdownRequested = true
            for source in s.signalSources { source.cancel() }
            s.signalSources = []
            return s.loops
        }
        if let loops {
            if loops.isEmpty {
                // Never started: nothing to wait for.
                context.stop.withLock { $0.stopped = true }
                let waiters = context.stop.withLock { s -> [CheckedContinuation<Void, Never>] in
                    defer { s.waiters = [] }
                    return s.waiters
                }
                for waiter in waiters { waiter.resume() }
            } else {
                context.logger.info("http server shutting down", [:])
                for loop in loops { loop.requestShutdown() }
            }
        }
        await waitUntilStopped()
    }

    /// Returns when every event loop has exited (after `shutdown`).
    public func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = context.stop.withLock { s -> Bool in
                if s.stopped { return true }
                s.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// SIGTERM/SIGINT start a graceful shutdown. Dispatch signal sources rather
    /// than `signal(2)` handlers, because async-signal-safe code could do
    /// nothing useful here.
    public func installSignalHandlers() {
        state.withLock { s in
            guard s.signalSources.isEmpty, !s.shutdownRequested else { return }
            for sig in [SIGTERM, SIGINT] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { [self] in
                    self.context.logger.info("signal received", ["signal": String(sig)])
                    Task { await self.shutdown() }
                }
                source.resume()
                s.signalSources.append(source)
            }
        }
    }
}
