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
    /// Open connections one client address may hold. Default 64; 0 turns the limit off. Beyond
    /// it that address's new connection is answered 503 `too_many_connections`, so one client
    /// cannot take every slot. Trusted proxies are exempt (behind one, every client shares its
    /// address).
    public var maxConnectionsPerAddress: Int = 64
    /// How long a new connection may stay silent before its first byte. Default 5 s: a real
    /// client sends its request at once, while a connection that never speaks only holds a slot.
    /// Idle keep-alive connections get the same short deadline while the server is above three
    /// quarters of `maxConnections`.
    public var firstByteDeadline: Duration = .seconds(5)
    /// Slowest transfer accepted, in bytes per second, for request heads and bodies and for
    /// responses the client is not reading, averaged over `transferRateWindow`. Default 1024.
    /// A client reading 1 KB every 5 s from a large export would otherwise hold its connection
    /// (and the response buffer) forever. 0 turns the check off.
    public var minimumTransferRate: Int = 1024
    /// The window `minimumTransferRate` is measured over. Default 10 s.
    public var transferRateWindow: Duration = .seconds(10)
    /// File descriptors kept free for everything but client connections (database pool, files,
    /// logs, the 503 answers beyond the cap). Default 128. At start the soft descriptor limit is
    /// raised to the hard limit and `maxConnections` is clamped to the limit minus this reserve,
    /// so the cap is reached (and answered 503) before accept(2) fails and clients hang.
    public var descriptorReserve: Int = 128
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` headers are believed (empty by
    /// default: the headers are ignored and the TCP peer is the client).
    public var trustedProxies: [IPNetwork] = []
    /// Longest a handler may take before the client is answered 503 `handler_timeout` and the
    /// connection closed. Default 60 s, above the database's statement timeout (30 s) and pool
    /// checkout (5 s), so it only fires when something below is stuck (an unreachable database
    /// mid-connect, say): a stuck handler must not hold its client and its slot forever.
    public var handlerDeadline: Duration = .seconds(60)
    /// The header those proxies write: `X-Forwarded-For` (default) or RFC 7239 `Forwarded`.
    public var forwardedHeader: ClientAddressResolver.Header = .xForwardedFor

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
