import Foundation
import Testing

@testable import Mail

@Suite("SMTP replies")
struct SMTPReplyTests {
    @Test func multiLineRepliesEndAtTheSpace() throws {
        var p = SMTPReplyParser()
        #expect(try p.feed(Array("250-relay.example\r\n250-AUTH PLAIN LOGIN\r\n".utf8)).isEmpty)
        let r = try p.feed(Array("250 SIZE 1000\r\n220 next".utf8))
        #expect(r == [SMTPReply(code: 250, lines: ["relay.example", "AUTH PLAIN LOGIN", "SIZE 1000"])])
        #expect(try p.feed(Array("\n".utf8)) == [SMTPReply(code: 220, lines: ["next"])])
        var bare = SMTPReplyParser()
        #expect(try bare.feed(Array("354\r\n".utf8)).first?.code == 354)
    }

    @Test(arguments: ["25 short\r\n", "abc text\r\n", "250xtext\r\n", "250-a\r\n251 b\r\n", ""])
    func malformedRepliesAreErrors(_ input: String) {
        var p = SMTPReplyParser()
        if input.isEmpty {
            #expect(throws: SMTPReplyParser.Failure.lineTooLong) { try p.feed(Array(repeating: UInt8(ascii: "2"), count: 5000)) }
        } else {
            #expect(throws: SMTPReplyParser.Failure.self) { try p.feed(Array(input.utf8)) }
        }
    }

    @Test func aReplyOfEndlessLinesIsRefused() {
        var p = SMTPReplyParser()
        let many = String(repeating: "250-x\r\n", count: 100)
        #expect(throws: SMTPReplyParser.Failure.tooManyLines) { try p.feed(Array(many.utf8)) }
    }

    @Test func classes() {
        #expect(SMTPReply(code: 451, lines: []).isTransient)
        #expect(SMTPReply(code: 550, lines: []).isPermanent)
        #expect(SMTPReply(code: 354, lines: []).isPositive)
    }
}

@Suite("SMTP URLs and addresses")
struct SMTPConfigurationTests {
    @Test func urls() throws {
        #expect(try SMTPConfiguration.parse("smtp://relay").get() == SMTPConfiguration(host: "relay", port: 25))
        #expect(
            try SMTPConfiguration.parse("smtp://cx%40medic:p%3Ass@relay.internal:2525/").get()
                == SMTPConfiguration(host: "relay.internal", port: 2525, username: "cx@medic", password: "p:ss"))
        #expect(try SMTPConfiguration.parse("smtp://[::1]:1025").get() == SMTPConfiguration(host: "::1", port: 1025))
        for bad in [
            "http://relay", "smtps://relay", "smtp://", "smtp://relay:0", "smtp://relay:99999", "smtp://relay:x",
            "smtp://re lay", "smtp://u%ZZ@relay", "smtp://u%0d%0a@relay", "smtp://relay/path", "smtp://relay?x=1", "smtp://[::1",
        ] {
            #expect(throws: SMTPConfiguration.ParseError.self, "\(bad)") { try SMTPConfiguration.parse(bad).get() }
        }
    }

    @Test func addressesCannotCarryCommandsOrHeaders() {
        #expect(MailAddress("ana@example.org") != nil)
        for bad in ["ana", "@example.org", "ana@", "a@b@c", "ana@example.org\r\nRCPT TO:<x@y>", "a b@c.d", "<a@b.c>", "ană@b.c"] {
            #expect(MailAddress(bad) == nil, "\(bad)")
        }
        #expect(
            MailAddress.parse("ClusterXchange <noreply@medic-nest.eu>")
                == MailAddress("noreply@medic-nest.eu", displayName: "ClusterXchange"))
        #expect(MailAddress.parse("\"MEDIC, NEST\" <a@b.eu>")?.displayName == "MEDIC, NEST")
        #expect(MailAddress.parse(" a@b.eu ")?.address == "a@b.eu")
    }
}

