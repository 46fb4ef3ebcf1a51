import Foundation
import HTTP
import Postgres
import Timestamps

/// The audit trail and its verification.
enum AuditRoutes {
    struct Entry: Codable, Sendable {
        var id: Int64
        var occurredAt: Date
        var actorId: Int64?
        var actorRole: String?
        var action: String
        var entityType: String
        var entityId: Int64?
        var before: JSONFragment?
        var after: JSONFragment?
        var requestId: String?
        var clientAddress: String?
        var prevHash: String
        var hash: String
    }
    struct Verification: Codable, Sendable {
        var valid: Bool
        var checked: Int
        var firstBrokenId: Int64?
        enum CodingKeys: String, CodingKey { case valid, checked, firstBrokenId }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(valid, forKey: .valid)
            try c.encode(checked, forKey: .checked)
            try c.encode(firstBrokenId, forKey: .firstBrokenId)
        }
    }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .GET,
                "/v1/audit-log",
                roles: .staff,
                id: "listAuditLog",
                tag: .audit,
                summary: "Audit trail",
                response: .page(Entry.self),
                query: [
                    QueryParameter(
                        name: "entity_type", kind: .text(maxLength: 64), description: "e.g. `application`, `organisation`, `user`"),
                    .id("entity_id", "only changes of this entity"),
                    .id("actor_id", "only changes by this user"),
                    QueryParameter(
                        name: "from", kind: .instant(dayMeans: .start),
                        description: "RFC 3339 timestamp or YYYY-MM-DD (the start of that day, UTC); inclusive"),
                    QueryParameter(
                        name: "to", kind: .instant(dayMeans: .start),
                        description: "RFC 3339 timestamp or YYYY-MM-DD (the start of that day, UTC); exclusive"),
                ]),
            list)
        table.add(
            Route(
                .GET,
                "/v1/audit-log/verify",
                roles: .staff,
                id: "verifyAuditLog",
                tag: .audit,
                summary: "Verify the hash chain",
                description:
                    "Walks the chain recomputing every digest, up to its head (the last row written); `first_broken_id` names the first row that does not match, or the head's id when rows are missing from the end.",
                response: .json(Verification.self)),
            verify)
    }

    @Sendable static func list(_ ctx: RequestContext) async throws -> HTTPResponse {
        let page = try Page(ctx.request)
        let entity = ctx.query.text("entity_type")
        let entityID = ctx.query.id("entity_id")
        let actorID = ctx.query.id("actor_id")
        let from = ctx.query.instant("from")
        let to = ctx.query.instant("to")
        let rows = try await ctx.db.query(
            """
            SELECT id, occurred_at, actor_id, actor_role, action, entity_type, entity_id, before::text AS before, after::text AS after,
                   request_id, client_address, prev_hash, hash
            FROM audit_log
            WHERE id > \(page.afterID) AND (\(entity)::text IS NULL OR entity_type = \(entity))
              AND (\(entityID)::bigint IS NULL OR entity_id = \(entityID)) AND (\(actorID)::bigint IS NULL OR actor_id = \(actorID))
              AND (\(from)::timestamptz IS NULL OR occurred_at >= \(from)) AND (\(to)::timestamptz IS NULL OR occurred_at < \(to))
            ORDER BY id LIMIT \(page.fetchLimit)
            """
        ).rows
        let items = try rows.map { r in
            Entry(
                id: try r.decode("id"), occurredAt: try r.decode("occurred_at"), actorId: try r.decode("actor_id"),
                actorRole: try r.decode("actor_role"), action: try r.decode("action"), entityType: try r.decode("entity_type"),
                entityId: try r.decode("entity_id"), before: try r.decode("before", as: String?.self).map(JSONFragment.init),
                after: try r.decode("after", as: String?.self).map(JSONFragment.init), requestId: try r.decode("request_id"),
                clientAddress: try r.decode("client_address"), prevHash: try r.decode("prev_hash"), hash: try r.decode("hash"))
        }
        return try page.response(items, id: \.id)
    }

    /// Walks the chain in id order, in batches, recomputing each row's digest in SQL with the
    /// same function the insert trigger used, up to the head read first (rows appended during
    /// the walk are left to the next one). The last row must be the head's: a row removed from
    /// the end leaves an intact chain, and only the head still names it.
    @Sendable static func verify(_ ctx: RequestContext) async throws -> HTTPResponse {
        let head = try await ctx.db.prepared("SELECT last_id, last_hash FROM audit_chain_head").single()
        let headID: Int64 = try head.decode("last_id")
        let headHash: String = try head.decode("last_hash")
        var expectedPrev = String(repeating: "0", count: 64)
        var after: Int64 = 0
        var checked = 0
        while after < headID {
            let rows = try await ctx.db.prepared(
                """
                SELECT a.id, a.prev_hash, a.hash, audit_row_digest(a) AS digest FROM audit_log a
                WHERE a.id > \(after) AND a.id <= \(headID) ORDER BY a.id LIMIT 5000
                """
            ).rows
            if rows.isEmpty { break }
            for r in rows {
                let id: Int64 = try r.decode("id")
                let prev: String = try r.decode("prev_hash")
                let hash: String = try r.decode("hash")
                let digest: String = try r.decode("digest")
                if prev != expectedPrev || hash != digest {
                    return try .json(Verification(valid: false, checked: checked + 1, firstBrokenId: id))
                }
                checked += 1
                expectedPrev = hash
                after = id
            }
        }
        if after != headID || expectedPrev != headHash {
            return try .json(Verification(valid: false, checked: checked, firstBrokenId: headID))
        }
        return try .json(Verification(valid: true, checked: checked, firstBrokenId: nil))
    }
}

/// A JSON document stored by the database, embedded as-is in a response.
struct JSONFragment: Codable, Sendable {
    init(from decoder: any Decoder) throws { value = try JSONValue(from: decoder) }
    var value: JSONValue
    init(_ text: String) {
        value = (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
    }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// Any JSON value; decoding tries the strict types in an order that never confuses
/// `true` with `1` (JSONDecoder refuses those cross-type reads).
indirect enum JSONValue: Codable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        if let c = try? decoder.container(keyedBy: RawKey.self) {
            var o: [String: JSONValue] = [:]
            for k in c.allKeys { o[k.stringValue] = try c.decode(JSONValue.self, forKey: k) }
            self = .object(o)
            return
        }
        if var c = try? decoder.unkeyedContainer() {
            var a: [JSONValue] = []
            while !c.isAtEnd { a.append(try c.decode(JSONValue.self)) }
            self = .array(a)
            return
        }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else {
            self = .string(try c.decode(String.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let o):
            var c = encoder.container(keyedBy: RawKey.self)
            for (k, v) in o.sorted(by: { $0.key < $1.key }) { try c.encode(v, forKey: RawKey(k)) }
        case .array(let a):
            var c = encoder.unkeyedContainer()
            for v in a { try c.encode(v) }
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .int(let i):
            var c = encoder.singleValueContainer()
            try c.encode(i)
        case .double(let d):
            var c = encoder.singleValueContainer()
            try c.encode(d)
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        }
    }
}

struct RawKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}
