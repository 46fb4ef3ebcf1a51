import Foundation
import HTTP

/// The OpenAPI 3.1 document, derived from the route declarations and the Swift types they
/// name. `clusterxchange openapi` prints it, the server serves the same bytes at
/// `/openapi.json`, and the committed `openapi.json` is compared with it by a test.
enum OpenAPIDocument {
    static let problemJSON = "application/problem+json"

    /// The document as served and committed.
    static func rendered(_ routes: [Route]) throws -> String {
        try build(routes).rendered()
    }

    static func build(_ routes: [Route]) throws -> OrderedJSON {
        var catalog = SchemaCatalog()
        catalog.add("Problem", problemSchema)
        catalog.add("FieldError", fieldErrorSchema)
        _ = try catalog.schema(for: ApplicationStatus.self, member: "status")
        var paths: [(String, OrderedJSON)] = []
        var seenIDs: Set<String> = []
        for route in routes {
            guard seenIDs.insert(route.id).inserted else {
                throw SchemaCatalog.Failure(description: "two routes have the operationId \(route.id)")
            }
            let path = openAPIPath(route.path)
            let operation = try self.operation(route, routes: routes, catalog: &catalog)
            if let i = paths.firstIndex(where: { $0.0 == path }) {
                paths[i].1[route.method.rawValue.lowercased()] = operation
            } else {
                paths.append((path, [route.method.rawValue.lowercased(): operation]))
            }
        }
        // The list envelopes, after the resources they hold (registered by the operations).
        for route in routes where route.isPaged {
            let name = try pageName(route, catalog: &catalog)
            if !catalog.components.contains(where: { $0.0 == name }) {
                catalog.add(name, listSchema(of: String(name.dropLast(4))))
            }
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "ClusterXchange API",
                "version": "0.1.0",
                "summary": "Grant management for the MEDIC-NEST ClusterXchange mobility scheme",
                "description": .string(infoDescription),
            ],
            "servers": [["url": "http://127.0.0.1:8080", "description": "local (`make run`)"]],
            "security": [["bearerAuth": []]],
            "tags": .array(APITag.allCases.map { ["name": .string($0.rawValue), "description": .string($0.summary)] }),
            "paths": .object(paths),
            "components": [
                "securitySchemes": [
                    "bearerAuth": [
                        "type": "http", "scheme": "bearer",
                        "description": "the `token` of POST /v1/auth/login (opaque, 12 h by default)",
                    ]
                ],
                "parameters": parameters,
                "headers": headers,
                "responses": .object(ErrorStatus.allCases.map { ($0.component, problemResponse($0)) }),
                "schemas": .object(catalog.components),
            ],
        ]
    }

    /// `/v1/applications/:id` → `/v1/applications/{id}`.
    static func openAPIPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }.joined(separator: "/")
    }

    // MARK: - Operations

    static func operation(_ route: Route, routes: [Route], catalog: inout SchemaCatalog) throws -> OrderedJSON {
        var o: OrderedJSON = [
            "operationId": .string(route.id), "tags": [.string(route.tag.rawValue)],
            "summary": .string(route.summary),
        ]
        let who =
            route.roles.map { "Roles: " + sortedRoles($0).joined(separator: ", ") + "." }
            ?? "Open to anyone; no authentication."
        var extras: [String] = []
        if route.traits.contains(.ifMatch) { extras.append("Honours `If-Match`.") }
        if route.traits.contains(.idempotent) { extras.append("Honours `Idempotency-Key`.") }
        o["description"] = .string(([route.description].compactMap { $0 } + [who] + extras).joined(separator: " "))
        o["x-roles"] = .strings(route.roles.map(sortedRoles) ?? [])
        if route.roles == nil { o["security"] = [] }

        var parameters: [OrderedJSON] = []
        for name in route.path.split(separator: "/").filter({ $0.hasPrefix(":") }).map({ String($0.dropFirst()) }) {
            switch name {
            case "id": parameters.append(parameterRef("Id"))
            case "change_id": parameters.append(parameterRef("ChangeId"))
            case "delivery_id": parameters.append(parameterRef("DeliveryId"))
            default: parameters.append(["name": .string(name), "in": "path", "required": true, "schema": ["type": "string"]])
            }
        }
        if route.isPaged { parameters += [parameterRef("Limit"), parameterRef("Cursor")] }
        for q in route.query {
            parameters.append([
                "name": .string(q.name), "in": "query", "required": .bool(q.required),
                "description": .string(q.description), "schema": q.schema,
            ])
        }
        if route.traits.contains(.ifMatch) { parameters.append(parameterRef("IfMatch")) }
        if route.traits.contains(.idempotent) { parameters.append(parameterRef("IdempotencyKey")) }
        parameters.append(parameterRef("XRequestId"))
        o["parameters"] = .array(parameters)

        var takesJSON = false
        var upload = false
        switch route.body {
        case .none: break
        case .json(let type, let required, let name, let hints):
            takesJSON = true
            o["requestBody"] = [
                "required": .bool(required),
                "content": ["application/json": ["schema": try catalog.reference(type, name: name, hints: hints)]],
            ]
        case .upload(let description, let mediaTypes):
            upload = true
            o["requestBody"] = [
                "required": true, "description": .string(description),
                "content": .object(mediaTypes.map { ($0, ["schema": ["type": "string", "format": "binary"]]) }),
            ]
        }

        var ok: OrderedJSON = ["description": .string([200: "OK", 201: "Created", 204: "No content"][route.status] ?? "OK")]
        var okHeaders: OrderedJSON = ["X-Request-Id": headerRef("XRequestId")]
        if route.traits.contains(.etag) { okHeaders["ETag"] = headerRef("ETag") }
        if route.status == 201 && !route.traits.contains(.noLocation) { okHeaders["Location"] = headerRef("Location") }
        ok["headers"] = okHeaders
        if let content = try responseContent(route, catalog: &catalog) { ok["content"] = content }
        let links = links(from: route, among: routes)
        if !links.members.isEmpty { ok["links"] = links }
        var responses: OrderedJSON = [String(route.status): ok]

        let codes = problemCodes(route, takesJSON: takesJSON, upload: upload)
        o["x-problem-codes"] = .strings(codes.map(\.rawValue))
        var statuses: [Int] = []
        for code in codes where !statuses.contains(code.status) { statuses.append(code.status) }
        for status in statuses.sorted() {
            guard let error = ErrorStatus(rawValue: status) else { continue }
            let here = codes.filter { $0.status == status }
            if let body = route.errorBodies[status] {
                var r = problemResponse(error, description: route.errorNotes[status])
                r["content"] = [
                    "application/json": ["schema": try catalog.reference(body)],
                    .init(stringLiteral: problemJSON): ["schema": schemaRef("Problem")],
                ]
                responses[String(status)] = r
            } else if status == 409 {
                let description =
                    route.errorNotes[status]
                    ?? "Conflict: " + here.map { "`\($0.rawValue)`" }.joined(separator: ", ") + "."
                responses["409"] = problemResponse(error, description: description, codes: here)
            } else if let note = route.errorNotes[status] {
                responses[String(status)] = problemResponse(error, description: note, codes: here)
            } else if here.contains(where: { !error.sharedCodes.contains($0) }) {
                let description =
                    error.description + " On this route also: "
                    + here.filter { !error.sharedCodes.contains($0) }.map { "`\($0.rawValue)`" }.joined(separator: ", ") + "."
                responses[String(status)] = problemResponse(error, description: description, codes: here)
            } else {
                responses[String(status)] = ["$ref": .string("#/components/responses/\(error.component)")]
            }
        }
        o["responses"] = responses
        return o
    }

    static func sortedRoles(_ roles: Set<Role>) -> [String] {
        Role.allCases.filter(roles.contains).map(\.rawValue)
    }

    /// Every code the route can answer, by status: those its traits imply, then its own.
    static func problemCodes(_ route: Route, takesJSON: Bool, upload: Bool) -> [ProblemCode] {
        var codes: [ProblemCode] = []
        let path = openAPIPath(route.path)
        let hasQuery = !route.query.isEmpty || route.isPaged
        if takesJSON { codes.append(.malformedJSON) }
        if path.contains("{") || hasQuery || takesJSON { codes.append(.badRequest) }
        if let roles = route.roles {
            codes.append(.unauthenticated)
            if roles != .everyone { codes.append(.forbidden) }
        }
        if path.contains("{") { codes.append(.notFound) }
        if route.traits.contains(.ifMatch) { codes.append(.preconditionFailed) }
        if takesJSON || upload { codes += [.payloadTooLarge, .unsupportedMediaType] }
        if takesJSON || upload || hasQuery || route.traits.contains(.idempotent) { codes.append(.validationFailed) }
        if route.traits.contains(.idempotent) { codes.append(.idempotencyKeyReused) }
        if route.traits.contains(.rateLimited) { codes.append(.rateLimited) }
        codes += [.serviceUnavailable, .tooManyConnections, .handlerTimeout]
        for code in route.problems where !codes.contains(code) { codes.append(code) }
        return codes.sorted { $0.status < $1.status }
    }

    static func responseContent(_ route: Route, catalog: inout SchemaCatalog) throws -> OrderedJSON? {
        switch route.response {
        case .empty: return nil
        case .json(let type):
            return ["application/json": ["schema": try catalog.reference(type)]]
        case .page:
            return ["application/json": ["schema": schemaRef(try pageName(route, catalog: &catalog))]]
        case .jsonOrCSV(let type, let columns):
            return [
                "application/json": ["schema": try catalog.reference(type)],
                "text/csv": ["schema": ["type": "string"], "example": .string(CSVWriter(header: columns).string)],
            ]
        case .pageOrCSV(_, let columns):
            return [
                "application/json": ["schema": schemaRef(try pageName(route, catalog: &catalog))],
                "text/csv": ["schema": ["type": "string"], "example": .string(CSVWriter(header: columns).string)],
            ]
        case .content(let content):
            return content
        }
    }

    /// `<Item>List`, registering the item's schema.
    static func pageName(_ route: Route, catalog: inout SchemaCatalog) throws -> String {
        switch route.response {
        case .page(let type), .pageOrCSV(let type, _):
            try catalog.reference(type)
            return type.schemaName + "List"
        default:
            throw SchemaCatalog.Failure(description: "\(route.id) is not paginated")
        }
    }

    /// A create route links to the routes that take the new resource's id, so clients (and
    /// schemathesis' stateful phase) can chain: `POST /v1/payments` → `/v1/payments/{id}/…`.
    static func links(from route: Route, among routes: [Route]) -> OrderedJSON {
        guard route.status == 201, case .json = route.response,
            let collection = route.path.split(separator: "/").last, !collection.hasPrefix(":")
        else { return [:] }
        let prefix = "/v1/\(collection)/:id"
        var links: [(String, OrderedJSON)] = []
        for target in routes where target.path == prefix || target.path.hasPrefix(prefix + "/") {
            links.append((target.id, ["operationId": .string(target.id), "parameters": ["id": "$response.body#/id"]]))
        }
        return .object(links)
    }

    // MARK: - Shared parts

    static func schemaRef(_ name: String) -> OrderedJSON { ["$ref": .string("#/components/schemas/\(name)")] }
    static func parameterRef(_ name: String) -> OrderedJSON { ["$ref": .string("#/components/parameters/\(name)")] }
    static func headerRef(_ name: String) -> OrderedJSON { ["$ref": .string("#/components/headers/\(name)")] }

    static func listSchema(of item: String) -> OrderedJSON {
        [
            "type": "object", "required": ["items", "next_cursor"],
            "properties": [
                "items": ["type": "array", "items": schemaRef(item)],
                "next_cursor": ["type": ["string", "null"], "description": "pass as `cursor` for the next page; null on the last"],
            ],
        ]
    }

    static func problemResponse(_ error: ErrorStatus, description: String? = nil, codes: [ProblemCode] = []) -> OrderedJSON {
        var headers: OrderedJSON = ["X-Request-Id": headerRef("XRequestId")]
        for header in error.headers { headers[header.name] = headerRef(header.component) }
        let code = codes.first?.rawValue ?? error.defaultCode.rawValue
        var example: OrderedJSON = [
            "type": .string("https://clusterxchange.eu/problems/" + code), "title": .string(error.component),
            "status": .int(Int64(error.rawValue)), "code": .string(code), "detail": "...", "errors": [],
        ]
        if error == .unprocessable {
            example["errors"] = [["field": "email", "message": "must be an e-mail address", "rule": "email"]]
        }
        var schema = schemaRef("Problem")
        if !codes.isEmpty {
            schema = ["allOf": [schemaRef("Problem"), ["properties": ["code": ["enum": .strings(codes.map(\.rawValue))]]]]]
        }
        return [
            "description": .string(description ?? error.description), "headers": headers,
            "content": [.init(stringLiteral: problemJSON): ["schema": schema, "example": example]],
        ]
    }
}

