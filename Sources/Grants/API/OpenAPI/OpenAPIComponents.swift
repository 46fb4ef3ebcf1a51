import HTTP

/// The parts of the OpenAPI document every operation shares.
extension OpenAPIDocument {
    static let infoDescription = """
        Back end of the **ClusterXchange** scheme of MEDIC-NEST (Precision MEDIcine Clusters integrating Digital \
        Technologies for New EcoSystems in HealthCare), a COSME-funded partnership of health clusters led by IMAGO-MOL \
        (Iași, RO) with FHTech / MEDVIA (BE), HBIO (GR) and BIOTECYL / SIVI (ES). The scheme funds short mobility \
        exchanges: a visitor from an SME, a cluster or another ecosystem organisation spends a few days (at least 3 \
        working days, at most one month) at a host in another COSME country, for a lump sum per host country (halved \
        under 5 working days or 200 km, capped at EUR 1,100), out of EUR 80,000 of financial support to third parties.

        Applicants register their organisation, draft, submit and document applications and file closing reports; \
        evaluators declare conflicts of interest and score the applications assigned to them; coordinators validate \
        organisations, check eligibility, assign evaluators, decide (within the programme cap, enforced \
        transactionally), review reports and request, approve (four eyes) and execute payments; auditors read \
        everything, including the ledger and the hash-chained audit trail.

        Conventions: JSON, UTF-8, snake_case members, RFC 3339 timestamps, ISO 8601 dates, ISO 3166-1 alpha-2 \
        countries, money in integer euro cents (`*_cents`). Errors are RFC 9457 problem details \
        (`application/problem+json`) with a stable `code`. Lists answer `{items, next_cursor}` and take `limit` \
        (1..200, default 50) and `cursor`. Mutable resources carry an `ETag`; routes marked so honour `If-Match` (412 \
        when stale). Every route but register, login and the operational routes needs `Authorization: Bearer <token>`; \
        `x-roles` lists the roles a route admits (an empty list: no authentication).

        """

    static let problemSchema: OrderedJSON = [
        "type": "object",
        "description": .string(
            "RFC 9457 problem details. `code` is the stable identifier clients switch on; `title` and `detail` are for "
                + "humans. Some problems carry extension members (`available_cents` and `requested_cents` with "
                + "`budget_exceeded`; `current_status`, `next_actions` and, when the step waits for a status, "
                + "`required_status` and `steps_needed` with `invalid_transition`; `allowed_roles` with `forbidden`; "
                + "`limit_bytes` with `payload_too_large`). Each step names the roles that take it."),
        "required": ["type", "title", "status", "code"],
        "properties": [
            "type": ["type": "string", "format": "uri", "examples": ["https://clusterxchange.eu/problems/validation_failed"]],
            "title": ["type": "string"],
            "status": ["type": "integer", "minimum": 400, "maximum": 599],
            "code": ["type": "string", "enum": .strings(ProblemCode.allCases.map(\.rawValue)), "examples": ["validation_failed"]],
            "detail": ["type": "string"],
            "errors": ["type": "array", "items": schemaRef("FieldError")],
            "available_cents": ["type": "integer", "format": "int64"],
            "requested_cents": ["type": "integer", "format": "int64"],
            "current_status": schemaRef("ApplicationStatus"),
            "limit_bytes": ["type": "integer"],
            "next_actions": ["type": "array", "items": schemaRef("NextAction"), "description": "the steps allowed now, with their roles"],
            "required_status": schemaRef("ApplicationStatus"),
            "steps_needed": [
                "type": "array", "items": schemaRef("NextAction"), "description": "the steps before the refused one, in order",
            ],
            "allowed_roles": [
                "type": "array", "items": ["type": "string", "enum": .strings(Role.allCases.map(\.rawValue))],
                "description": "the roles that may do what was refused",
            ],
        ],
        "additionalProperties": true,
    ]

    static let fieldErrorSchema: OrderedJSON = [
        "type": "object",
        "required": ["field", "message"],
        "properties": [
            "field": ["type": "string", "description": "snake_case path of the member, e.g. `organisation.country`"],
            "message": ["type": "string"],
            "rule": ["type": "string", "description": "the rule broken, e.g. `required`, `enum`, `unknown_field`"],
        ],
    ]

    static let parameters: OrderedJSON = [
        "Id": [
            "name": "id", "in": "path", "required": true, "description": "positive integer id; anything else is 404",
            "schema": QueryParameter.Kind.id.schema,
        ],
        "ChangeId": [
            "name": "change_id", "in": "path", "required": true, "description": "a change of this organisation",
            "schema": QueryParameter.Kind.id.schema,
        ],
        "DeliveryId": [
            "name": "delivery_id", "in": "path", "required": true, "description": "a delivery of this webhook",
            "schema": QueryParameter.Kind.id.schema,
        ],
        "Limit": [
            "name": "limit", "in": "query", "required": false, "description": "page size",
            "schema": ["type": "integer", "minimum": 1, "maximum": 200, "default": 50],
        ],
        "Cursor": [
            "name": "cursor", "in": "query", "required": false,
            "description": "the `next_cursor` of the previous page (opaque)", "schema": ["type": "string"],
        ],
        "IfMatch": [
            "name": "If-Match", "in": "header", "required": false,
            "description": "an ETag from an earlier answer; when the resource has changed since, 412 instead of an overwrite",
            "schema": ["type": "string"],
        ],
        "IdempotencyKey": [
            "name": "Idempotency-Key", "in": "header", "required": false,
            "description": .string(
                "the same key with the same request replays the first successful answer (with `Idempotent-Replayed: true`); "
                    + "with a different request, 422 `idempotency_key_reused`"),
            "schema": ["type": "string", "minLength": 1, "maxLength": 255],
        ],
        "XRequestId": [
            "name": "X-Request-Id", "in": "header", "required": false,
            "description": "client-chosen request id (at most 128 of `[A-Za-z0-9._-]`), echoed and logged; generated when absent",
            "schema": ["type": "string", "pattern": "^[A-Za-z0-9._-]{1,128}$"],
        ],
    ]

    static let headers: OrderedJSON = [
        "XRequestId": [
            "description": "the request id (the client's X-Request-Id when sane, else generated)", "schema": ["type": "string"],
        ],
        "ETag": ["description": "version of the resource; send it back in If-Match", "schema": ["type": "string"]],
        "Location": ["description": "URL of the created resource", "schema": ["type": "string"]],
        "RetryAfter": ["description": "seconds to wait before retrying", "schema": ["type": "integer", "minimum": 0]],
        "WWWAuthenticate": ["description": "`Bearer`", "schema": ["type": "string"]],
    ]
}
