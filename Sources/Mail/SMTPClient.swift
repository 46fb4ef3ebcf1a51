import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What became of one message.
public enum SMTPOutcome: Sendable, Equatable {
    case sent
    /// A 4xx answer, a timeout or a lost connection: try again later.
    case transient(String)
    /// A 5xx answer: the relay will never take this message as it is (dead-letter it).
    case permanent(String)
}

/// Our SMTP client (RFC 5321) for a relay: EHLO, AUTH PLAIN or LOGIN when the URL has a user,
/// then MAIL / RCPT / DATA per message with dot-stuffing, one session per batch. The socket
/// calls block, so a session runs on its own dispatch queue, never on Swift's cooperative pool;
/// every read and write has a deadline, so a silent relay costs `timeoutSeconds`, not a thread.
public final class SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    /// The name we give in EHLO.
    public let heloName: String
    public let timeoutSeconds: Int
    private let queue = DispatchQueue(label: "cx-smtp")

    public init(_ configuration: SMTPConfiguration, heloName: String, timeoutSeconds: Int = 30) {
        self.configuration = configuration
        self.heloName = heloName
        self.timeoutSeconds = max(1, min(timeoutSeconds, 600))
    }

    /// Sends `messages` in one session; one outcome per message, in order.
    public func send(_ messages: [MailMessage]) async -> [SMTPOutcome] {
        guard !messages.isEmpty else { return [] }
        let (configuration, helo, timeout) = (configuration, heloName, timeoutSeconds)
        return await withCheckedContinuation { continuation in
            queue.async {
                var session = SMTPSession(timeoutSeconds: timeout)
                continuation.resume(returning: session.run(configuration, helo: helo, messages))
            }
        }
    }
}

/// One blocking conversation. Owns its socket descriptor: opened in `connect`, closed at the end
/// of `run`, used by no other thread.
struct SMTPSession {
    struct Broken: Error {
        var reason: String
    }

    let timeoutSeconds: Int
    private var fd: Int32 = -1
    private var parser = SMTPReplyParser()
    private var replies: [SMTPReply] = []

    init(timeoutSeconds: Int) { self.timeoutSeconds = timeoutSeconds }

    mutating func run(_ c: SMTPConfiguration, helo: String, _ messages: [MailMessage]) -> [SMTPOutcome] {
        defer {
            if fd >= 0 { close(fd) }
            fd = -1
        }
        var outcomes: [SMTPOutcome] = []
        do {
            try connect(c.host, c.port)
            let greeting = try read()
            guard greeting.code == 220 else { return fill(messages.count, greeting) }
            var ehlo = try command("EHLO \(helo)")
            if ehlo.code != 250 { ehlo = try command("HELO \(helo)") }
            guard ehlo.code == 250 else { return fill(messages.count, ehlo) }
            if let user = c.username {
                let failure = try authenticate(user: user, password: c.password ?? "", extensions: ehlo.lines.dropFirst())
                if let failure { return Array(repeating: failure, count: messages.count) }
            }
            for message in messages {
                let outcome = try deliver(message)
                outcomes.append(outcome)
                if outcome != .sent {
                    // The transaction is abandoned; the session goes on with the next message.
                    _ = try command("RSET")
                }
            }
            _ = try? command("QUIT")
        } catch let broken as Broken {
            while outcomes.count < messages.count { outcomes.append(.transient(broken.reason)) }
        } catch {
            while outcomes.count < messages.count { outcomes.append(.transient("\(error)")) }
        }
        return outcomes
    }

    private func fill(_ n: Int, _ reply: SMTPReply) -> [SMTPOutcome] {
        Array(repeating: Self.outcome(of: reply), count: n)
    }

    static func outcome(of reply: SMTPReply) -> SMTPOutcome {
        let text = "\(reply.code) \(reply.text)"
        return reply.isPermanent ? .permanent(String(text.prefix(500))) : .transient(String(text.prefix(500)))
    }

