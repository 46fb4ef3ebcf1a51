/// An ordered list of header fields with case-insensitive lookup.
///
/// Kept as a flat array instead of a dictionary: requests carry a handful of
/// fields, order matters for repeated fields (`Set-Cookie`, `Via`), and a linear
/// ASCII case-folding scan is cheaper than hashing lowercased copies.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible, Equatable {
    public typealias Element = (name: String, value: String)

    @usableFromInline var storage: [(name: String, value: String)]

    public init() { storage = [] }

    public init(_ fields: [(String, String)]) {
        storage = fields.map { (name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        storage = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of the field, or nil.
    public subscript(name: String) -> String? {
        for field in storage where Self.equalsIgnoringCase(field.name, name) { return field.value }
        return nil
    }

    /// Every value of the field in arrival order (repeated lines are not joined).
    public func values(_ name: String) -> [String] {
        storage.filter { Self.equalsIgnoringCase($0.name, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    public mutating func add(_ name: String, _ value: String) {
        storage.append((name: name, value: value))
    }

    /// Replaces every existing value, keeping the position of the first one so
    /// a re-set header does not wander to the end of the block.
    public mutating func set(_ name: String, _ value: String) {
        if let first = storage.firstIndex(where: { Self.equalsIgnoringCase($0.name, name) }) {
            storage[first].value = value
            var index = storage.count - 1
            while index > first {
                if Self.equalsIgnoringCase(storage[index].name, name) { storage.remove(at: index) }
                index -= 1
            }
        } else {
            storage.append((name: name, value: value))
        }
    }

    public mutating func remove(_ name: String) {
        storage.removeAll { Self.equalsIgnoringCase($0.name, name) }
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        storage.makeIterator()
    }

    public var description: String {
        storage.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.storage.count == rhs.storage.count
            && zip(lhs.storage, rhs.storage).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// ASCII-only case folding: field names are tokens, so Unicode case rules
    /// would only cost time and could make distinct tokens compare equal.
    @inlinable
    static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { ua in
            b.withUTF8 { ub in
                guard ua.count == ub.count else { return false }
                for i in 0..<ua.count {
                    let x = ua[i]
                    let y = ub[i]
                    if x == y { continue }
                    let lx = (x >= 65 && x <= 90) ? x | 0x20 : x
                    let ly = (y >= 65 && y <= 90) ? y | 0x20 : y
                    if lx != ly { return false }
                }
                return true
            }
        }
    }
}
