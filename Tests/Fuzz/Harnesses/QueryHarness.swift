import HTTP

@testable import Grants

/// Request targets, query strings and cursors: split and percent-decoded by the HTTP layer,
/// then checked by the routes' declared parameters (limit, cursor, every `QueryParameter.Kind`).
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
        // Every kind of declared parameter, checked the way the router checks them.
        let kinds: [QueryParameter.Kind] = [
            .id, .choice(["json", "csv"]), .country, .text(maxLength: 64), .fileName, .date, .instant(dayMeans: .start),
            .instant(dayMeans: .end), .refused("no"),
        ]
        let declared = request.queryItems.prefix(32).enumerated().map { i, item in
            QueryParameter(name: item.name, kind: kinds[i % kinds.count], description: "")
        }
        do {
            let values = try QueryValues(request, declared: declared)
            for p in declared {
                if let d = values.instant(p.name) { _ = AsOf.format(d) }
            }
        } catch let error as GrantsError {
            FuzzCheck.that(error.problem.status == 422, "status \(error.problem.status)")
        } catch {
            FuzzCheck.that(false, "unexpected error \(error)")
        }
        // The raw path as the router sees it.
        var router = Router()
        router.get("/v1/:a/:b", { _ in HTTPResponse(status: 200) })
        _ = router.match(method: .GET, path: String(decoding: data, as: UTF8.self))
    }
}
