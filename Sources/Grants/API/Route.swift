import HTTP

/// One route, declared once. The router, the role check, the strict decoder's members (from
/// the body type) and the OpenAPI operation are all derived from this value; nothing else
/// names the route, its body members or its problem codes.
struct Route: Sendable {
    var method: HTTPMethod
    /// `/v1/applications/:id`: `:name` captures one segment.
    var path: String
    /// nil: open to anyone (register, login, the operational routes).
    var roles: Set<Role>?
    /// The OpenAPI `operationId`.
    var id: String
    var tag: APITag
    var summary: String
    var description: String?
    var body: RouteBody
    var response: RouteResponse
    /// The success status.
    var status: Int
    var traits: RouteTraits
    var query: [QueryParameter]
    /// The codes this route can answer beyond those every route of its kind can (derived
    /// from the traits: 401 for authenticated routes, 412 with If-Match, ...).
    var problems: [ProblemCode]
    /// What a status means on this route, where the shared wording is not enough.
    var errorNotes: [Int: String]
    /// A JSON body some error statuses carry besides problem+json (`/readyz`'s 503).
    var errorBodies: [Int: any DocumentedSchema.Type]
    /// Overrides the server-wide body limit (document uploads).
    var bodyLimit: Int?

    init(
        _ method: HTTPMethod, _ path: String, roles: Set<Role>?, id: String, tag: APITag, summary: String,
        description: String? = nil, body: RouteBody = .none, response: RouteResponse = .empty, status: Int = 200,
        traits: RouteTraits = [], query: [QueryParameter] = [], problems: [ProblemCode] = [],
        errorNotes: [Int: String] = [:], errorBodies: [Int: any DocumentedSchema.Type] = [:], bodyLimit: Int? = nil
    ) {
        self.method = method
        self.path = path
        self.roles = roles
        self.id = id
        self.tag = tag
        self.summary = summary
        self.description = description
        self.body = body
        self.response = response
        self.status = status
        self.traits = traits
        self.query = query
        self.problems = problems
        self.errorNotes = errorNotes
        self.errorBodies = errorBodies
        self.bodyLimit = bodyLimit
    }

    /// Answers a paginated list (`limit`, `cursor`, `{items, next_cursor}`).
    var isPaged: Bool {
        switch response {
        case .page, .pageOrCSV: true
        default: false
        }
    }
}

enum RouteBody: Sendable {
    case none
    /// A JSON body decoded strictly into `type`. `schemaName` and `hints` document a variant
    /// of a type shared by two routes (a call's create and patch bodies).
    case json(any RequestBody.Type, required: Bool = true, schemaName: String? = nil, hints: SchemaHints? = nil)
    /// Raw bytes (document uploads), sniffed by the handler.
    case upload(description: String, mediaTypes: [String])
}

enum RouteResponse: Sendable {
    case empty
    case json(any DocumentedSchema.Type)
    /// `{items, next_cursor}` of the type.
    case page(any DocumentedSchema.Type)
    /// JSON, or RFC 4180 CSV with `format=csv` / `Accept: text/csv`: the columns are the ones
    /// the handler's `CSVWriter` writes, and the document shows them as the example header row.
    case jsonOrCSV(any DocumentedSchema.Type, csvColumns: [String])
    case pageOrCSV(any DocumentedSchema.Type, csvColumns: [String])
    /// Other media types: `{media type: media object}`.
    case content(OrderedJSON)
}

struct RouteTraits: OptionSet, Sendable {
    let rawValue: Int
    /// The success answer carries an `ETag`.
    static let etag = RouteTraits(rawValue: 1 << 0)
    /// Honours `If-Match` (412 when stale).
    static let ifMatch = RouteTraits(rawValue: 1 << 1)
    /// Honours `Idempotency-Key`.
    static let idempotent = RouteTraits(rawValue: 1 << 2)
    /// Throttled per client (429 with `Retry-After`).
    static let rateLimited = RouteTraits(rawValue: 1 << 3)
    /// A 201 without `Location` (the new resource has no URL of its own to fetch).
    static let noLocation = RouteTraits(rawValue: 1 << 4)
}

/// The groups of the OpenAPI document, in its order.
enum APITag: String, Sendable, CaseIterable {
    case operations, auth, users, organisations, programmes, calls, applications, hosting, documents, evaluation, decisions
    case agreements, appeals, payments, ledger, reports, exports
    case previousVisitors = "previous-visitors"
    case audit
    case notifications
    case console

    var summary: String {
        switch self {
        case .operations: "Liveness, readiness, metrics and this document (no authentication)."
        case .auth: "Registration, login, logout and the current user."
        case .users: "Staff accounts (coordinators create evaluators, coordinators and auditors)."
        case .organisations: "Organisation profiles, their validation and the host directory."
        case .programmes: "The programme: rules, cap, lump-sum table and budget."
        case .calls: "Calls for applications: window, criteria and selection settings."
        case .applications: "Exchange applications and their lifecycle."
        case .hosting: "The host's side of an exchange: accepting the match and the exchange's public part."
        case .documents: "Supporting documents (stored with their SHA-256; withdrawn, never deleted)."
        case .evaluation: "Evaluator assignments, declarations, scores, consensus and the ranking."
        case .decisions: "Decisions, agreements, cancellations and closing reports."
        case .agreements: "The Commitment to Quality's four signatures."
        case .appeals: "Appeals against an ineligible or rejected outcome (redress)."
        case .payments: "Payments (four eyes) and their execution."
        case .ledger: "The append-only ledger of commitments, releases and payments."
        case .reports: "Spending, beneficiaries and overdue payments (JSON or CSV), and a spending chart."
        case .exports: "Exports for the agency: Financial Transparency System beneficiaries and the ClusterXchange IT Tool exchange list."
        case .previousVisitors: "Earlier ClusterXchange visitors of every partnership (once in the scheme)."
        case .audit: "The hash-chained audit trail."
        case .notifications: "In-app notifications, e-mail preferences and what is due for the caller (deadlines)."
        case .console: "The web console: one page and its scripts, served by the service (no authentication to fetch them)."
        }
    }
}
