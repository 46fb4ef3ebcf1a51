/// ISO 13616 IBAN check: structure, per-country length where known, and mod-97 == 1.
public enum IBAN {
    /// Lengths of the countries this programme deals with (SWIFT IBAN registry).
    static let lengths: [String: Int] = [
        "AL": 28, "AT": 20, "BA": 20, "BE": 16, "BG": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
        "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26,
        "IT": 27, "LT": 20, "LU": 20, "LV": 21, "MD": 24, "ME": 22, "MK": 19, "MT": 31, "NL": 18,
        "PL": 28, "PT": 25, "RO": 24, "RS": 22, "SE": 24, "SI": 19, "SK": 24, "TR": 26, "UA": 29,
        "XK": 20, "GB": 22, "CH": 21, "NO": 15,
    ]

    /// The IBAN in electronic format (spaces removed, upper case), or nil when invalid.
    public static func normalised(_ input: String) -> String? {
        let compact = String(input.filter { $0 != " " }).uppercased()
        let u = Array(compact.utf8)
        guard u.count >= 15, u.count <= 34,
            u.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) }),
            u[0] >= 65, u[0] <= 90, u[1] >= 65, u[1] <= 90,
            u[2] >= 48, u[2] <= 57, u[3] >= 48, u[3] <= 57
        else { return nil }
        let country = String(decoding: u[0..<2], as: UTF8.self)
        if let expected = lengths[country], expected != u.count { return nil }
        var remainder = 0
        for c in u[4...] + u[0..<4] {
            if c <= 57 {
                remainder = (remainder * 10 + Int(c - 48)) % 97
            } else {
                remainder = (remainder * 100 + Int(c - 55)) % 97
            }
        }
        return remainder == 1 ? compact : nil
    }
}
