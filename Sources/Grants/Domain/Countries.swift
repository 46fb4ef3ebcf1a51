/// Countries taking part in COSME (S): the EU-27 plus the associated countries.
public enum Countries {
    public static let eu27: Set<String> = [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    ]
    public static let cosmeAssociated: Set<String> = ["AL", "AM", "BA", "IS", "XK", "MD", "ME", "MK", "RS", "TR", "UA"]
    public static let cosme: Set<String> = eu27.union(cosmeAssociated)

    /// Two upper-case ASCII letters; whether the code is *eligible* is a separate rule.
    public static func isAlpha2(_ code: String) -> Bool {
        code.utf8.count == 2 && code.utf8.allSatisfy { $0 >= 65 && $0 <= 90 }
    }
}
