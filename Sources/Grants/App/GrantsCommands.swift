import HTTP
import Postgres

/// Operations the command line offers besides serving.
public enum GrantsCommands {
    /// Creates a staff user; how the first coordinator of a fresh installation comes to exist.
    public static func createUser(
        pool: PostgresPool, email: String, password: String, name: String, role: String,
        bcryptCost: Int
    ) async throws -> Int64 {
        do {
            let audit = AuditContext(actorID: nil, actorRole: "system", requestID: "cli", clientAddress: "local")
            return try await AccountWorkflow.createStaff(
                pool, email: email, password: password, name: name, role: role,
                cost: bcryptCost, audit: audit
            ).id
        } catch let error as GrantsError {
            let p = error.problem
            throw CommandError(message: ([p.detail ?? p.title] + p.errors.map { "\($0.field): \($0.message)" }).joined(separator: "; "))
        }
    }
}

public struct CommandError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
