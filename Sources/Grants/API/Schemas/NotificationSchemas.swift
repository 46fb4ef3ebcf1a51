/// Documentation of notifications, preferences and deadlines (NotificationRoutes).
private typealias F = SchemaFragments

extension NotificationResource: DocumentedSchema {
    static let schemaName = "Notification"
    static let schemaHints = SchemaHints(
        "Something the caller must act on or know of, with the text the e-mail carries and the link that acts.",
        fields: [
            "email": F.oneOf(["pending", "sent", "failed", "opted_out", "expired"]),
            "link": ["format": "uri"],
        ])
}

extension NotificationRoutes.Summary: DocumentedSchema {
    static let schemaName = "NotificationSummary"
}

extension NotificationRoutes.MarkedRead: DocumentedSchema {
    static let schemaName = "NotificationsMarkedRead"
}

extension NotificationRoutes.Preferences: DocumentedSchema {
    static let schemaName = "NotificationPreferences"
}

extension NotificationRoutes.PreferencesBody {
    static let schemaName = "NotificationPreferencesRequest"
    static let schemaHints = SchemaHints(fields: [
        "email_off": [
            "maxItems": .int(Int64(NotificationKind.allCases.count * 2)), "items": F.oneOf(NotificationKind.self),
            "description": "kinds of notification sent in the app only",
        ]
    ])
}

extension DeadlineResource: DocumentedSchema {
    static let schemaName = "Deadline"
}

extension NotificationRoutes.Deadlines: DocumentedSchema {
    static let schemaName = "Deadlines"
}

extension WebhookResource: DocumentedSchema {
    static let schemaName = "Webhook"
    static let schemaHints = SchemaHints(
        "A webhook endpoint; `secret` only in the answer that registered it.",
        fields: ["url": ["format": "uri"], "secret": ["description": "HMAC-SHA256 key of the signatures (shown once)"]])
}

extension WebhookDeliveryResource: DocumentedSchema {
    static let schemaName = "WebhookDelivery"
    static let schemaHints = SchemaHints(fields: ["status": F.oneOf(WebhookRoutes.DeliveryStatus.self)])
}

extension WebhookRoutes.CreateBody {
    static let schemaName = "WebhookRequest"
    static let schemaHints = SchemaHints(fields: [
        "url": ["minLength": 10, "maxLength": 500, "format": "uri", "description": "http:// or https://"],
        "kinds": ["maxItems": .int(Int64(NotificationKind.allCases.count)), "items": F.oneOf(NotificationKind.self)],
    ])
}

extension CalendarRoutes.TokenAnswer: DocumentedSchema {
    static let schemaName = "CalendarToken"
    static let schemaHints = SchemaHints(
        "Shown once: the calendar token and the feed's URL.", fields: ["url": ["format": "uri"]])
}
