import Synchronization

/// Request counters, latency histograms and the open-connection gauge.
///
/// Sharded per event loop: each loop records into its own mutex-protected
/// shard, so the hot path takes an uncontended lock and scrapes (rare) pay for
/// merging instead.
public final class HTTPMetrics: Sendable {
    struct CounterKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    struct Histogram {
        var buckets: [Int]
        var sum: Double = 0
        var count: Int = 0
    }

    struct Shard {
        var requests: [CounterKey: Int] = [:]
        var latency: [String: Histogram] = [:]
    }

    /// Upper bounds in seconds; dense below 10 ms where the API should live.
    public static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private let shards: [ShardBox]
    /// Open client connections (admitted ones; 503-rejected ones are not counted).
    let openConnections = Atomic<Int>(0)
    /// Idle connections closed to make room for a new client at the cap.
    let shedConnections = Atomic<Int>(0)

    /// Holds one shard's lock. A class because `Mutex` is non-copyable and
    /// cannot live in an array directly.
    final class ShardBox: Sendable {
        let state = Mutex(Shard())
    }

    public init(shards: Int = 2) {
        self.shards = (0..<max(1, shards)).map { _ in ShardBox() }
    }

    public var openConnectionCount: Int { openConnections.load(ordering: .relaxed) }

    /// Total requests recorded so far.
    public var requestCount: Int {
        shards.reduce(0) { total, shard in total + shard.state.withLock { $0.requests.values.reduce(0, +) } }
    }

    /// Requests recorded for one route/method/status.
    public func count(method: HTTPMethod, route: String, status: Int) -> Int {
        let key = CounterKey(method: method.rawValue, route: route, status: status)
        return shards.reduce(0) { total, shard in total + shard.state.withLock { $0.requests[key] ?? 0 } }
    }

    func record(shard: Int, method: HTTPMethod, route: String, status: Int, seconds: Double) {
        let key = CounterKey(method: method.rawValue, route: route, status: status)
        let bounds = Self.latencyBuckets
        shards[shard % shards.count].state.withLock { state in
            state.requests[key, default: 0] += 1
            var h = state.latency[route] ?? Histogram(buckets: [Int](repeating: 0, count: bounds.count))
            if let i = bounds.firstIndex(where: { seconds <= $0 }) { h.buckets[i] += 1 }
            h.sum += seconds
            h.count += 1
            state.latency[route] = h
        }
    }

    /// Prometheus text exposition format 0.0.4.
    public func prometheusText() -> String {
        var requests: [CounterKey: Int] = [:]
        var latency: [String: Histogram] = [:]
        for shard in shards {
            shard.state.withLock { state in
                requests.merge(state.requests, uniquingKeysWith: +)
                for (route, h) in state.latency {
                    var merged = latency[route] ?? Histogram(buckets: [Int](repeating: 0, count: h.buckets.count))
                    for i in h.buckets.indices { merged.buckets[i] += h.buckets[i] }
                    merged.sum += h.sum
                    merged.count += h.count
                    latency[route] = merged
                }
            }
        }
        var out = "# HELP http_requests_total HTTP requests by route, method and status.\n# TYPE http_requests_total counter\n"
        for (key, count) in requests.sorted(by: {
            ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status)
        }) {
            out += "http_requests_total{method=\"\(key.method)\",route=\"\(escape(key.route))\",status=\"\(key.status)\"} \(count)\n"
        }
        out +=
            "# HELP http_request_duration_seconds Time from the first request byte to the response being queued.\n# TYPE http_request_duration_seconds histogram\n"
        for (route, h) in latency.sorted(by: { $0.key < $1.key }) {
            var cumulative = 0
            for (i, bound) in Self.latencyBuckets.enumerated() {
                cumulative += h.buckets[i]
                out += "http_request_duration_seconds_bucket{route=\"\(escape(route))\",le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "http_request_duration_seconds_bucket{route=\"\(escape(route))\",le=\"+Inf\"} \(h.count)\n"
            out += "http_request_duration_seconds_sum{route=\"\(escape(route))\"} \(h.sum)\n"
            out += "http_request_duration_seconds_count{route=\"\(escape(route))\"} \(h.count)\n"
        }
        out += "# HELP http_open_connections Client connections currently open.\n# TYPE http_open_connections gauge\n"
        out += "http_open_connections \(openConnectionCount)\n"
        out += "# HELP http_shed_connections_total Idle connections closed to admit a new client at the connection cap.\n"
        out += "# TYPE http_shed_connections_total counter\n"
        out += "http_shed_connections_total \(shedConnections.load(ordering: .relaxed))\n"
        return out
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(
            of: "\n", with: "\\n")
    }
}
