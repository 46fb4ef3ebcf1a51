import Foundation
import HTTP
import Postgres

/// Drafting, computing, submitting and withdrawing exchange applications, and the
/// coordinator's eligibility check.
enum ApplicationRoutes {
    struct ParticipantInput: Decodable, Sendable {
        var name: String
        var email: String
        var position: String
    }
    struct OriginInput: Decodable, Sendable {
        var city: String
        var country: String
        var latitude: Double
        var longitude: Double
    }
    struct DeclarationsInput: Decodable, Sendable {
        var participantEmployedByVisitor: Bool?
        var participantThirdCountryNational: Bool?
        var residenceDaysInCosme: Int?
        var noPreviousClusterxchangeVisit: Bool?
    }
    struct Body: RequestBody {
        var callId: Int64?
        var hostOrganisationId: Int64?
        var participant: ParticipantInput?
        var origin: OriginInput?
        var activityStart: String?
        var activityEnd: String?
        var activityType: String?
        var objectives: String?
        var declarations: DeclarationsInput?
        var travelStart: String?
        var travelEnd: String?
    }
    struct EligibilityBody: RequestBody {
        var eligible: Bool
        var reason: String?
    }

    static func register(into table: inout RouteTable) {
        table.add(
            Route(
                .POST,
                "/v1/applications",
                roles: [.applicant],
                id: "createApplication",
                tag: .applications,
                summary: "Draft an application",
                description: "Creates a draft with the computed `working_days`, `distance_km` and `lump_sum_cents`. The host is "
                    + "then asked to accept the match. An organisation that may not visit is refused at once (422 "
                    + "`visitor_kind_not_eligible`, `cluster_membership_required`).",
                body: .json(Body.self),
                response: .json(ApplicationResource.self),
                status: 201,
                traits: [.etag],
                problems: [.visitorKindNotEligible, .clusterMembershipRequired]),
            create)
        table.add(
            Route(
                .GET,
                "/v1/applications",
                roles: .everyone,
                id: "listApplications",
                tag: .applications,
                summary: "List applications",
                description: "Applicants see their organisation's, evaluators those assigned to them, staff all.",
                response: .page(ApplicationResource.self),
                query: [
                    .oneOf("status", ApplicationStatus.self, "only applications in this status"),
                    .id("call_id", "only applications to this call"),
                    .id("organisation_id", "only applications of this visitor organisation"),
                    QueryParameter(
                        name: "report_due_by", kind: .date, description: "only those whose closing report is due on or before this date"),
                    QueryParameter(
                        name: "payment_due_by", kind: .date, description: "only those whose payment is due on or before this date"),
                ]),
            list)
        table.add(
            Route(
                .GET,
                "/v1/applications/:id",
                roles: .everyone,
                id: "getApplication",
                tag: .applications,
                summary: "Get an application",
                response: .json(ApplicationResource.self),
                traits: [.etag]),
            get)
        table.add(
            Route(
                .PATCH,
                "/v1/applications/:id",
                roles: [.applicant],
                id: "updateApplication",
                tag: .applications,
                summary: "Edit a draft",
                body: .json(Body.self, schemaName: "ApplicationPatch", hints: Body.patchHints),
                response: .json(ApplicationResource.self),
                traits: [.etag, .ifMatch],
                problems: [.invalidTransition]),
            patch)
        table.add(
            Route(
                .DELETE,
                "/v1/applications/:id",
                roles: [.applicant],
                id: "deleteApplication",
                tag: .applications,
                summary: "Delete a draft",
                description: "A draft without documents is deleted; one with documents is withdrawn instead (documents are "
                    + "never deleted).",
                status: 204,
                traits: [.ifMatch],
                problems: [.invalidTransition]),
            delete)
        table.add(
            Route(
                .POST,
                "/v1/applications/:id/submit",
                roles: [.applicant],
                id: "submitApplication",
                tag: .applications,
                summary: "Submit a draft",
                description: "Checks the scheme and submission rules (who may visit and host, the host's acceptance, the "
                    + "declarations, validated organisation, call open, host country, working days, ...): 422 lists every rule "
                    + "broken, its code naming the first scheme rule broken; 409 `previous_visit` when the organisation is on "
                    + "the earlier-visitors list.",
                response: .json(ApplicationResource.self),
                traits: [.etag, .ifMatch],
                problems: [
                    .invalidTransition, .validationFailed, .previousVisit, .visitorKindNotEligible, .clusterMembershipRequired,
                    .hostPreapprovalRequired, .hostAcceptanceMissing, .declarationRequired,
                ]),
            submit)
        table.add(
            Route(
                .POST,
                "/v1/applications/:id/withdraw",
                roles: [.applicant],
                id: "withdrawApplication",
                tag: .applications,
                summary: "Withdraw an application",
                body: .json(ReasonBody.self, required: false),
                response: .json(ApplicationResource.self),
                traits: [.etag],
                problems: [.invalidTransition]),
            withdraw)
        table.add(
            Route(
                .POST,
                "/v1/applications/:id/eligibility",
                roles: [.coordinator],
                id: "decideEligibility",
                tag: .applications,
                summary: "Record the eligibility check",
                body: .json(EligibilityBody.self),
                response: .json(ApplicationResource.self),
                traits: [.etag],
                problems: [.invalidTransition]),
            eligibility)
    }

