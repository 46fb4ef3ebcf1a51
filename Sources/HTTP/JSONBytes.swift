import Foundation
import Synchronization
import Timestamps

/// Encodes a value straight to UTF-8 bytes as it walks the value, with no intermediate tree:
/// the same JSON `JSON.encoder` writes (snake_case member names converted by that encoder
/// itself, ISO 8601 dates to the second, numbers and escapes alike; see `JSONBytesTests`),
/// except that members come in declaration order where Foundation's come in hash order.
/// Anything this writer does not cover (Data, Decimal, URL, Float, `superEncoder`, containers
/// used out of order, non-finite numbers) makes it hand the value to `JSON.encoder` instead,
/// so the answer is always the stock encoder's or an equivalent one.
public enum JSONBytes {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let sink = JSONSink()
        if (try? sink.write(value, path: nil)) != nil, !sink.broken {
            sink.closeAbove(depth: 0)
            return sink.bytes
        }
        return [UInt8](try JSON.encoder.encode(value))
    }

    /// Member names as `JSON.encoder` converts them (`.convertToSnakeCase`), asked of that
    /// encoder once per name and remembered (bounded: names come from types, not requests).
    /// `"member_name":` as bytes, ready to append.
    static func memberKey(_ key: String) -> [UInt8] {
        if let known = names.withLock({ $0[key] }) { return known }
        let sink = JSONSink()
        sink.string(convertWithFoundation(key))
        sink.bytes.append(UInt8(ascii: ":"))
        let bytes = sink.bytes
        names.withLock { if $0.count < 4096 { $0[key] = bytes } }
        return bytes
    }

    private static let names = Mutex<[String: [UInt8]]>([:])

    private static func convertWithFoundation(_ key: String) -> String {
        struct Probe: Encodable {
            var key: String
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: AnyKey.self)
                try c.encode(0, forKey: AnyKey(stringValue: key))
            }
        }
        guard let data = try? JSON.encoder.encode(Probe(key: key)),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let name = object.keys.first
        else { return key }
        return name
    }
}

/// A coding key with any name (the probe above, and `codingPath` entries for array indices).
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// The output and the stack of open containers. A container writes only while it is open;
/// writing to it first closes every container opened after it (what a nested value left open,
/// since `Encoder` has no "done" call), and writing to one already closed marks the sink broken.
final class JSONSink {
    struct Frame {
        var id: Int
        var isObject: Bool
        var count: Int
    }

    // Unchecked exclusivity: one sink is used by one encoding call on one thread, and the
    // runtime check on every append cost a third of the time (callgrind).
    @exclusivity(unchecked) var bytes: [UInt8] = []
    @exclusivity(unchecked) private(set) var stack: [Frame] = []
    private var nextID = 0
    /// Set where the protocol gives no way to throw; the caller then falls back.
    var broken = false

    struct Unsupported: Error {}

    init() { bytes.reserveCapacity(1024) }

    func open(object: Bool) -> Int {
        nextID &+= 1
        stack.append(Frame(id: nextID, isObject: object, count: 0))
        bytes.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        return nextID
    }

    /// Makes `id` the innermost open container and writes the separator before its next entry.
    func beginEntry(in id: Int) -> Bool {
        guard isOpen(id) else {
            broken = true
            return false
        }
        while let top = stack.last, top.id != id { close(top) }
        if stack[stack.count - 1].count > 0 { bytes.append(UInt8(ascii: ",")) }
        stack[stack.count - 1].count += 1
        return true
    }

    func isOpen(_ id: Int) -> Bool { stack.contains { $0.id == id } }

