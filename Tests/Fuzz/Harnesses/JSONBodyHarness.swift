import HTTP

@testable import Grants

/// Every request body type through the strict decoder, then through the validator where the
/// route validates without the database. The first byte picks the type; the rest is the body.
/// Every failure must be a problem the client can read (4xx), never a trap or a stray error.
enum JSONBodyHarness {
    typealias Decode = @Sendable (HTTPRequest) throws -> Void

    static func body<T: RequestBody>(_ type: T.Type, then validate: @escaping @Sendable (T) throws -> Void = { _ in }) -> Decode {
        { request in try validate(StrictJSON.decode(type, from: request)) }
    }

    static let bodies: [Decode] = [
        body(ApplicationRoutes.Body.self) { _ = try ApplicationRoutes.validate($0, over: nil) },
        body(ApplicationRoutes.EligibilityBody.self),
        body(ReasonBody.self),
        body(PaymentRoutes.CreateBody.self),
        body(PaymentRoutes.ExecuteBody.self),
        body(PaymentRoutes.FailBody.self),
        body(EvaluationRoutes.AssignBody.self),
        body(EvaluationRoutes.DeclarationBody.self),
        body(EvaluationRoutes.ScoresBody.self),
        body(EvaluationRoutes.ConsensusBody.self),
        body(OrganisationRoutes.PatchBody.self),
        body(OrganisationRoutes.ValidationBody.self),
        body(AuthRoutes.RegisterBody.self),
        body(AuthRoutes.LoginBody.self),
        body(AuthRoutes.CreateUserBody.self),
        body(DecisionRoutes.DecisionBody.self),
        body(DecisionRoutes.ReportBody.self),
        body(DecisionRoutes.ReviewBody.self),
        body(ProgrammeRoutes.PatchBody.self),
        body(ProgrammeRoutes.CallBody.self),
        body(OrganisationRoutes.ChangeDecisionBody.self),
    ]

    @Sendable static func run(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let decode = bodies[Int(first) % bodies.count]
        var headers = HTTPHeaders()
        headers.set("Content-Type", "application/json")
        let request = HTTPRequest(method: .POST, target: "/", headers: headers, body: Array(data.dropFirst()))
        do {
            try decode(request)
        } catch let problem as ProblemDetails {
            FuzzCheck.that((400..<500).contains(problem.status), "status \(problem.status)")
        } catch let error as GrantsError {
            FuzzCheck.that((400..<500).contains(error.problem.status), "status \(error.problem.status)")
        } catch {
            FuzzCheck.that(false, "unexpected error type \(type(of: error)): \(error)")
        }
    }
}
