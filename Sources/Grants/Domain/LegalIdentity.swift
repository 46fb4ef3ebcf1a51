import Foundation

/// Keys under which two spellings of one organisation compare equal, for "once in the scheme"
/// (S): earlier visitors are imported from other partnerships' spreadsheets, where "Genomica
/// S.R.L.", "GENOMICA SRL" and "Genómica srl." are the same company.
public enum LegalIdentity {
    /// Case and accents folded, punctuation dropped, single letters joined ("S.R.L." is "srl"),
    /// trailing legal-form suffixes removed (SRL, S.L., GmbH & Co. KG, Sp. z o.o., ...), and the
    /// remaining words concatenated (so "Bio Tech" matches "BioTech"). Empty only for a name
    /// that is nothing but punctuation; then the folded name is returned so it still matches itself.
    public static func normalisedName(_ name: String) -> String {
        var tokens = words(of: name)
        while tokens.count > 1, let n = legalFormSuffixLength(tokens) { tokens.removeLast(n) }
        let key = tokens.joined()
        return key.isEmpty ? name.lowercased() : key
    }

    /// A VAT number as the country code followed by its letters and digits, upper case, without
    /// separators or a repeated country prefix ("RO 1234 5678", "ro12345678" and "12345678" of a
    /// Romanian organisation are all "RO12345678"; Greece's VAT prefix is EL). nil when empty.
    public static func normalisedVAT(_ vat: String?, country: String) -> String? {
        guard let vat else { return nil }
        var chars = vat.uppercased().unicodeScalars.filter { ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") }
            .map(Character.init)
        let prefixes = country == "GR" ? ["GR", "EL"] : [country]
        if chars.count > 2, prefixes.contains(String(chars.prefix(2))) { chars.removeFirst(2) }
        if chars.isEmpty { return nil }
        return country + String(chars)
    }

    /// Lower-case ASCII words: diacritics folded, letters without a decomposition mapped by hand.
    static func words(of name: String) -> [String] {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil).lowercased()
        var mapped = ""
        for ch in folded {
            if let m = extraFolds[ch] { mapped += m } else { mapped.append(ch) }
        }
        var tokens: [String] = []
        var current = ""
        for scalar in mapped.unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                current.unicodeScalars.append(scalar)
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                // Non-Latin scripts are kept as they are: they still compare with themselves.
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                tokens.append(current)
                current = ""
            }
        }
        if !current.isEmpty { tokens.append(current) }
        // Runs of single letters are one abbreviation: "s r l" -> "srl", "sp z o o" -> "sp zoo".
        var joined: [String] = []
        var run = ""
        for t in tokens {
            if t.count == 1 && t.first?.isLetter == true {
                run += t
            } else {
                if !run.isEmpty { joined.append(run) }
                run = ""
                joined.append(t)
            }
        }
        if !run.isEmpty { joined.append(run) }
        return joined
    }

    /// How many trailing words form a legal-form suffix, if they do.
    static func legalFormSuffixLength(_ tokens: [String]) -> Int? {
        for form in multiWordForms where tokens.count > form.count && Array(tokens.suffix(form.count)) == form {
            return form.count
        }
        if let last = tokens.last, legalForms.contains(last) { return 1 }
        return nil
    }

    static let extraFolds: [Character: String] = [
        "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ß": "ss", "ı": "i", "&": " ",
    ]

    static let multiWordForms: [[String]] = [["sp", "zoo"], ["sp", "j"], ["sp", "k"], ["s", "coop"], ["co", "kg"]]

    /// Company forms of the COSME countries, as `words(of:)` leaves them.
    static let legalForms: Set<String> = [
        "srl", "srls", "sa", "sl", "slu", "sll", "slne", "sau", "sas", "sarl", "sasu", "sca", "scs", "sc", "scrl", "snc", "spa",
        "sapa", "gmbh", "mbh", "ag", "kg", "ohg", "ug", "ev", "gbr", "kgaa", "eg", "se", "bv", "nv", "bvba", "vof", "cv", "sprl",
        "asbl", "vzw", "ltd", "limited", "plc", "llp", "lp", "llc", "inc", "corp", "co", "company", "oy", "oyj", "ab", "as",
        "asa", "aps", "ehf", "hf", "lda", "ltda", "sgps", "epe", "ike", "oe", "ae", "kft", "zrt", "nyrt", "bt", "sro", "spol",
        "zoo", "ad", "ead", "ood", "eood", "doo", "dd", "dooel", "uab", "sia", "ou", "mtu", "jsc", "tov", "ooo", "shpk", "sha",
        // Greek and Cyrillic spellings (Α.Ε., Ε.Π.Ε., Ι.Κ.Ε., ЕООД, ООД, АД, ДОО).
        "αε", "επε", "ικε", "οε", "εε", "еоод", "оод", "ад", "еад", "доо", "дооел",
    ]
}