    private mutating func deliver(_ m: MailMessage) throws -> SMTPOutcome {
        let from = try command("MAIL FROM:<\(m.from.address)>")
        guard from.code == 250 else { return Self.outcome(of: from) }
        let rcpt = try command("RCPT TO:<\(m.to.address)>")
        guard rcpt.code == 250 || rcpt.code == 251 else { return Self.outcome(of: rcpt) }
        let data = try command("DATA")
        guard data.code == 354 else { return Self.outcome(of: data) }
        try write(Self.dotStuffed(m.rendered()) + ".\r\n")
        let accepted = try read()
        return accepted.code == 250 ? .sent : Self.outcome(of: accepted)
    }

    /// A line that starts with "." gets another (RFC 5321 §4.5.2); the text ends with CRLF.
    static func dotStuffed(_ text: String) -> String {
        var out = ""
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix(".") { out += "." }
            out += line + "\r\n"
        }
        return out
    }

    /// nil when authenticated; else the outcome every message gets (a refused login is the
    /// operator's to fix, so the messages wait and are retried).
    private mutating func authenticate(user: String, password: String, extensions: ArraySlice<String>) throws -> SMTPOutcome? {
        let mechanisms = extensions.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased().split(separator: " ").dropFirst() ?? []
        let reply: SMTPReply
        if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
            reply = try command("AUTH PLAIN " + MIMEEncoding.base64([0] + Array(user.utf8) + [0] + Array(password.utf8)))
        } else {
            let start = try command("AUTH LOGIN")
            guard start.code == 334 else { return .transient("AUTH LOGIN: \(start.code) \(start.text)") }
            let name = try command(MIMEEncoding.base64(Array(user.utf8)))
            guard name.code == 334 else { return .transient("AUTH LOGIN: \(name.code) \(name.text)") }
            reply = try command(MIMEEncoding.base64(Array(password.utf8)))
        }
        return reply.code == 235 ? nil : .transient("authentication refused: \(reply.code) \(reply.text)")
    }

    private mutating func command(_ line: String) throws -> SMTPReply {
        try write(line + "\r\n")
        return try read()
    }

    // MARK: socket

    private mutating func connect(_ host: String, _ port: Int) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else { throw Broken(reason: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))") }
        defer { freeaddrinfo(list) }
        var lastError = "no address for \(host)"
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let ai = node {
            node = ai.pointee.ai_next
            let s = socket(ai.pointee.ai_family, ai.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), ai.pointee.ai_protocol)
            guard s >= 0 else { continue }
            let flags = fcntl(s, F_GETFL)
            _ = fcntl(s, F_SETFL, flags | O_NONBLOCK)
            var r = Glibc.connect(s, ai.pointee.ai_addr, ai.pointee.ai_addrlen)
            if r != 0 && errno == EINPROGRESS {
                var p = pollfd(fd: s, events: Int16(POLLOUT), revents: 0)
                r = poll(&p, 1, Int32(timeoutSeconds * 1000)) == 1 ? 0 : -1
                var soError: Int32 = 0
                var len = socklen_t(MemoryLayout<Int32>.size)
                if r == 0 && (getsockopt(s, SOL_SOCKET, SO_ERROR, &soError, &len) != 0 || soError != 0) { r = -1 }
                if r != 0 { lastError = soError != 0 ? String(cString: strerror(soError)) : "connect timed out" }
            } else if r != 0 {
                lastError = String(cString: strerror(errno))
            }
            if r == 0 {
                _ = fcntl(s, F_SETFL, flags)
                var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
                setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                fd = s
                return
            }
            close(s)
        }
        throw Broken(reason: "cannot connect to \(host):\(port): \(lastError)")
    }

    private mutating func write(_ text: String) throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Broken(reason: n < 0 && errno == EAGAIN ? "write timed out" : "connection lost while writing") }
            bytes = bytes.dropFirst(n)
        }
    }

    private mutating func read() throws -> SMTPReply {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while replies.isEmpty {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw Broken(reason: n < 0 && errno == EAGAIN ? "the relay did not answer in time" : "the relay closed the connection")
            }
            do {
                replies += try parser.feed(buffer[0..<n])
            } catch {
                throw Broken(reason: "the relay's answer is not SMTP: \(error)")
            }
        }
        return replies.removeFirst()
    }
}
