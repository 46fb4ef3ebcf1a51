import HTTP

/// The request parser fed one byte stream twice: whole, and split at points chosen by the input.
/// Beyond "no trap", the two runs must agree on every request and on the error: a parser whose
/// answer depends on how TCP segmented the bytes is a request-smuggling bug.
enum HTTPParserHarness {
    static let router: Router = {
        var r = Router()
        let ok: HTTPHandler = { _ in HTTPResponse(status: 200) }
        r.get("/healthz", ok)
        r.get("/v1/applications/:id", ok)
        r.post("/v1/applications/:id/documents", bodyLimit: 4096, ok)
        return r
    }()

    static let limits = ParserLimits(maxRequestTargetBytes: 512, maxHeaderBytes: 2048, maxHeaderCount: 20, maxBodyBytes: 8192)

    @Sendable static func run(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let stream = Array(data.dropFirst())
        let whole = parse([stream[...]])
        var pieces: [ArraySlice<UInt8>] = []
        var seed = UInt32(first) | 1
        var start = 0
        while start < stream.count {
            seed = seed &* 1_103_515_245 &+ 12_345
            let size = 1 + Int(seed >> 16) % 17
            let end = min(stream.count, start + size)
            pieces.append(stream[start..<end])
            start = end
        }
        let split = parse(pieces)
        FuzzCheck.that(whole == split, "whole \(whole) != split \(split)")
    }

    /// What a connection would see: the requests in order, then the error or the leftover bytes.
    struct Outcome: Equatable {
        var requests: [String] = []
        var error: String?
    }

    static func parse(_ pieces: [ArraySlice<UInt8>]) -> Outcome {
        var parser = RequestParser(limits: limits)
        var outcome = Outcome()
        for piece in pieces {
            parser.append(Array(piece))
            do {
                while let event = try parser.next(bodyLimit: { head in
                    router.bodyLimit(method: head.method, path: String(head.target.prefix { $0 != "?" })) ?? limits.maxBodyBytes
                }) {
                    guard case .message(let head, let body) = event else { continue }
                    let request = HTTPRequest(
                        method: head.method, target: head.target, version: head.version,
                        headers: head.headers, body: body)
                    let matched: String
                    switch router.match(method: request.method, path: request.path) {
                    case .found: matched = "found"
                    case .methodNotAllowed: matched = "405"
                    case .notFound: matched = "404"
                    }
                    outcome.requests.append(
                        "\(head.method) \(head.target) \(head.headers.count) \(body.count) \(head.keepAlive) \(matched)")
                }
            } catch {
                outcome.error = "\(error.status)"
                return outcome
            }
        }
        return outcome
    }
}