@Suite("RFC 5322 messages")
struct MailMessageTests {
    func message(subject: String, body: String, name: String? = "Ana Popescu") -> MailMessage {
        MailMessage(
            from: MailAddress("noreply@medic-nest.eu", displayName: "ClusterXchange")!,
            to: MailAddress("ana@example.org", displayName: name)!, subject: subject, body: body,
            messageID: "notification-42@medic-nest.eu", date: Date(timeIntervalSince1970: 1_796_657_711))
    }

    @Test func headersAndAnASCIIBody() {
        let text = message(subject: "Approved: application 42", body: "Hello.\nSee https://x.example/a?b=c").rendered()
        #expect(text.hasPrefix("Date: Mon, 07 Dec 2026 15:35:11 +0000\r\n"))
        #expect(text.contains("\r\nFrom: ClusterXchange <noreply@medic-nest.eu>\r\n"))
        #expect(text.contains("\r\nTo: Ana Popescu <ana@example.org>\r\n"))
        #expect(text.contains("\r\nSubject: Approved: application 42\r\n"))
        #expect(text.contains("\r\nMessage-ID: <notification-42@medic-nest.eu>\r\n"))
        #expect(text.contains("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"))
        #expect(text.hasSuffix("\r\n\r\nHello.\r\nSee https://x.example/a?b=3Dc\r\n"))
        #expect(!text.utf8.contains { $0 >= 0x80 }, "7-bit on the wire")
        #expect(text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func nonASCIISubjectsNamesAndBodiesAreEncoded() {
        let long = "Décision : la demande de Ștefan Ionescu (Genomică SRL în vizită la BIOTECYL) est approuvée — ✓"
        let text = message(
            subject: long, body: "Bună ziua, Ștefan. " + String(repeating: "é", count: 60),
            name: "María José Núñez-Ştefănescu de la Peña y Ordóñez"
        ).rendered()
        #expect(!text.utf8.contains { $0 >= 0x80 })
        #expect(text.contains("To: =?UTF-8?B?"))
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 78 }, "\(text)")
        // The encoded words decode back to the subject.
        let subject = text.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Subject:") }
        var words: [String] = []
        for line in subject {
            if !words.isEmpty && !line.hasPrefix(" ") { break }
            words += line.split(separator: " ").filter { $0.hasPrefix("=?UTF-8?B?") }.map(String.init)
        }
        let decoded = words.map { w -> String in
            let b64 = w.dropFirst("=?UTF-8?B?".count).dropLast(2)
            return String(decoding: Data(base64Encoded: String(b64))!, as: UTF8.self)
        }.joined()
        #expect(decoded == long)
    }

    @Test func specialsInAnASCIINameAreQuoted() {
        #expect(MIMEEncoding.phrase("Popescu, Ana") == "\"Popescu, Ana\"")
        #expect(MIMEEncoding.phrase("A \"B\" \\ C") == "\"A \\\"B\\\" \\\\ C\"")
        #expect(MIMEEncoding.phrase("Ana\r\nBcc: x@y.z").contains("\r") == false)
    }

    @Test(arguments: [
        ("a=b", "a=3Db"), ("trailing space ", "trailing space=20"), ("é", "=C3=A9"), ("a\r\nb\rc", "a\r\nb\r\nc"),
        (String(repeating: "x", count: 80), String(repeating: "x", count: 75) + "=\r\n" + String(repeating: "x", count: 5)),
    ])
    func quotedPrintable(_ input: String, _ expected: String) {
        #expect(MIMEEncoding.quotedPrintable(input) == expected)
    }

    @Test func dotStuffing() {
        #expect(SMTPSession.dotStuffed("a\r\n.\r\n..b\r\n") == "a\r\n..\r\n...b\r\n")
    }

    @Test func dates() {
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 +0000")
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: .infinity)) == "Thu, 01 Jan 1970 00:00:00 +0000")
    }
}
