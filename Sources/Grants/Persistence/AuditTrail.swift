import Foundation
import HTTP
import Postgres

/// Appends to the hash-chained audit log inside the caller's transaction, so a change
/// without its audit row cannot be committed (and vice versa). The row is written as the
/// transaction's last statement (`atCommit`): the chain's trigger takes a global lock held to
/// COMMIT, and every round trip made while holding it serialised every audited write.
enum AuditTrail {
    static func record<B: Encodable, A: Encodable>(
        _ conn: PostgresConnection, _ context: AuditContext, action: String, entity: String, id: Int64?,
        before: B?, after: A?
    ) async throws {
        let beforeJSON = try before.map { try jsonText($0) }
        let afterJSON = try after.map { try jsonText($0) }
        try await conn.atCommit(
            """
            INSERT INTO audit_log (actor_id, actor_role, action, entity_type, entity_id, before, after, request_id, client_address)
            VALUES (\(context.actorID), \(context.actorRole), \(action), \(entity), \(id),
                    \(beforeJSON)::jsonb, \(afterJSON)::jsonb, \(context.requestID), \(context.clientAddress))
            """)
    }

    static func record<A: Encodable>(
        _ conn: PostgresConnection, _ context: AuditContext, action: String,
        entity: String, id: Int64?, after: A?
    ) async throws {
        try await record(conn, context, action: action, entity: entity, id: id, before: Optional<Empty>.none, after: after)
    }

    struct Empty: Encodable {}

    private static func jsonText<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSON.encoder.encode(value), as: UTF8.self)
    }
}
