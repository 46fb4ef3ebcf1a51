import HTTP

@testable import Grants

/// Request targets, query strings and cursors: split and percent-decoded by the HTTP layer,
/// then read by the list routes' parsers (limit, cursor, ids, `as_of`).
enum QueryHarness {
    @Sendable static func run(_ data: [UInt8]) {
        let target = "/v1/x?" + String(decoding: data, as: UTF8.self)
        let request = HTTPRequest(method: .GET, target: target)
        do {
            let page = try Page(request)
            FuzzCheck.that((1...200).contains(page.limit) && page.afterID >= 0, "page \(page.limit) \(page.afterID)")
        } catch let error as GrantsError {
            FuzzCheck.that(error.problem.status == 422, "status \(error.problem.status)")
        } catch {
            FuzzCheck.that(false, "unexpected error \(error)")
        }
        var v = Validator()
        for item in request.queryItems {
            _ = v.positiveID(item.name, item.value)
            if let date = AsOf.parse(item.value) {
                v.instant(item.name, date)
            }
        }
        // The raw path as the router sees it.
        var router = Router()
        router.get("/v1/:a/:b", { _ in HTTPResponse(status: 200) })
        _ = router.match(method: .GET, path: String(decoding: data, as: UTF8.self))
    }
}