    /// The validated, normalised content of a draft.
    struct Draft: Sendable {
        var callID: Int64
        var hostID: Int64
        var participant: ParticipantInput
        var origin: OriginInput
        var start: CalendarDate
        var end: CalendarDate
        var activityType: String
        var objectives: String
        var declarations: ParticipantDeclarations
        var travelStart: CalendarDate?
        var travelEnd: CalendarDate?

        /// What the host accepted: a change of any of it asks the host again.
        func hostFacingPartDiffers(from app: ApplicationResource) -> Bool {
            hostID != app.hostOrganisationId || start != app.activityStart || end != app.activityEnd
                || participant.name != app.participant.name || objectives != app.objectives
                || travelStart != app.travelStart || travelEnd != app.travelEnd
        }
    }

    /// What a stored application says, in the request's terms (PATCH merges over it; submit recomputes from it).
    static func draft(of app: ApplicationResource) -> Draft {
        Draft(
            callID: app.callId, hostID: app.hostOrganisationId, participant: participantInput(app), origin: originInput(app),
            start: app.activityStart, end: app.activityEnd, activityType: app.activityType, objectives: app.objectives,
            declarations: declarations(app), travelStart: app.travelStart, travelEnd: app.travelEnd)
    }
    static func declarations(_ app: ApplicationResource) -> ParticipantDeclarations {
        ParticipantDeclarations(
            employedByVisitor: app.declarations.participantEmployedByVisitor,
            thirdCountryNational: app.declarations.participantThirdCountryNational,
            residenceDaysInCosme: app.declarations.residenceDaysInCosme,
            noPreviousVisit: app.declarations.noPreviousClusterxchangeVisit)
    }
    static func participantInput(_ app: ApplicationResource) -> ParticipantInput {
        ParticipantInput(name: app.participant.name, email: app.participant.email, position: app.participant.position)
    }
    static func originInput(_ app: ApplicationResource) -> OriginInput {
        OriginInput(city: app.origin.city, country: app.origin.country, latitude: app.origin.latitude, longitude: app.origin.longitude)
    }

