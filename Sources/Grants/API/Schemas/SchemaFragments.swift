/// JSON Schema fragments several types' hints share.
enum SchemaFragments {
    static let text200: OrderedJSON = ["minLength": 1, "maxLength": 200]
    static let country: OrderedJSON = ["type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2 code, upper case"]
    static let email: OrderedJSON = ["type": "string", "format": "email", "maxLength": 254]
    /// Money bounds (Domain/MoneyBounds.swift, Migrations/0008): EUR 100 million.
    static let cents: OrderedJSON = ["minimum": 0, "maximum": .int(MoneyBounds.maxCapCents)]
    static let latitude: OrderedJSON = ["minimum": -90, "maximum": 90]
    static let longitude: OrderedJSON = ["minimum": -180, "maximum": 180]
    static let halfPoints: OrderedJSON = ["minimum": 0, "maximum": 5, "multipleOf": 0.5]
    static let password: OrderedJSON = ["minLength": 10, "maxLength": 72, "description": "10 characters to 72 UTF-8 bytes (bcrypt)"]
    static let sha256: OrderedJSON = ["pattern": "^[0-9a-f]{64}$"]
    static let date: OrderedJSON = ["format": "date"]
    static let positive: OrderedJSON = ["minimum": 1]
    /// A call's `evaluation_days` (ProgrammeRoutes.evaluationDays, Migrations/0016).
    static let evaluationDays: OrderedJSON = [
        "minimum": .int(Int64(ProgrammeRoutes.evaluationDays.lowerBound)),
        "maximum": .int(Int64(ProgrammeRoutes.evaluationDays.upperBound)),
        "description": "days an evaluator has for a score sheet: an assignment's due_on is this many days after it is made",
    ]

    static func oneOf<E: SchemaEnum>(_ type: E.Type) -> OrderedJSON { ["enum": .strings(E.allCases.map(\.rawValue))] }
    static func oneOf(_ values: [String]) -> OrderedJSON { ["enum": .strings(values)] }
    static func described(_ base: OrderedJSON, _ description: String) -> OrderedJSON {
        base.merging(["description": .string(description)])
    }
}

extension Role: SchemaEnum {}
extension OrganisationKind: SchemaEnum {}
extension OrganisationStatus: SchemaEnum {}
extension DocumentKind: SchemaEnum {}
extension PaymentStatus: SchemaEnum {}
extension PaymentKind: SchemaEnum {}
extension PaymentClock: SchemaEnum {}
extension AssignmentStatus: SchemaEnum {}
extension ApplicationStatus: NamedSchemaLeaf, SchemaEnum {
    static var schemaName: String { "ApplicationStatus" }
}
