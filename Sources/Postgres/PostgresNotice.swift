import CLibPQ

/// A message the server sent outside a statement's result: NOTICE/WARNING raised by SQL, or the
/// FATAL a backend sends when it is terminated while the connection sits idle.
///
/// libpq's default processor prints these raw on stderr, outside the service's JSON log; every
/// session installs a receiver that hands them to `PostgresConfiguration.noticeHandler` instead.
public struct PostgresNotice: Sendable, Hashable {
    /// NOTICE, WARNING, INFO, DEBUG, LOG, or FATAL/ERROR for an asynchronous error.
    public var severity: String
    public var sqlState: String?
    public var message: String

    public init(severity: String, sqlState: String?, message: String) {
        self.severity = severity
        self.sqlState = sqlState
        self.message = message
    }
}

/// Holds the handler for the C callback; the session keeps it alive as long as its `PGconn`.
final class NoticeSink: Sendable {
    let handler: @Sendable (PostgresNotice) -> Void

    init(_ handler: @escaping @Sendable (PostgresNotice) -> Void) {
        self.handler = handler
    }

    /// Installs the receiver on `conn`. The sink must outlive the connection (the session
    /// finishes the `PGconn` before it releases the sink), since libpq keeps a raw pointer.
    func install(on conn: OpaquePointer) {
        _ = PQsetNoticeReceiver(conn, noticeReceiver, Unmanaged.passUnretained(self).toOpaque())
    }
}

private func noticeReceiver(_ argument: UnsafeMutableRawPointer?, _ result: OpaquePointer?) {
    guard let argument, let result else { return }
    let sink = Unmanaged<NoticeSink>.fromOpaque(argument).takeUnretainedValue()
    func field(_ code: UInt8) -> String? {
        PQresultErrorField(result, Int32(code)).map { String(cString: $0) }
    }
    let message = field(UInt8(ascii: "M")) ?? String(cString: PQresultErrorMessage(result))
    sink.handler(
        PostgresNotice(
            severity: field(UInt8(ascii: "V")) ?? field(UInt8(ascii: "S")) ?? "NOTICE",
            sqlState: field(UInt8(ascii: "C")), message: message))
}