    private func close(_ frame: Frame) {
        stack.removeLast()
        bytes.append(frame.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
    }

    func closeAbove(depth: Int) {
        while stack.count > depth, let top = stack.last { close(top) }
    }

    var depth: Int { stack.count }

    // MARK: values

    func write<T: Encodable>(_ value: T, path: PathNode?) throws {
        // Metatype comparisons first, the cast only on a match: a dynamic cast per value (eight
        // `as?` tried in turn on every struct) was a tenth of the time.
        let type = T.self
        if type == String.self, let v = value as? String {
            string(v)
        } else if type == Int.self, let v = value as? Int {
            integer(Int64(v))
        } else if type == Int64.self, let v = value as? Int64 {
            integer(v)
        } else if type == Bool.self, let v = value as? Bool {
            bool(v)
        } else if type == Double.self, let v = value as? Double {
            try double(v)
        } else if type == Date.self, let v = value as? Date {
            try date(v)
        } else if type == Float.self || type == Data.self || type == Decimal.self || type == URL.self {
            throw Unsupported()
        } else if let dictionary = value as? any JSONStringKeyedDictionary {
            try dictionary.writeEntries(to: self, path: path)
        } else {
            let depthBefore = depth
            let encoder = StreamingEncoder(sink: self, path: path)
            try value.encode(to: encoder)
            if broken { throw Unsupported() }
            if !encoder.wrote {
                // What JSONEncoder writes for a value that encodes nothing.
                bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
            } else {
                closeAbove(depth: depthBefore)
            }
        }
    }

    func null() { bytes.append(contentsOf: Array("null".utf8)) }

    func bool(_ v: Bool) { bytes.append(contentsOf: v ? Array("true".utf8) : Array("false".utf8)) }

    func integer(_ v: Int64) {
        if v < 0 { bytes.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[n] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
                n += 1
            } while m > 0
            while n > 0 {
                n -= 1
                bytes.append(buffer[n])
            }
        }
    }

