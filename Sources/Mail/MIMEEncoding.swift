/// The encodings an RFC 5322 message of ours needs: RFC 2047 encoded words for non-ASCII
/// subjects and names, quoted-printable (RFC 2045 §6.7) for the UTF-8 body, so every line on
/// the wire is 7-bit and at most 78 characters whatever the relay supports. Pure.
public enum MIMEEncoding {
    /// A header value as it goes on the wire after `name: `: as it is when it is printable
    /// ASCII, else UTF-8 "B" encoded words of at most 75 characters, folded between words.
    public static func headerText(_ value: String, name: String) -> String {
        let clean = oneLine(value)
        if isPlainASCII(clean) && !clean.contains("=?") { return fold(clean, firstLineUsed: name.utf8.count + 2) }
        return encodedWords(clean).joined(separator: "\r\n ")
    }

    /// A display name as a phrase (RFC 5322 §3.2.5): atoms as they are, other ASCII quoted,
    /// anything else encoded.
    public static func phrase(_ name: String) -> String {
        let clean = oneLine(name)
        if isPlainASCII(clean) && !clean.contains("=?") {
            if clean.utf8.allSatisfy({ atext.contains($0) || $0 == UInt8(ascii: " ") }) { return clean }
            var q = "\""
            for c in clean {
                if c == "\"" || c == "\\" { q.append("\\") }
                q.append(c)
            }
            return q + "\""
        }
        return encodedWords(clean).joined(separator: " ")
    }

    /// `=?UTF-8?B?...?=` words, each of whole Unicode scalars and at most 39 bytes (64 characters encoded, so even a first line after `Subject: ` stays within 78).
    static func encodedWords(_ s: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in s.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 39 {
                words.append("=?UTF-8?B?\(base64(chunk))?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?\(base64(chunk))?=") }
        return words
    }

    /// Quoted-printable of UTF-8 text, line breaks as CRLF, lines of at most 76 characters.
    public static func quotedPrintable(_ text: String) -> String {
        var out = ""
        let lines = text.replacingLineBreaks().split(separator: "\n", omittingEmptySubsequences: false)
        for (i, line) in lines.enumerated() {
            if i > 0 { out += "\r\n" }
            var current = ""
            let bytes = Array(line.utf8)
            for (j, b) in bytes.enumerated() {
                let last = j == bytes.count - 1
                let piece: String
                if (b >= 33 && b <= 126 && b != UInt8(ascii: "=")) || ((b == 0x20 || b == 0x09) && !last) {
                    piece = String(UnicodeScalar(b))
                } else {
                    piece = "=" + hex(b)
                }
                if current.utf8.count + piece.utf8.count > 75 {
                    out += current + "=\r\n"
                    current = ""
                }
                current += piece
            }
            out += current
        }
        return out
    }

    /// Folds a printable ASCII value at spaces so lines stay within 78 characters where a word allows.
    static func fold(_ s: String, firstLineUsed: Int) -> String {
        var lines: [String] = []
        var line = ""
        var used = firstLineUsed
        for word in s.split(separator: " ", omittingEmptySubsequences: false) {
            let add = line.isEmpty ? String(word) : " " + word
            if !line.isEmpty && used + add.utf8.count > 78 {
                lines.append(line)
                line = String(word)
                used = 1 + line.utf8.count
            } else {
                line += add
                used += add.utf8.count
            }
        }
        lines.append(line)
        return lines.joined(separator: "\r\n ")
    }

    static func isPlainASCII(_ s: String) -> Bool { s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }

    /// Control characters (CR and LF among them) become spaces: a header is one logical line.
    static func oneLine(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }

    static let atext: Set<UInt8> = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~".utf8)

    static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 0x0F)]])
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = Int(bytes[i])
            let b1 = i + 1 < bytes.count ? Int(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? Int(bytes[i + 2]) : 0
            out.append(table[b0 >> 2])
            out.append(table[(b0 & 0x03) << 4 | b1 >> 4])
            out.append(i + 1 < bytes.count ? table[(b1 & 0x0F) << 2 | b2 >> 6] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? table[b2 & 0x3F] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    /// CRLF and lone CR as LF.
    func replacingLineBreaks() -> String {
        var out = ""
        var previousCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" {
                out.unicodeScalars.append("\n")
                previousCR = true
                continue
            }
            if scalar == "\n" && previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
