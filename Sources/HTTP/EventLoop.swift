import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One client connection. Owned and touched only by its event loop's thread.
final class Connection {
    enum State {
        /// Waiting for (more of) a request.
        case reading
        /// A handler task owns the current request; no bytes are read meanwhile,
        /// which is what keeps pipelined responses in order.
        case processing
        /// A response is being written (possibly across EPOLLOUT wake-ups).
        case writing
        /// A streamed body's head (and every piece so far) is out; the handler's task is
        /// producing the next piece.
        case streaming
        /// Our side is shut down for writing; unread input is drained so the
        /// final response is not destroyed by a TCP reset.
        case lingering
        case closed
    }

    /// What the access log and metrics need about the current request.
    struct Inflight {
        var method: HTTPMethod
        var path: String
        var route: String?
        var requestID: String
        var isHead: Bool
        var keepAlive: Bool
        var http10: Bool
        var startNs: UInt64
    }

    let fd: Int32
    let id: UInt64
    let remote: String
    /// False for connections accepted beyond `maxConnections` only to be told 503.
    let counted: Bool
    /// Counted in the per-address table under `addressKey` (released on close).
    var addressCounted = false
    var addressKey = ""
    /// Accepted only to be answered 503.
    var isRefusal = false
    /// Monotonic ns when the current request was handed to its handler.
    var processingSinceNs: UInt64 = 0
    /// Monotonic ns of the accept: the first-byte deadline runs from here.
    let acceptedNs: UInt64
    /// Whether any byte ever arrived (a connection that never speaks gets the short deadline).
    var everReceived = false
    /// Transfer-rate window: its start and the bytes moved in it (reads while a request is
    /// arriving, writes while a response is blocked on the client).
    var rateWindowStartNs: UInt64 = 0
    var rateWindowBytes: UInt64 = 0
    var parser: RequestParser
    var state: State = .reading
    var readable = false
    var peerClosed = false
    /// EPOLLRDHUP/HUP was reported: keep reading until EOF, no new edge will come.
    var hangupSeen = false
    var writeBuffer: [UInt8] = []
    var writeOffset = 0
    var closeAfterWrite = false
    /// Monotonic ns of the first byte of the request being received (0: none).
    var requestStartNs: UInt64 = 0
    var bodyStartNs: UInt64 = 0
    var idleSinceNs: UInt64
    var writeDeadlineNs: UInt64 = 0
    var lingerDeadlineNs: UInt64 = 0
    var pendingMatch: Router.Match?
    var pendingRoute: String?
    var inflight: Inflight?
    /// The streamed body in progress, if the current response has one.
    var stream: Stream?

    struct Stream {
        /// Chunked transfer coding (HTTP/1.1); HTTP/1.0 gets raw bytes and a close.
        var chunked: Bool
        /// HEAD: pieces are acknowledged and dropped.
        var discard: Bool
        var ended = false
        /// The producer waiting for its piece to reach the kernel.
        var waiter: CheckedContinuation<Void, any Error>?
    }

    init(fd: Int32, id: UInt64, remote: String, counted: Bool, limits: ParserLimits, now: UInt64) {
        self.fd = fd
        self.id = id
        self.remote = remote
        self.counted = counted
        self.parser = RequestParser(limits: limits)
        self.idleSinceNs = now
        self.acceptedNs = now
    }
}

/// A handler's result travelling back from the task pool to the loop.
struct Completion: Sendable {
    var fd: Int32
    var connectionID: UInt64
    var response: HTTPResponse
    /// The description of an unexpected error, logged on the loop (never sent).
    var failure: String?
}

/// State shared by the server and its loops.
final class ServerContext: Sendable {
    let configuration: HTTPServerConfiguration
    let router: Router
    let logger: Logger
    let metrics: HTTPMetrics
    let listenerFD = Atomic<Int32>(-1)
    /// Loops still polling the listener; the last one to let go closes it,
    /// so no loop ever calls accept on a closed (possibly reused) descriptor.
    let listenerUsers = Atomic<Int>(0)
    let stop = Mutex<StopState>(StopState())
    /// `maxConnections` after clamping to the descriptor limit (set by `HTTPServer.start`).
    let maxConnections: Atomic<Int>
    /// Open connections per client address, shared by every loop.
    let perAddress = Mutex<[String: Int]>([:])
    let addresses: ClientAddressResolver

