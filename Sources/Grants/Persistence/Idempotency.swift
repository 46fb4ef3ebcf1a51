import Foundation
import HTTP
import Postgres

/// `Idempotency-Key` for routes that decide or move money. The key row is inserted in the
/// same transaction as the effect: a concurrent request with the same key blocks on the
/// unique index until the first commits, then replays its answer; if the first rolls back,
/// the second runs. Only successful answers are stored — a refused request had no effect,
/// so running it again is safe and sees the current state.
enum Idempotency {
    static func run(
        _ ctx: RequestContext, _ conn: PostgresConnection,
        _ body: () async throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        guard let key = ctx.request.headers["Idempotency-Key"] else { return try await body() }
        let user = try ctx.user
        guard !key.isEmpty, key.utf8.count <= 255 else {
            throw GrantsError.invalid("Idempotency-Key", "must be 1 to 255 characters", rule: "idempotency_key")
        }
        var fingerprint = Array("\(ctx.request.method.rawValue) \(ctx.request.path)\n".utf8)
        fingerprint += canonical(ctx.request.body)
        let inserted = try await conn.query(
            """
            INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES (\(user.userID), \(key), encode(sha256(\(Data(fingerprint))), 'hex'))
            ON CONFLICT DO NOTHING RETURNING 1 AS fresh
            """
        ).rows
        if inserted.isEmpty {
            let stored = try await conn.query(
                """
                SELECT request_hash = encode(sha256(\(Data(fingerprint))), 'hex') AS same, response_status, response_body
                FROM idempotency_keys WHERE user_id = \(user.userID) AND key = \(key)
                """
            ).single()
            guard try stored.decode("same", as: Bool.self) else {
                throw GrantsError.idempotencyKeyReused
            }
            var replay = HTTPResponse(
                status: try stored.decode("response_status", as: Int?.self) ?? 200,
                body: (try stored.decode("response_body", as: Data?.self)).map { [UInt8]($0) } ?? [])
            replay.headers.set("Content-Type", "application/json; charset=utf-8")
            replay.headers.set("Idempotent-Replayed", "true")
            return replay
        }
        let response = try await body()
        _ = try await conn.query(
            """
            UPDATE idempotency_keys SET response_status = \(response.status), response_body = \(Data(response.body))
            WHERE user_id = \(user.userID) AND key = \(key)
            """)
        return response
    }

    /// The same JSON with members in another order (a client re-serialising on retry) is
    /// the same request; anything that is not a JSON document is compared byte for byte.
    static func canonical(_ body: [UInt8]) -> [UInt8] {
        guard !body.isEmpty, let value = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        else { return body }
        return [UInt8](data)
    }
}
