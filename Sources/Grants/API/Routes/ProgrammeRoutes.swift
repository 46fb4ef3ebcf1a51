import Foundation
import HTTP
import Postgres

/// Programmes (rules, cap, lump sums), their budget, and their calls.
enum ProgrammeRoutes {
    struct RulesPatch: Decodable, Sendable {
        var perVisitCapCents: Int64?
        var perThirdPartyCapCents: Int64?
        var halvingDistanceKm: Int?
        var halvingWorkingDays: Int?
        var minimumWorkingDays: Int?
        var maximumCalendarDays: Int?
        var maxFundedExchangesPerVisitor: Int?
        var prefinancingPercent: Int?
        var paymentDueDays: Int?
        var fourEyesPayments: Bool?
        var paymentDueFrom: String?
        var appealDays: Int?
        var reportDueDays: Int?
        var reminderOffsetDays: [Int]?
    }
    struct PatchBody: RequestBody {
        var name: String?
        var capCents: Int64?
        var rules: RulesPatch?
        var lumpSumsCents: [String: Int64]?
        var balanceReceivedOn: String?
    }
    struct CriterionInput: Decodable, Sendable {
        var key: String
        var weight: Double
        var minimum: Double
        var description: String?
    }
    struct CallBody: RequestBody {
        var title: String?
        var opensAt: Date?
        var closesAt: Date?
        var criteria: [CriterionInput]?
        var overallMinimum: Double?
        var divergenceLimit: Double?
        var minimumEvaluators: Int?
        var evaluationDays: Int?
    }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .GET,
                "/v1/programmes",
                roles: .everyone,
                id: "listProgrammes",
                tag: .programmes,
                summary: "List programmes",
                response: .page(ProgrammeResource.self)),
            list)
        table.add(
            Route(
                .GET,
                "/v1/programmes/:id",
                roles: .everyone,
                id: "getProgramme",
                tag: .programmes,
                summary: "Get a programme",
                response: .json(ProgrammeResource.self),
                traits: [.etag]),
            get)
        table.add(
            Route(
                .PATCH,
                "/v1/programmes/:id",
                roles: [.coordinator],
                id: "updateProgramme",
                tag: .programmes,
                summary: "Change a programme's rules, cap or lump sums",
                description: "Money settings are bounded: the cap and the per-visit and per-third-party caps at most EUR "
                    + "100 million, each lump sum at most the per-visit cap, percentages 0..100, day counts "
                    + "bounded; 422 names the member and the bound.",
                body: .json(PatchBody.self),
                response: .json(ProgrammeResource.self),
                traits: [.etag, .ifMatch],
                problems: [.capBelowCommitted]),
            patch)
        table.add(
            Route(
                .GET,
                "/v1/programmes/:id/budget",
                roles: .everyone,
                id: "getProgrammeBudget",
                tag: .programmes,
                summary: "Budget figures",
                response: .json(BudgetResource.self),
                problems: [.storedAmountOutOfRange]),
            budget)
        table.add(
            Route(
                .GET,
                "/v1/programmes/:id/calls",
                roles: .everyone,
                id: "listProgrammeCalls",
                tag: .calls,
                summary: "List a programme's calls",
                response: .page(CallResource.self)),
            listCalls)
        table.add(
            Route(
                .POST,
                "/v1/programmes/:id/calls",
                roles: [.coordinator],
                id: "createCall",
                tag: .calls,
                summary: "Open a call",
                body: .json(CallBody.self),
                response: .json(CallResource.self),
                status: 201,
                traits: [.etag]),
            createCall)
        table.add(
            Route(
                .GET,
                "/v1/calls/:id",
                roles: .everyone,
                id: "getCall",
                tag: .calls,
                summary: "Get a call",
                response: .json(CallResource.self),
                traits: [.etag]),
            getCall)
        table.add(
            Route(
                .PATCH,
                "/v1/calls/:id",
                roles: [.coordinator],
                id: "updateCall",
                tag: .calls,
                summary: "Change a call",
                body: .json(CallBody.self, schemaName: "CallPatch", hints: CallBody.patchHints),
                response: .json(CallResource.self),
                traits: [.etag, .ifMatch],
                problems: [.evaluationStarted]),
            patchCall)
    }

    @Sendable static func list(_ ctx: RequestContext) async throws -> HTTPResponse {
        let page = try Page(ctx.request)
        let items = try await ctx.db.withConnection { conn in
            var out: [ProgrammeResource] = []
            for row in try await conn.query("SELECT id FROM programmes WHERE id > \(page.afterID) ORDER BY id LIMIT \(page.fetchLimit)")
                .rows
            {
                out.append(try await ProgrammeResource.load(conn, id: try row.decode("id")))
            }
            return out
        }
        return try page.response(items, id: \.id)
    }

    @Sendable static func get(_ ctx: RequestContext) async throws -> HTTPResponse {
        let id = try ctx.id()
        let p = try await ctx.db.withConnection { try await ProgrammeResource.load($0, id: id) }
        var r = try HTTPResponse.json(p)
        r.headers.set("ETag", p.etag)
        return r
    }

    @Sendable static func budget(_ ctx: RequestContext) async throws -> HTTPResponse {
        let id = try ctx.id()
        return try .json(try await ctx.db.withConnection { try await BudgetResource.load($0, programmeID: id) })
    }

    /// The cap is changed under the programme row lock that approvals also take, so it can
    /// never drop below what a concurrent approval is committing.
    @Sendable static func patch(_ ctx: RequestContext) async throws -> HTTPResponse {
        let id = try ctx.id()
        let b = try ctx.body(PatchBody.self)
        var v = Validator()
        let name = b.name.map { v.text("name", $0, max: 300) }
        func bounded(_ field: String, _ value: Int64?, max: Int64) {
            if let value, !(0...max).contains(value) { v.fail(field, "must be between 0 and \(MoneyBounds.describe(max))", rule: "range") }
        }
        bounded("cap_cents", b.capCents, max: MoneyBounds.maxCapCents)
        if let r = b.rules {
            bounded("rules.per_visit_cap_cents", r.perVisitCapCents, max: MoneyBounds.maxRuleCents)
            bounded("rules.per_third_party_cap_cents", r.perThirdPartyCapCents, max: MoneyBounds.maxRuleCents)
            for (f, x, lo, hi) in [
                ("halving_distance_km", r.halvingDistanceKm, 0, 20_000), ("halving_working_days", r.halvingWorkingDays, 0, 31),
                ("minimum_working_days", r.minimumWorkingDays, 1, 31), ("maximum_calendar_days", r.maximumCalendarDays, 1, 366),
                ("max_funded_exchanges_per_visitor", r.maxFundedExchangesPerVisitor, 1, 100),
                ("prefinancing_percent", r.prefinancingPercent, 0, 100), ("payment_due_days", r.paymentDueDays, 0, 365),
                ("appeal_days", r.appealDays, 1, 365), ("report_due_days", r.reportDueDays, 0, 365),
            ] {
                if let x, !(lo...hi).contains(x) { v.fail("rules.\(f)", "must be between \(lo) and \(hi)", rule: "range") }
            }
        }
        if let offsets = b.rules?.reminderOffsetDays {
            if offsets.count > 10 { v.fail("rules.reminder_offset_days", "at most 10 offsets", rule: "max_items") }
            for (i, o) in offsets.prefix(11).enumerated() where !(-365...365).contains(o) {
                v.fail("rules.reminder_offset_days[\(i)]", "must be between -365 and 365 days from the deadline", rule: "range")
            }
        }
        let offsets = b.rules?.reminderOffsetDays.map { Array(Set($0)).sorted().map(Int64.init) }
        if let clock = b.rules?.paymentDueFrom, PaymentClock(rawValue: clock) == nil {
            v.fail("rules.payment_due_from", "must be exchange_end or report_acceptance", rule: "enum")
        }
        let balance = b.balanceReceivedOn.map { v.date("balance_received_on", $0) } ?? nil
        for (country, cents) in (b.lumpSumsCents ?? [:]).sorted(by: { $0.key < $1.key }) {
            if !Countries.cosme.contains(country) { v.fail("lump_sums_cents.\(country)", "not a COSME country", rule: "not_cosme") }
            bounded("lump_sums_cents.\(country)", cents, max: MoneyBounds.maxRuleCents)
        }
        try v.finish()
        let audit = ctx.audit
        let updated = try await ctx.db.write { conn in
            let before = try await ProgrammeResource.load(conn, id: id, lock: true)
            try ctx.checkIfMatch(current: before.etag)
            try lumpSumsWithinVisitCap(before: before, patch: b)
            if let cap = b.capCents {
                let budget = try await BudgetResource.load(conn, programmeID: id)
                if cap < budget.committedCents {
                    throw GrantsError.conflict(
                        code: .capBelowCommitted,
                        detail: "the cap cannot be set below the \(budget.committedCents) cents already committed (paid included)")
                }
            }
            let r = b.rules
            _ = try await conn.query(
                """
                UPDATE programmes SET name = coalesce(\(name), name), cap_cents = coalesce(\(b.capCents), cap_cents),
                  per_visit_cap_cents = coalesce(\(r?.perVisitCapCents), per_visit_cap_cents),
                  per_third_party_cap_cents = coalesce(\(r?.perThirdPartyCapCents), per_third_party_cap_cents),
                  halving_distance_km = coalesce(\(r?.halvingDistanceKm), halving_distance_km),
                  halving_working_days = coalesce(\(r?.halvingWorkingDays), halving_working_days),
                  minimum_working_days = coalesce(\(r?.minimumWorkingDays), minimum_working_days),
                  maximum_calendar_days = coalesce(\(r?.maximumCalendarDays), maximum_calendar_days),
                  max_funded_exchanges_per_visitor = coalesce(\(r?.maxFundedExchangesPerVisitor), max_funded_exchanges_per_visitor),
                  prefinancing_percent = coalesce(\(r?.prefinancingPercent), prefinancing_percent),
                  payment_due_days = coalesce(\(r?.paymentDueDays), payment_due_days),
                  four_eyes_payments = coalesce(\(r?.fourEyesPayments), four_eyes_payments),
                  payment_due_from = coalesce(\(r?.paymentDueFrom), payment_due_from),
                  appeal_days = coalesce(\(r?.appealDays), appeal_days),
                  report_due_days = coalesce(\(r?.reportDueDays), report_due_days),
                  reminder_offsets = coalesce(\(offsets)::integer[], reminder_offsets),
                  balance_received_on = coalesce(\(balance), balance_received_on),
                  version = version + 1, updated_at = now()
                WHERE id = \(id)
                """)
            for (country, cents) in b.lumpSumsCents ?? [:] {
                _ = try await conn.query(
                    """
                    INSERT INTO programme_lump_sums (programme_id, country, amount_cents, sourced, note)
                    VALUES (\(id), \(country), \(cents), false, 'set by a coordinator')
                    ON CONFLICT (programme_id, country) DO UPDATE SET amount_cents = excluded.amount_cents, sourced = false, note = excluded.note
                    """)
            }
            let after = try await ProgrammeResource.load(conn, id: id)
            try await AuditTrail.record(conn, audit, action: "programme.updated", entity: "programme", id: id, before: before, after: after)
            return after
        }
        var r = try HTTPResponse.json(updated)
        r.headers.set("ETag", updated.etag)
        return r
    }

    /// A lump sum is what one visit may receive, so none may exceed the per-visit cap (EUR 1,100 by
    /// default): checked on the values after the patch, whichever of the two it changes. The
    /// deferred trigger `lump_sum_within_visit_cap` (Migrations/0008) is the backstop.
    static func lumpSumsWithinVisitCap(before: ProgrammeResource, patch b: PatchBody) throws {
        let cap = b.rules?.perVisitCapCents ?? before.rules.perVisitCapCents
        var v = Validator()
        var sums = before.lumpSumsCents
        for (country, cents) in b.lumpSumsCents ?? [:] { sums[country] = cents }
        for (country, cents) in sums.sorted(by: { $0.key < $1.key }) where cents > cap {
            if let sent = b.lumpSumsCents?[country] {
                v.fail(
                    "lump_sums_cents.\(country)", "must be at most the per-visit cap of \(MoneyBounds.describe(cap)) (sent \(sent))",
                    rule: "lump_sum_above_visit_cap")
            } else {
                v.fail(
                    "rules.per_visit_cap_cents",
                    "must be at least the \(country) lump sum of \(MoneyBounds.describe(cents)); "
                        + "lower that lump sum in the same request", rule: "below_lump_sum")
            }
        }
        try v.finish()
    }

    @Sendable static func listCalls(_ ctx: RequestContext) async throws -> HTTPResponse {
        let id = try ctx.id()
        let page = try Page(ctx.request)
        let rows = try await ctx.db.withConnection { conn in
            _ = try await conn.query("SELECT 1 FROM programmes WHERE id = \(id)").single()
            return try await conn.query(
                """
                SELECT \(unescaped: CallResource.columns) FROM calls c
                WHERE c.programme_id = \(id) AND c.id > \(page.afterID) ORDER BY c.id LIMIT \(page.fetchLimit)
                """
            ).rows
        }
        return try page.response(try rows.map(CallResource.init(row:)), id: \.id)
    }

    @Sendable static func getCall(_ ctx: RequestContext) async throws -> HTTPResponse {
        let id = try ctx.id()
        let call = try await ctx.db.withConnection { try await CallResource.load($0, id: id) }
        var r = try HTTPResponse.json(call)
        r.headers.set("ETag", call.etag)
        return r
    }

    /// Turns the API's points and fractions into stored half points and basis points,
    /// refusing values that are not exactly representable.
    static func storedCriteria(_ input: [CriterionInput], _ v: inout Validator) -> [CallResource.StoredCriterion] {
        if input.isEmpty { v.fail("criteria", "at least one criterion is required", rule: "required") }
        var keys = Set<String>()
        var total = 0
        let stored = input.enumerated().map { (i, c) -> CallResource.StoredCriterion in
            let f = "criteria[\(i)]"
            if c.key.isEmpty || c.key.count > 40 || !c.key.unicodeScalars.allSatisfy({ ($0 >= "a" && $0 <= "z") || $0 == "_" }) {
                v.fail("\(f).key", "must be 1-40 lower-case letters or underscores", rule: "key")
            }
            if !keys.insert(c.key).inserted { v.fail("\(f).key", "duplicate criterion", rule: "duplicate") }
            let bp = (c.weight * 10_000).rounded()
            // Converted to Int only once in range: Int(1e304) would trap.
            var weight = 0
            if !c.weight.isFinite || c.weight <= 0 || c.weight > 1 || abs(bp - c.weight * 10_000) > 1e-6 {
                v.fail("\(f).weight", "must be a fraction in (0, 1] with at most 4 decimals", rule: "weight")
            } else {
                weight = Int(bp)
            }
            let hp = c.minimum * 2
            var minimum = 0
            if !c.minimum.isFinite || c.minimum < 0 || c.minimum > 5 || hp != hp.rounded() {
                v.fail("\(f).minimum", "must be 0..5 in half points", rule: "half_points")
            } else {
                minimum = Int(hp)
            }
            let description = v.optionalText("\(f).description", c.description, max: 2000, multiline: true)
            total += weight
            return .init(key: c.key, weightBasisPoints: weight, minimumHalfPoints: minimum, description: description)
        }
        if !input.isEmpty && total != 10_000 { v.fail("criteria", "the weights must sum to 1", rule: "weights_sum") }
        return stored
    }

    static func halfPoints(_ field: String, _ value: Double?, _ v: inout Validator) -> Int? {
        guard let value else { return nil }
        let hp = value * 2
        guard value.isFinite, (0...5).contains(value), hp == hp.rounded() else {
            v.fail(field, "must be 0..5 in half points", rule: "half_points")
            return nil
        }
        return Int(hp)
    }

    @Sendable static func createCall(_ ctx: RequestContext) async throws -> HTTPResponse {
        let programmeID = try ctx.id()
        let b = try ctx.body(CallBody.self)
        var v = Validator()
        let title = v.text("title", b.title ?? "", max: 300)
        v.instant("opens_at", b.opensAt)
        v.instant("closes_at", b.closesAt)
        if b.opensAt == nil { v.fail("opens_at", "is required", rule: "required") }
        if b.closesAt == nil { v.fail("closes_at", "is required", rule: "required") }
        if let o = b.opensAt, let c = b.closesAt, c <= o { v.fail("closes_at", "must be after opens_at", rule: "window") }
        let criteria = storedCriteria(b.criteria ?? defaultCriteria, &v)
        let overall = halfPoints("overall_minimum", b.overallMinimum ?? 3, &v)
        let divergence = halfPoints("divergence_limit", b.divergenceLimit ?? 1.5, &v)
        let minEval = b.minimumEvaluators ?? 2
        if !(1...10).contains(minEval) { v.fail("minimum_evaluators", "must be between 1 and 10", rule: "range") }
        let evaluationDays = b.evaluationDays ?? 10
        checkEvaluationDays(evaluationDays, &v)
        try v.finish()
        let criteriaJSON = String(decoding: try JSONEncoder.snake.encode(criteria), as: UTF8.self)
        let audit = ctx.audit
        let call = try await ctx.db.write { conn in
            _ = try await conn.query("SELECT 1 FROM programmes WHERE id = \(programmeID)").single()
            let id: Int64 = try await conn.query(
                """
                INSERT INTO calls (programme_id, title, opens_at, closes_at, criteria, overall_minimum_half_points,
                                   divergence_limit_half_points, minimum_evaluators, evaluation_days)
                VALUES (\(programmeID), \(title), \(b.opensAt), \(b.closesAt), \(criteriaJSON)::jsonb, \(overall), \(divergence), \(minEval),
                        \(evaluationDays))
                RETURNING id
                """
            ).single().decode("id")
            let call = try await CallResource.load(conn, id: id)
            try await AuditTrail.record(conn, audit, action: "call.created", entity: "call", id: id, after: call)
            return call
        }
        var r = try HTTPResponse.json(call, status: 201)
        r.headers.set("Location", "/v1/calls/\(call.id)")
        r.headers.set("ETag", call.etag)
        return r
    }

    /// Days an evaluator may be given for a score sheet (the column's CHECK, Migrations/0016).
    static let evaluationDays = 1...365

    static func checkEvaluationDays(_ days: Int, _ v: inout Validator) {
        if !evaluationDays.contains(days) {
            v.fail(
                "evaluation_days", "must be between \(evaluationDays.lowerBound) and \(evaluationDays.upperBound)", rule: "range")
        }
    }

    static let defaultCriteria: [CriterionInput] = [
        .init(key: "relevance", weight: 0.4, minimum: 3, description: "Relevance to precision medicine / digital health and to the scheme"),
        .init(key: "quality", weight: 0.3, minimum: 3, description: "Quality and feasibility of the exchange plan and host match"),
        .init(key: "impact", weight: 0.3, minimum: 2.5, description: "Expected impact and follow-up collaboration"),
    ]

    @Sendable static func patchCall(_ ctx: RequestContext) async throws -> HTTPResponse {
        let id = try ctx.id()
        let b = try ctx.body(CallBody.self)
        var v = Validator()
        let title = b.title.map { v.text("title", $0, max: 300) }
        v.instant("opens_at", b.opensAt)
        v.instant("closes_at", b.closesAt)
        let criteria = b.criteria.map { storedCriteria($0, &v) }
        let overall = halfPoints("overall_minimum", b.overallMinimum, &v)
        let divergence = halfPoints("divergence_limit", b.divergenceLimit, &v)
        if let m = b.minimumEvaluators, !(1...10).contains(m) { v.fail("minimum_evaluators", "must be between 1 and 10", rule: "range") }
        if let d = b.evaluationDays { checkEvaluationDays(d, &v) }
        try v.finish()
        let criteriaJSON = try criteria.map { String(decoding: try JSONEncoder.snake.encode($0), as: UTF8.self) }
        let audit = ctx.audit
        let call = try await ctx.db.write { conn in
            let before = try await CallResource.load(conn, id: id, lock: true)
            try ctx.checkIfMatch(current: before.etag)
            let opens = b.opensAt ?? before.opensAt
            let closes = b.closesAt ?? before.closesAt
            if closes <= opens { throw GrantsError.invalid("closes_at", "must be after opens_at", rule: "window") }
            if criteriaJSON != nil {
                let scored: Int64 = try await conn.query(
                    """
                    SELECT count(*)::bigint AS n FROM applications WHERE call_id = \(id)
                      AND status IN \(unescaped: ApplicationStatus.sqlList(ApplicationStatus.evaluationStarted))
                    """
                ).single().decode("n")
                if scored > 0 {
                    throw GrantsError.conflict(code: .evaluationStarted, detail: "criteria cannot change once evaluation has started")
                }
            }
            _ = try await conn.query(
                """
                UPDATE calls SET title = coalesce(\(title), title), opens_at = \(opens), closes_at = \(closes),
                  criteria = coalesce(\(criteriaJSON)::jsonb, criteria),
                  overall_minimum_half_points = coalesce(\(overall), overall_minimum_half_points),
                  divergence_limit_half_points = coalesce(\(divergence), divergence_limit_half_points),
                  minimum_evaluators = coalesce(\(b.minimumEvaluators), minimum_evaluators),
                  evaluation_days = coalesce(\(b.evaluationDays), evaluation_days),
                  version = version + 1, updated_at = now()
                WHERE id = \(id)
                """)
            let after = try await CallResource.load(conn, id: id)
            try await AuditTrail.record(conn, audit, action: "call.updated", entity: "call", id: id, before: before, after: after)
            return after
        }
        var r = try HTTPResponse.json(call)
        r.headers.set("ETag", call.etag)
        return r
    }
}