    struct StopState {
        var running = 0
        var stopped = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    init(configuration: HTTPServerConfiguration, router: Router, logger: Logger) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.metrics = HTTPMetrics(shards: max(1, configuration.eventLoopThreads))
        self.maxConnections = Atomic(configuration.maxConnections)
        self.addresses = ClientAddressResolver(trustedProxies: configuration.trustedProxies, header: configuration.forwardedHeader)
    }

    /// Takes a per-address slot for `address`; false when it holds the limit already.
    func acquireAddressSlot(_ address: String) -> Bool {
        let limit = configuration.maxConnectionsPerAddress
        return perAddress.withLock { table in
            let n = table[address, default: 0]
            if n >= limit { return false }
            table[address] = n + 1
            return true
        }
    }

    func releaseAddressSlot(_ address: String) {
        perAddress.withLock { table in
            let n = table[address, default: 0]
            if n <= 1 { table[address] = nil } else { table[address] = n - 1 }
        }
    }

    func releaseListener() {
        if listenerUsers.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            let fd = listenerFD.exchange(-1, ordering: .acquiringAndReleasing)
            if fd >= 0 { close(fd) }
        }
    }

    func loopExited() {
        let waiters = stop.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.running -= 1
            guard state.running == 0 else { return [] }
            state.stopped = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// An epoll event loop on its own thread: accepts, reads, parses, writes and
/// enforces deadlines for its connections; handlers run elsewhere (as tasks)
/// and post their responses back through an eventfd-signalled inbox.
///
/// `@unchecked Sendable` because every stored `var` is touched only on the
/// loop's own thread (set up before the thread starts, read in `run`); the
/// only cross-thread entry points, `complete` and `requestShutdown`, go through
/// the `inbox` mutex, and the eventfd is written only under that mutex while it
/// is known to be open.
final class EventLoop: @unchecked Sendable {
    private struct Inbox {
        var completions: [Completion] = []
        /// Processed after `completions` of the same drain, so a stream's head always precedes
        /// its pieces (one task posts both, in that order).
        var streamMessages: [StreamMessage] = []
        var signaled = false
        var closed = false
        var shutdownRequested = false
    }

    let index: Int
    private let context: ServerContext
    private let configuration: HTTPServerConfiguration
    private let limits: ParserLimits
    private let epfd: Int32
    private let wakeFD: Int32
    private let inbox = Mutex(Inbox())

    private var connections: [Connection?] = []
    private var connectionCount = 0
    private var listenerFD: Int32 = -1
    private var listening = false
    private var acceptResumeNs: UInt64 = 0
    private var shuttingDown = false
    private var graceDeadlineNs: UInt64 = 0
    private var now: UInt64 = 0
    private var lastSweepNs: UInt64 = 0
    private var nextConnectionID: UInt64 = 0
    private var refusalsInFlight = 0
    private static let maxRefusalsInFlight = 32
    private var dateCache = HTTPDateCache()
    private var requestIDs = RequestID.Generator()
    private let readBuffer: UnsafeMutableRawBufferPointer
    private let readBufferSize = 65536

    private let headNs: UInt64
    private let firstByteNs: UInt64
    private let rateWindowNs: UInt64
    /// Bytes a transfer must move per rate window (0: no minimum).
    private let rateWindowMinimumBytes: UInt64
    private let bodyNs: UInt64
    private let handlerNs: UInt64
    private let idleNs: UInt64
    private let graceNs: UInt64
    private static let lingerNs: UInt64 = 2_000_000_000
    private static let sweepIntervalNs: UInt64 = 10_000_000

    init(index: Int, context: ServerContext) throws(SocketError) {
        self.index = index
        self.context = context
        self.configuration = context.configuration
        self.limits = context.configuration.parserLimits
        headNs = configuration.headDeadline.nanosecondsValue
        firstByteNs = configuration.firstByteDeadline.nanosecondsValue
        rateWindowNs = max(1_000_000, configuration.transferRateWindow.nanosecondsValue)
        let perSecond = UInt64(clamping: max(0, configuration.minimumTransferRate))
        let (product, overflow) = perSecond.multipliedReportingOverflow(by: rateWindowNs / 1_000_000)
        rateWindowMinimumBytes = overflow ? UInt64.max : product / 1000
        bodyNs = configuration.bodyDeadline.nanosecondsValue
        handlerNs = configuration.handlerDeadline.nanosecondsValue
        idleNs = configuration.idleTimeout.nanosecondsValue
        graceNs = configuration.shutdownGrace.nanosecondsValue
        let ep = Epoll.create()
        guard ep >= 0 else { throw SocketError(operation: "epoll_create1", code: errno) }
        let efd = Epoll.eventfd()
        guard efd >= 0 else {
            let code = errno
            close(ep)
            throw SocketError(operation: "eventfd", code: code)
        }
        epfd = ep
        wakeFD = efd
        readBuffer = .allocate(byteCount: readBufferSize, alignment: 16)
    }

    deinit {
        readBuffer.deallocate()
    }

    // MARK: Cross-thread entry points

    /// Called from handler tasks. Coalesces wake-ups: only the first completion
    /// after the loop drained its inbox writes the eventfd.
    func complete(_ completion: Completion) {
        inbox.withLock { inbox in
            guard !inbox.closed else { return }
            inbox.completions.append(completion)
            if !inbox.signaled {
                inbox.signaled = true
                var one: UInt64 = 1
                _ = write(wakeFD, &one, 8)
            }
        }
    }

    /// Called from a streaming handler's task (through `HTTPBodyWriter`).
    func post(_ message: StreamMessage) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.closed else { return false }
            inbox.streamMessages.append(message)
            if !inbox.signaled {
                inbox.signaled = true
                var one: UInt64 = 1
                _ = write(wakeFD, &one, 8)
            }
            return true
        }
        if !accepted { message.cancel() }
    }

    func requestShutdown() {
        inbox.withLock { inbox in
            guard !inbox.closed else { return }
            inbox.shutdownRequested = true
            if !inbox.signaled {
                inbox.signaled = true
                var one: UInt64 = 1
                _ = write(wakeFD, &one, 8)
            }
        }
    }

    // MARK: Thread

    func start(listener: Int32) {
        listenerFD = listener
        Epoll.control(epfd, Epoll.ctlAdd, wakeFD, Epoll.IN)
        startListening()
        let thread = Thread { [self] in self.run() }
        thread.name = "http-loop-\(index)"
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func run() {
        let maxEvents: Int32 = 256
        let events = UnsafeMutableRawPointer.allocate(byteCount: Int(maxEvents) * Epoll.eventSize, alignment: 8)
        defer { events.deallocate() }
        now = Self.monotonicNow()
        lastSweepNs = now
        while true {
            let timeout: Int32 = (connectionCount > 0 || acceptResumeNs != 0 || shuttingDown) ? 25 : -1
            let n = Epoll.wait(epfd, events, maxEvents, timeout)
            now = Self.monotonicNow()
            if n < 0 {
                if errno == EINTR { continue }
                context.logger.error("epoll_wait failed", ["errno": String(errno)])
                break
            }
            for i in 0..<Int(n) {
                let event = Epoll.event(events, i)
                let fd = event.fd
                if fd == wakeFD {
                    drainInbox()
                } else if fd == listenerFD && listening {
                    acceptConnections()
                } else if Int(fd) < connections.count, let c = connections[Int(fd)] {
                    let flags = event.events
                    if flags & (Epoll.IN | Epoll.RDHUP | Epoll.HUP | Epoll.ERR) != 0 {
                        c.readable = true
                    }
                    if flags & (Epoll.RDHUP | Epoll.HUP | Epoll.ERR) != 0 {
                        c.hangupSeen = true
                    }
                    drive(c)
                }
            }
            if now &- lastSweepNs >= Self.sweepIntervalNs {
                lastSweepNs = now
                sweep()
            }
            if shuttingDown && connectionCount == 0 { break }
        }
        // Force-close whatever is left (grace expired or fatal epoll error).
        for c in connections { if let c { closeConnection(c) } }
        if listening { stopListening() }
        let orphans = inbox.withLock { inbox -> [StreamMessage] in
            inbox.closed = true
            inbox.completions = []
            defer { inbox.streamMessages = [] }
            return inbox.streamMessages
        }
        for message in orphans { message.cancel() }
        close(wakeFD)
        close(epfd)
        context.loopExited()
    }

    static func monotonicNow() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    // MARK: Listener

    private func startListening() {
        guard listenerFD >= 0 else { return }
        // EPOLLEXCLUSIVE: with several loops on one listener, wake one, not all.
        if Epoll.control(epfd, Epoll.ctlAdd, listenerFD, Epoll.IN | Epoll.EXCLUSIVE) == 0 { listening = true }
    }

    private func stopListening() {
        guard listenerFD >= 0 else { return }
        if listening {
            Epoll.control(epfd, Epoll.ctlDel, listenerFD, 0)
            listening = false
        }
        listenerFD = -1
        acceptResumeNs = 0
        context.releaseListener()
    }

    private func acceptConnections() {
        for _ in 0..<128 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Epoll.accept4(listenerFD, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            }
            if fd < 0 {
                let code = errno
                switch code {
                case EINTR, ECONNABORTED, EPROTO:
                    continue
                case EAGAIN, EWOULDBLOCK:
                    return
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors: polling the (still readable) listener
                    // would spin. Back off and retry later.
                    context.logger.warning("accept: out of resources, pausing", ["errno": String(code)])
                    if listening {
                        Epoll.control(epfd, Epoll.ctlDel, listenerFD, 0)
                        listening = false
                    }
                    acceptResumeNs = now + 100_000_000
                    return
                default:
                    context.logger.error("accept failed", ["errno": String(code)])
                    return
                }
            }
            Socket.setNoDelay(fd)
            let remote = Socket.addressAndPort(storage).address
            // The per-address slot first: a client that will be refused anyway must not shed
            // another client's idle connection on its way out.
            let peer = IPAddress(remote)
            let addressKey = peer?.limitKey ?? remote
            var addressCounted = false
            var admitted = !shuttingDown
            var refusal = ProblemDetails.serviceUnavailable()
            if admitted && configuration.maxConnectionsPerAddress > 0 && !(peer.map(context.addresses.isTrusted) ?? false) {
                addressCounted = context.acquireAddressSlot(addressKey)
                if !addressCounted {
                    admitted = false
                    refusal = .tooManyConnections(limit: configuration.maxConnectionsPerAddress)
                }
            }
            let cap = context.maxConnections.load(ordering: .relaxed)
            if admitted {
                let open = context.metrics.openConnections.add(1, ordering: .relaxed).newValue
                if open > cap && !shedIdleConnection() {
                    admitted = false
                    context.metrics.openConnections.subtract(1, ordering: .relaxed)
                }
            }
            if !admitted && addressCounted {
                context.releaseAddressSlot(addressKey)
                addressCounted = false
            }
            // Refusals wait for their 503 to be read; past a few dozen at once they are reset at
            // once, so a flood of refused connects cannot use up the descriptors kept in reserve.
            if !admitted && refusalsInFlight >= Self.maxRefusalsInFlight {
                Socket.setResetOnClose(fd)
                close(fd)
                continue
            }
            let c = register(fd: fd, remote: remote, counted: admitted)
            c.addressCounted = addressCounted
            c.addressKey = addressKey
            if !admitted {
                c.isRefusal = true
                refusalsInFlight += 1
                c.inflight = errorInflight(c)
                respond(c, refusal.response)
                drive(c)
            }
        }
    }

    /// At the cap, a connection that is not in the middle of a request (it never sent a byte,
    /// or it is an idle keep-alive) makes room for the new client: the one idle longest is
    /// closed. Without this, connections that merely exist would lock every real client out.
    /// Only this loop's own connections can be touched; true when one was closed.
    private func shedIdleConnection() -> Bool {
        var victim: Connection?
        for c in connections {
            guard let c, c.counted, c.state == .reading, !c.parser.hasPartialRequest else { continue }
            if victim == nil || c.idleSinceNs < victim!.idleSinceNs { victim = c }
        }
        guard let victim else { return false }
        closeConnection(victim)
        context.metrics.shedConnections.add(1, ordering: .relaxed)
        return true
    }

    private func register(fd: Int32, remote: String, counted: Bool) -> Connection {
        nextConnectionID &+= 1
        let c = Connection(fd: fd, id: nextConnectionID, remote: remote, counted: counted, limits: limits, now: now)
        if Int(fd) >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: Int(fd) + 64 - connections.count))
        }
        connections[Int(fd)] = c
        connectionCount += 1
        // Edge-triggered, registered once: no epoll_ctl per request. Readiness
        // is remembered in `readable`; writes are always attempted directly.
        Epoll.control(epfd, Epoll.ctlAdd, fd, Epoll.IN | Epoll.OUT | Epoll.RDHUP | Epoll.ET)
        c.readable = true
        return c
    }

    private func closeConnection(_ c: Connection) {
        guard c.state != .closed else { return }
        c.state = .closed
        if let waiter = c.stream?.waiter {
            c.stream?.waiter = nil
            waiter.resume(throwing: HTTPBodyWriter.Closed())
        }
        close(c.fd)
        connections[Int(c.fd)] = nil
        connectionCount -= 1
        if c.counted { context.metrics.openConnections.subtract(1, ordering: .relaxed) }
        if c.addressCounted {
            c.addressCounted = false
            context.releaseAddressSlot(c.addressKey)
        }
        if c.isRefusal { refusalsInFlight -= 1 }
    }

    // MARK: Inbox

    private func drainInbox() {
        var value: UInt64 = 0
        _ = read(wakeFD, &value, 8)
        let (completions, streamMessages, shutdown) = inbox.withLock { inbox -> ([Completion], [StreamMessage], Bool) in
            let items = inbox.completions
            let messages = inbox.streamMessages
            inbox.completions = []
            inbox.streamMessages = []
            inbox.signaled = false
            let s = inbox.shutdownRequested
            inbox.shutdownRequested = false
            return (items, messages, s)
        }
        for completion in completions {
            guard Int(completion.fd) < connections.count, let c = connections[Int(completion.fd)],
                c.id == completion.connectionID, c.state == .processing
            else { continue }
            if let failure = completion.failure {
                context.logger.error(
                    "handler failed",
                    [
                        "error": failure, "request_id": c.inflight?.requestID ?? "-",
                        "path": c.inflight?.path ?? "-", "method": c.inflight?.method.rawValue ?? "-",
                    ])
            }
            respond(c, completion.response)
            drive(c)
        }
        for message in streamMessages { handle(message) }
        if shutdown && !shuttingDown { beginShutdown() }
    }

    private static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    /// Queues bytes behind whatever of the buffer is still unsent (the sent prefix is dropped).
    private func appendPending(_ c: Connection, _ bytes: [UInt8]) {
        if c.writeOffset > 0 {
            c.writeBuffer.removeFirst(c.writeOffset)
            c.writeOffset = 0
        }
        c.writeBuffer.append(contentsOf: bytes)
    }

    /// A piece, the end or a failure of the current response's streamed body.
    private func handle(_ message: StreamMessage) {
        guard Int(message.fd) < connections.count, let c = connections[Int(message.fd)], c.id == message.connectionID,
            var stream = c.stream, !stream.ended, c.state == .streaming || c.state == .writing
        else {
            message.cancel()
            return
        }
        switch message.kind {
        case .piece(let bytes, let waiter):
            if stream.discard {
                waiter.resume()
                return
            }
            if stream.chunked {
                appendPending(c, Array(String(bytes.count, radix: 16).utf8) + [0x0D, 0x0A] + bytes + [0x0D, 0x0A])
            } else {
                appendPending(c, bytes)
            }
            stream.waiter = waiter
        case .end:
            if stream.chunked && !stream.discard { appendPending(c, Self.lastChunk) }
            stream.ended = true
        case .abort(let failure):
            context.logger.error("streamed body failed", ["error": failure, "remote": c.remote])
            Socket.setResetOnClose(c.fd)
            closeConnection(c)
            return
        }
        c.stream = stream
        if c.state == .streaming {
            c.state = .writing
            c.writeDeadlineNs = now + idleNs
            c.rateWindowStartNs = now
            c.rateWindowBytes = 0
        }
        drive(c)
    }

    private func beginShutdown() {
        shuttingDown = true
        graceDeadlineNs = now + graceNs
        stopListening()
        for c in connections {
            guard let c else { continue }
            switch c.state {
            case .reading where !c.parser.hasPartialRequest:
                closeConnection(c)
            case .writing:
                c.closeAfterWrite = true
            default:
                break
            }
        }
    }

    // MARK: Connection state machine

    private func drive(_ c: Connection) {
        while true {
            switch c.state {
            case .closed, .processing, .streaming:
                return
            case .lingering:
                drainLinger(c)
                return
            case .writing:
                guard flush(c) else { return }
                finishWrite(c)
            case .reading:
                if parseStep(c) { continue }
                if c.peerClosed {
                    closeConnection(c)
                    return
                }
                guard c.readable else { return }
                readOnce(c)
            }
        }
    }

    private func readOnce(_ c: Connection) {
        let n = read(c.fd, readBuffer.baseAddress, readBufferSize)
        if n > 0 {
            if !c.parser.hasPartialRequest {
                c.requestStartNs = now
                c.rateWindowStartNs = now
                c.rateWindowBytes = 0
            }
            c.everReceived = true
            c.rateWindowBytes &+= UInt64(n)
            c.parser.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<n]))
            // A short read drained the socket and the next arrival raises a new
            // edge; except a FIN that came with the data, which must be read now.
            if n < readBufferSize && !c.hangupSeen { c.readable = false }
        } else if n == 0 {
            c.peerClosed = true
            c.readable = false
        } else {
            switch errno {
            case EINTR: break
            case EAGAIN, EWOULDBLOCK: c.readable = false
            default: closeConnection(c)
            }
        }
    }

    /// Runs the parser once over buffered bytes; true when it made progress.
    private func parseStep(_ c: Connection) -> Bool {
        let event: ParserEvent?
        do {
            event = try c.parser.next { head in self.routeHead(c, head) }
        } catch {
            // The rest of the stream cannot be trusted to be in sync: answer and close.
            var info = c.inflight ?? errorInflight(c)
            info.keepAlive = false
            c.inflight = info
            respond(c, error.problem.response)
            return true
        }
        guard let event else { return false }
        switch event {
        case .head(let head):
            c.bodyStartNs = now
            if head.expectsContinue && c.parser.awaitingBody {
                // Best effort: the client also sends the body after its own timeout.
                ResponseWriter.interimContinue.withUnsafeBytes { raw in
                    _ = send(c.fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
                }
            }
        case .message(let head, let body):
            dispatch(c, head, body)
        }
        return true
    }

    /// Routes as soon as the head is in, because the route decides the body limit.
    private func routeHead(_ c: Connection, _ head: RequestHead) -> Int {
        let path = RequestTarget.split(head.target).path
        let match = context.router.match(method: head.method, path: path)
        c.pendingMatch = match
        c.inflight = Connection.Inflight(
            method: head.method, path: path, route: nil,
            requestID: head.headers["X-Request-Id"].flatMap { RequestID.isSane($0) ? $0 : nil } ?? requestIDs.next(),
            isHead: head.method == .HEAD, keepAlive: head.keepAlive, http10: head.version.minor == 0,
            startNs: c.requestStartNs != 0 ? c.requestStartNs : now)
        if case .found(_, let pattern, _, let limit) = match {
            c.inflight?.route = pattern
            return limit ?? configuration.maxBodyBytes
        }
        return configuration.maxBodyBytes
    }

    private func dispatch(_ c: Connection, _ head: RequestHead, _ body: [UInt8]) {
        c.requestStartNs = 0
        c.bodyStartNs = 0
        let match = c.pendingMatch ?? .notFound
        c.pendingMatch = nil
        guard let info = c.inflight else { return }
        switch match {
        case .notFound:
            respond(c, ProblemDetails.notFound().response)
        case .methodNotAllowed(let allow):
            respond(c, ProblemDetails.methodNotAllowed(allow: allow).response)
        case .found(let handler, let pattern, let parameters, _):
            var request = HTTPRequest(
                method: head.method, target: head.target, version: head.version, headers: head.headers,
                body: body, pathParameters: parameters, remoteAddress: context.addresses.resolve(peer: c.remote, headers: head.headers),
                requestID: info.requestID, route: pattern)
            request.peerAddress = c.remote
            request.path = info.path
            c.state = .processing
            c.processingSinceNs = now
            let fd = c.fd
            let id = c.id
            Task { [self] in
                var completion = Completion(fd: fd, connectionID: id, response: HTTPResponse(), failure: nil)
                do {
                    completion.response = try await handler(request)
                } catch {
                    (completion.response, completion.failure) = Self.answer(to: error)
                }
                guard let stream = completion.response.stream, request.method != .HEAD else {
                    self.complete(completion)
                    // A HEAD answer has no body: the loop sends the head alone.
                    if completion.response.stream != nil { self.post(StreamMessage(fd: fd, connectionID: id, kind: .end)) }
                    return
                }
                let writer = HTTPBodyWriter(loop: self, head: completion)
                do {
                    try await stream.produce(writer)
                    _ = writer.sendHeadIfPending()  // an empty body
                    self.post(StreamMessage(fd: fd, connectionID: id, kind: .end))
                } catch is HTTPBodyWriter.Closed {
                    // The connection is gone; the loop has nothing left to finish.
                } catch {
                    if writer.sendHeadIfPendingReplaced(by: Self.answer(to: error)) { return }
                    self.post(StreamMessage(fd: fd, connectionID: id, kind: .abort(String(describing: error))))
                }
            }
        }
    }

    /// A handler's error as the answer the client gets, and what to log (unexpected errors only).
    static func answer(to error: any Error) -> (HTTPResponse, String?) {
        switch error {
        case let problem as ProblemDetails: (problem.response, nil)
        case let convertible as any ProblemConvertible: (convertible.problem.response, nil)
        default: (ProblemDetails.internal().response, String(describing: error))
        }
    }

    private func errorInflight(_ c: Connection) -> Connection.Inflight {
        Connection.Inflight(
            method: HTTPMethod(rawValue: "-"), path: "-", route: nil, requestID: requestIDs.next(),
            isHead: false, keepAlive: false, http10: false, startNs: c.requestStartNs != 0 ? c.requestStartNs : now)
    }

    /// Serialises the response, records metrics and the access-log line, and
    /// switches the connection to writing.
    private func respond(_ c: Connection, _ response: HTTPResponse) {
        guard let info = c.inflight else { return }
        c.inflight = nil
        c.pendingMatch = nil
        var keepAlive = info.keepAlive && !shuttingDown && !c.peerClosed
        if let connection = response.headers["Connection"], connection.lowercased().contains("close") { keepAlive = false }
        let streamed = response.stream != nil && ResponseWriter.bodyAllowed(response.status)
        // Without chunked coding only the close can end an HTTP/1.0 body of unknown length.
        if streamed && info.http10 { keepAlive = false }
        ResponseWriter.write(
            response, requestID: info.requestID, date: dateCache.current(), keepAlive: keepAlive,
            http10: info.http10, isHead: info.isHead, streamed: streamed, into: &c.writeBuffer)
        c.stream = streamed ? Connection.Stream(chunked: !info.http10, discard: info.isHead) : nil
        c.writeOffset = 0
        c.closeAfterWrite = !keepAlive
        c.state = .writing
        c.writeDeadlineNs = now + idleNs
        c.rateWindowStartNs = now
        c.rateWindowBytes = 0

        let seconds = Double(now &- info.startNs) / 1e9
        let route = info.route ?? "unmatched"
        context.metrics.record(shard: index, method: info.method, route: route, status: response.status, seconds: seconds)
        let logger = context.logger
        if logger.isEnabled(.info) {
            logger.info(
                "request",
                [
                    "method": info.method.rawValue, "path": info.path, "route": route,
                    "status": String(response.status), "duration_ms": String(Double(Int(seconds * 1_000_000)) / 1000),
                    "bytes": String(info.isHead ? 0 : response.body.count), "request_id": info.requestID, "remote": c.remote,
                ])
        }
    }

    /// Writes until done or EAGAIN; true when the whole buffer is out.
    private func flush(_ c: Connection) -> Bool {
        while c.writeOffset < c.writeBuffer.count {
            let n = c.writeBuffer.withUnsafeBytes { raw in
                send(c.fd, raw.baseAddress! + c.writeOffset, raw.count - c.writeOffset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                c.writeOffset += n
                c.writeDeadlineNs = now + idleNs
                c.rateWindowBytes &+= UInt64(n)
                continue
            }
            let code = errno
            if n < 0 && code == EINTR { continue }
            if n < 0 && (code == EAGAIN || code == EWOULDBLOCK) { return false }  // EPOLLOUT edge resumes us
            closeConnection(c)
            return false
        }
        return true
    }

    private func finishWrite(_ c: Connection) {
        if c.writeBuffer.capacity > 256 * 1024 { c.writeBuffer = [] } else { c.writeBuffer.removeAll(keepingCapacity: true) }
        c.writeOffset = 0
        if var stream = c.stream {
            if !stream.ended {
                // The head or a piece is out: the producer may make the next one.
                c.state = .streaming
                c.processingSinceNs = now
                if let waiter = stream.waiter {
                    stream.waiter = nil
                    c.stream = stream
                    waiter.resume()
                }
                return
            }
            c.stream = nil
        }
        if c.closeAfterWrite || shuttingDown {
            beginLinger(c)
            return
        }
        c.state = .reading
        if c.parser.hasPartialRequest {
            c.requestStartNs = now  // a pipelined request starts its clock now
        } else {
            c.requestStartNs = 0
            c.idleSinceNs = now
        }
    }

    private func beginLinger(_ c: Connection) {
        if c.peerClosed {
            closeConnection(c)
            return
        }
        shutdown(c.fd, Int32(SHUT_WR))
        c.state = .lingering
        c.lingerDeadlineNs = now + (c.counted ? Self.lingerNs : Self.lingerNs / 4)
        c.readable = true
        drainLinger(c)
    }

    private func drainLinger(_ c: Connection) {
        while true {
            let n = read(c.fd, readBuffer.baseAddress, readBufferSize)
            if n > 0 { continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            closeConnection(c)  // EOF or error: the client has our response
            return
        }
    }

    // MARK: Deadlines

    private func sweep() {
        if acceptResumeNs != 0 && now >= acceptResumeNs && !shuttingDown {
            acceptResumeNs = 0
            startListening()
            acceptConnections()
        }
        if shuttingDown && now >= graceDeadlineNs {
            for c in connections { if let c { closeConnection(c) } }
            return
        }
        // Above three quarters of the cap, idle connections get the short first-byte deadline.
        let underPressure = context.metrics.openConnectionCount * 4 > context.maxConnections.load(ordering: .relaxed) * 3
        for c in connections {
            guard let c else { continue }
            switch c.state {
            case .reading:
                if c.parser.isReadingBody {
                    if now >= c.bodyStartNs &+ bodyNs || tooSlow(c) { timeOut(c) }
                } else if c.parser.hasPartialRequest {
                    if (c.requestStartNs != 0 && now >= c.requestStartNs &+ headNs) || tooSlow(c) { timeOut(c) }
                } else if shuttingDown || now >= c.idleSinceNs &+ idleNs {
                    closeConnection(c)  // idle keep-alive: close silently
                } else if (!c.everReceived || underPressure) && now >= c.idleSinceNs &+ firstByteNs {
                    closeConnection(c)  // never spoke (or idle while slots are scarce)
                }
            case .writing:
                if now >= c.writeDeadlineNs || tooSlow(c) {
                    // Whatever sits in the kernel's send buffer would still trickle out for
                    // minutes after a plain close: reset instead.
                    Socket.setResetOnClose(c.fd)
                    closeConnection(c)
                }
            case .lingering:
                if now >= c.lingerDeadlineNs { closeConnection(c) }
            case .streaming:
                // The head is out, so no answer can say so: a producer stuck this long is cut off.
                if now >= c.processingSinceNs &+ handlerNs {
                    Socket.setResetOnClose(c.fd)
                    closeConnection(c)
                }
            case .processing:
                if now >= c.processingSinceNs &+ handlerNs && !shuttingDown {
                    // The late completion finds the connection no longer processing and is dropped.
                    var info = c.inflight ?? errorInflight(c)
                    info.keepAlive = false
                    c.inflight = info
                    respond(c, ProblemDetails.handlerTimeout(seconds: Int(handlerNs / 1_000_000_000)).response)
                    c.closeAfterWrite = true
                    drive(c)
                }
            case .closed:
                break
            }
        }
    }

    /// At the end of each rate window: whether the transfer moved fewer bytes than the minimum
    /// (then the connection goes); otherwise a new window starts.
    private func tooSlow(_ c: Connection) -> Bool {
        guard rateWindowMinimumBytes > 0, c.rateWindowStartNs != 0, now &- c.rateWindowStartNs >= rateWindowNs else { return false }
        if c.rateWindowBytes < rateWindowMinimumBytes { return true }
        c.rateWindowStartNs = now
        c.rateWindowBytes = 0
        return false
    }

    private func timeOut(_ c: Connection) {
        var info = c.inflight ?? errorInflight(c)
        info.keepAlive = false
        c.inflight = info
        respond(c, ProblemDetails.requestTimeout().response)
        c.closeAfterWrite = true
        drive(c)
    }
}
