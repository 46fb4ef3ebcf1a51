/// A response body produced while it is sent, with chunked transfer coding (HTTP/1.0 clients
/// get the raw bytes and the connection closes at the end). The producer runs in the handler's
/// task after the head is out; what it throws after that cannot become a problem answer, so the
/// connection is reset and the client sees a truncated body rather than a wrong one.
public struct HTTPBodyStream: Sendable {
    public let produce: @Sendable (HTTPBodyWriter) async throws -> Void

    public init(produce: @escaping @Sendable (HTTPBodyWriter) async throws -> Void) {
        self.produce = produce
    }
}

/// Hands pieces of a streamed body to the connection's event loop. `write` returns once the loop
/// has passed the piece to the kernel, so a slow client slows the producer down and a stream
/// holds one piece in memory; it throws `Closed` when the client is gone (nobody reads the rest).
public struct HTTPBodyWriter: Sendable {
    /// The connection closed (client gone, deadline, shutdown): stop producing.
    public struct Closed: Error {}

    let loop: EventLoop
    let fd: Int32
    let connectionID: UInt64

    public func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
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
