import Synchronization

/// A response body produced while it is sent, with chunked transfer coding (HTTP/1.0 clients
/// get the raw bytes and the connection closes at the end). The head goes out with the first
/// piece, so whatever the producer throws before writing anything is answered like a handler's
/// error (a problem answer); after that nothing can be said, so the connection is reset and the
/// client sees a truncated body rather than a wrong one.
public struct HTTPBodyStream: Sendable {
    public let produce: @Sendable (HTTPBodyWriter) async throws -> Void

    public init(produce: @escaping @Sendable (HTTPBodyWriter) async throws -> Void) {
        self.produce = produce
    }
}

/// Hands pieces of a streamed body to the connection's event loop. `write` returns once the loop
/// has passed the piece to the kernel, so a slow client slows the producer down and a stream
/// holds one piece in memory; it throws `Closed` when the client is gone (nobody reads the rest).
/// One producer task uses a writer, one call at a time.
public final class HTTPBodyWriter: Sendable {
    /// The connection closed (client gone, deadline, shutdown): stop producing.
    public struct Closed: Error {}

    let loop: EventLoop
    let fd: Int32
    let connectionID: UInt64
    /// The response head, until the first piece takes it along.
    private let head: Mutex<Completion?>

    init(loop: EventLoop, head: Completion) {
        self.loop = loop
        self.fd = head.fd
        self.connectionID = head.connectionID
        self.head = Mutex(head)
    }

    /// Sets a header of the response while its head is still pending (before the first piece):
    /// what only the producer learns, such as a download's file name. Ignored afterwards.
    public func setHeader(_ name: String, _ value: String) {
        head.withLock { h in h?.response.headers.set(name, value) }
    }

    /// The head, once: the first caller gets it, every later one nil.
    private func takeHead() -> Completion? {
        head.withLock { h in
            defer { h = nil }
            return h
        }
    }

    /// Posts the head if no piece has yet; true when this call did.
    func sendHeadIfPending() -> Bool {
        guard let pending = takeHead() else { return false }
        loop.complete(pending)
        return true
    }

    /// The producer failed before its first piece: the error's answer replaces the head (sent as
    /// an ordinary response). False when the head is already out.
    func sendHeadIfPendingReplaced(by answer: (HTTPResponse, String?)) -> Bool {
        guard var pending = takeHead() else { return false }
        (pending.response, pending.failure) = answer
        loop.complete(pending)
        return true
    }

    public func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        _ = sendHeadIfPending()
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            loop.post(StreamMessage(fd: fd, connectionID: connectionID, kind: .piece(bytes, waiter)))
        }
    }

    /// Writes `buffer` and empties it once it holds at least `threshold` bytes: producers append
    /// to one buffer and call this after each item.
    public func write(_ buffer: inout [UInt8], ifAtLeast threshold: Int) async throws {
        guard buffer.count >= threshold else { return }
        let piece = buffer
        buffer.removeAll(keepingCapacity: true)
        try await write(piece)
    }
}

/// A streamed body's next step travelling from the handler's task to the loop.
struct StreamMessage: Sendable {
    enum Kind: Sendable {
        /// Resumed when the piece is in the kernel's send buffer, or with `Closed`.
        case piece([UInt8], CheckedContinuation<Void, any Error>)
        case end
        /// The producer failed after the head went out: reset the connection.
        case abort(String)
    }

    var fd: Int32
    var connectionID: UInt64
    var kind: Kind

    /// Frees a producer waiting on a message the loop will never act on.
    func cancel() {
        if case .piece(_, let waiter) = kind { waiter.resume(throwing: HTTPBodyWriter.Closed()) }
    }
}
