/// Server limits and timeouts. The defaults are production values; tests
/// shrink the deadlines to keep the suite fast.
///
/// Durations are Swift `Duration`s (e.g. `.seconds(10)`, `.milliseconds(500)`)
/// so units can never be confused.
public struct HTTPServerConfiguration: Sendable {
    /// Interface to bind. Default "127.0.0.1": a reverse proxy terminates TLS in
    /// front of us, so listening on every interface must be an explicit choice.
    public var host: String = "127.0.0.1"
    /// TCP port. Default 8080; 0 binds an ephemeral port (see `HTTPServer.port`).
    public var port: Int = 8080
    /// Event-loop threads, fixed at start. Default 2 (one per core on the target
    /// machine); handlers run on Swift's task pool, so loops only do I/O.
    public var eventLoopThreads: Int = 2
    /// Open connections admitted at once. Default 1024. Beyond it a connection is
    /// accepted, answered 503 `service_unavailable` and closed, so clients get a
    /// clear signal instead of a hanging SYN backlog.
    public var maxConnections: Int = 1024
    /// Longest request-target. Default 8192 bytes (414 beyond).
    public var maxRequestTargetBytes: Int = 8192
    /// Largest header section. Default 65536 bytes (431 beyond).
    public var maxHeaderBytes: Int = 65536
    /// Most header fields. Default 100 (431 beyond).
    public var maxHeaderCount: Int = 100
    /// Default body limit. Default 1 MiB (413 beyond); routes may override it.
    public var maxBodyBytes: Int = 1_048_576
    /// Total time to receive a request head, from its first byte. Default 10 s.
    /// One deadline, not a per-read timeout, so a slow-loris client trickling
    /// bytes cannot keep a connection forever.
    public var headDeadline: Duration = .seconds(10)
    /// Total time to receive a body once the head is in. Default 30 s.
    public var bodyDeadline: Duration = .seconds(30)
    /// How long an idle keep-alive connection is kept. Default 30 s; closed silently.
    public var idleTimeout: Duration = .seconds(30)
    /// How long graceful shutdown waits for in-flight requests before closing
    /// everything. Default 10 s (below the usual 30 s orchestrator kill delay).
    public var shutdownGrace: Duration = .seconds(10)
    /// listen(2) backlog. Default 512.
    public var backlog: Int = 512

    public init() {}

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }

    var parserLimits: ParserLimits {
        ParserLimits(
            maxRequestTargetBytes: maxRequestTargetBytes, maxHeaderBytes: maxHeaderBytes,
            maxHeaderCount: maxHeaderCount, maxBodyBytes: maxBodyBytes)
    }
}

extension Duration {
    /// Whole nanoseconds, saturating; the event loop keeps time as UInt64 ns.
    var nanosecondsValue: UInt64 {
        let c = components
        if c.seconds < 0 { return 0 }
        let ns = c.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if ns.overflow { return UInt64.max / 2 }
        return UInt64(ns.partialValue) + UInt64(c.attoseconds / 1_000_000_000)
    }
}
