import Foundation
import Postgres
import Synchronization

/// A call for applications. Scores are shown in points (0..5, half points) and weights as
/// fractions; storage keeps half points and basis points so no float decides a threshold.
struct CallResource: Codable, Sendable {
    struct CriterionView: Codable, Sendable {
        var key: String
        var weight: Double
        var minimum: Double
        var description: String?
    }
    var id: Int64
    var programmeId: Int64
    var title: String
    var opensAt: Date
    var closesAt: Date
    var status: String
    var criteria: [CriterionView]
    var overallMinimum: Double
    var divergenceLimit: Double
    var minimumEvaluators: Int
    /// Days an evaluator has for a score sheet, from the day of assignment (its `due_on`).
    var evaluationDays: Int
    var version: Int

    /// Stored form of one criterion (jsonb).
    struct StoredCriterion: Codable, Sendable {
        var key: String
        var weightBasisPoints: Int
        var minimumHalfPoints: Int
        var description: String?
    }

    static let columns = """
        c.id, c.programme_id, c.title, c.opens_at, c.closes_at, c.criteria::text AS criteria,
        c.overall_minimum_half_points, c.divergence_limit_half_points, c.minimum_evaluators, c.evaluation_days, c.version,
        (now() >= c.opens_at AND now() < c.closes_at) AS is_open, now() < c.opens_at AS upcoming
        """

    var stored: [StoredCriterion] = []
    var overallMinimumHalfPoints = 0
    var divergenceLimitHalfPoints = 0

    enum CodingKeys: String, CodingKey {
        case id, programmeId, title, opensAt, closesAt, status, criteria, overallMinimum, divergenceLimit, minimumEvaluators, evaluationDays
        case version
    }

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        programmeId = try row.decode("programme_id")
        title = try row.decode("title")
        opensAt = try row.decode("opens_at")
        closesAt = try row.decode("closes_at")
        status = try row.decode("is_open", as: Bool.self) ? "open" : (try row.decode("upcoming", as: Bool.self) ? "upcoming" : "closed")
        stored = try Self.decodeCriteria(try row.decode("criteria"))
        criteria = stored.map {
            CriterionView(
                key: $0.key, weight: Double($0.weightBasisPoints) / 10_000,
                minimum: Double($0.minimumHalfPoints) / 2, description: $0.description)
        }
        overallMinimumHalfPoints = try row.decode("overall_minimum_half_points")
        divergenceLimitHalfPoints = try row.decode("divergence_limit_half_points")
        overallMinimum = Double(overallMinimumHalfPoints) / 2
        divergenceLimit = Double(divergenceLimitHalfPoints) / 2
        minimumEvaluators = try row.decode("minimum_evaluators")
        evaluationDays = try row.decode("evaluation_days")
        version = try row.decode("version")
    }

    /// The stored criteria, decoded once per distinct text: JSONDecoder on this column was 17% of
    /// the machine's CPU on GET /v1/calls/{id} (perf), and a call's criteria rarely change.
    /// Bounded: emptied when it reaches 256 texts.
    static func decodeCriteria(_ text: String) throws -> [StoredCriterion] {
        if let known = decodedCriteria.withLock({ $0[text] }) { return known }
        let decoded = try JSONDecoder.snake.decode([StoredCriterion].self, from: Data(text.utf8))
        decodedCriteria.withLock { cache in
            if cache.count >= 256 { cache.removeAll() }
            cache[text] = decoded
        }
        return decoded
    }

    private static let decodedCriteria = Mutex<[String: [StoredCriterion]]>([:])

    var etag: String { "\"call-\(id)-v\(version)\"" }
    var isOpen: Bool { status == "open" }

    static func load(_ conn: PostgresConnection, id: Int64, lock: Bool = false) async throws -> CallResource {
        try CallResource(
            row: try await conn.prepared(
                """
                SELECT \(unescaped: columns) FROM calls c WHERE c.id = \(id) \(unescaped: lock ? "FOR UPDATE" : "")
                """
            ).single())
    }
}

extension JSONDecoder {
    static let snake: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }()
}
extension JSONEncoder {
    static let snake: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys]
        return e
    }()
}