    static func validate(_ b: Body, over base: ApplicationResource?) throws -> Draft {
        var v = Validator()
        let callID = b.callId ?? base?.callId
        let hostID = b.hostOrganisationId ?? base?.hostOrganisationId
        if callID == nil { v.fail("call_id", "is required", rule: "required") }
        if hostID == nil { v.fail("host_organisation_id", "is required", rule: "required") }
        var participant = b.participant ?? base.map(participantInput)
        if let p = participant {
            participant = ParticipantInput(
                name: v.text("participant.name", p.name, max: 200),
                email: v.email("participant.email", p.email),
                position: v.text("participant.position", p.position, max: 200))
        } else {
            v.fail("participant", "is required", rule: "required")
        }
        var origin = b.origin ?? base.map(originInput)
        if let o = origin {
            let city = v.text("origin.city", o.city, max: 200)
            if !Countries.isAlpha2(o.country) {
                v.fail("origin.country", "must be an ISO 3166-1 alpha-2 code in upper case", rule: "country")
            }
            v.coordinates("origin.", latitude: o.latitude, longitude: o.longitude)
            origin = OriginInput(city: city, country: o.country, latitude: o.latitude, longitude: o.longitude)
        } else {
            v.fail("origin", "is required", rule: "required")
        }
        let start = b.activityStart.map { v.date("activity_start", $0) } ?? base?.activityStart
        let end = b.activityEnd.map { v.date("activity_end", $0) } ?? base?.activityEnd
        if b.activityStart == nil && base == nil { v.fail("activity_start", "is required", rule: "required") }
        if b.activityEnd == nil && base == nil { v.fail("activity_end", "is required", rule: "required") }
        if let s = start, let e = end, e < s { v.fail("activity_end", "activity_end is before activity_start", rule: "end_before_start") }
        let type = v.text("activity_type", b.activityType ?? base?.activityType ?? "", max: 100)
        let objectives = v.text("objectives", b.objectives ?? base?.objectives ?? "", max: 10_000, multiline: true)
        // Declarations merge member by member over what is stored (a PATCH may answer one question).
        var declarations = base.map(Self.declarations) ?? ParticipantDeclarations()
        if let d = b.declarations {
            declarations.employedByVisitor = d.participantEmployedByVisitor ?? declarations.employedByVisitor
            declarations.thirdCountryNational = d.participantThirdCountryNational ?? declarations.thirdCountryNational
            declarations.residenceDaysInCosme = d.residenceDaysInCosme ?? declarations.residenceDaysInCosme
            declarations.noPreviousVisit = d.noPreviousClusterxchangeVisit ?? declarations.noPreviousVisit
        }
        if let days = declarations.residenceDaysInCosme, !(0...36_600).contains(days) {
            v.fail("declarations.residence_days_in_cosme", "must be between 0 and 36600", rule: "range")
        }
        let travelStart = b.travelStart.map { v.date("travel_start", $0) } ?? base?.travelStart
        let travelEnd = b.travelEnd.map { v.date("travel_end", $0) } ?? base?.travelEnd
        if let start, let end {
            for broken in SchemeRules.travelViolations(start: start, end: end, travelStart: travelStart, travelEnd: travelEnd) {
                v.fail(broken.field, broken.message, rule: broken.rule)
            }
        }
        try v.finish()
        // Each is nil only with a violation recorded above, so finish() has thrown.
        guard let callID, let hostID, let participant, let origin, let start, let end else {
            throw GrantsError.invalid("body", "incomplete draft", rule: "required")
        }
        return Draft(
            callID: callID, hostID: hostID, participant: participant, origin: origin, start: start, end: end,
            activityType: type, objectives: objectives, declarations: declarations, travelStart: travelStart, travelEnd: travelEnd)
    }

    /// The figures the service computes for a draft (DESIGN.md §2), from the programme's
    /// current rules and lump-sum table.
    struct Figures: Sendable {
        var programmeID: Int64
        var rules: ProgrammeRules
        var hostCountry: String
        var hostValidated: Bool
        var baseCents: Int64?
        var workingDays: Int
        var distanceKm: Double
        var lumpSum: LumpSumComputation
        var callOpen: Bool
    }

    static func figures(_ conn: PostgresConnection, _ d: Draft) async throws -> Figures {
        guard
            let callRow = try await conn.query(
                """
                SELECT c.programme_id, (now() >= c.opens_at AND now() < c.closes_at) AS is_open FROM calls c WHERE c.id = \(d.callID)
                """
            ).rows.first
        else { throw GrantsError.invalid("call_id", "no such call", rule: "not_found") }
        let programmeID: Int64 = try callRow.decode("programme_id")
        guard
            let host = try await conn.query(
                """
                SELECT o.country, o.latitude, o.longitude, o.status = 'validated' AS validated FROM organisations o WHERE o.id = \(d.hostID)
                """
            ).rows.first
        else { throw GrantsError.invalid("host_organisation_id", "no such organisation", rule: "not_found") }
        let programme = try await conn.query("SELECT \(unescaped: ProgrammeResource.columns) FROM programmes p WHERE p.id = \(programmeID)")
            .single()
        let rules = try ProgrammeResource.rules(from: programme)
        let hostCountry: String = try host.decode("country")
        let base = try await conn.query(
            """
            SELECT amount_cents FROM programme_lump_sums WHERE programme_id = \(programmeID) AND country = \(hostCountry)
            """
        ).rows.first.map { try $0.decode("amount_cents", as: Int64.self) }
        let wd = ExchangeMetrics.workingDays(from: d.start, to: d.end)
        let km = ExchangeMetrics.distanceKm(
            Coordinates(latitude: d.origin.latitude, longitude: d.origin.longitude),
            Coordinates(latitude: try host.decode("latitude"), longitude: try host.decode("longitude")))
        return Figures(
            programmeID: programmeID, rules: rules, hostCountry: hostCountry, hostValidated: try host.decode("validated"),
            baseCents: base, workingDays: wd, distanceKm: km,
            lumpSum: LumpSum.compute(baseCents: base ?? 0, workingDays: wd, distanceKm: km, rules: rules),
            callOpen: try callRow.decode("is_open"))
    }

