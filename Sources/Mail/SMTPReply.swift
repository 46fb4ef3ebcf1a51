/// A server reply (RFC 5321 §4.2): a three-digit code and its text lines. `250-...` lines
/// continue a reply; `250 ...` (or a bare `250`) ends it.
public struct SMTPReply: Sendable, Hashable {
    public var code: Int
    public var lines: [String]

    public var isPositive: Bool { (200..<400).contains(code) }
    /// 4xx: try again later.
    public var isTransient: Bool { (400..<500).contains(code) }
    /// 5xx: this message will never be accepted as it is.
    public var isPermanent: Bool { (500..<600).contains(code) }
    public var text: String { lines.joined(separator: " ") }
}

/// Turns the bytes a server sends into replies, bounded: a line longer than `maxLine` bytes or
/// a reply of more than `maxLines` lines is a protocol error, never unbounded memory. Pure.
public struct SMTPReplyParser: Sendable {
    public enum Failure: Error, Sendable, Equatable {
        case lineTooLong
        case tooManyLines
        /// Not `ddd`, `ddd-text` or `ddd text`, or a continuation with another code.
        case malformed(String)
    }

    public static let maxLine = 2048
    public static let maxLines = 64

    private var buffer: [UInt8] = []
    private var pending: [String] = []
    private var pendingCode: Int?

    public init() {}

    /// The replies completed by `bytes`, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(Failure) -> [SMTPReply] {
        var replies: [SMTPReply] = []
        for b in bytes {
            if b == UInt8(ascii: "\n") {
                var line = buffer
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                buffer.removeAll(keepingCapacity: true)
                if let reply = try take(line) { replies.append(reply) }
            } else {
                guard buffer.count < Self.maxLine else { throw .lineTooLong }
                buffer.append(b)
            }
        }
        return replies
    }

    private mutating func take(_ line: [UInt8]) throws(Failure) -> SMTPReply? {
        let text = String(decoding: line, as: UTF8.self)
        guard line.count >= 3, line[0..<3].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            line.count == 3 || line[3] == UInt8(ascii: " ") || line[3] == UInt8(ascii: "-")
        else { throw .malformed(String(text.prefix(80))) }
        let code = Int(line[0] - 48) * 100 + Int(line[1] - 48) * 10 + Int(line[2] - 48)
        if let pendingCode, pendingCode != code { throw .malformed(String(text.prefix(80))) }
        guard pending.count < Self.maxLines else { throw .tooManyLines }
        pending.append(line.count > 4 ? String(decoding: line[4...], as: UTF8.self) : "")
        if line.count > 3 && line[3] == UInt8(ascii: "-") {
            pendingCode = code
            return nil
        }
        defer {
            pending = []
            pendingCode = nil
        }
        return SMTPReply(code: code, lines: pending)
    }
}
