/// The webhook signature header, Stripe style: `X-ClusterXchange-Signature: t=<unix seconds>,
/// v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. The timestamp inside the signed text lets a
/// receiver refuse replays older than its tolerance (docs/webhooks.md shows the check).
public enum WebhookSignature {
    public static let header = "X-ClusterXchange-Signature"

    public static func sign(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(HMACSHA256.hex(HMACSHA256.mac(key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + body)))"
    }

    /// Whether `header` carries a v1 signature of `body` by `secret` made within `tolerance`
    /// seconds of `now`. Receivers in Swift can use this; it is also what the tests check.
    public static func verify(header: String, secret: String, body: [UInt8], now: Int64, tolerance: Int64 = 300) -> Bool {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { continue }
            if kv[0] == "t" { timestamp = Int64(kv[1]) }
            if kv[0] == "v1" { signatures.append(String(kv[1])) }
        }
        guard let t = timestamp, t.subtractingReportingOverflow(now).partialValue.magnitude <= tolerance.magnitude,
            !t.subtractingReportingOverflow(now).overflow
        else { return false }
        let expected = Array(sign(secret: secret, timestamp: t, body: body).split(separator: "=").last.map { Array($0.utf8) } ?? [])
        return signatures.contains { HMACSHA256.constantTimeEqual(Array($0.utf8), expected) }
    }
}