    @Sendable static func create(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        guard let orgID = user.organisationID else { throw GrantsError.forbidden("only an applicant with an organisation can apply") }
        let d = try validate(try ctx.body(Body.self), over: nil)
        let audit = ctx.audit
        let app = try await ctx.db.write { conn in
            let f = try await figures(conn, d)
            if d.hostID == orgID {
                throw GrantsError.invalid("host_organisation_id", "the host must be another organisation", rule: "host_is_visitor")
            }
            // Who may visit is known before any drafting effort: refuse at once, with the rule's code.
            if let broken = SchemeParticipation.visitorViolation(try await SchemeChecks.participation(conn, organisationID: orgID)) {
                throw GrantsError.validation([broken])
            }
            let decl = d.declarations
            let id: Int64 = try await conn.query(
                """
                INSERT INTO applications (programme_id, call_id, organisation_id, host_organisation_id, created_by,
                  participant_name, participant_email, participant_position, origin_city, origin_country, origin_latitude,
                  origin_longitude, activity_start, activity_end, activity_type, objectives, working_days, distance_km, lump_sum_cents,
                  participant_employed_by_visitor, participant_third_country_national, participant_residence_days,
                  no_previous_visit_declared, travel_start, travel_end)
                VALUES (\(f.programmeID), \(d.callID), \(orgID), \(d.hostID), \(user.userID), \(d.participant.name),
                  \(d.participant.email), \(d.participant.position), \(d.origin.city), \(d.origin.country), \(d.origin.latitude),
                  \(d.origin.longitude), \(d.start), \(d.end), \(d.activityType), \(d.objectives),
                  \(f.workingDays), \(f.distanceKm), \(f.lumpSum.amountCents),
                  \(decl.employedByVisitor), \(decl.thirdCountryNational), \(decl.residenceDaysInCosme), \(decl.noPreviousVisit),
                  \(d.travelStart), \(d.travelEnd))
                RETURNING id
                """
            ).single().decode("id")
            let app = try await ApplicationResource.load(conn, id: id, for: user)
            try await AuditTrail.record(conn, audit, action: "application.created", entity: "application", id: id, after: app)
            try await Outbox.notify(
                conn, [Notice(.matchToAccept, .hostOrganisation)], applicationID: id, statusAfter: app.status, reason: nil,
                dueOn: nil, actorID: user.userID)
            return app
        }
        return try ApplicationResource.respond(app, status: 201)
    }

    @Sendable static func list(_ ctx: RequestContext) async throws -> HTTPResponse {
        let user = try ctx.user
        let page = try Page(ctx.request)
        let status = ctx.query.text("status")
        let callID = ctx.query.id("call_id")
        let orgFilter = ctx.query.id("organisation_id")
        let reportDue = ctx.query.date("report_due_by")
        let paymentDue = ctx.query.date("payment_due_by")
        let evaluator: Int64? = user.role == .evaluator ? user.userID : nil
        let rows = try await ctx.db.query(
            """
            SELECT \(unescaped: ApplicationResource.columns) FROM applications a
            WHERE a.id > \(page.afterID)
              AND (\(user.applicantOrganisation)::bigint IS NULL OR a.organisation_id = \(user.applicantOrganisation))
              AND (\(evaluator)::bigint IS NULL OR EXISTS (
                    SELECT 1 FROM assignments s WHERE s.application_id = a.id AND s.evaluator_id = \(evaluator) AND s.status IN ('declared', 'submitted')))
              AND (\(status)::text IS NULL OR a.status = \(status))
              AND (\(callID)::bigint IS NULL OR a.call_id = \(callID))
              AND (\(orgFilter)::bigint IS NULL OR a.organisation_id = \(orgFilter))
              AND (\(reportDue)::date IS NULL OR a.report_due_on <= \(reportDue))
              AND (\(paymentDue)::date IS NULL OR a.payment_due_on <= \(paymentDue))
            ORDER BY a.id LIMIT \(page.fetchLimit)
            """
        ).rows
        return try page.response(try rows.map { try ApplicationResource(row: $0, role: user.role) }, id: \.id)
    }

    @Sendable static func get(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        return try ApplicationResource.respond(
            try await ctx.db.withConnection { try await ApplicationResource.load($0, id: id, for: user) })
    }

