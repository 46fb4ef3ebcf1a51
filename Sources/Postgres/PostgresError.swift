/// The single error type of the Postgres layer.
///
/// Server text (messages, details, hints) can contain user data, table names or
/// values from a failing row, so it is kept in `serverMessage` for logs and is
/// deliberately absent from `description`: an error accidentally interpolated
/// into an HTTP response leaks nothing but the SQLSTATE.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// Connecting failed or the connection broke; the connection is discarded.
        case connection
        /// The server rejected a statement; the connection is still usable.
        case server
        /// No connection became free within `checkoutTimeout` (map to 503).
        case poolTimeout
        /// A column could not be converted to the requested Swift type.
        case decoding
        /// The pool or connection was closed.
        case closed
        /// libpq or the server answered something this layer does not understand.
        case `protocol`
    }

    /// Typed SQLSTATE for the conditions callers branch on; everything else is `.other`.
    public enum Code: String, Sendable, Hashable {
        case uniqueViolation
        case foreignKeyViolation
        case checkViolation
        case notNullViolation
        case exclusionViolation
        case serializationFailure
        case deadlockDetected
        case queryCanceled
        case lockNotAvailable
        case invalidTextRepresentation
        case raiseException
        case undefinedTable
        case other

        public init(sqlState: String?) {
            switch sqlState {
            case "23505": self = .uniqueViolation
            case "23503": self = .foreignKeyViolation
            case "23514": self = .checkViolation
            case "23502": self = .notNullViolation
            case "23P01": self = .exclusionViolation
            case "40001": self = .serializationFailure
            case "40P01": self = .deadlockDetected
            case "57014": self = .queryCanceled
            case "55P03": self = .lockNotAvailable
            case "22P02": self = .invalidTextRepresentation
            case "P0001": self = .raiseException
            case "42P01": self = .undefinedTable
            default: self = .other
            }
        }
    }

    public var kind: Kind
    public var sqlState: String?
    public var code: Code
    /// PG_DIAG_CONSTRAINT_NAME, so callers can tell which unique key was hit.
    public var constraint: String?
    /// PG_DIAG_TABLE_NAME / PG_DIAG_COLUMN_NAME when the server reports them.
    public var table: String?
    public var column: String?
    /// Server or libpq text. For logs ONLY, never for clients.
    public var serverMessage: String

    public init(
        kind: Kind,
        sqlState: String? = nil,
        constraint: String? = nil,
        table: String? = nil,
        column: String? = nil,
        serverMessage: String = ""
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.code = Code(sqlState: sqlState)
        self.constraint = constraint
        self.table = table
        self.column = column
        self.serverMessage = serverMessage
    }

    /// Serialization failures and deadlocks are resolved by running the whole
    /// transaction again; nothing else is safe to retry blindly.
    public var isRetryable: Bool {
        sqlState == "40001" || sqlState == "40P01"
    }

    public var description: String {
        var text = "PostgresError.\(kind.rawValue)"
        if let sqlState { text += "(sqlState: \(sqlState), code: \(code.rawValue))" }
        return text
    }

    /// Everything, including server text; only for the logger closure.
    var logDescription: String {
        var text = description
        if let constraint { text += " constraint=\(constraint)" }
        if !serverMessage.isEmpty { text += ": \(serverMessage)" }
        return text
    }

    static func decoding(_ message: String) -> PostgresError {
        PostgresError(kind: .decoding, serverMessage: message)
    }
}
