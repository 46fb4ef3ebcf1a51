import Foundation
import Timestamps

/// One plain-text e-mail (RFC 5322 + MIME): Date, From, To, Subject, Message-ID, a UTF-8
/// text/plain body in quoted-printable, and `Auto-Submitted: auto-generated` (RFC 3834) so
/// auto-responders do not answer a notification. `messageID` is the idempotency key a receiver
/// can use: a message sent twice after a crash carries the same one.
public struct MailMessage: Sendable {
    public var from: MailAddress
    public var to: MailAddress
    public var subject: String
    public var body: String
    /// Without angle brackets: `notification-42@medic-nest.eu`.
    public var messageID: String
    public var date: Date
    /// Extra headers (name, printable ASCII value), e.g. a notification's kind.
    public var headers: [(String, String)]

    public init(
        from: MailAddress, to: MailAddress, subject: String, body: String, messageID: String, date: Date,
        headers: [(String, String)] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.date = date
        self.headers = headers
    }

    /// The message as DATA carries it before dot-stuffing: CRLF lines, 7-bit.
    public func rendered() -> String {
        var lines: [String] = []
        lines.append("Date: \(Self.rfc5322Date(date))")
        lines.append("From: \(MIMEEncoding.fold(Self.mailbox(from), firstLineUsed: 6))")
        lines.append("To: \(MIMEEncoding.fold(Self.mailbox(to), firstLineUsed: 4))")
        lines.append("Subject: \(MIMEEncoding.headerText(subject, name: "Subject"))")
        lines.append("Message-ID: <\(Self.idText(messageID))>")
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: text/plain; charset=utf-8")
        lines.append("Content-Transfer-Encoding: quoted-printable")
        lines.append("Auto-Submitted: auto-generated")
        for (name, value) in headers where MIMEEncoding.isPlainASCII(value) && name.utf8.allSatisfy({ MIMEEncoding.atext.contains($0) }) {
            lines.append("\(name): \(value)")
        }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + MIMEEncoding.quotedPrintable(body) + "\r\n"
    }

    /// A Message-ID's text: atext, "@" and "." only (RFC 5322 §3.6.4), at most 200 characters.
    static func idText(_ id: String) -> String {
        String(
            decoding: id.utf8.filter { MIMEEncoding.atext.contains($0) || $0 == UInt8(ascii: "@") || $0 == UInt8(ascii: ".") }.prefix(200),
            as: UTF8.self)
    }

    static func mailbox(_ a: MailAddress) -> String {
        guard let name = a.displayName else { return "<\(a.address)>" }
        return "\(MIMEEncoding.phrase(name)) <\(a.address)>"
    }

    /// `Mon, 07 Dec 2026 15:35:11 +0000` (RFC 5322 §3.3), always UTC.
    public static func rfc5322Date(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.isFinite && abs(seconds) < 1e11 ? Int64(seconds.rounded(.down)) : 0
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let secs = whole - days * 86_400
        let (year, month, day) = Timestamp.civilFromDays(days)
        let weekday = ((days % 7) + 7 + 4) % 7  // 1970-01-01 was a Thursday
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(names[Int(weekday)]), \(two(day)) \(months[Int(month - 1)]) \(year) "
            + "\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60)) +0000"
    }
}