    @Sendable static func patch(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let body = try ctx.body(Body.self)
        let audit = ctx.audit
        let app = try await ctx.db.write { conn in
            let before = try await ApplicationResource.load(conn, id: id, for: user, lock: true)
            try ctx.checkIfMatch(current: before.etag)
            guard before.status == .draft else { throw GrantsError.invalidTransition(from: before.status, action: "edit") }
            let d = try validate(body, over: before)
            if d.hostID == before.organisationId {
                throw GrantsError.invalid("host_organisation_id", "the host must be another organisation", rule: "host_is_visitor")
            }
            let f = try await figures(conn, d)
            let decl = d.declarations
            // The host accepted this exchange as it was: a changed host, dates, participant or
            // objectives ask the host again; a changed host also needs its own pre-approval.
            let askHostAgain = d.hostFacingPartDiffers(from: before)
            let newHost = d.hostID != before.hostOrganisationId
            _ = try await conn.query(
                """
                UPDATE applications SET
                  participant_employed_by_visitor = \(decl.employedByVisitor),
                  participant_third_country_national = \(decl.thirdCountryNational),
                  participant_residence_days = \(decl.residenceDaysInCosme), no_previous_visit_declared = \(decl.noPreviousVisit),
                  travel_start = \(d.travelStart), travel_end = \(d.travelEnd),
                  host_acceptance = CASE WHEN \(askHostAgain) THEN 'pending' ELSE host_acceptance END,
                  host_decided_at = CASE WHEN \(askHostAgain) THEN NULL ELSE host_decided_at END,
                  host_decided_by = CASE WHEN \(askHostAgain) THEN NULL ELSE host_decided_by END,
                  host_decision_reason = CASE WHEN \(askHostAgain) THEN NULL ELSE host_decision_reason END,
                  host_acceptance_document_id = CASE WHEN \(askHostAgain) THEN NULL ELSE host_acceptance_document_id END,
                  host_preapproval_document_id = CASE WHEN \(newHost) THEN NULL ELSE host_preapproval_document_id END,
                  host_preapproval_note = CASE WHEN \(newHost) THEN NULL ELSE host_preapproval_note END,
                  host_preapproved_by = CASE WHEN \(newHost) THEN NULL ELSE host_preapproved_by END
                WHERE id = \(id)
                """)
            _ = try await conn.query(
                """
                UPDATE applications SET programme_id = \(f.programmeID), call_id = \(d.callID), host_organisation_id = \(d.hostID),
                  participant_name = \(d.participant.name), participant_email = \(d.participant.email),
                  participant_position = \(d.participant.position), origin_city = \(d.origin.city), origin_country = \(d.origin.country),
                  origin_latitude = \(d.origin.latitude), origin_longitude = \(d.origin.longitude),
                  activity_start = \(d.start), activity_end = \(d.end), activity_type = \(d.activityType),
                  objectives = \(d.objectives), working_days = \(f.workingDays), distance_km = \(f.distanceKm),
                  lump_sum_cents = \(f.lumpSum.amountCents), version = version + 1, updated_at = now()
                WHERE id = \(id)
                """)
            let after = try await ApplicationResource.load(conn, id: id, for: user)
            try await AuditTrail.record(
                conn, audit, action: "application.updated", entity: "application", id: id, before: before, after: after)
            // Asked again (a changed host, dates, participant or objectives): the host is told again.
            if askHostAgain {
                try await Outbox.notify(
                    conn, [Notice(.matchToAccept, .hostOrganisation)], applicationID: id, statusAfter: after.status, reason: nil,
                    dueOn: nil, actorID: user.userID)
            }
            return after
        }
        return try ApplicationResource.respond(app)
    }

    @Sendable static func delete(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let audit = ctx.audit
        try await ctx.db.write { conn in
            let before = try await ApplicationResource.load(conn, id: id, for: user, lock: true)
            try ctx.checkIfMatch(current: before.etag)
            guard before.status == .draft else { throw GrantsError.invalidTransition(from: before.status, action: "delete") }
            // Documents are never deleted (records kept): a draft with documents is withdrawn
            // instead, its documents kept and hidden with it.
            let documents: Int64 = try await conn.query(
                "SELECT count(*)::bigint AS n FROM documents WHERE application_id = \(id)"
            ).single().decode("n")
            if documents > 0 {
                _ = try await ApplicationLifecycle.move(
                    conn, before, .withdraw, reason: "draft deleted by the applicant; its documents are kept", audit: audit, user: user)
                return
            }
            _ = try await conn.query("DELETE FROM applications WHERE id = \(id)")
            try await AuditTrail.record(
                conn, audit, action: "application.deleted", entity: "application", id: id, before: before,
                after: Optional<AuditTrail.Empty>.none)
        }
        return .noContent()
    }

