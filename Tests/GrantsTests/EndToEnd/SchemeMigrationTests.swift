import Foundation
import Postgres
import Testing

@testable import Grants

/// Migrations/0014 on a database filled by the schema before it (0001..0013): existing rows are
/// carried forward, marked as recorded by the migration, and the audit chain still verifies.
@Suite("Scheme rules migration (end to end)")
struct SchemeMigrationTests {
    @Test func existingRowsAreCarriedForwardAndTheChainVerifies() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let migrations = root.appendingPathComponent("Migrations")
        let old = FileManager.default.temporaryDirectory.appendingPathComponent("cx-old-migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: old, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: old) }
        for name in try FileManager.default.contentsOfDirectory(atPath: migrations.path) where name.hasSuffix(".sql") && name < "0014" {
            try FileManager.default.copyItem(at: migrations.appendingPathComponent(name), to: old.appendingPathComponent(name))
        }
        let url = try await TestDatabases.freshDatabase()
        let pool = PostgresPool(configuration: PostgresConfiguration(url: url))
        _ = try await Migrator(pool: pool, directory: old).migrate()
        _ = try await Seeder.seed(pool: pool, directory: root.appendingPathComponent("seeds"), demo: false)

        // The old schema's rows: a visitor, its user, a signed agreement with its document, a
        // submitted application, a draft, and audit rows chained by the old trigger.
        let ids = try await pool.write { conn -> (signed: Int64, submitted: Int64, draft: Int64, sha: String) in
            let org: Int64 = try await conn.query(
                """
                INSERT INTO organisations (legal_name, country, kind, city, latitude, longitude, status)
                VALUES ('Old Genomics SRL', 'RO', 'sme', 'Cluj-Napoca', 46.77, 23.62, 'validated') RETURNING id
                """
            ).single().decode("id")
            let user: Int64 = try await conn.query(
                """
                INSERT INTO users (email, password_hash, name, role, organisation_id)
                VALUES ('old@example.org', 'x', 'Old Owner', 'applicant', \(org)) RETURNING id
                """
            ).single().decode("id")
            let host: Int64 = try await conn.query("SELECT id FROM organisations WHERE legal_name = 'BIOTECYL / SIVI'").single().decode(
                "id")
            var apps: [Int64] = []
            for status in ["agreement_signed", "submitted", "draft"] {
                let id: Int64 = try await conn.query(
                    """
                    INSERT INTO applications (programme_id, call_id, organisation_id, host_organisation_id, created_by, status,
                      participant_name, participant_email, participant_position, origin_city, origin_country, origin_latitude,
                      origin_longitude, activity_start, activity_end, activity_type, objectives, working_days, distance_km,
                      lump_sum_cents, submitted_at)
                    SELECT c.programme_id, c.id, \(org), \(host), \(user), \(status), 'Ana', 'ana@example.org', 'CTO', 'Cluj', 'RO',
                      46.77, 23.62, '2027-03-01', '2027-03-05', 'job_shadowing', 'pipeline', 5, 2300, 78000,
                      CASE WHEN \(status) = 'draft' THEN NULL ELSE now() END
                    FROM calls c WHERE c.title = 'ClusterXchange open call' RETURNING id
                    """
                ).single().decode("id")
                apps.append(id)
            }
            let sha: String = try await conn.query(
                """
                INSERT INTO documents (application_id, kind, filename, media_type, size_bytes, sha256, content, uploaded_by)
                VALUES (\(apps[0]), 'commitment_to_quality', 'ctq.pdf', 'application/pdf', 9, encode(sha256('%PDF-1.4\n'::bytea), 'hex'),
                  '%PDF-1.4\n'::bytea, \(user))
                RETURNING sha256
                """
            ).single().decode("sha256")
            _ = try await conn.query(
                """
                INSERT INTO documents (application_id, kind, filename, media_type, size_bytes, sha256, content, uploaded_by)
                VALUES (\(apps[2]), 'other', 'plan.pdf', 'application/pdf', 9, encode(sha256('%PDF-1.5\n'::bytea), 'hex'),
                  '%PDF-1.5\n'::bytea, \(user))
                """)
            for (n, id) in apps.enumerated() {
                _ = try await conn.query(
                    """
                    INSERT INTO audit_log (actor_id, actor_role, action, entity_type, entity_id, after)
                    VALUES (\(user), 'applicant', 'application.created', 'application', \(id), \("{\"n\": \(n)}")::jsonb)
                    """)
            }
            return (apps[0], apps[1], apps[2], sha)
        }
        // Now the migration under test, with the real directory.
        // 0014 first; later migrations (0015 onwards) run after it in the same call.
        #expect(try await Migrator(pool: pool, directory: migrations).migrate().first == "0014_scheme_rules")
        await pool.close()

        try await TestApp.with(databaseURL: url) { app in
            let auditor = try await app.staff("auditor")
            let signed = try await app.request("GET", "/v1/applications/\(ids.signed)", token: auditor.token)
            #expect(signed.json["missing_signatures"] as? [String] == [], "\(signed.text)")
            let signatures = signed.json["signatures"] as? [[String: Any]] ?? []
            #expect(signatures.count == 4)
            #expect(signatures.allSatisfy { $0["recorded_by_migration"] as? Bool == true && $0["document_sha256"] as? String == ids.sha })
            #expect((signed.json["host_acceptance"] as? [String: Any])?["reason"] as? String == "recorded by migration")
            let submitted = try await app.request("GET", "/v1/applications/\(ids.submitted)", token: auditor.token)
            #expect((submitted.json["host_acceptance"] as? [String: Any])?["status"] as? String == "accepted")
            #expect((submitted.json["declarations"] as? [String: Any])?["participant_employed_by_visitor"] == nil)
            let draft = try await app.request("GET", "/v1/applications/\(ids.draft)", token: auditor.token)
            #expect((draft.json["host_acceptance"] as? [String: Any])?["status"] as? String == "pending")
            #expect(try await app.request("GET", "/v1/applications/\(ids.draft)/documents", token: auditor.token).items.count == 1)
            let verify = try await app.request("GET", "/v1/audit-log/verify", token: auditor.token)
            #expect(verify.json["valid"] as? Bool == true, "\(verify.text)")
            #expect((verify.json["checked"] as? Int ?? 0) >= 3)
        }
    }
}
