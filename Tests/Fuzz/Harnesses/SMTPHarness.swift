import Foundation
import Mail

/// The relay's replies, `SMTP_URL`, addresses and the messages we render (Mail): whatever the
/// bytes, no trap, and what goes on the wire stays 7-bit lines of at most 998 characters with no
/// bare CR or LF, so stored names can never inject a header or an SMTP command.
enum SMTPHarness {
    @Sendable static func run(_ data: [UInt8]) {
        var input = FuzzInput(data)
        var parser = SMTPReplyParser()
        let replyBytes = input.chunk()
        if let replies = try? parser.feed(replyBytes) {
            for r in replies { FuzzCheck.that((0...999).contains(r.code), "reply code \(r.code)") }
        }
        let url = input.string()
        if case .success(let c) = SMTPConfiguration.parse(url) {
            FuzzCheck.that((1...65_535).contains(c.port), "port \(c.port)")
            FuzzCheck.that(!c.host.isEmpty && !c.host.contains("@"), "host \(c.host)")
        }
        let to = MailAddress(input.string(), displayName: input.string()) ?? MailAddress("a@b.example", displayName: input.string())!
        _ = MailAddress.parse(input.string())
        let message = MailMessage(
            from: MailAddress("grants@medic-nest.example", displayName: input.string())!, to: to, subject: input.string(),
            body: String(decoding: input.remaining, as: UTF8.self), messageID: input.string(),
            date: Date(timeIntervalSince1970: input.double()))
        let wire = Array(message.rendered().utf8)
        FuzzCheck.that(wire.allSatisfy { $0 < 0x80 }, "8-bit byte on the wire")
        var lineLength = 0
        var previous: UInt8 = 0
        for b in wire {
            if b == UInt8(ascii: "\n") {
                FuzzCheck.that(previous == UInt8(ascii: "\r"), "bare LF")
                lineLength = 0
            } else if previous == UInt8(ascii: "\r") {
                FuzzCheck.that(false, "bare CR")
            } else if b != UInt8(ascii: "\r") {
                lineLength += 1
                FuzzCheck.that(lineLength <= 998, "line longer than 998")
            }
            previous = b
        }
    }
}
