import Foundation
import HTTP

/// Keyset pagination on ascending ids: stable under concurrent inserts, unlike OFFSET.
/// The cursor is opaque to clients (base64url of the last id they saw).
struct Page: Sendable {
    var limit: Int
    var afterID: Int64

    init(_ request: HTTPRequest) throws {
        var v = Validator()
        limit = 50
        afterID = 0
        if let raw = request.query["limit"] {
            if let n = Int(raw), (1...200).contains(n) {
                limit = n
            } else {
                v.fail("limit", "must be an integer from 1 to 200", rule: "range")
            }
        }
        if let raw = request.query["cursor"], !raw.isEmpty {
            if let data = Data(base64URL: raw), let s = String(data: data, encoding: .utf8), let id = Int64(s), id >= 0 {
                afterID = id
            } else {
                v.fail("cursor", "is not a cursor this service issued", rule: "cursor")
            }
        }
        try v.finish()
    }

    /// Queries fetch `limit + 1` rows; the extra one only tells whether another page exists.
    var fetchLimit: Int { limit + 1 }

    func response<T: Encodable & Sendable>(_ items: [T], id: (T) -> Int64) throws -> HTTPResponse {
        let more = items.count > limit
        let page = Array(items.prefix(limit))
        let next = more ? page.last.map { Data(String(id($0)).utf8).base64URLEncoded } : nil
        return try .json(ListBody(items: page, nextCursor: next))
    }
}

struct ListBody<T: Encodable & Sendable>: Encodable, Sendable {
    var items: [T]
    var nextCursor: String?
    enum CodingKeys: String, CodingKey { case items, nextCursor }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(nextCursor, forKey: .nextCursor)  // explicit null on the last page
    }
}

extension Data {
    init?(base64URL s: String) {
        var b = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b.count % 4 != 0 { b += "=" }
        self.init(base64Encoded: b)
    }
    var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
