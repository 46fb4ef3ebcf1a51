#if canImport(Glibc)
    import Glibc
#endif

/// A structured logger: one JSON object per line on stderr, the format log
/// shippers ingest without parsing rules.
///
/// Thread-safe without a lock: each line is rendered into one buffer and
/// handed to the kernel in a single `write(2)`, which does not interleave with
/// other writers for lines below PIPE_BUF (and in practice for files).
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable, CustomStringConvertible {
        case debug, info, warning, error

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        public var description: String {
            switch self {
            case .debug: "debug"
            case .info: "info"
            case .warning: "warning"
            case .error: "error"
            }
        }
    }

    /// Where lines go. `custom` exists so tests can assert on log output.
    public enum Sink: Sendable {
        case standardError
        case discard
        case custom(@Sendable (String) -> Void)
    }

    public var label: String
    /// Lines below this level are dropped before any formatting work.
    public var level: Level
    public var sink: Sink

    public init(label: String = "http", level: Level = .info, sink: Sink = .standardError) {
        self.label = label
        self.level = level
        self.sink = sink
    }

    @inline(__always)
    public func isEnabled(_ level: Level) -> Bool {
        if case .discard = sink { return false }
        return level >= self.level
    }

    public func debug(_ message: String, _ fields: [String: String] = [:]) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: [String: String] = [:]) { log(.info, message, fields) }
    public func warning(_ message: String, _ fields: [String: String] = [:]) { log(.warning, message, fields) }
    public func error(_ message: String, _ fields: [String: String] = [:]) { log(.error, message, fields) }

    public func log(_ level: Level, _ message: String, _ fields: [String: String] = [:]) {
        guard isEnabled(level) else { return }
        var out = JSONWriter(capacity: 256)
        out.raw("{\"ts\":\"")
        Self.appendTimestamp(&out.bytes)
        out.raw("\",\"level\":\"\(level.description)\",\"logger\":")
        out.string(label)
        out.raw(",\"msg\":")
        out.string(message)
        for key in fields.keys.sorted() {
            out.raw(",")
            out.string(key)
            out.raw(":")
            out.string(fields[key]!)
        }
        out.raw("}\n")
        emit(out.bytes)
    }

    private func emit(_ line: [UInt8]) {
        switch sink {
        case .discard:
            return
        case .custom(let write):
            write(String(decoding: line.dropLast(), as: UTF8.self))
        case .standardError:
            line.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.write(2, raw.baseAddress! + offset, raw.count - offset)
                    if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
                }
            }
        }
    }

    /// RFC 3339 UTC with milliseconds, formatted by hand: a DateFormatter per
    /// line would dominate the cost of access logging.
    static func appendTimestamp(_ out: inout [UInt8]) {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = ts.tv_sec
        var tm = tm()
        gmtime_r(&t, &tm)
        appendDigits(&out, Int(tm.tm_year) + 1900, 4)
        out.append(UInt8(ascii: "-"))
        appendDigits(&out, Int(tm.tm_mon) + 1, 2)
        out.append(UInt8(ascii: "-"))
        appendDigits(&out, Int(tm.tm_mday), 2)
        out.append(UInt8(ascii: "T"))
        appendDigits(&out, Int(tm.tm_hour), 2)
        out.append(UInt8(ascii: ":"))
        appendDigits(&out, Int(tm.tm_min), 2)
        out.append(UInt8(ascii: ":"))
        appendDigits(&out, Int(tm.tm_sec), 2)
        out.append(UInt8(ascii: "."))
        appendDigits(&out, Int(ts.tv_nsec) / 1_000_000, 3)
        out.append(UInt8(ascii: "Z"))
    }

    static func appendDigits(_ out: inout [UInt8], _ value: Int, _ width: Int) {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var v = value
        var i = width - 1
        while i >= 0 {
            digits[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        }
        out.append(contentsOf: digits)
    }
}