/// The error statuses the service answers, with the shared response of each.
enum ErrorStatus: Int, CaseIterable {
    case badRequest = 400
    case unauthenticated = 401
    case forbidden = 403
    case notFound = 404
    case conflict = 409
    case preconditionFailed = 412
    case payloadTooLarge = 413
    case unsupportedMediaType = 415
    case unprocessable = 422
    case rateLimited = 429
    case unavailable = 503

    var component: String {
        switch self {
        case .badRequest: "BadRequest"
        case .unauthenticated: "Unauthenticated"
        case .forbidden: "Forbidden"
        case .notFound: "NotFound"
        case .conflict: "Conflict"
        case .preconditionFailed: "PreconditionFailed"
        case .payloadTooLarge: "PayloadTooLarge"
        case .unsupportedMediaType: "UnsupportedMediaType"
        case .unprocessable: "ValidationFailed"
        case .rateLimited: "RateLimited"
        case .unavailable: "ServiceUnavailable"
        }
    }

    var defaultCode: ProblemCode {
        switch self {
        case .badRequest: .malformedJSON
        case .unauthenticated: .unauthenticated
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .invalidTransition
        case .preconditionFailed: .preconditionFailed
        case .payloadTooLarge: .payloadTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .unprocessable: .validationFailed
        case .rateLimited: .rateLimited
        case .unavailable: .serviceUnavailable
        }
    }

