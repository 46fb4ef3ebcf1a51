/// One batch of delivery outcomes (e-mails or webhook deliveries) as the columns their rows are
/// updated with in one statement: the status each row moves to, when a retry is due and why it
/// failed. E-mail and webhooks name their success differently (`sent`, `delivered`); a failure
/// that may pass is tried again after `DeliveryBackoff`, one that cannot is dead-lettered.
public struct DeliveryOutcomes: Sendable {
    public enum Outcome: Sendable, Equatable {
        case succeeded
        /// Worth another attempt (a 4xx from the relay, a lost connection, a non-2xx answer).
        case retry(String)
        /// Never worth another attempt (a 5xx from the relay, an unusable row).
        case failed(String)
    }

    public let succeededStatus: String
    public let retryBaseSeconds: Double
    public private(set) var ids: [Int64] = []
    public private(set) var statuses: [String] = []
    /// Milliseconds until the next attempt (0 unless retried).
    public private(set) var delaysMilliseconds: [Int64] = []
    /// Empty when there is no error to keep.
    public private(set) var errors: [String] = []

    public init(succeededStatus: String, retryBaseSeconds: Double) {
        self.succeededStatus = succeededStatus
        self.retryBaseSeconds = retryBaseSeconds
    }

    /// Records row `id`'s outcome after its `attempts`-th attempt; `jitter` in 0...1.
    public mutating func append(_ id: Int64, _ outcome: Outcome, attempts: Int, jitter: Double) {
        ids.append(id)
        switch outcome {
        case .succeeded:
            statuses.append(succeededStatus)
            delaysMilliseconds.append(0)
            errors.append("")
        case .retry(let why):
            statuses.append("pending")
            let seconds = DeliveryBackoff.delaySeconds(afterAttempt: attempts, base: retryBaseSeconds, cap: 3600, jitter: jitter)
            delaysMilliseconds.append(Int64(seconds * 1000))
            errors.append(why)
        case .failed(let why):
            statuses.append("failed")
            delaysMilliseconds.append(0)
            errors.append(why)
        }
    }

    public var failures: Int { statuses.count { $0 != succeededStatus } }
}
