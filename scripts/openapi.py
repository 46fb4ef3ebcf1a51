#!/usr/bin/env python3
"""Builds the OpenAPI 3.1 document of the ClusterXchange API and writes openapi.json.

    python3 scripts/openapi.py           write <repo>/openapi.json
    python3 scripts/openapi.py --check   exit 1 (with a diff) when openapi.json is stale
                                         or when the routes registered in
                                         Sources/Grants/API/Routes/*.swift differ from
                                         the ones documented here
    python3 scripts/openapi.py --stdout  print the document instead of writing it

Standard library only. The source of truth is the Swift code:

* ROUTES below mirrors every `table.add(.METHOD, "/path/:param", roles: ...)` of
  Sources/Grants/API/Routes/*.swift; the script parses those calls and refuses to run
  when a route (or its roles) is missing, extra or different here.
* Request bodies and resources are written as the Swift property declarations they
  mirror (`legalName: String; vatNumber: String?`), turned into JSON Schema with the
  encoder's rules: camelCase -> snake_case, `Date` -> date-time, `CalendarDate` -> date,
  `Int64` -> integer, `T?` -> nullable and not required. Request bodies are checked
  against the Swift `members` list they copy.

* Only route groups wired into Sources/Grants/App/GrantsServer.swift count as served.

Adding a route: one `op(...)` entry in ROUTES (plus its body/resource schema if new, with
`origin=` naming the Swift struct so drift is caught).
"""

import difflib
import json
import os
import re
import sys
from collections import OrderedDict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(ROOT, "openapi.json")
GRANTS_DIR = os.path.join(ROOT, "Sources", "Grants")
ROUTES_DIR = os.path.join(GRANTS_DIR, "API", "Routes")
SERVER_FILE = os.path.join(GRANTS_DIR, "App", "GrantsServer.swift")

ALL_ROLES = ["applicant", "evaluator", "coordinator", "auditor"]
STAFF = ["coordinator", "auditor"]
PUBLIC = None  # roles == nil in Swift: no authentication

# --------------------------------------------------------------------------------------
# Enumerations (Sources/Grants/Domain)
# --------------------------------------------------------------------------------------

ROLE_ENUM = ALL_ROLES
ORGANISATION_KINDS = ["sme", "cluster", "research", "support_organisation", "public_authority", "large_company"]
ORGANISATION_STATUSES = ["pending_validation", "validated", "rejected"]
APPLICATION_STATUSES = [
    "draft", "submitted", "eligible", "ineligible", "in_evaluation", "evaluated", "approved", "reserve",
    "rejected", "agreement_signed", "report_submitted", "report_accepted", "paid", "closed", "withdrawn",
    "cancelled",
]
APPLICATION_EVENTS = [
    "submit", "withdraw", "declare_eligible", "declare_ineligible", "start_evaluation", "complete_evaluation",
    "approve", "reserve", "reject", "sign_agreement", "submit_report", "return_report", "accept_report", "pay",
    "close", "cancel",
]
DOCUMENT_KINDS = ["commitment_to_quality", "boarding_pass", "invoice", "host_confirmation", "closing_report", "other"]
DOCUMENT_MEDIA_TYPES = ["application/pdf", "image/png", "image/jpeg"]
CALL_STATUSES = ["open", "upcoming", "closed"]

