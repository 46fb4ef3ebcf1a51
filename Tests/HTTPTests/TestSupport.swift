import Dispatch
import Foundation
import Synchronization

@testable import HTTP

#if canImport(Glibc)
    import Glibc
#endif

/// Collects log lines from a custom sink.
final class LockedLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// Runs blocking socket code on a dedicated thread: blocking the cooperative
/// pool (or Dispatch's global queues, which back it on Linux) would starve the
/// very handler tasks the test is waiting for.
func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// A parsed response as the raw client saw it.
struct RawResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
}

/// A minimal blocking HTTP/1.1 client over a raw TCP socket, so tests control
/// every byte (pipelining, malformed input, trickling) and can observe closes.
final class RawClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    /// `source` binds the client to a local address first (Linux routes all of 127/8 to the
    /// loopback), so one test can be several client addresses. `timeout` bounds each read; the
    /// default is generous because the whole suite starts at once on two cores, and CPU-bound
    /// suites can hold both pool threads for seconds (6 s seen) before a handler runs.
    init?(port: Int, timeout: Double = 30, source: String? = nil) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if bound != 0 {
                close(fd)
                return nil
            }
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port)).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if ok != 0 {
            close(fd)
            return nil
        }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Reads more bytes; false on EOF, error or timeout.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Reads one response (Content-Length framed). `head` means no body follows.
    func readResponse(head: Bool = false) -> RawResponse? {
        while true {
            if let end = findHeadEnd() {
                let headText = String(decoding: buffer[0..<end], as: UTF8.self)
                var lines = headText.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst()
                let parts = statusLine.split(separator: " ")
                guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
                var headers = HTTPHeaders()
                for line in lines where !line.isEmpty {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers.add(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                }
                if !head, headers["Transfer-Encoding"]?.lowercased() == "chunked" {
                    buffer.removeFirst(end + 4)
                    guard let body = readChunkedBody() else { return nil }
                    return RawResponse(status: status, headers: headers, body: body)
                }
                let length = (head || status < 200 || status == 204) ? 0 : Int(headers["Content-Length"] ?? "0") ?? 0
                while buffer.count < end + 4 + length {
                    if !fill() { return nil }
                }
                let body = Array(buffer[(end + 4)..<(end + 4 + length)])
                buffer.removeFirst(end + 4 + length)
                return RawResponse(status: status, headers: headers, body: body)
            }
            if !fill() { return nil }
        }
    }

    /// A chunked body (RFC 9112 §7.1), without extensions or trailers; nil when the stream ends
    /// (or is reset) before the last chunk.
    private func readChunkedBody() -> [UInt8]? {
        var body: [UInt8] = []
        while true {
            guard let line = readLine(), let size = Int(line, radix: 16) else { return nil }
            while buffer.count < size + 2 {
                if !fill() { return nil }
            }
            body.append(contentsOf: buffer[0..<size])
            buffer.removeFirst(size + 2)
            if size == 0 { return body }
        }
    }

    private func readLine() -> String? {
        while true {
            if let i = buffer.indices.dropLast().first(where: { buffer[$0] == 13 && buffer[$0 + 1] == 10 }) {
                let line = String(decoding: buffer[0..<i], as: UTF8.self)
                buffer.removeFirst(i + 2)
                return line
            }
            if !fill() { return nil }
        }
    }

    /// Everything until the server closes: the head and an unframed body (HTTP/1.0), or whatever
    /// arrived before a reset.
    func readToClose() -> [UInt8] {
        while fill() {}
        defer { buffer = [] }
        return buffer
    }

    private func findHeadEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }

    /// True when the server closed the connection (EOF) before the timeout,
    /// with no further bytes.
    func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        while true {
            let n = recv(fd, &byte, 1, 0)
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
            buffer.append(byte)
        }
    }

    var hasBufferedBytes: Bool { !buffer.isEmpty }

    /// Whether the server has sent something (or closed) without blocking.
    func hasDataAvailable() -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) > 0
    }
}

/// Starts a server on an ephemeral port for one test.
func makeServer(
    _ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    logger: Logger = Logger(label: "test", level: .error, sink: .discard),
    routes: (inout Router) -> Void
) throws -> HTTPServer {
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    configuration.eventLoopThreads = 1
    configure(&configuration)
    var router = Router()
    routes(&router)
    let server = HTTPServer(configuration: configuration, router: router, logger: logger)
    try server.start()
    return server
}

struct Hello: Codable, Sendable { var message: String }