    @Sendable static func submit(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let audit = ctx.audit
        let app = try await ctx.db.write { conn in
            let app = try await ApplicationResource.load(conn, id: id, for: user, lock: true)
            try ctx.checkIfMatch(current: app.etag)
            guard app.status.apply(.submit) != nil else { throw GrantsError.invalidTransition(from: app.status, action: "submit") }
            let f = try await figures(conn, draft(of: app))
            let facts = try await conn.query(
                """
                SELECT o.status, o.country, (now() AT TIME ZONE 'UTC')::date AS today,
                  (SELECT count(*) FROM applications x WHERE x.programme_id = \(f.programmeID) AND x.organisation_id = o.id
                     AND x.id <> \(id) AND x.status IN \(unescaped: ApplicationStatus.fundedSQLList))::bigint AS funded
                FROM organisations o WHERE o.id = \(app.organisationId)
                """
            ).single()
            try await SchemeChecks.refusePreviousVisit(conn, organisationID: app.organisationId)
            let hasPermit: Bool = try await conn.query(
                """
                SELECT EXISTS (SELECT 1 FROM documents WHERE application_id = \(id) AND kind = 'residence_permit' AND withdrawn_at IS NULL) AS ok
                """
            ).single().decode("ok")
            let scheme = SchemeRules.check(
                SchemeFacts(
                    visitor: try await SchemeChecks.participation(conn, organisationID: app.organisationId),
                    host: try await SchemeChecks.participation(conn, organisationID: app.hostOrganisationId),
                    hostPreapproved: app.hostPreapproval != nil, hostAcceptance: app.hostAcceptance.status,
                    declarations: declarations(app), hasResidencePermit: hasPermit,
                    activityStart: app.activityStart, activityEnd: app.activityEnd, travelStart: app.travelStart, travelEnd: app.travelEnd))
            let violations =
                scheme
                + SubmissionRules.check(
                    SubmissionFacts(
                        organisationStatus: OrganisationStatus(rawValue: try facts.decode("status")) ?? .pendingValidation,
                        visitorCountry: try facts.decode("country"), hostCountry: f.hostCountry, hostValidated: f.hostValidated,
                        hostIsVisitor: app.hostOrganisationId == app.organisationId, callOpen: f.callOpen,
                        activityStart: app.activityStart, activityEnd: app.activityEnd, today: try facts.decode("today"),
                        hostCountryHasLumpSum: f.baseCents != nil, otherFundedExchanges: Int(try facts.decode("funded", as: Int64.self))),
                    rules: f.rules)
            if !violations.isEmpty { throw GrantsError.validation(violations) }
            // Rules or the lump-sum table may have changed since the draft was computed.
            return try await ApplicationLifecycle.move(
                conn, app, .submit, reason: nil, audit: audit, user: user,
                also: "working_days = \(f.workingDays), distance_km = \(f.distanceKm), lump_sum_cents = \(f.lumpSum.amountCents)")
        }
        return try ApplicationResource.respond(app)
    }

    @Sendable static func withdraw(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let reason = try ReasonBody.reason(of: ctx)
        let audit = ctx.audit
        let app = try await ctx.db.write { conn in
            let app = try await ApplicationResource.load(conn, id: id, for: user, lock: true)
            return try await ApplicationLifecycle.move(conn, app, .withdraw, reason: reason, audit: audit, user: user)
        }
        return try ApplicationResource.respond(app)
    }

    @Sendable static func eligibility(_ ctx: RequestContext) async throws -> HTTPResponse {
        let (id, user) = (try ctx.id(), try ctx.user)
        let b = try ctx.body(EligibilityBody.self)
        var v = Validator()
        let reason = v.optionalText("reason", b.reason, max: 2000, multiline: true)
        if !b.eligible && reason == nil { v.fail("reason", "an ineligibility decision needs a reason", rule: "required") }
        try v.finish()
        let audit = ctx.audit
        let app = try await ctx.db.write { conn in
            let app = try await ApplicationResource.load(conn, id: id, for: user, lock: true)
            return try await ApplicationLifecycle.move(
                conn, app, b.eligible ? .declareEligible : .declareIneligible, reason: reason, audit: audit, user: user)
        }
        return try ApplicationResource.respond(app)
    }
}
