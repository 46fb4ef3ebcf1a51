import Foundation
import HTTP
import Postgres

/// Signed webhooks a coordinator registers (DESIGN.md §7, issue 12; docs/webhooks.md shows how
/// a receiver checks the signature).
enum WebhookRoutes {
    struct CreateBody: RequestBody {
        var url: String
        /// Kinds of notification to send; omitted or empty: every kind.
        var kinds: [String]?
    }

    enum DeliveryStatus: String, CaseIterable, Sendable {
        case pending, delivered, failed
    }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .POST,
                "/v1/webhooks",
                roles: [.coordinator],
                id: "createWebhook",
                tag: .notifications,
                summary: "Register a webhook endpoint",
                description: "Every event of the chosen kinds is POSTed to `url` as JSON, signed "
                    + "`X-ClusterXchange-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, \"<t>.<body>\")>` with the event id as "
                    + "`Idempotency-Key`. The `secret` is in this answer only: keep it. Failed deliveries are retried with "
                    + "exponential backoff for 24 h, then dead-lettered (`failed`) until redelivered.",
                body: .json(CreateBody.self),
                response: .json(WebhookResource.self),
                status: 201),
            create)
        table.add(
            Route(
                .GET, "/v1/webhooks", roles: [.coordinator], id: "listWebhooks", tag: .notifications, summary: "Webhook endpoints",
                response: .page(WebhookResource.self)),
            list)
        table.add(
            Route(
                .DELETE,
                "/v1/webhooks/:id",
                roles: [.coordinator],
                id: "deactivateWebhook",
                tag: .notifications,
                summary: "Stop sending to an endpoint",
                description: "The endpoint is kept, inactive, with its deliveries; nothing more is sent to it.",
                response: .json(WebhookResource.self)),
            deactivate)
        table.add(
            Route(
                .GET,
                "/v1/webhooks/:id/deliveries",
                roles: [.coordinator],
                id: "listWebhookDeliveries",
                tag: .notifications,
                summary: "Deliveries of an endpoint",
                description: "Newest last; `status=failed` is the dead-letter list.",
                response: .page(WebhookDeliveryResource.self),
                query: [.oneOf("status", DeliveryStatus.self, "only deliveries in this state")]),
            deliveries)
        table.add(
            Route(
                .POST,
                "/v1/webhooks/:id/deliveries/:delivery_id/redeliver",
                roles: [.coordinator],
                id: "redeliverWebhook",
                tag: .notifications,
                summary: "Send a delivery again",
                description: "Back to `pending` at once, with another 24 h of retries; the body and `Idempotency-Key` are "
                    + "the same as before, so a receiver that got it already can tell.",
                response: .json(WebhookDeliveryResource.self)),
            redeliver)
    }

    @Sendable static func create(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let b = try ctx.body(CreateBody.self)
        var v = Validator()
        let url = b.url.trimmingCharacters(in: .whitespaces)
        if !Self.isUsableURL(url) {
            v.fail("url", "must be an http:// or https:// URL with a host, of 10 to 500 characters", rule: "url")
        }
        var kinds: [String] = []
        if (b.kinds?.count ?? 0) > NotificationKind.allCases.count {
            v.fail("kinds", "lists more kinds than there are", rule: "max_items")
        }
        for (i, raw) in (b.kinds ?? []).prefix(NotificationKind.allCases.count).enumerated() {
            if NotificationKind(rawValue: raw) == nil {
                v.fail("kinds[\(i)]", "is not a kind of notification (see GET /v1/notification-preferences)", rule: "enum")
            } else if !kinds.contains(raw) {
                kinds.append(raw)
            }
        }
        try v.finish()
        var random = SystemRandomNumberGenerator()
        let secret = "whsec_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &random)) }.joined()
        let audit = ctx.audit
        var hook = try await ctx.db.write { conn in
            let hook = try WebhookResource(
                row: try await conn.query(
                    """
                    INSERT INTO webhook_endpoints (url, kinds, secret, created_by) VALUES (\(url), \(kinds)::text[], \(secret), \(user.userID))
                    RETURNING id, url, kinds, active, created_by, created_at
                    """
                ).single())
            try await AuditTrail.record(conn, audit, action: "webhook.created", entity: "webhook", id: hook.id, after: hook)
            return hook
        }
        hook.secret = secret
        var r = try HTTPResponse.json(hook, status: 201)
        r.headers.set("Location", "/v1/webhooks/\(hook.id)/deliveries")
        return r
    }

    static func isUsableURL(_ s: String) -> Bool {
        guard (10...500).contains(s.utf8.count), s.hasPrefix("http://") || s.hasPrefix("https://"),
            s.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }), let u = URL(string: s), let host = u.host,
            !host.isEmpty
        else { return false }
        return true
    }

    @Sendable static func list(_ ctx: RequestContext) async throws -> HTTPResponse {
        let page = try Page(ctx.request)
        let rows = try await ctx.db.query(
            "SELECT \(unescaped: WebhookResource.columns) FROM webhook_endpoints e WHERE e.id > \(page.afterID) ORDER BY e.id LIMIT \(page.fetchLimit)"
        ).rows
        return try page.response(try rows.map(WebhookResource.init(row:)), id: \.id)
    }

    @Sendable static func deactivate(_ ctx: RequestContext) async throws -> HTTPResponse {
        let id = try ctx.id()
        let audit = ctx.audit
        let hook = try await ctx.db.write { conn in
            let hook = try WebhookResource(
                row: try await conn.query(
                    "UPDATE webhook_endpoints e SET active = false WHERE e.id = \(id) RETURNING \(unescaped: WebhookResource.columns)"
                ).single())
            try await AuditTrail.record(conn, audit, action: "webhook.deactivated", entity: "webhook", id: id, after: hook)
            return hook
        }
        return try .json(hook)
    }

    @Sendable static func deliveries(_ ctx: RequestContext) async throws -> HTTPResponse {
        let id = try ctx.id()
        let page = try Page(ctx.request)
        let status = ctx.query.text("status")
        _ = try await ctx.db.query("SELECT id FROM webhook_endpoints WHERE id = \(id)").single()
        let rows = try await ctx.db.query(
            """
            SELECT \(unescaped: WebhookDeliveryResource.columns) FROM webhook_deliveries d
            WHERE d.endpoint_id = \(id) AND d.id > \(page.afterID) AND (\(status)::text IS NULL OR d.status = \(status))
            ORDER BY d.id LIMIT \(page.fetchLimit)
            """
        ).rows
        return try page.response(try rows.map(WebhookDeliveryResource.init(row:)), id: \.id)
    }

    @Sendable static func redeliver(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, deliveryID) = (try ctx.id(), try ctx.id("delivery_id"))
        let audit = ctx.audit
        let delivery = try await ctx.db.write { conn in
            let d = try WebhookDeliveryResource(
                row: try await conn.query(
                    """
                    UPDATE webhook_deliveries d SET status = 'pending', next_at = now(), give_up_at = now() + interval '24 hours',
                      lease_until = NULL
                    WHERE d.id = \(deliveryID) AND d.endpoint_id = \(id)
                    RETURNING \(unescaped: WebhookDeliveryResource.columns)
                    """
                ).single())
            try await AuditTrail.record(conn, audit, action: "webhook.redelivered", entity: "webhook_delivery", id: deliveryID, after: d)
            return d
        }
        return try .json(delivery)
    }
}

extension WebhookRoutes.DeliveryStatus: SchemaEnum {}
