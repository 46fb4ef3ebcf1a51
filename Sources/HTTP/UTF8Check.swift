/// Incremental UTF-8 well-formedness (RFC 3629: no overlongs, surrogates or
/// values above U+10FFFF), one byte at a time, without building a String.
struct UTF8Check {
    private var needed = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    var isComplete: Bool { needed == 0 }

    mutating func feed(_ b: UInt8) -> Bool {
        if needed == 0 {
            switch b {
            case 0x00...0x7F: return true
            case 0xC2...0xDF: needed = 1
            case 0xE0:
                needed = 2
                lower = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: needed = 2
            case 0xED:
                needed = 2
                upper = 0x9F
            case 0xF0:
                needed = 3
                lower = 0x90
            case 0xF1...0xF3: needed = 3
            case 0xF4:
                needed = 3
                upper = 0x8F
            default: return false
            }
            return true
        }
        guard b >= lower && b <= upper else { return false }
        lower = 0x80
        upper = 0xBF
        needed -= 1
        return true
    }
}