COUNTRY = {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2 code, upper case"}
EMAIL = {"type": "string", "format": "email", "maxLength": 254}

# --------------------------------------------------------------------------------------
# Swift declarations -> JSON Schema
# --------------------------------------------------------------------------------------


def snake(name):
    """Foundation's JSONEncoder.KeyEncodingStrategy.convertToSnakeCase."""
    out = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    out = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", out)
    return out.lower()


def ref(name):
    return {"$ref": "#/components/schemas/" + name}


def nullable(schema):
    """`T?` in Swift: the value may be null (3.1 style type arrays; refs through anyOf)."""
    if "$ref" in schema or "type" not in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    s = OrderedDict(schema)
    types = s["type"] if isinstance(s["type"], list) else [s["type"]]
    s["type"] = types + ["null"]
    if "enum" in s:
        s["enum"] = list(s["enum"]) + [None]
    return s


SCALARS = {
    "String": lambda: {"type": "string"},
    "Bool": lambda: {"type": "boolean"},
    "Int": lambda: {"type": "integer"},
    "Int64": lambda: {"type": "integer", "format": "int64"},
    "Double": lambda: {"type": "number"},
    "Date": lambda: {"type": "string", "format": "date-time"},
    "CalendarDate": lambda: {"type": "string", "format": "date"},
    "JSONFragment": lambda: {"description": "any JSON value"},
}


def swift_type(t, field):
    """Maps a Swift type (without the trailing `?`) to a schema. Other names are $refs
    to component schemas: NAMED_TYPES maps the Swift struct name to the component name."""
    t = t.strip()
    m = re.fullmatch(r"\[(\w+)\s*:\s*(.+)\]", t)
    if m:
        value = m.group(2).strip()
        if value.endswith("?"):
            return {"type": "object", "additionalProperties": nullable(swift_type(value[:-1], field))}
        return {"type": "object", "additionalProperties": swift_type(value, field)}
    m = re.fullmatch(r"\[(.+)\]", t)
    if m:
        return {"type": "array", "items": swift_type(m.group(1), field)}
    if t in SCALARS:
        s = SCALARS[t]()
        if t in ("Int", "Int64") and field.endswith("_cents"):
            s["format"] = "int64"
        return s
    if t in NAMED_TYPES:
        return ref(NAMED_TYPES[t])
    raise SystemExit("openapi.py: no schema for Swift type %r (field %s)" % (t, field))


ORIGIN_CHECKS = []  # (component-ish label, swift file, struct name, [(name, type)] declared here)


def parse_decl(decl):
    out = []
    for part in re.split(r"[;\n]", decl):
        part = part.strip().removeprefix("var ").removeprefix("let ").strip()
        if part:
            name, _, t = part.partition(":")
            out.append((name.strip(), re.sub(r"\s+", "", t)))
    return out


def swift_struct(decl, fields=None, always_present=(), description=None, required=None, closed=False, origin=None):
    """A JSON object schema from Swift property declarations `name: Type; name2: Type?`.

    fields:          per-property overrides merged into the generated schema
                     (enum, pattern, bounds, description, ...).
    always_present:  optional properties the Swift code encodes as an explicit null
                     (custom `encode(to:)`), hence required but nullable.
    required:        for request bodies whose Swift properties are all optional so the
                     handler can report every missing member in one 422, the members
                     that handler requires.
    closed:          additionalProperties false (request bodies: unknown members are 422).
    origin:          ("Routes/X.swift", "Struct.Path") the Swift struct mirrored; `--check` fails
                     when its encoded properties differ from `decl`.
    """
    fields = fields or {}
    props = OrderedDict()
    req = []
    if origin:
        ORIGIN_CHECKS.append((origin[0], origin[1], parse_decl(decl)))
    for name, t in parse_decl(decl):
        optional = t.endswith("?")
        key = snake(name)
        schema = swift_type(t.rstrip("?"), key)
        for k, v in fields.get(key, {}).items():
            schema[k] = v
        if optional:
            schema = nullable(schema)
            if key in always_present:
                req.append(key)
        else:
            req.append(key)
        props[key] = schema
    unknown = set(fields) - set(props)
    if unknown:
        raise SystemExit("openapi.py: overrides for unknown members %s" % sorted(unknown))
    s = OrderedDict([("type", "object")])
    if description:
        s["description"] = description
    if required is not None:
        req = list(required)
    if req:
        s["required"] = req
    s["properties"] = props
    if closed:
        s["additionalProperties"] = False
    return s


# Swift struct name -> component schema name, for properties typed with another struct.
NAMED_TYPES = {
    "OrganisationResource": "Organisation",
    "OrganisationChangeResource": "OrganisationChange",
    "UserResource": "User",
    "ProgrammeRules": "ProgrammeRules",
    "RulesPatch": "ProgrammeRulesPatch",
    "CriterionView": "Criterion",
    "CriterionInput": "CriterionInput",
    "Participant": "Participant",
    "Origin": "Origin",
    "ParticipantInput": "ParticipantInput",
    "OriginInput": "OriginInput",
    "OrganisationInput": "OrganisationInput",
    "SheetView": "ScoreSheet",
    "AggregateView": "Aggregate",
    "ConsensusView": "Consensus",
    "AssignmentResource": "Assignment",
    "Item": "RankingItem",
    "Unranked": "Unrankable",
    "Applied": "AppliedDecision",
    "BreakdownItem": "BreakdownItem",
    "Beneficiary": "Beneficiary",
    "Totals": "ReportTotals",
    "OverduePayment": "OverduePayment",
    "OverdueTotals": "OverdueTotals",
    "BudgetResource": "Budget",
    "ApplicationStatus": "ApplicationStatus",
}


def members_of(schema, schemas, prefix=""):
    """The dotted member names a request body schema admits, like Swift's `members`."""
    out = []
    for key, sub in schema.get("properties", {}).items():
        path = prefix + key
        out.append(path)
        target = sub.get("anyOf", [sub])[0]
        if "$ref" in target:
            nested = schemas[target["$ref"].rsplit("/", 1)[1]]
            if nested.get("type") == "object" and "properties" in nested and nested.get("additionalProperties") is False:
                out += members_of(nested, schemas, path + ".")
    return out


# --------------------------------------------------------------------------------------
# Component schemas
# --------------------------------------------------------------------------------------

TEXT200 = {"minLength": 1, "maxLength": 200}
# Money bounds (Sources/Grants/Domain/MoneyBounds.swift, Migrations/0008): EUR 100 million.
MAX_CENTS = 10000000000
CENTS = {"minimum": 0, "maximum": MAX_CENTS}
LATITUDE = {"minimum": -90, "maximum": 90}
LONGITUDE = {"minimum": -180, "maximum": 180}
HALF_POINTS = {"minimum": 0, "maximum": 5, "multipleOf": 0.5}
PASSWORD = {"minLength": 10, "maxLength": 72, "description": "10 characters to 72 UTF-8 bytes (bcrypt)"}


def build_schemas():
    s = OrderedDict()

    s["Problem"] = OrderedDict([
        ("type", "object"),
        ("description", "RFC 9457 problem details. `code` is the stable identifier clients switch on; "
                        "`title` and `detail` are for humans. Some problems carry extension members "
                        "(`available_cents` and `requested_cents` with `budget_exceeded`, `current_status` "
                        "with `invalid_transition`, `limit_bytes` with `payload_too_large`)."),
        ("required", ["type", "title", "status", "code"]),
        ("properties", OrderedDict([
            ("type", {"type": "string", "format": "uri", "examples": ["https://clusterxchange.eu/problems/validation_failed"]}),
            ("title", {"type": "string"}),
            ("status", {"type": "integer", "minimum": 400, "maximum": 599}),
            ("code", {"type": "string", "examples": ["validation_failed"]}),
            ("detail", {"type": "string"}),
            ("errors", {"type": "array", "items": ref("FieldError")}),
            ("available_cents", {"type": "integer", "format": "int64"}),
            ("requested_cents", {"type": "integer", "format": "int64"}),
            ("current_status", ref("ApplicationStatus")),
            ("limit_bytes", {"type": "integer"}),
        ])),
        ("additionalProperties", True),
    ])
    s["FieldError"] = OrderedDict([
        ("type", "object"),
        ("required", ["field", "message"]),
        ("properties", OrderedDict([
            ("field", {"type": "string", "description": "snake_case path of the member, e.g. `organisation.country`"}),
            ("message", {"type": "string"}),
            ("rule", {"type": "string", "description": "the rule broken, e.g. `required`, `enum`, `unknown_field`"}),
        ])),
    ])

    s["ApplicationStatus"] = {"type": "string", "enum": APPLICATION_STATUSES}

    # ---- operational (OperationalRoutes.swift)
    s["Health"] = swift_struct("status: String", fields={"status": {"const": "ok"}}, origin=("API/Routes/OperationalRoutes.swift", "OperationalRoutes.Health"))
    s["Readiness"] = swift_struct(
        "status: String; database: String; pendingMigrations: [String]",
        fields={"status": {"enum": ["ready", "unavailable"]}, "database": {"enum": ["ok", "unreachable"]}}, origin=("API/Routes/OperationalRoutes.swift", "OperationalRoutes.Readiness"))

    # ---- accounts (AuthRoutes.swift, UserResource.swift)
    s["User"] = swift_struct(
        "id: Int64; email: String; name: String; role: String; active: Bool; createdAt: Date; organisation: OrganisationResource?",
        fields={"role": {"enum": ROLE_ENUM}},
        always_present=("organisation",),
        description="A user. `organisation` is the applicant's organisation, null for staff roles.", origin=("API/Resources/UserResource.swift", "UserResource"))
    s["LoginResponse"] = swift_struct("token: String; expiresAt: Date; user: UserResource", origin=("API/Routes/AuthRoutes.swift", "AuthRoutes.LoginResponse"))
    s["OrganisationInput"] = swift_struct(
        "legalName: String; country: String; kind: String; city: String; latitude: Double; longitude: Double; "
        "vatNumber: String?; iban: String?",
        fields={"legal_name": {"minLength": 1, "maxLength": 300}, "country": dict(COUNTRY, description="a COSME country (EU-27, AL, AM, BA, IS, XK, MD, ME, MK, RS, TR, UA)"),
                "kind": {"enum": ORGANISATION_KINDS}, "city": TEXT200, "latitude": LATITUDE, "longitude": LONGITUDE,
                "vat_number": {"maxLength": 32}, "iban": {"description": "checked with the ISO 13616 mod-97 check digits"}},
        closed=True, origin=("API/Routes/AuthRoutes.swift", "AuthRoutes.OrganisationInput"))
    s["RegisterRequest"] = swift_struct(
        "email: String; password: String; name: String; organisation: OrganisationInput",
        fields={"email": EMAIL, "password": PASSWORD, "name": TEXT200}, closed=True, origin=("API/Routes/AuthRoutes.swift", "AuthRoutes.RegisterBody"))
    s["LoginRequest"] = swift_struct("email: String; password: String", closed=True, origin=("API/Routes/AuthRoutes.swift", "AuthRoutes.LoginBody"))
    s["CreateUserRequest"] = swift_struct(
        "email: String; password: String; name: String; role: String",
        fields={"email": EMAIL, "password": PASSWORD, "name": TEXT200,
                "role": {"enum": ["evaluator", "coordinator", "auditor"], "description": "applicants register themselves"}},
        closed=True, origin=("API/Routes/AuthRoutes.swift", "AuthRoutes.CreateUserBody"))

    # ---- organisations (OrganisationRoutes.swift, OrganisationResource.swift)
    s["Organisation"] = swift_struct(
        "id: Int64; legalName: String; country: String; kind: String; city: String; latitude: Double; longitude: Double; "
        "vatNumber: String?; iban: String?; status: String; statusReason: String?; validatedAt: Date?; openToHosting: Bool; "
        "createdAt: Date; updatedAt: Date; version: Int; pendingChange: OrganisationChangeResource?",
        fields={"country": COUNTRY, "kind": {"enum": ORGANISATION_KINDS}, "status": {"enum": ORGANISATION_STATUSES},
                "iban": {"description": "the validated IBAN in force: payments go here until a pending change is approved"},
                "pending_change": {"description": "a change of bank or legal details waiting for a coordinator; null when none waits"}},
        always_present=("pending_change",), origin=("API/Resources/OrganisationResource.swift", "OrganisationResource"))
    s["OrganisationChange"] = swift_struct(
        "id: Int64; organisationId: Int64; status: String; proposed: [String: String]; previous: [String: String?]; "
        "requestedBy: Int64; requestedAt: Date; decidedBy: Int64?; decidedAt: Date?; decisionReason: String?",
        fields={"status": {"enum": ["pending", "approved", "rejected"]},
                "proposed": {"propertyNames": {"enum": ["legal_name", "country", "kind", "vat_number", "iban"]},
                             "description": "member -> proposed value (only the members that change)"},
                "previous": {"propertyNames": {"enum": ["legal_name", "country", "kind", "vat_number", "iban"]},
                             "description": "the same members' values in force when the change was requested"}},
        always_present=("decided_by", "decided_at", "decision_reason"),
        description="A requested change of a validated organisation's IBAN, VAT number, legal name, country or kind. "
                    "It applies only when a coordinator other than its requester approves it (four eyes).",
        origin=("API/Resources/OrganisationChangeResource.swift", "OrganisationChangeResource"))
    s["OrganisationChangeDecision"] = swift_struct(
        "decision: String; reason: String?",
        fields={"decision": {"enum": ["approved", "rejected"]},
                "reason": {"maxLength": 2000, "description": "required for a rejection; multi-line text (TAB, LF, CR allowed)"}},
        closed=True, origin=("API/Routes/OrganisationRoutes.swift", "OrganisationRoutes.ChangeDecisionBody"))
    s["Host"] = swift_struct(
        "id: Int64; legalName: String; kind: String; country: String; city: String; latitude: Double; longitude: Double",
        fields={"country": COUNTRY, "kind": {"enum": ORGANISATION_KINDS}},
        description="The public profile of a validated organisation open to hosting.", origin=("API/Resources/OrganisationResource.swift", "HostResource"))
    s["OrganisationPatch"] = swift_struct(
        "legalName: String?; country: String?; kind: String?; city: String?; latitude: Double?; longitude: Double?; "
        "vatNumber: String?; iban: String?; openToHosting: Bool?",
        fields={"legal_name": {"minLength": 1, "maxLength": 300}, "country": COUNTRY, "kind": {"enum": ORGANISATION_KINDS},
                "city": TEXT200, "latitude": LATITUDE, "longitude": LONGITUDE, "vat_number": {"maxLength": 32}},
        description="Members left out keep their value. On a `validated` organisation, a change of legal_name, country, "
                    "kind, vat_number or iban does not apply: the answer (200) is the organisation with its values in force "
                    "and `pending_change`, which a coordinator other than the requester must approve "
                    "(`POST /v1/organisations/{id}/changes/{change_id}/decision`). Other members apply at once. Before "
                    "validation, or after a rejection, every member applies at once. The status never changes here: only a "
                    "coordinator's validation decision moves it (a rejected organisation is reopened by a coordinator only).",
        closed=True, origin=("API/Routes/OrganisationRoutes.swift", "OrganisationRoutes.PatchBody"))
    s["OrganisationValidation"] = swift_struct(
        "decision: String; reason: String?",
        fields={"decision": {"enum": ["validated", "rejected"]}, "reason": {"maxLength": 2000, "description": "required for a rejection"}},
        description="Validating (again) is also how a coordinator reopens a rejected organisation.",
        closed=True, origin=("API/Routes/OrganisationRoutes.swift", "OrganisationRoutes.ValidationBody"))

    # ---- programmes and calls (ProgrammeRoutes.swift, ProgrammeResource.swift, CallResource.swift)
    rules = ("perVisitCapCents: Int64; perThirdPartyCapCents: Int64; halvingDistanceKm: Int; halvingWorkingDays: Int; "
             "minimumWorkingDays: Int; maximumCalendarDays: Int; maxFundedExchangesPerVisitor: Int; prefinancingPercent: Int; "
             "paymentDueDays: Int; fourEyesPayments: Bool")
    rule_bounds = {"per_visit_cap_cents": dict(CENTS, description="at most EUR 100 million; never below a lump sum (422 `below_lump_sum`)"),
                   "per_third_party_cap_cents": dict(CENTS, description="at most EUR 100 million"),
                   "halving_distance_km": {"minimum": 0, "maximum": 20000}, "halving_working_days": {"minimum": 0, "maximum": 31},
                   "minimum_working_days": {"minimum": 1, "maximum": 31}, "maximum_calendar_days": {"minimum": 1, "maximum": 366},
                   "max_funded_exchanges_per_visitor": {"minimum": 1, "maximum": 100},
                   "prefinancing_percent": {"minimum": 0, "maximum": 100}, "payment_due_days": {"minimum": 0, "maximum": 365}}
    s["ProgrammeRules"] = swift_struct(rules, description="The ClusterXchange rules of a programme (DESIGN.md §2).",
                                       origin=("Domain/ProgrammeRules.swift", "ProgrammeRules"))
    s["ProgrammeRulesPatch"] = swift_struct(rules.replace(";", "?;") + "?", fields=rule_bounds, closed=True, origin=("API/Routes/ProgrammeRoutes.swift", "ProgrammeRoutes.RulesPatch"))
    s["Programme"] = swift_struct(
        "id: Int64; code: String; name: String; periodStart: CalendarDate; periodEnd: CalendarDate; capCents: Int64; "
        "targetExchanges: Int; rules: ProgrammeRules; lumpSumsCents: [String: Int64]; lumpSumSources: [String: String]; version: Int",
        fields={"lump_sums_cents": {"propertyNames": COUNTRY, "description": "lump sum of a full exchange by host country"},
                "lump_sum_sources": {"propertyNames": COUNTRY,
                                     "additionalProperties": {"type": "string", "enum": ["sourced", "illustrative"]}}}, origin=("API/Resources/ProgrammeResource.swift", "ProgrammeResource"))
    s["ProgrammePatch"] = swift_struct(
        "name: String?; capCents: Int64?; rules: RulesPatch?; lumpSumsCents: [String: Int64]?",
        fields={"name": {"minLength": 1, "maxLength": 300},
                "cap_cents": dict(CENTS, description="at most EUR 100 million (10,000,000,000 cents); "
                                                     "never below what is committed (409 `cap_below_committed`)"),
                "lump_sums_cents": {"propertyNames": COUNTRY,
                                    "additionalProperties": {"type": "integer", "format": "int64", "minimum": 0, "maximum": MAX_CENTS},
                                    "description": "host country (COSME) -> lump sum of a full exchange; upserted. Each lump sum is at "
                                                   "most the per-visit cap (`rules.per_visit_cap_cents`, EUR 1,100 by default): 422 "
                                                   "`lump_sum_above_visit_cap`"}},
        closed=True, origin=("API/Routes/ProgrammeRoutes.swift", "ProgrammeRoutes.PatchBody"))
    s["Budget"] = swift_struct(
        "programmeId: Int64; capCents: Int64; committedCents: Int64; paidCents: Int64; outstandingCents: Int64; availableCents: Int64; "
        "reconciled: Bool",
        fields={"reconciled": {"description": "the programme's running totals (used by approvals under the lock) equal the ledger sums"}},
        description="Sums over the ledger: committed = granted to approved, not cancelled applications (paid included), "
                    "outstanding = committed - paid, available = cap - committed.", origin=("API/Resources/ProgrammeResource.swift", "BudgetResource"))
    s["Criterion"] = swift_struct(
        "key: String; weight: Double; minimum: Double; description: String?",
        fields={"weight": {"exclusiveMinimum": 0, "maximum": 1}, "minimum": HALF_POINTS}, origin=("API/Resources/CallResource.swift", "CallResource.CriterionView"))
    s["CriterionInput"] = swift_struct(
        "key: String; weight: Double; minimum: Double; description: String?",
        fields={"key": {"pattern": "^[a-z_]{1,40}$"},
                "weight": {"exclusiveMinimum": 0, "maximum": 1, "description": "a fraction with at most 4 decimals; the weights sum to 1"},
                "minimum": HALF_POINTS, "description": {"maxLength": 2000}},
        description="Unknown members inside a criterion are ignored (StrictJSON does not descend into arrays).", origin=("API/Routes/ProgrammeRoutes.swift", "ProgrammeRoutes.CriterionInput"))
    s["Call"] = swift_struct(
        "id: Int64; programmeId: Int64; title: String; opensAt: Date; closesAt: Date; status: String; criteria: [CriterionView]; "
        "overallMinimum: Double; divergenceLimit: Double; minimumEvaluators: Int; version: Int",
        fields={"status": {"enum": CALL_STATUSES}, "overall_minimum": HALF_POINTS, "divergence_limit": HALF_POINTS}, origin=("API/Resources/CallResource.swift", "CallResource"))
    call_body = ("title: String?; opensAt: Date?; closesAt: Date?; criteria: [CriterionInput]?; overallMinimum: Double?; "
                 "divergenceLimit: Double?; minimumEvaluators: Int?")
    call_fields = {"title": {"minLength": 1, "maxLength": 300}, "closes_at": {"description": "after opens_at"},
                   "criteria": {"minItems": 1}, "overall_minimum": HALF_POINTS, "divergence_limit": HALF_POINTS,
                   "minimum_evaluators": {"minimum": 1, "maximum": 10}}
    s["CallCreate"] = swift_struct(
        call_body, fields=call_fields, required=["title", "opens_at", "closes_at"], closed=True,
        description="Defaults: the MEDIC-NEST criteria (relevance 0.4/min 3, quality 0.3/min 3, impact 0.3/min 2.5), "
                    "overall minimum 3, divergence limit 1.5, 2 evaluators.", origin=("API/Routes/ProgrammeRoutes.swift", "ProgrammeRoutes.CallBody"))
    s["CallPatch"] = swift_struct(call_body, fields=call_fields, closed=True,
                                  description="Criteria cannot change once evaluation has started (409 `evaluation_started`).")

    # ---- applications (ApplicationRoutes.swift, ApplicationResource.swift)
    s["ParticipantInput"] = swift_struct("name: String; email: String; position: String",
                                         fields={"name": TEXT200, "email": EMAIL, "position": TEXT200}, closed=True, origin=("API/Routes/ApplicationRoutes.swift", "ApplicationRoutes.ParticipantInput"))
    s["OriginInput"] = swift_struct("city: String; country: String; latitude: Double; longitude: Double",
                                    fields={"city": TEXT200, "country": COUNTRY, "latitude": LATITUDE, "longitude": LONGITUDE},
                                    closed=True, origin=("API/Routes/ApplicationRoutes.swift", "ApplicationRoutes.OriginInput"))
    s["Participant"] = swift_struct("name: String; email: String; position: String", origin=("API/Resources/ApplicationResource.swift", "ApplicationResource.Participant"))
    s["Origin"] = swift_struct("city: String; country: String; latitude: Double; longitude: Double",
                               fields={"country": COUNTRY}, origin=("API/Resources/ApplicationResource.swift", "ApplicationResource.Origin"))
    app_body = ("callId: Int64?; hostOrganisationId: Int64?; participant: ParticipantInput?; origin: OriginInput?; "
                "activityStart: String?; activityEnd: String?; activityType: String?; objectives: String?")
    app_fields = {"call_id": {"minimum": 1}, "host_organisation_id": {"minimum": 1, "description": "another organisation than the applicant's"},
                  "activity_start": {"format": "date"}, "activity_end": {"format": "date", "description": "not before activity_start"},
                  "activity_type": {"minLength": 1, "maxLength": 100}, "objectives": {"minLength": 1, "maxLength": 10000}}
    s["ApplicationCreate"] = swift_struct(
        app_body, fields=app_fields, closed=True,
        required=["call_id", "host_organisation_id", "participant", "origin", "activity_start", "activity_end",
                  "activity_type", "objectives"], origin=("API/Routes/ApplicationRoutes.swift", "ApplicationRoutes.Body"))
    s["ApplicationPatch"] = swift_struct(app_body, fields=app_fields, closed=True,
                                         description="A draft only; members left out keep their value.")
    s["Application"] = swift_struct(
        "id: Int64; status: ApplicationStatus; programmeId: Int64; callId: Int64; organisationId: Int64; hostOrganisationId: Int64; "
        "participant: Participant; origin: Origin; activityStart: CalendarDate; activityEnd: CalendarDate; activityType: String; "
        "objectives: String; workingDays: Int; distanceKm: Double; lumpSumCents: Int64; grantedCents: Int64?; "
        "finalAmountCents: Int64?; paymentDueOn: CalendarDate?; actualStart: CalendarDate?; actualEnd: CalendarDate?; "
        "reportSummary: String?; statusReason: String?; submittedAt: Date?; decidedAt: Date?; createdAt: Date; updatedAt: Date; "
        "version: Int; allowedActions: [String]",
        fields={"allowed_actions": {"items": {"type": "string", "enum": APPLICATION_EVENTS},
                                    "description": "what the lifecycle allows next"}},
        description="An exchange application with the figures the service computed for it.", origin=("API/Resources/ApplicationResource.swift", "ApplicationResource"))
    s["EligibilityDecision"] = swift_struct(
        "eligible: Bool; reason: String?",
        fields={"reason": {"maxLength": 2000, "description": "required when eligible is false"}}, closed=True, origin=("API/Routes/ApplicationRoutes.swift", "ApplicationRoutes.EligibilityBody"))
    s["Reason"] = swift_struct("reason: String?", fields={"reason": {"maxLength": 2000, "description": "multi-line text"}},
                               closed=True, origin=("API/Routes/ApplicationRoutes.swift", "ApplicationRoutes.ReasonBody"))

    # ---- documents (DocumentRoutes.swift)
    s["Document"] = swift_struct(
        "id: Int64; applicationId: Int64; kind: String; filename: String; mediaType: String; sizeBytes: Int64; sha256: String; "
        "uploadedBy: Int64; createdAt: Date",
        fields={"kind": {"enum": DOCUMENT_KINDS}, "media_type": {"enum": DOCUMENT_MEDIA_TYPES},
                "sha256": {"pattern": "^[0-9a-f]{64}$"}}, origin=("API/Routes/DocumentRoutes.swift", "DocumentRoutes.DocumentResource"))

    # ---- audit (AuditRoutes.swift)
    s["AuditEntry"] = swift_struct(
        "id: Int64; occurredAt: Date; actorId: Int64?; actorRole: String?; action: String; entityType: String; entityId: Int64?; "
        "before: JSONFragment?; after: JSONFragment?; requestId: String?; clientAddress: String?; prevHash: String; hash: String",
        fields={"prev_hash": {"pattern": "^[0-9a-f]{64}$"}, "hash": {"pattern": "^[0-9a-f]{64}$"}},
        description="One change: who, what, when, from which request; hash-chained to the previous entry.", origin=("API/Routes/AuditRoutes.swift", "AuditRoutes.Entry"))
    s["AuditVerification"] = swift_struct(
        "valid: Bool; checked: Int; firstBrokenId: Int64?", always_present=("first_broken_id",), origin=("API/Routes/AuditRoutes.swift", "AuditRoutes.Verification"))

    # ---- evaluation (EvaluationRoutes.swift)
    SCORE_MAP = {"propertyNames": {"pattern": "^[a-z_]{1,40}$"}, "description": "criterion key -> points (0..5 in half points)"}
    s["AssignRequest"] = swift_struct("evaluatorId: Int64", fields={"evaluator_id": {"minimum": 1}}, closed=True,
                                      origin=("API/Routes/EvaluationRoutes.swift", "EvaluationRoutes.AssignBody"))
    s["DeclarationRequest"] = swift_struct(
        "conflictOfInterest: Bool; details: String?",
        fields={"details": {"maxLength": 2000, "description": "required when conflict_of_interest is true"}}, closed=True,
        description="Declaring a conflict voids the assignment: the evaluator never sees the application.",
        origin=("API/Routes/EvaluationRoutes.swift", "EvaluationRoutes.DeclarationBody"))
    s["ScoresRequest"] = swift_struct(
        "scores: [String: Double]; comments: [String: String]?; comment: String?",
        fields={"scores": SCORE_MAP,
                "comments": {"additionalProperties": {"type": "string", "maxLength": 10000},
                             "description": "criterion key -> comment (multi-line text, at most 10,000 characters each)"},
                "comment": {"maxLength": 10000}},
        closed=True, origin=("API/Routes/EvaluationRoutes.swift", "EvaluationRoutes.ScoresBody"))
    s["ConsensusRequest"] = swift_struct(
        "scores: [String: Double]; justification: String",
        fields={"scores": SCORE_MAP, "justification": {"minLength": 1, "maxLength": 10000}}, closed=True,
        origin=("API/Routes/EvaluationRoutes.swift", "EvaluationRoutes.ConsensusBody"))
    s["Assignment"] = swift_struct(
        "id: Int64; applicationId: Int64; callId: Int64; evaluatorId: Int64; visitorOrganisationName: String; status: String; "
        "conflictOfInterest: Bool?; conflictDetails: String?; declaredAt: Date?; createdAt: Date",
        fields={"status": {"enum": ["pending_declaration", "declared", "submitted", "void"]}},
        origin=("API/Routes/EvaluationRoutes.swift", "EvaluationRoutes.AssignmentResource"))
    s["ScoreSheet"] = swift_struct(
        "assignmentId: Int64; evaluatorId: Int64; scores: [String: Double]; comments: [String: String]; comment: String?; submittedAt: Date",
        origin=("API/Routes/EvaluationRoutes.swift", "EvaluationRoutes.SheetView"))
    s["Aggregate"] = swift_struct(
        "perCriterion: [String: Double]; weighted: Double; source: String; passes: Bool; failedMinimums: [String]; belowOverallMinimum: Bool",
        fields={"source": {"enum": ["evaluators", "consensus"]}},
        origin=("API/Routes/EvaluationRoutes.swift", "EvaluationRoutes.AggregateView"))
    s["Consensus"] = swift_struct(
        "scores: [String: Double]; justification: String; recordedBy: Int64; recordedAt: Date",
        origin=("API/Routes/EvaluationRoutes.swift", "EvaluationRoutes.ConsensusView"))
    s["EvaluationView"] = swift_struct(
        "applicationId: Int64; status: String; minimumEvaluators: Int; sheets: [SheetView]; aggregate: AggregateView?; "
        "divergence: [String]; consensus: ConsensusView?; needsConsensus: Bool; assignments: [AssignmentResource]",
        fields={"status": {"enum": APPLICATION_STATUSES}, "divergence": {"description": "criteria on which evaluators differ by more than the call's limit"}},
        always_present=("aggregate", "consensus"),
        description="Sheets, aggregate (per criterion and weighted), divergence and consensus. An applicant sees only the "
                    "aggregate of its own application, once decided.",
        origin=("API/Routes/EvaluationRoutes.swift", "EvaluationRoutes.EvaluationView"))

    # ---- ranking (RankingRoutes.swift)
    s["RankingItem"] = swift_struct(
        "rank: Int; applicationId: Int64; organisationId: Int64; status: String; weightedScore: Double; scores: [String: Double]; "
        "sme: Bool; submittedAt: Date?; lumpSumCents: Int64; passes: Bool; proposedDecision: String; reason: String; promotable: Bool",
        fields={"status": {"enum": ["evaluated", "reserve"]}, "proposed_decision": {"enum": ["approved", "reserve", "rejected"]},
                "reason": {"description": "e.g. `passes_and_fits`, `budget`, `organisation_limit`, `below_minimum:<criterion>`, `below_overall_minimum`"}},
        origin=("API/Routes/RankingRoutes.swift", "RankingRoutes.Item"))
    s["Unrankable"] = swift_struct(
        "applicationId: Int64; reason: String; diverging: [String]",
        fields={"reason": {"description": "`needs_consensus` or `insufficient_sheets`"}},
        origin=("API/Routes/RankingRoutes.swift", "RankingRoutes.Unranked"))
    s["Ranking"] = swift_struct(
        "callId: Int64; availableCents: Int64; items: [Item]; unrankable: [Unranked]; promotable: [Int64]",
        description="The call's evaluated and reserve applications ranked, with the decisions proposed against the budget available now.",
        origin=("API/Routes/RankingRoutes.swift", "RankingRoutes.RankingView"))
    s["AppliedDecision"] = swift_struct(
        "applicationId: Int64; decision: String; status: String",
        fields={"decision": {"enum": ["approved", "reserve", "rejected"]}, "status": {"enum": APPLICATION_STATUSES}},
        origin=("API/Routes/RankingRoutes.swift", "RankingRoutes.Applied"))
    s["RankingApplied"] = swift_struct(
        "callId: Int64; applied: [Applied]; budget: BudgetResource",
        origin=("API/Routes/RankingRoutes.swift", "RankingRoutes.ApplyResult"))

    # ---- decisions, agreements, reports (DecisionRoutes.swift)
    s["DecisionRequest"] = swift_struct(
        "decision: String; reason: String?",
        fields={"decision": {"enum": ["approved", "reserve", "rejected"]},
                "reason": {"maxLength": 2000, "description": "required for a rejection"}},
        closed=True, origin=("API/Routes/DecisionRoutes.swift", "DecisionRoutes.DecisionBody"))
    s["ReportRequest"] = swift_struct(
        "actualStart: String; actualEnd: String; summary: String",
        fields={"actual_start": {"format": "date"}, "actual_end": {"format": "date", "description": "not before actual_start"},
                "summary": {"minLength": 1, "maxLength": 20000}},
        description="The closing report; needs a boarding_pass or invoice and the host_confirmation among the documents.",
        closed=True, origin=("API/Routes/DecisionRoutes.swift", "DecisionRoutes.ReportBody"))
    s["ReviewRequest"] = swift_struct(
        "accepted: Bool; reason: String?",
        fields={"reason": {"maxLength": 2000, "description": "required when the report is returned"}},
        closed=True, origin=("API/Routes/DecisionRoutes.swift", "DecisionRoutes.ReviewBody"))

    # ---- payments (PaymentRoutes.swift)
    s["Payment"] = swift_struct(
        "id: Int64; applicationId: Int64; programmeId: Int64; kind: String; amountCents: Int64; status: String; requestedBy: Int64; "
        "requestedAt: Date; approvedBy: Int64?; approvedAt: Date?; executedBy: Int64?; bankReference: String?; "
        "valueDate: CalendarDate?; paidAt: Date?; failureReason: String?; payeeIban: String?",
        fields={"kind": {"enum": ["prefinancing", "final"]}, "status": {"enum": ["requested", "approved", "paid"]},
                "payee_iban": {"description": "the IBAN paid to: the organisation's validated IBAN when the payment was executed"}},
        always_present=("approved_by", "approved_at", "executed_by", "bank_reference", "value_date", "paid_at", "failure_reason",
                        "payee_iban"),
        origin=("API/Routes/PaymentRoutes.swift", "PaymentRoutes.PaymentResource"))
    s["PaymentRequest"] = swift_struct(
        "applicationId: Int64; kind: String",
        fields={"application_id": {"minimum": 1}, "kind": {"enum": ["prefinancing", "final"]}},
        description="The amount is computed: pre-financing = granted x the programme's percentage; final = final amount - paid.",
        closed=True, origin=("API/Routes/PaymentRoutes.swift", "PaymentRoutes.CreateBody"))
    s["PaymentExecution"] = swift_struct(
        "bankReference: String; valueDate: String",
        fields={"bank_reference": {"minLength": 1, "maxLength": 100}, "value_date": {"format": "date"}},
        closed=True, origin=("API/Routes/PaymentRoutes.swift", "PaymentRoutes.ExecuteBody"))
    s["PaymentFailure"] = swift_struct(
        "reason: String", fields={"reason": {"minLength": 1, "maxLength": 2000}},
        closed=True, origin=("API/Routes/PaymentRoutes.swift", "PaymentRoutes.FailBody"))

    # ---- ledger (LedgerRoutes.swift)
    s["LedgerEntry"] = swift_struct(
        "id: Int64; programmeId: Int64; applicationId: Int64; organisationId: Int64; kind: String; amountCents: Int64; "
        "actorId: Int64?; reason: String?; requestId: String?; createdAt: Date",
        fields={"kind": {"enum": ["commitment", "release", "payment"]}},
        description="An append-only movement: budget figures are sums over these.",
        origin=("API/Routes/LedgerRoutes.swift", "LedgerRoutes.Entry"))

    # ---- reports (ReportRoutes.swift)
    R = "API/Routes/ReportRoutes.swift"
    s["BreakdownItem"] = swift_struct(
        "key: String; label: String?; count: Int; committedCents: Int64; paidCents: Int64",
        fields={"label": {"description": "a human-readable name where the key is an id (calls)"},
                "count": {"description": "funded exchanges in the group"}},
        origin=(R, "ReportRoutes.BreakdownItem"))
    s["SpendingReport"] = swift_struct(
        "programmeId: Int64; programmeCode: String; asOf: String; capCents: Int64; committedCents: Int64; paidCents: Int64; "
        "outstandingCents: Int64; availableCents: Int64; approvedExchanges: Int; completedExchanges: Int; paidExchanges: Int; "
        "targetExchanges: Int; progress: Double; smeExchanges: Int; smeShare: Double; smeCommittedCents: Int64; "
        "smeShareOfMoney: Double; byHostCountry: [BreakdownItem]; byVisitorCountry: [BreakdownItem]; "
        "byOrganisationKind: [BreakdownItem]; byCall: [BreakdownItem]; byMonth: [BreakdownItem]",
        fields={"as_of": {"format": "date-time"}, "sme_share": {"description": "share of funded exchanges by SMEs (4 decimals)"}},
        description="Sums over the ledger up to `as_of`; every breakdown adds up to the top figures.",
        origin=(R, "ReportRoutes.SpendingReport"))
    s["Beneficiary"] = swift_struct(
        "organisationId: Int64; legalName: String; country: String; kind: String; vatNumber: String?; exchanges: Int; "
        "committedCents: Int64; paidCents: Int64; firstPaymentOn: CalendarDate?; lastPaymentOn: CalendarDate?",
        fields={"country": COUNTRY, "kind": {"enum": ORGANISATION_KINDS}},
        always_present=("vat_number", "first_payment_on", "last_payment_on"),
        origin=(R, "ReportRoutes.Beneficiary"))
    s["ReportTotals"] = swift_struct("count: Int; committedCents: Int64; paidCents: Int64", origin=(R, "ReportRoutes.Totals"))
    s["BeneficiariesReport"] = swift_struct(
        "programmeId: Int64; programmeCode: String; asOf: String; items: [Beneficiary]; totals: Totals",
        fields={"as_of": {"format": "date-time"}}, description="One row per supported third party.",
        origin=(R, "ReportRoutes.BeneficiariesReport"))
    s["OverduePayment"] = swift_struct(
        "applicationId: Int64; organisationId: Int64; organisation: String; finalAmountCents: Int64; paidCents: Int64; "
        "outstandingCents: Int64; paymentDueOn: CalendarDate; daysOverdue: Int",
        origin=(R, "ReportRoutes.OverduePayment"))
    s["OverdueTotals"] = swift_struct(
        "count: Int; finalAmountCents: Int64; paidCents: Int64; outstandingCents: Int64", origin=(R, "ReportRoutes.OverdueTotals"))
    s["OverdueReport"] = swift_struct(
        "programmeId: Int64; programmeCode: String; asOf: String; items: [OverduePayment]; totals: OverdueTotals",
        fields={"as_of": {"format": "date-time"}},
        description="Accepted reports whose payment was due before `as_of` and is not fully paid at `as_of`.",
        origin=(R, "ReportRoutes.OverdueReport"))

    for name in ["User", "Organisation", "OrganisationChange", "Host", "Programme", "Call", "Application", "Document", "AuditEntry",
                 "Assignment", "Payment", "LedgerEntry"]:
        s[name + "List"] = OrderedDict([
            ("type", "object"),
            ("required", ["items", "next_cursor"]),
            ("properties", OrderedDict([
                ("items", {"type": "array", "items": ref(name)}),
                ("next_cursor", {"type": ["string", "null"], "description": "pass as `cursor` for the next page; null on the last"}),
            ])),
        ])
    return s


# Request bodies as the Swift `members` lists declare them (StrictJSON refuses others).
SWIFT_MEMBERS = {
    "RegisterRequest": ["email", "password", "name", "organisation", "organisation.legal_name", "organisation.country",
                        "organisation.kind", "organisation.city", "organisation.latitude", "organisation.longitude",
                        "organisation.vat_number", "organisation.iban"],
    "LoginRequest": ["email", "password"],
    "CreateUserRequest": ["email", "password", "name", "role"],
    "OrganisationPatch": ["legal_name", "country", "kind", "city", "latitude", "longitude", "vat_number", "iban", "open_to_hosting"],
    "OrganisationValidation": ["decision", "reason"],
    "OrganisationChangeDecision": ["decision", "reason"],
    "ProgrammePatch": ["name", "cap_cents", "rules", "lump_sums_cents"] + ["rules." + m for m in [
        "per_visit_cap_cents", "per_third_party_cap_cents", "halving_distance_km", "halving_working_days",
        "minimum_working_days", "maximum_calendar_days", "max_funded_exchanges_per_visitor", "prefinancing_percent",
        "payment_due_days", "four_eyes_payments"]],
    "CallCreate": ["title", "opens_at", "closes_at", "criteria", "overall_minimum", "divergence_limit", "minimum_evaluators"],
    "CallPatch": ["title", "opens_at", "closes_at", "criteria", "overall_minimum", "divergence_limit", "minimum_evaluators"],
    "ApplicationCreate": ["call_id", "host_organisation_id", "participant", "participant.name", "participant.email",
                          "participant.position", "origin", "origin.city", "origin.country", "origin.latitude",
                          "origin.longitude", "activity_start", "activity_end", "activity_type", "objectives"],
    "EligibilityDecision": ["eligible", "reason"],
    "AssignRequest": ["evaluator_id"],
    "DeclarationRequest": ["conflict_of_interest", "details"],
    "ScoresRequest": ["scores", "comments", "comment"],
    "ConsensusRequest": ["scores", "justification"],
    "DecisionRequest": ["decision", "reason"],
    "ReportRequest": ["actual_start", "actual_end", "summary"],
    "ReviewRequest": ["accepted", "reason"],
    "PaymentRequest": ["application_id", "kind"],
    "PaymentExecution": ["bank_reference", "value_date"],
    "PaymentFailure": ["reason"],
    "Reason": ["reason"],
}
SWIFT_MEMBERS["ApplicationPatch"] = SWIFT_MEMBERS["ApplicationCreate"]

# --------------------------------------------------------------------------------------
# Parameters, headers, shared responses
# --------------------------------------------------------------------------------------

PARAMETERS = OrderedDict([
    ("Id", {"name": "id", "in": "path", "required": True, "description": "positive integer id; anything else is 404",
            "schema": {"type": "integer", "format": "int64", "minimum": 1}}),
    ("ChangeId", {"name": "change_id", "in": "path", "required": True, "description": "a change of this organisation",
                  "schema": {"type": "integer", "format": "int64", "minimum": 1}}),
    ("Limit", {"name": "limit", "in": "query", "required": False, "description": "page size",
               "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}}),
    ("Cursor", {"name": "cursor", "in": "query", "required": False,
                "description": "the `next_cursor` of the previous page (opaque)", "schema": {"type": "string"}}),
    ("IfMatch", {"name": "If-Match", "in": "header", "required": False,
                 "description": "an ETag from an earlier answer; when the resource has changed since, 412 instead of an overwrite",
                 "schema": {"type": "string"}}),
    ("IdempotencyKey", {"name": "Idempotency-Key", "in": "header", "required": False,
                        "description": "the same key with the same request replays the first successful answer "
                                       "(with `Idempotent-Replayed: true`); with a different request, 422 `idempotency_key_reused`",
                        "schema": {"type": "string", "minLength": 1, "maxLength": 255}}),
    ("XRequestId", {"name": "X-Request-Id", "in": "header", "required": False,
                    "description": "client-chosen request id (at most 128 of `[A-Za-z0-9._-]`), echoed and logged; generated when absent",
                    "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,128}$"}}),
])

HEADERS = OrderedDict([
    ("XRequestId", {"description": "the request id (the client's X-Request-Id when sane, else generated)",
                    "schema": {"type": "string"}}),
    ("ETag", {"description": "version of the resource; send it back in If-Match", "schema": {"type": "string"}}),
    ("Location", {"description": "URL of the created resource", "schema": {"type": "string"}}),
    ("RetryAfter", {"description": "seconds to wait before retrying", "schema": {"type": "integer", "minimum": 0}}),
    ("WWWAuthenticate", {"description": "`Bearer`", "schema": {"type": "string"}}),
])


def hdr(name):
    return {"$ref": "#/components/headers/" + name}


PROBLEM_JSON = "application/problem+json"

# status -> (component name, description, default code, extra headers)
ERRORS = OrderedDict([
    (400, ("BadRequest", "The body is not JSON or repeats a member at any depth (`malformed_json`), or the request is malformed "
                         "(`bad_request`).", "malformed_json", [])),
    (401, ("Unauthenticated", "No, an invalid, an expired or a revoked bearer token (`unauthenticated`).", "unauthenticated", ["WWW-Authenticate"])),
    (403, ("Forbidden", "The caller's role may not use this route (`forbidden`).", "forbidden", [])),
    (404, ("NotFound", "No such resource, or one the caller may not see (`not_found`).", "not_found", [])),
    (409, ("Conflict", "The request conflicts with the resource's state.", "invalid_transition", [])),
    (412, ("PreconditionFailed", "The If-Match ETag is stale (`precondition_failed`).", "precondition_failed", [])),
    (413, ("PayloadTooLarge", "The body exceeds the route's limit (`payload_too_large`).", "payload_too_large", [])),
    (415, ("UnsupportedMediaType", "Wrong Content-Type or content (`unsupported_media_type`).", "unsupported_media_type", [])),
    (422, ("ValidationFailed", "Input breaks a rule; `errors` names each member (`validation_failed`).", "validation_failed", [])),
    (429, ("RateLimited", "Too many failed logins, or too many registrations from this address or e-mail domain "
                          "(`rate_limited`); `Retry-After` and `detail` say when to try again.", "rate_limited", ["Retry-After"])),
    (503, ("ServiceUnavailable", "At capacity, database busy or unreachable (`service_unavailable`), or this client address already holds "
                                  "`MAX_CONNECTIONS_PER_ADDRESS` open connections (`too_many_connections`), or the request was not finished "
                                  "within `HANDLER_TIMEOUT_SECONDS` and may still complete (`handler_timeout`); retry after `Retry-After`.", "service_unavailable", ["Retry-After"])),
])

HEADER_COMPONENT = {"WWW-Authenticate": "WWWAuthenticate", "Retry-After": "RetryAfter", "ETag": "ETag", "Location": "Location"}


def problem_response(status, description=None, codes=None):
    name, default_description, code, extra = ERRORS[status]
    headers = OrderedDict([("X-Request-Id", hdr("XRequestId"))])
    for h in extra:
        headers[h] = hdr(HEADER_COMPONENT[h])
    example = OrderedDict([("type", "https://clusterxchange.eu/problems/" + (codes or [code])[0]),
                           ("title", name), ("status", status), ("code", (codes or [code])[0]),
                           ("detail", "..."), ("errors", [])])
    if status == 422:
        example["errors"] = [{"field": "email", "message": "must be an e-mail address", "rule": "email"}]
    return OrderedDict([
        ("description", description or default_description),
        ("headers", headers),
        ("content", {PROBLEM_JSON: {"schema": ref("Problem"), "example": example}}),
    ])


def error_ref(status):
    return {"$ref": "#/components/responses/" + ERRORS[status][0]}


# --------------------------------------------------------------------------------------
# Routes: one op() per `table.add` in Sources/Grants/API/Routes/*.swift
# --------------------------------------------------------------------------------------

def op(method, path, roles, operation_id, tag, summary, *, body=None, body_required=True, ok=200, response=None,
       query=(), paged=False, etag=False, if_match=False, conflicts=(), description=None, raw_upload=False,
       response_content=None, rate_limited=False, idempotent=False, location=True, also=()):
    """One operation.

    method/path/roles: exactly as in `table.add` (path with `:id`; roles None for open routes).
    body:        request body component name (JSON).   ok: success status.
    response:    response component name (None: no content, e.g. 204).
    query:       extra query parameters (dicts).         paged: limit/cursor + `<response>List`.
    etag:        success carries ETag.                   if_match: honours If-Match (412).
    conflicts:   409 problem codes the handler can answer.
    idempotent:  honours Idempotency-Key.                location: a 201 carries Location.
    also:        further error statuses the handler answers (e.g. 403 for a rule, 422 without a body).
    """
    return dict(method=method, path=path, roles=roles, operation_id=operation_id, tag=tag, summary=summary, body=body,
                body_required=body_required, ok=ok, response=response, query=list(query), paged=paged, etag=etag,
                if_match=if_match, conflicts=list(conflicts), description=description, raw_upload=raw_upload,
                response_content=response_content, rate_limited=rate_limited, idempotent=idempotent, location=location,
                also=list(also))


def qp(name, schema, description):
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


POSITIVE_ID = {"type": "integer", "format": "int64", "minimum": 1}
DATE_OR_TIMESTAMP = {"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]}
REPORT_QUERY = [
    dict(qp("programme_id", POSITIVE_ID, "the programme (422 when unknown)"), required=True),
    qp("as_of", DATE_OR_TIMESTAMP, "the instant reported on: a date (the end of that day, UTC) or an RFC 3339 timestamp; default now"),
    qp("format", {"type": "string", "enum": ["json", "csv"]}, "`csv` (or `Accept: text/csv`) for RFC 4180 CSV"),
]


def report_content(schema, csv_header):
    return OrderedDict([("application/json", {"schema": ref(schema)}),
                        ("text/csv", {"schema": {"type": "string"}, "example": csv_header})])


ROUTES = [
    # OperationalRoutes.swift
    op("GET", "/healthz", PUBLIC, "getHealth", "operations", "Liveness", response="Health",
       description="Answers 200 while the process serves requests; does not touch the database."),
    op("GET", "/readyz", PUBLIC, "getReadiness", "operations", "Readiness", response="Readiness",
       description="200 when the database answers and every migration is applied, else 503 with the same body."),
    op("GET", "/metrics", PUBLIC, "getMetrics", "operations", "Prometheus metrics",
       response_content={"text/plain": {"schema": {"type": "string"}}},
       description="HTTP and database-pool metrics in the Prometheus text format 0.0.4."),
    op("GET", "/openapi.json", PUBLIC, "getOpenAPI", "operations", "This document",
       response_content={"application/json": {"schema": {"type": "object"}}}),
    # AuthRoutes.swift
    op("POST", "/v1/auth/register", PUBLIC, "register", "auth", "Register an applicant and its organisation",
       body="RegisterRequest", ok=201, response="User", conflicts=["email_taken", "organisation_exists"], rate_limited=True,
       description="Creates the applicant account and its organisation (`pending_validation`). Attempts are limited per "
                   "client address (default 10 an hour) and per e-mail domain (default 20 a day): beyond that 429 with "
                   "`Retry-After`. 503 when too many registrations are being hashed at once."),
    op("POST", "/v1/auth/login", PUBLIC, "login", "auth", "Log in", body="LoginRequest", response="LoginResponse",
       rate_limited=True,
       description="Returns a bearer token. After a number of free failures per account (default 5) and per client "
                   "address (default 20), each further failure doubles the wait (1 s, 2 s, 4 s … at most 15 min) during "
                   "which attempts answer 429 with `Retry-After`; the right password after the wait always logs in."),
    op("POST", "/v1/auth/logout", ALL_ROLES, "logout", "auth", "Log out", ok=204,
       description="Revokes the bearer token of the request."),
    op("GET", "/v1/me", ALL_ROLES, "getMe", "auth", "Who am I", response="User"),
    op("POST", "/v1/users", ["coordinator"], "createUser", "users", "Create a staff account", body="CreateUserRequest",
       ok=201, response="User", conflicts=["email_taken"]),
    op("GET", "/v1/users", STAFF, "listUsers", "users", "List users", response="User", paged=True,
       query=[qp("role", {"type": "string", "enum": ROLE_ENUM}, "only users of this role")]),
    op("GET", "/v1/users/:id", STAFF, "getUser", "users", "Get a user", response="User"),
    # OrganisationRoutes.swift
    op("GET", "/v1/organisations", ["applicant", "coordinator", "auditor"], "listOrganisations", "organisations",
       "List organisations", response="Organisation", paged=True,
       query=[qp("status", {"type": "string", "enum": ORGANISATION_STATUSES}, "only organisations in this status")],
       description="An applicant sees only its own organisation."),
    op("GET", "/v1/organisations/:id", ["applicant", "coordinator", "auditor"], "getOrganisation", "organisations",
       "Get an organisation", response="Organisation", etag=True),
    op("PATCH", "/v1/organisations/:id", ["applicant", "coordinator"], "updateOrganisation", "organisations",
       "Update an organisation profile", body="OrganisationPatch", response="Organisation", etag=True, if_match=True,
       conflicts=["organisation_exists", "organisation_change_pending"],
       description="Bank and legal details of a validated organisation go to `pending_change` (200 with the values in force); "
                   "409 `organisation_change_pending` while an earlier change waits: a coordinator must approve or reject it first."),
    op("POST", "/v1/organisations/:id/validation", ["coordinator"], "validateOrganisation", "organisations",
       "Validate or reject an organisation", body="OrganisationValidation", response="Organisation", etag=True, if_match=True),
    op("GET", "/v1/organisations/:id/changes", ["applicant", "coordinator", "auditor"], "listOrganisationChanges", "organisations",
       "Changes of bank and legal details", response="OrganisationChange", paged=True,
       query=[qp("status", {"type": "string", "enum": ["pending", "approved", "rejected"]}, "only changes in this status")],
       description="An applicant sees its own organisation's."),
    op("GET", "/v1/organisations/:id/changes/:change_id", ["applicant", "coordinator", "auditor"], "getOrganisationChange",
       "organisations", "Get a change of bank or legal details", response="OrganisationChange"),
    op("POST", "/v1/organisations/:id/changes/:change_id/decision", ["coordinator"], "decideOrganisationChange", "organisations",
       "Approve or reject a change of bank or legal details", body="OrganisationChangeDecision", response="OrganisationChange",
       conflicts=["change_already_decided", "organisation_exists"],
       description="Four eyes: 403 `four_eyes` when the coordinator who requested the change decides it (another coordinator "
                   "must). Approving puts the proposed values in force; rejecting keeps the old ones."),
    op("GET", "/v1/hosts", ALL_ROLES, "listHosts", "organisations", "Host directory", response="Host", paged=True,
       query=[qp("country", COUNTRY, "only hosts in this country")],
       description="Validated organisations open to hosting; public profile only."),
    # ProgrammeRoutes.swift
    op("GET", "/v1/programmes", ALL_ROLES, "listProgrammes", "programmes", "List programmes", response="Programme", paged=True),
    op("GET", "/v1/programmes/:id", ALL_ROLES, "getProgramme", "programmes", "Get a programme", response="Programme", etag=True),
    op("PATCH", "/v1/programmes/:id", ["coordinator"], "updateProgramme", "programmes", "Change a programme's rules, cap or lump sums",
       body="ProgrammePatch", response="Programme", etag=True, if_match=True, conflicts=["cap_below_committed"],
       description="Money settings are bounded: the cap and the per-visit and per-third-party caps at most EUR 100 million, "
                   "each lump sum at most the per-visit cap, percentages 0..100, day counts bounded; 422 names the member and "
                   "the bound."),
    op("GET", "/v1/programmes/:id/budget", ALL_ROLES, "getProgrammeBudget", "programmes", "Budget figures", response="Budget",
       conflicts=["stored_amount_out_of_range"]),
    op("GET", "/v1/programmes/:id/calls", ALL_ROLES, "listProgrammeCalls", "calls", "List a programme's calls",
       response="Call", paged=True),
    op("POST", "/v1/programmes/:id/calls", ["coordinator"], "createCall", "calls", "Open a call", body="CallCreate",
       ok=201, response="Call", etag=True),
    op("GET", "/v1/calls/:id", ALL_ROLES, "getCall", "calls", "Get a call", response="Call", etag=True),
    op("PATCH", "/v1/calls/:id", ["coordinator"], "updateCall", "calls", "Change a call", body="CallPatch", response="Call",
       etag=True, if_match=True, conflicts=["evaluation_started"]),
    # ApplicationRoutes.swift
    op("POST", "/v1/applications", ["applicant"], "createApplication", "applications", "Draft an application",
       body="ApplicationCreate", ok=201, response="Application", etag=True,
       description="Creates a draft with the computed `working_days`, `distance_km` and `lump_sum_cents`."),
    op("GET", "/v1/applications", ALL_ROLES, "listApplications", "applications", "List applications",
       response="Application", paged=True,
       query=[qp("status", {"type": "string", "enum": APPLICATION_STATUSES}, "only applications in this status"),
              qp("call_id", POSITIVE_ID, "only applications to this call"),
              qp("organisation_id", POSITIVE_ID, "only applications of this visitor organisation")],
       description="Applicants see their organisation's, evaluators those assigned to them, staff all."),
    op("GET", "/v1/applications/:id", ALL_ROLES, "getApplication", "applications", "Get an application",
       response="Application", etag=True),
    op("PATCH", "/v1/applications/:id", ["applicant"], "updateApplication", "applications", "Edit a draft",
       body="ApplicationPatch", response="Application", etag=True, if_match=True, conflicts=["invalid_transition"]),
    op("DELETE", "/v1/applications/:id", ["applicant"], "deleteApplication", "applications", "Delete a draft", ok=204,
       if_match=True, conflicts=["invalid_transition"]),
    op("POST", "/v1/applications/:id/submit", ["applicant"], "submitApplication", "applications", "Submit a draft",
       response="Application", etag=True, if_match=True, conflicts=["invalid_transition"], also=[422],
       description="Checks the submission rules (validated organisation, call open, host country, working days, ...): "
                   "422 lists every rule broken."),
    op("POST", "/v1/applications/:id/withdraw", ["applicant"], "withdrawApplication", "applications", "Withdraw an application",
       body="Reason", body_required=False, response="Application", etag=True, conflicts=["invalid_transition"]),
    op("POST", "/v1/applications/:id/eligibility", ["coordinator"], "decideEligibility", "applications",
       "Record the eligibility check", body="EligibilityDecision", response="Application", etag=True,
       conflicts=["invalid_transition"]),
    # DocumentRoutes.swift
    op("POST", "/v1/applications/:id/documents", ["applicant"], "uploadDocument", "documents", "Upload a document",
       raw_upload=True, ok=201, response="Document", conflicts=["invalid_transition"],
       query=[dict(qp("kind", {"type": "string", "enum": DOCUMENT_KINDS}, "what the document is"), required=True),
              dict(qp("filename", {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[^/\\\\\"\\x00-\\x1f]+$"},
                      "the original file name (no path)"), required=True)],
       description="The raw bytes of a PDF, PNG or JPEG, at most 10 MiB. The type is sniffed from the content, "
                   "not taken from Content-Type (415 otherwise)."),
    op("GET", "/v1/applications/:id/documents", ["applicant", "coordinator", "auditor"], "listDocuments", "documents",
       "List an application's documents", response="Document", paged=True),
    op("GET", "/v1/documents/:id", ["applicant", "coordinator", "auditor"], "downloadDocument", "documents",
       "Download a document", etag=True,
       response_content=OrderedDict((m, {"schema": {"type": "string", "format": "binary"}})
                                    for m in DOCUMENT_MEDIA_TYPES + ["application/octet-stream"]),
       description="The stored bytes with their media type; the ETag is the quoted SHA-256."),
    op("DELETE", "/v1/documents/:id", ["applicant"], "deleteDocument", "documents", "Delete a document of a draft", ok=204,
       conflicts=["invalid_transition"]),
    # EvaluationRoutes.swift
    op("POST", "/v1/applications/:id/assignments", ["coordinator"], "assignEvaluator", "evaluation", "Assign an evaluator",
       body="AssignRequest", ok=201, response="Assignment", location=False, conflicts=["invalid_transition", "already_assigned"],
       description="The application must be eligible (it moves to `in_evaluation`) or in evaluation."),
    op("GET", "/v1/assignments", ["evaluator", "coordinator", "auditor"], "listAssignments", "evaluation", "List assignments",
       response="Assignment", paged=True,
       query=[qp("application_id", POSITIVE_ID, "only assignments of this application")],
       description="An evaluator sees its own."),
    op("POST", "/v1/assignments/:id/declaration", ["evaluator"], "declareConflictOfInterest", "evaluation",
       "Declare (no) conflict of interest", body="DeclarationRequest", response="Assignment", conflicts=["already_declared"]),
    op("PUT", "/v1/assignments/:id/scores", ["evaluator"], "submitScores", "evaluation", "Score an application",
       body="ScoresRequest", response="EvaluationView", conflicts=["assignment_void", "invalid_transition"],
       description="403 `conflict_of_interest` until the declaration is made. The last sheet needed completes the evaluation."),
    op("GET", "/v1/applications/:id/evaluation", ["applicant", "coordinator", "auditor"], "getEvaluation", "evaluation",
       "Evaluation of an application", response="EvaluationView"),
    op("POST", "/v1/applications/:id/consensus", ["coordinator"], "recordConsensus", "evaluation", "Record consensus scores",
       body="ConsensusRequest", response="EvaluationView", conflicts=["invalid_transition"]),
    # RankingRoutes.swift
    op("GET", "/v1/calls/:id/ranking", STAFF, "getRanking", "evaluation", "Ranking and proposed decisions", response="Ranking"),
    op("POST", "/v1/calls/:id/ranking/apply", ["coordinator"], "applyRanking", "evaluation", "Apply the proposed decisions",
       response="RankingApplied", idempotent=True, conflicts=["invalid_transition", "budget_exceeded", "organisation_limit"]),
    # DecisionRoutes.swift
    op("POST", "/v1/applications/:id/decision", ["coordinator"], "decideApplication", "decisions", "Decide an application",
       body="DecisionRequest", response="Application", etag=True, idempotent=True,
       conflicts=["invalid_transition", "budget_exceeded", "organisation_limit"],
       description="Approval commits the lump sum within the programme cap and the per-organisation limits."),
    op("POST", "/v1/applications/:id/agreement", ["coordinator"], "recordAgreement", "decisions",
       "Record the signed Commitment to Quality", response="Application", etag=True, conflicts=["invalid_transition"],
       also=[422], description="Needs a `commitment_to_quality` document (422 otherwise)."),
    op("POST", "/v1/applications/:id/cancel", ["coordinator"], "cancelApplication", "decisions", "Cancel an approved exchange",
       body="Reason", body_required=False, response="Application", etag=True, conflicts=["invalid_transition", "open_payment"],
       description="Releases what was committed and not paid."),
    op("POST", "/v1/applications/:id/report", ["applicant"], "submitReport", "decisions", "File the closing report",
       body="ReportRequest", response="Application", etag=True, conflicts=["invalid_transition"]),
    op("POST", "/v1/applications/:id/report/review", ["coordinator"], "reviewReport", "decisions", "Accept or return the closing report",
       body="ReviewRequest", response="Application", etag=True, conflicts=["invalid_transition"],
       description="Accepting recomputes the final amount on the actual dates, releases the difference and sets `payment_due_on`."),
    op("POST", "/v1/applications/:id/close", ["coordinator"], "closeApplication", "decisions", "Close a paid exchange",
       response="Application", etag=True, conflicts=["invalid_transition"]),
    # PaymentRoutes.swift
    op("POST", "/v1/payments", ["coordinator"], "requestPayment", "payments", "Request a payment", body="PaymentRequest",
       ok=201, response="Payment", idempotent=True,
       conflicts=["invalid_transition", "no_prefinancing", "nothing_to_pay", "payment_exists", "stored_amount_out_of_range"]),
    op("GET", "/v1/payments", ["applicant", "coordinator", "auditor"], "listPayments", "payments", "List payments",
       response="Payment", paged=True,
       query=[qp("status", {"type": "string", "enum": ["requested", "approved", "paid"]}, "only payments in this status"),
              qp("application_id", POSITIVE_ID, "only payments of this application")],
       description="An applicant sees its organisation's."),
    op("GET", "/v1/payments/:id", ["applicant", "coordinator", "auditor"], "getPayment", "payments", "Get a payment",
       response="Payment"),
    op("POST", "/v1/payments/:id/approve", ["coordinator"], "approvePayment", "payments", "Approve a payment",
       response="Payment", idempotent=True, conflicts=["invalid_transition"],
       description="Four eyes: 403 `four_eyes` when the requester approves."),
    op("POST", "/v1/payments/:id/execute", ["coordinator"], "executePayment", "payments", "Record the transfer",
       body="PaymentExecution", response="Payment", idempotent=True,
       conflicts=["invalid_transition", "iban_missing", "organisation_not_validated"],
       description="Books the payment in the ledger; a final payment moves the application to `paid`. Pays only a validated "
                   "organisation, to its validated IBAN (recorded as `payee_iban`); a pending change of it does not count."),
    op("POST", "/v1/payments/:id/fail", ["coordinator"], "failPayment", "payments", "Record a rejected transfer",
       body="PaymentFailure", response="Payment", idempotent=True, conflicts=["invalid_transition"],
       description="The payment stays approved; nothing is booked."),
    # LedgerRoutes.swift
    op("GET", "/v1/ledger", STAFF, "listLedger", "ledger", "The ledger", paged=True,
       query=[qp("programme_id", POSITIVE_ID, "only this programme"),
              qp("application_id", POSITIVE_ID, "only this application"),
              qp("from", {"type": "string", "format": "date"}, "entries on or after this day (UTC)"),
              qp("to", {"type": "string", "format": "date"}, "entries up to and including this day (UTC)"),
              qp("format", {"type": "string", "enum": ["json", "csv"]}, "`csv` (or `Accept: text/csv`): every matching entry as CSV")],
       response_content=OrderedDict([
           ("application/json", {"schema": ref("LedgerEntryList")}),
           ("text/csv", {"schema": {"type": "string"},
                         "example": "id,created_at,programme_id,application_id,organisation_id,kind,amount_eur,actor_id,reason,request_id\r\n"})]),
       description="JSON pages, or RFC 4180 CSV (amounts in euros, formula-like cells neutralised)."),
    # ReportRoutes.swift
    op("GET", "/v1/reports/spending", STAFF, "getSpendingReport", "reports", "Spending report",
       query=REPORT_QUERY, response_content=report_content("SpendingReport", "breakdown,key,count,committed_eur,paid_eur,label\r\n"),
       conflicts=["stored_amount_out_of_range"],
       description="Totals and breakdowns by host country, visitor country, organisation kind, call and month; SME share. "
                   "JSON, or CSV with `format=csv` / `Accept: text/csv`."),
    op("GET", "/v1/reports/spending.svg", STAFF, "getSpendingChart", "reports", "Spending chart",
       query=REPORT_QUERY[:2] + [qp("format", {"type": "string"}, "refused (422): this report is only available as SVG")],
       response_content={"image/svg+xml": {"schema": {"type": "string"}}},
       conflicts=["stored_amount_out_of_range"],
       description="Committed and paid money over time against the cap, as SVG."),
    op("GET", "/v1/reports/beneficiaries", STAFF, "getBeneficiariesReport", "reports", "Beneficiaries report",
       query=REPORT_QUERY,
       response_content=report_content("BeneficiariesReport", "organisation_id,legal_name,country,kind,vat_number,exchanges,"
                                                              "committed_eur,paid_eur,first_payment_on,last_payment_on\r\n"),
       conflicts=["stored_amount_out_of_range"],
       description="One row per supported third party: name, country, kind, amounts, payment dates. JSON or CSV."),
    op("GET", "/v1/reports/overdue-payments", STAFF, "getOverduePaymentsReport", "reports", "Overdue payments",
       query=REPORT_QUERY,
       response_content=report_content("OverdueReport", "application_id,organisation_id,organisation,final_amount_eur,paid_eur,"
                                                        "outstanding_eur,payment_due_on,days_overdue\r\n"),
       conflicts=["stored_amount_out_of_range"],
       description="Accepted reports past `payment_due_on` and not fully paid. JSON or CSV."),
    # AuditRoutes.swift
    op("GET", "/v1/audit-log", STAFF, "listAuditLog", "audit", "Audit trail", response="AuditEntry", paged=True,
       query=[qp("entity_type", {"type": "string"}, "e.g. `application`, `organisation`, `user`"),
              qp("entity_id", POSITIVE_ID, "only changes of this entity"),
              qp("actor_id", POSITIVE_ID, "only changes by this user"),
              qp("from", {"type": "string", "anyOf": [{"format": "date-time"}, {"format": "date"}]},
                 "RFC 3339 timestamp (no fractional seconds) or YYYY-MM-DD; inclusive"),
              qp("to", {"type": "string", "anyOf": [{"format": "date-time"}, {"format": "date"}]},
                 "RFC 3339 timestamp (no fractional seconds) or YYYY-MM-DD; exclusive")]),
    op("GET", "/v1/audit-log/verify", STAFF, "verifyAuditLog", "audit", "Verify the hash chain", response="AuditVerification",
       description="Walks the whole chain recomputing every digest."),
]

TAGS = [
    ("operations", "Liveness, readiness, metrics and this document (no authentication)."),
    ("auth", "Registration, login, logout and the current user."),
    ("users", "Staff accounts (coordinators create evaluators, coordinators and auditors)."),
    ("organisations", "Organisation profiles, their validation and the host directory."),
    ("programmes", "The programme: rules, cap, lump-sum table and budget."),
    ("calls", "Calls for applications: window, criteria and selection settings."),
    ("applications", "Exchange applications and their lifecycle."),
    ("documents", "Supporting documents (stored with their SHA-256)."),
    ("evaluation", "Evaluator assignments, declarations, scores, consensus and the ranking."),
    ("decisions", "Decisions, agreements, cancellations and closing reports."),
    ("payments", "Payments (four eyes) and their execution."),
    ("ledger", "The append-only ledger of commitments, releases and payments."),
    ("reports", "Spending, beneficiaries and overdue payments (JSON or CSV), and a spending chart."),
    ("audit", "The hash-chained audit trail."),
]

INFO_DESCRIPTION = """\
Back end of the **ClusterXchange** scheme of MEDIC-NEST (Precision MEDIcine Clusters integrating Digital \
Technologies for New EcoSystems in HealthCare), a COSME-funded partnership of health clusters led by IMAGO-MOL \
(Iași, RO) with FHTech / MEDVIA (BE), HBIO (GR) and BIOTECYL / SIVI (ES). The scheme funds short mobility \
exchanges: a visitor from an SME, a cluster or another ecosystem organisation spends a few days (at least 3 working \
days, at most one month) at a host in another COSME country, for a lump sum per host country (halved under 5 working \
days or 200 km, capped at EUR 1,100), out of EUR 80,000 of financial support to third parties.

Applicants register their organisation, draft, submit and document applications and file closing reports; \
evaluators declare conflicts of interest and score the applications assigned to them; coordinators validate \
organisations, check eligibility, assign evaluators, decide (within the programme cap, enforced transactionally), \
review reports and request, approve (four eyes) and execute payments; auditors read everything, including the \
ledger and the hash-chained audit trail.

Conventions: JSON, UTF-8, snake_case members, RFC 3339 timestamps, ISO 8601 dates, ISO 3166-1 alpha-2 countries, \
money in integer euro cents (`*_cents`). Errors are RFC 9457 problem details (`application/problem+json`) with a \
stable `code`. Lists answer `{items, next_cursor}` and take `limit` (1..200, default 50) and `cursor`. Mutable \
resources carry an `ETag`; routes marked so honour `If-Match` (412 when stale). Every route but register, login \
and the operational routes needs `Authorization: Bearer <token>`; `x-roles` lists the roles a route admits \
(an empty list: no authentication).
"""


def swift_path(path):
    return re.sub(r":(\w+)", r"{\1}", path)


def build_operation(r):
    o = OrderedDict()
    o["operationId"] = r["operation_id"]
    o["tags"] = [r["tag"]]
    o["summary"] = r["summary"]
    roles = r["roles"]
    who = "Open to anyone; no authentication." if roles is None else "Roles: " + ", ".join(roles) + "."
    extras = []
    if r["if_match"]:
        extras.append("Honours `If-Match`.")
    if r["idempotent"]:
        extras.append("Honours `Idempotency-Key`.")
    o["description"] = " ".join(x for x in [r["description"], who] + extras if x)
    o["x-roles"] = [] if roles is None else list(roles)
    if roles is None:
        o["security"] = []

    params = []
    if "{id}" in swift_path(r["path"]):
        params.append({"$ref": "#/components/parameters/Id"})
    if "{change_id}" in swift_path(r["path"]):
        params.append({"$ref": "#/components/parameters/ChangeId"})
    if r["paged"]:
        params += [{"$ref": "#/components/parameters/Limit"}, {"$ref": "#/components/parameters/Cursor"}]
    params += r["query"]
    if r["if_match"]:
        params.append({"$ref": "#/components/parameters/IfMatch"})
    if r["idempotent"]:
        params.append({"$ref": "#/components/parameters/IdempotencyKey"})
    params.append({"$ref": "#/components/parameters/XRequestId"})
    o["parameters"] = params

    takes_json = r["body"] is not None
    if takes_json:
        o["requestBody"] = OrderedDict([
            ("required", r["body_required"]),
            ("content", {"application/json": {"schema": ref(r["body"])}}),
        ])
    if r["raw_upload"]:
        o["requestBody"] = OrderedDict([
            ("required", True),
            ("description", "the document's bytes (PDF, PNG or JPEG; at most 10 MiB)"),
            ("content", OrderedDict((m, {"schema": {"type": "string", "format": "binary"}})
                                    for m in DOCUMENT_MEDIA_TYPES + ["application/octet-stream"])),
        ])

    responses = OrderedDict()
    ok = OrderedDict()
    ok["description"] = {200: "OK", 201: "Created", 204: "No content"}[r["ok"]]
    headers = OrderedDict([("X-Request-Id", hdr("XRequestId"))])
    if r["etag"]:
        headers["ETag"] = hdr("ETag")
    if r["ok"] == 201 and r["location"]:
        headers["Location"] = hdr("Location")
    ok["headers"] = headers
    if r["response_content"] is not None:
        ok["content"] = r["response_content"]
    elif r["response"] is not None:
        schema = ref(r["response"] + "List" if r["paged"] else r["response"])
        ok["content"] = {"application/json": {"schema": schema}}
    responses[str(r["ok"])] = ok

    statuses = []
    if takes_json:
        statuses.append(400)
    if roles is not None:
        statuses.append(401)
        if set(roles) != set(ALL_ROLES):
            statuses.append(403)
    if r["operation_id"] == "login":
        statuses.append(401)
    if "{id}" in swift_path(r["path"]):
        statuses.append(404)
    if "{" in swift_path(r["path"]) or r["query"] or r["paged"]:
        # The HTTP layer refuses a path with encoded control bytes and invalid UTF-8 in the path or query.
        statuses.append(400)
    if r["conflicts"]:
        statuses.append(409)
    if r["if_match"]:
        statuses.append(412)
    if takes_json or r["raw_upload"]:
        statuses.append(413)
    if takes_json or r["raw_upload"]:
        statuses.append(415)
    if takes_json or r["raw_upload"] or r["query"] or r["paged"] or r["idempotent"]:
        statuses.append(422)
    statuses += r["also"]
    if r["rate_limited"]:
        statuses.append(429)
    statuses.append(503)
    for status in sorted(set(statuses)):
        if status == 409:
            codes = r["conflicts"]
            responses["409"] = problem_response(409, "Conflict: " + ", ".join("`%s`" % c for c in codes) + ".", codes)
        elif status == 503 and r["operation_id"] == "getReadiness":
            resp = problem_response(503, "Not ready: the database is unreachable or migrations are pending "
                                         "(Readiness body), or the server is at capacity (problem).")
            resp["content"] = OrderedDict([("application/json", {"schema": ref("Readiness")}),
                                           (PROBLEM_JSON, {"schema": ref("Problem")})])
            responses["503"] = resp
        elif status == 401 and r["operation_id"] == "login":
            responses["401"] = problem_response(401, "The e-mail or password is wrong (`unauthenticated`).")
        else:
            responses[str(status)] = error_ref(status)
    o["responses"] = responses
    return o


def build_document():
    schemas = build_schemas()
    for name, members in SWIFT_MEMBERS.items():
        got = members_of(schemas[name], schemas)
        if sorted(got) != sorted(members):
            raise SystemExit("openapi.py: %s admits %s but the Swift members are %s" % (name, sorted(got), sorted(members)))

    ids = [r["operation_id"] for r in ROUTES]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SystemExit("openapi.py: duplicate operationIds %s" % dupes)

    paths = OrderedDict()
    for r in ROUTES:
        paths.setdefault(swift_path(r["path"]), OrderedDict())[r["method"].lower()] = build_operation(r)

    responses = OrderedDict((name, problem_response(status)) for status, (name, _, _, _) in ERRORS.items())

    doc = OrderedDict()
    doc["openapi"] = "3.1.0"
    doc["info"] = OrderedDict([
        ("title", "ClusterXchange API"),
        ("version", "0.1.0"),
        ("summary", "Grant management for the MEDIC-NEST ClusterXchange mobility scheme"),
        ("description", INFO_DESCRIPTION),
    ])
    doc["servers"] = [{"url": "http://127.0.0.1:8080", "description": "local (`make run`)"}]
    doc["security"] = [{"bearerAuth": []}]
    doc["tags"] = [{"name": n, "description": d} for n, d in TAGS]
    doc["paths"] = paths
    doc["components"] = OrderedDict([
        ("securitySchemes", {"bearerAuth": {"type": "http", "scheme": "bearer",
                                            "description": "the `token` of POST /v1/auth/login (opaque, 12 h by default)"}}),
        ("parameters", PARAMETERS),
        ("headers", HEADERS),
        ("responses", responses),
        ("schemas", schemas),
    ])
    return doc


# --------------------------------------------------------------------------------------
# Cross-check with the Swift route registrations
# --------------------------------------------------------------------------------------

def strip_swift(text):
    """Source without comments and string literals, so braces can be counted."""
    text = re.sub(r'#?"""(?:.|\n)*?"""#?', '""', text)
    text = re.sub(r'#"(?:[^"\n]|"(?!#))*"#', '""', text)
    text = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r"/\*(?:.|\n)*?\*/", "", text)


def block_after(text, start):
    """The text between the `{` at/after `start` and its matching `}`."""
    i = text.index("{", start)
    depth, j = 0, i
    while True:
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1:j]
        j += 1


def swift_encoded_properties(path, struct_path):
    """[(name, type)] a Swift struct encodes: its stored properties (CodingKeys when declared)."""
    with open(os.path.join(GRANTS_DIR, path), encoding="utf-8") as f:
        body = strip_swift(f.read())
    for name in struct_path.split("."):
        m = re.search(r"\b(?:struct|enum)\s+%s\b" % re.escape(name), body)
        if not m:
            return None
        body = block_after(body, m.end())
    # depth-0 text of the body only (nested types and functions emptied)
    flat, depth = [], 0
    for ch in body:
        if ch == "}":
            depth -= 1
        if depth == 0:
            flat.append(ch)
        if ch == "{":
            depth += 1
    flat = "".join(flat)
    keys = None
    m = re.search(r"\benum\s+CodingKeys\b[^{]*\{", body)
    if m:
        keys = re.findall(r"\w+", " ".join(re.findall(r"\bcase\s+([^\n;]+)", block_after(body, m.start()))))
    props = []
    for m in re.finditer(r"(?m)(?:^|;)\s*((?:\w+\s+)*)(?:var|let)\s+(\w+)\s*:\s*([^=;\n{]+?)\s*(?=(=|;|\n|\{|$))", flat):
        modifiers, name, t, after = m.group(1).split(), m.group(2), m.group(3), m.group(4)
        if "static" in modifiers or after == "{":
            continue
        if keys is not None and name not in keys:
            continue
        props.append((name, re.sub(r"\s+", "", t)))
    return props


def check_origins():
    problems = []
    if not os.path.isdir(GRANTS_DIR):
        return problems
    for path, struct_path, declared in ORIGIN_CHECKS:
        try:
            swift = swift_encoded_properties(path, struct_path)
        except (OSError, ValueError):
            swift = None
        if swift is None:
            problems.append("cannot find struct %s in Sources/Grants/%s" % (struct_path, path))
        elif sorted(swift) != sorted(declared):
            problems.append("%s (%s) drifted: Swift has %s, documented %s" % (
                struct_path, path, sorted(set(swift) - set(declared)), sorted(set(declared) - set(swift))))
    return problems


ADD_RE = re.compile(r'table\.add\(\s*\.(\w+)\s*,\s*"([^"]+)"\s*,\s*roles:\s*(nil|\.\w+|\[[^\]]*\])')


def wired_route_groups():
    """Route groups the server registers (`XRoutes.register(into: &table...)` in GrantsServer.swift);
    route files not wired in yet are not served, hence not documented."""
    try:
        with open(SERVER_FILE, encoding="utf-8") as f:
            return set(re.findall(r"(\w+)\.register\(\s*into:", strip_swift(f.read())))
    except FileNotFoundError:
        return None


def swift_routes():
    found = {}
    wired = wired_route_groups()
    for name in sorted(os.listdir(ROUTES_DIR)):
        if not name.endswith(".swift"):
            continue
        with open(os.path.join(ROUTES_DIR, name), encoding="utf-8") as f:
            text = f.read()
        groups = set(re.findall(r"\benum\s+(\w+)", text))
        if wired is not None and not groups & wired:
            print("openapi.py: note: %s is not registered in GrantsServer.swift; its routes are not documented" % name,
                  file=sys.stderr)
            continue
        if True:
            for method, path, roles in ADD_RE.findall(text):
                if roles == "nil":
                    r = None
                elif roles == ".everyone":
                    r = tuple(sorted(ALL_ROLES))
                elif roles == ".staff":
                    r = tuple(sorted(STAFF))
                else:
                    r = tuple(sorted(x.strip().lstrip(".") for x in roles.strip("[]").split(",") if x.strip()))
                found[(method, path)] = r
    return found


def check_routes():
    """Every registered route documented with the same roles, and nothing else."""
    if not os.path.isdir(ROUTES_DIR):
        return []
    swift = swift_routes()
    documented = {(r["method"], r["path"]): (None if r["roles"] is None else tuple(sorted(r["roles"]))) for r in ROUTES}
    problems = []
    for key in sorted(set(swift) - set(documented)):
        problems.append("registered in Swift but not documented: %s %s" % key)
    for key in sorted(set(documented) - set(swift)):
        problems.append("documented but not registered in Swift: %s %s" % key)
    for key in sorted(set(swift) & set(documented)):
        if swift[key] != documented[key]:
            problems.append("roles differ for %s %s: Swift %s, here %s" % (key + (swift[key], documented[key])))
    return problems


def render(doc):
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main(argv):
    text = render(build_document())
    route_problems = check_routes() + check_origins()
    for p in route_problems:
        print("openapi.py: " + p, file=sys.stderr)
    if "--stdout" in argv:
        sys.stdout.write(text)
        return 1 if route_problems else 0
    if "--check" in argv:
        try:
            with open(OUTPUT, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = ""
        if current != text:
            sys.stdout.writelines(difflib.unified_diff(
                current.splitlines(True), text.splitlines(True), "openapi.json (committed)", "openapi.json (generated)"))
            print("openapi.py: openapi.json is stale; run python3 scripts/openapi.py", file=sys.stderr)
            return 1
        return 1 if route_problems else 0
    if route_problems:
        return 1
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %s (%d operations)" % (os.path.relpath(OUTPUT), len(ROUTES)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