    /// Swift's shortest round-trip form without a trailing `.0`: what JSONEncoder writes
    /// (checked against it over 400,000 values).
    func double(_ v: Double) throws {
        guard v.isFinite else { throw Unsupported() }
        var text = v.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// `.iso8601`: UTC, whole seconds (truncated towards the past), `Z`.
    func date(_ d: Date) throws {
        let t = d.timeIntervalSince1970
        guard t.isFinite, t > -62_135_596_800, t < 253_402_300_800 else { throw Unsupported() }
        let seconds = Int64(t.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let inDay = seconds - days * 86_400
        let (y, m, day) = Timestamp.civilFromDays(days)
        var out: [UInt8] = [UInt8(ascii: "\"")]
        func pad(_ v: Int64, _ width: Int) {
            var digits: [UInt8] = []
            var x = v
            for _ in 0..<width {
                digits.append(UInt8(ascii: "0") + UInt8(x % 10))
                x /= 10
            }
            out.append(contentsOf: digits.reversed())
        }
        pad(y, 4)
        out.append(UInt8(ascii: "-"))
        pad(m, 2)
        out.append(UInt8(ascii: "-"))
        pad(day, 2)
        out.append(UInt8(ascii: "T"))
        pad(inDay / 3600, 2)
        out.append(UInt8(ascii: ":"))
        pad(inDay / 60 % 60, 2)
        out.append(UInt8(ascii: ":"))
        pad(inDay % 60, 2)
        out.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "\"")])
        bytes.append(contentsOf: out)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Escapes `"`, `\` and C0 controls as JSONEncoder does (`\b \t \n \f \r`, else `\u00XX`);
    /// `/`, DEL and every other character are written as they are.
    func string(_ s: String) {
        var s = s
        s.withUTF8 { string(utf8: $0) }
    }

    /// A JSON string from valid UTF-8: quotes, backslashes and controls escaped, the rest as is.
    func string(utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var plain = true
        for b in utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
            plain = false
            break
        }
        if plain {
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for b in utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x00..<0x20:
                bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), Self.hex[Int(b >> 4)],
                    Self.hex[Int(b & 0x0F)],
                ])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    func key(_ name: String, converted: Bool) {
        if converted {
            bytes.append(contentsOf: JSONBytes.memberKey(name))
        } else {
            string(name)
            bytes.append(UInt8(ascii: ":"))
        }
    }
}

/// `[String: V]` keeps its keys as they are (JSONEncoder converts member names, not dictionary keys).
protocol JSONStringKeyedDictionary {
    func writeEntries(to sink: JSONSink, path: PathNode?) throws
}

extension Dictionary: JSONStringKeyedDictionary where Key == String, Value: Encodable {
    func writeEntries(to sink: JSONSink, path: PathNode?) throws {
        let depthBefore = sink.depth
        let id = sink.open(object: true)
        for (k, v) in self {
            guard sink.beginEntry(in: id) else { throw JSONSink.Unsupported() }
            sink.key(k, converted: false)
            try sink.write(v, path: PathNode(parent: path, key: AnyKey(stringValue: k)))
        }
        sink.closeAbove(depth: depthBefore)
    }
}

/// `codingPath`, built only when someone asks for it.
final class PathNode {
    let parent: PathNode?
    let key: any CodingKey
    init(parent: PathNode?, key: any CodingKey) {
        self.parent = parent
        self.key = key
    }
    static func path(_ node: PathNode?) -> [any CodingKey] {
        var keys: [any CodingKey] = []
        var n = node
        while let current = n {
            keys.append(current.key)
            n = current.parent
        }
        return keys.reversed()
    }
}

final class StreamingEncoder: Encoder {
    let sink: JSONSink
    let path: PathNode?
    /// The container this encoder opened (JSONEncoder hands the same one out again).
    var container: (id: Int, isObject: Bool)?
    var wrote = false

    init(sink: JSONSink, path: PathNode?) {
        self.sink = sink
        self.path = path
    }

    var codingPath: [any CodingKey] { PathNode.path(path) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    private func openOrReuse(object: Bool) -> Int {
        if let c = container, c.isObject == object, sink.isOpen(c.id) { return c.id }
        if wrote { sink.broken = true }
        wrote = true
        let id = sink.open(object: object)
        container = (id, object)
        return id
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(StreamingKeyedContainer<Key>(sink: sink, id: openOrReuse(object: true), path: path))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        StreamingUnkeyedContainer(sink: sink, id: openOrReuse(object: false), path: path)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        StreamingSingleValue(encoder: self)
    }
}

struct StreamingKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let sink: JSONSink
    let id: Int
    let path: PathNode?
    var codingPath: [any CodingKey] { PathNode.path(path) }

    private func begin(_ key: Key) throws {
        guard sink.beginEntry(in: id) else { throw JSONSink.Unsupported() }
        sink.key(key.stringValue, converted: true)
    }

    mutating func encodeNil(forKey key: Key) throws {
        try begin(key)
        sink.null()
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        try begin(key)
        sink.bool(value)
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
        try begin(key)
        sink.string(value)
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        try begin(key)
        try sink.double(value)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws {
        try begin(key)
        sink.integer(Int64(value))
    }
    mutating func encode(_ value: Int64, forKey key: Key) throws {
        try begin(key)
        sink.integer(value)
    }
    mutating func encode(_ value: Int32, forKey key: Key) throws {
        try begin(key)
        sink.integer(Int64(value))
    }
    mutating func encode(_ value: Float, forKey key: Key) throws { throw JSONSink.Unsupported() }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try begin(key)
        try sink.write(value, path: PathNode(parent: path, key: key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        if (try? begin(key)) == nil { sink.broken = true }
        let nested = sink.open(object: true)
        return KeyedEncodingContainer(StreamingKeyedContainer<NestedKey>(sink: sink, id: nested, path: PathNode(parent: path, key: key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        if (try? begin(key)) == nil { sink.broken = true }
        return StreamingUnkeyedContainer(sink: sink, id: sink.open(object: false), path: PathNode(parent: path, key: key))
    }

    mutating func superEncoder() -> any Encoder {
        sink.broken = true
        return StreamingEncoder(sink: sink, path: path)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        sink.broken = true
        return StreamingEncoder(sink: sink, path: path)
    }
}

struct StreamingUnkeyedContainer: UnkeyedEncodingContainer {
    let sink: JSONSink
    let id: Int
    let path: PathNode?
    private(set) var count = 0

    init(sink: JSONSink, id: Int, path: PathNode?) {
        self.sink = sink
        self.id = id
        self.path = path
    }

    var codingPath: [any CodingKey] { PathNode.path(path) }

    private mutating func begin() throws {
        guard sink.beginEntry(in: id) else { throw JSONSink.Unsupported() }
        count += 1
    }

    mutating func encodeNil() throws {
        try begin()
        sink.null()
    }
    mutating func encode(_ value: Bool) throws {
        try begin()
        sink.bool(value)
    }
    mutating func encode(_ value: String) throws {
        try begin()
        sink.string(value)
    }
    mutating func encode(_ value: Double) throws {
        try begin()
        try sink.double(value)
    }
    mutating func encode(_ value: Int) throws {
        try begin()
        sink.integer(Int64(value))
    }
    mutating func encode(_ value: Int64) throws {
        try begin()
        sink.integer(value)
    }
    mutating func encode(_ value: Float) throws { throw JSONSink.Unsupported() }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try begin()
        try sink.write(value, path: PathNode(parent: path, key: AnyKey(intValue: count - 1)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        if (try? begin()) == nil { sink.broken = true }
        return KeyedEncodingContainer(StreamingKeyedContainer<NestedKey>(sink: sink, id: sink.open(object: true), path: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        if (try? begin()) == nil { sink.broken = true }
        return StreamingUnkeyedContainer(sink: sink, id: sink.open(object: false), path: path)
    }

    mutating func superEncoder() -> any Encoder {
        sink.broken = true
        return StreamingEncoder(sink: sink, path: path)
    }
}

struct StreamingSingleValue: SingleValueEncodingContainer {
    let encoder: StreamingEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    /// One value per encoder: a second one (or one after a container) is out of order.
    private func begin() throws {
        if encoder.wrote { throw JSONSink.Unsupported() }
        encoder.wrote = true
    }

    mutating func encodeNil() throws {
        try begin()
        encoder.sink.null()
    }
    mutating func encode(_ value: Bool) throws {
        try begin()
        encoder.sink.bool(value)
    }
    mutating func encode(_ value: String) throws {
        try begin()
        encoder.sink.string(value)
    }
    mutating func encode(_ value: Double) throws {
        try begin()
        try encoder.sink.double(value)
    }
    mutating func encode(_ value: Int) throws {
        try begin()
        encoder.sink.integer(Int64(value))
    }
    mutating func encode(_ value: Int64) throws {
        try begin()
        encoder.sink.integer(value)
    }
    mutating func encode(_ value: Float) throws { throw JSONSink.Unsupported() }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try begin()
        try encoder.sink.write(value, path: encoder.path)
    }
}

/// A JSON object written member by member, for rows of large streamed lists where walking
/// `Encodable` per row costs more than everything else (issue 10: 60 % of a 50,000-row report).
/// Same escapes and number forms as `JSONBytes`; a type that writes itself this way keeps a test
/// that its bytes equal `JSONBytes.encode` of the same value.
public struct JSONObjectWriter: ~Copyable {
    private let sink = JSONSink()
    private var empty = true

    public init() {}

    /// `"member_name":` as `JSON.encoder` converts `name` (computed once per name).
    public static func key(_ name: String) -> [UInt8] { JSONBytes.memberKey(name) }

    public mutating func begin() {
        sink.bytes.append(UInt8(ascii: "{"))
        empty = true
    }

    public mutating func end() { sink.bytes.append(UInt8(ascii: "}")) }

    private mutating func member(_ key: [UInt8]) {
        if !empty { sink.bytes.append(UInt8(ascii: ",")) }
        empty = false
        sink.bytes.append(contentsOf: key)
    }

    public mutating func string(_ key: [UInt8], _ value: String?) {
        member(key)
        if let value { sink.string(value) } else { sink.null() }
    }

    public mutating func integer(_ key: [UInt8], _ value: Int64) {
        member(key)
        sink.integer(value)
    }

    /// A string member from bytes the caller has checked are valid UTF-8.
    public mutating func string(_ key: [UInt8], utf8: UnsafeBufferPointer<UInt8>) {
        member(key)
        sink.string(utf8: utf8)
    }

    public mutating func null(_ key: [UInt8]) {
        member(key)
        sink.null()
    }

    /// The bytes written so far, leaving the writer empty.
    public mutating func take() -> [UInt8] {
        defer { sink.bytes.removeAll(keepingCapacity: true) }
        return sink.bytes
    }

    public var count: Int { sink.bytes.count }

    /// Appends raw, already valid JSON (separators, envelopes).
    public mutating func raw(_ bytes: some Sequence<UInt8>) { sink.bytes.append(contentsOf: bytes) }
}