    /// The codes the shared response's wording covers.
    var sharedCodes: Set<ProblemCode> {
        switch self {
        case .badRequest: [.malformedJSON, .badRequest]
        case .unprocessable: [.validationFailed, .idempotencyKeyReused]
        case .unavailable: [.serviceUnavailable, .tooManyConnections, .handlerTimeout]
        default: [defaultCode]
        }
    }

    var headers: [(name: String, component: String)] {
        switch self {
        case .unauthenticated: [("WWW-Authenticate", "WWWAuthenticate")]
        case .rateLimited, .unavailable: [("Retry-After", "RetryAfter")]
        default: []
        }
    }

    var description: String {
        switch self {
        case .badRequest:
            "The body is not JSON or repeats a member at any depth (`malformed_json`), or the request is malformed (`bad_request`)."
        case .unauthenticated: "No, an invalid, an expired or a revoked bearer token (`unauthenticated`)."
        case .forbidden: "The caller's role may not use this route (`forbidden`)."
        case .notFound: "No such resource, or one the caller may not see (`not_found`)."
        case .conflict: "The request conflicts with the resource's state."
        case .preconditionFailed: "The If-Match ETag is stale (`precondition_failed`)."
        case .payloadTooLarge: "The body exceeds the route's limit (`payload_too_large`)."
        case .unsupportedMediaType: "Wrong Content-Type or content (`unsupported_media_type`)."
        case .unprocessable:
            "Input breaks a rule; `errors` names each member (`validation_failed`); an Idempotency-Key reused with a "
                + "different request (`idempotency_key_reused`)."
        case .rateLimited:
            "Too many failed logins, or too many registrations from this address or e-mail domain (`rate_limited`); "
                + "`Retry-After` and `detail` say when to try again."
        case .unavailable:
            "At capacity, database busy or unreachable (`service_unavailable`), or this client address already holds "
                + "`MAX_CONNECTIONS_PER_ADDRESS` open connections (`too_many_connections`), or the request was not finished "
                + "within `HANDLER_TIMEOUT_SECONDS` and may still complete (`handler_timeout`); retry after `Retry-After`."
        }
    }
}
