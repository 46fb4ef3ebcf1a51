/// `{"reason": ...}`, optional as a whole: withdrawals and cancellations may say why.
struct ReasonBody: RequestBody {
    var reason: String?

    /// The trimmed, checked reason of the request, nil when there is no body or no reason.
    static func reason(of ctx: RequestContext) throws -> String? {
        let raw = try ctx.request.body.isEmpty ? nil : ctx.body(ReasonBody.self).reason
        var v = Validator()
        let reason = v.optionalText("reason", raw, max: 2000, multiline: true)
        try v.finish()
        return reason
    }
}
