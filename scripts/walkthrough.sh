#!/usr/bin/env bash
# The README's walkthrough ("Try it") as one script: a new SME registers, a coordinator
# validates it, the SME drafts an exchange to a Spanish cluster, the host accepts, two
# evaluators score, a coordinator approves, four parties sign the Commitment to Quality, the
# exchange takes place, the closing report is reviewed, a payment goes through four eyes, the
# application is closed, and an auditor exports the reports and verifies the audit chain.
#
# Every id comes from an answer; every call states the status it expects and the script stops
# at the first other one, printing the answer. `make test` runs it against a fresh embedded
# server (scripts/api-checks.sh), and checks that README.md shows exactly the block between the
# two `walkthrough` marker lines below, so the README cannot drift from what the service does.
#
#   scripts/walkthrough.sh                 # against `make run` on http://127.0.0.1:8080
#   API=http://127.0.0.1:9000 CX=.build/release/clusterxchange scripts/walkthrough.sh
#
# Runs again and again: each run registers a new organisation (one funded exchange each). Each
# run commits up to EUR 780 of the EUR 80,000; `make reset` starts the demo over. Self-registration
# is rate-limited (REGISTRATIONS_PER_ADDRESS, default 10 an hour from one address): an eleventh
# run within the hour answers 429 at step 1. Needs bash, curl, python3 and GNU date.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# --- walkthrough begin (README.md shows these lines; keep them copy-pasteable) ---
API=${API:-http://127.0.0.1:8080}          # the service (make run)
CX=${CX:-.build/debug/clusterxchange}      # the binary, for the one demo-only step
DOCS=seeds/documents                       # sample PDFs and a PNG
PASSWORD=medic-nest-demo                   # every demo account's password (seed --demo)
RUN=$(date +%s)                            # makes this run's organisation and e-mail unique
ANSWER=$(mktemp)                           # the last answer's body
trap 'rm -f "$ANSWER"' EXIT

# call STATUS METHOD PATH [curl options]: prints the answer, fails unless it has STATUS.
call() {
  local want=$1 method=$2 path=$3 got; shift 3
  got=$(curl -sS -o "$ANSWER" -w '%{http_code}' -X "$method" "$API$path" "$@") || got=000
  printf '%s %s -> %s  %s\n' "$method" "$path" "$got" "$(head -c 220 "$ANSWER")"
  [ "$got" = "$want" ] || { echo "expected $want" >&2; return 1; }
}
# field NAME: one member of the last answer (NAME may be a path: items.0.id).
field() {
  python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$ANSWER" "$1"
}
# login EMAIL: a bearer token header for that user.
login() {
  call 200 POST /v1/auth/login -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"${2:-$PASSWORD}\"}" >&2 || return 1
  echo "Authorization: Bearer $(field token)"
}
JSON='Content-Type: application/json'

# 1. An SME registers itself (a cluster member: an SME visits only as one) and waits for validation.
call 201 POST /v1/auth/register -H "$JSON" -d "{
  \"email\": \"owner-$RUN@walkthrough.example\", \"password\": \"walkthrough-$RUN\", \"name\": \"Maria Owner\",
  \"organisation\": {\"legal_name\": \"Walkthrough Genomics $RUN SRL\", \"country\": \"RO\", \"kind\": \"sme\",
    \"city\": \"Cluj-Napoca\", \"latitude\": 46.7712, \"longitude\": 23.6236, \"iban\": \"RO49AAAA1B31007593840000\",
    \"cluster_name\": \"Transylvania Lifesciences\",
    \"cluster_profile_url\": \"https://clustercollaboration.eu/cluster-organisations/transylvania-lifesciences\"}}"
ORG=$(field organisation.id)
SME=$(login "owner-$RUN@walkthrough.example" "walkthrough-$RUN")
call 200 GET /v1/organisations/$ORG -H "$SME"                  # "status":"pending_validation"

# 2. A coordinator validates the organisation.
CO=$(login coordinator@medic-nest.example)
CO2=$(login coordinator2@medic-nest.example)
call 200 POST /v1/organisations/$ORG/validation -H "$CO" -H "$JSON" \
  -d '{"decision":"validated","reason":"registry extract and cluster membership checked"}'

# 3. The SME finds a host and the open call, then drafts; the service computes the working
#    days, the distance and the lump sum. The exchange starts on a Monday at least two weeks out.
call 200 GET "/v1/hosts?country=ES" -H "$SME"
HOST=$(field items.0.id)                                      # BIOTECYL / SIVI, León
call 200 GET /v1/programmes -H "$SME"
PROGRAMME=$(field items.0.id)
call 200 GET /v1/programmes/$PROGRAMME/calls -H "$SME"
CALL=$(field items.0.id)
START=$(date -u -d 'monday + 2 weeks' +%F)
END=$(date -u -d "$START + 4 days" +%F)
call 201 POST /v1/applications -H "$SME" -H "$JSON" -d "{
  \"call_id\": $CALL, \"host_organisation_id\": $HOST,
  \"participant\": {\"name\": \"Ana Popescu\", \"email\": \"ana-$RUN@walkthrough.example\", \"position\": \"CTO\"},
  \"origin\": {\"city\": \"Cluj-Napoca\", \"country\": \"RO\", \"latitude\": 46.7712, \"longitude\": 23.6236},
  \"activity_start\": \"$START\", \"activity_end\": \"$END\", \"activity_type\": \"job_shadowing\",
  \"objectives\": \"Learn the host's genomic data pipeline and plan a joint pilot.\",
  \"declarations\": {\"participant_employed_by_visitor\": true, \"participant_third_country_national\": false,
                     \"no_previous_clusterxchange_visit\": true}}"
APP=$(field id)
echo "working days $(field working_days), distance $(field distance_km) km, lump sum $(field lump_sum_cents) cents"
call 201 POST "/v1/applications/$APP/documents?kind=other&filename=exchange-plan.pdf" -H "$SME" \
  --data-binary @$DOCS/exchange-plan.pdf

# 4. The host accepts the match. The seeded clusters have no users, so a coordinator records
#    the host's written answer (a host with users answers itself: POST .../host-decision).
call 201 POST "/v1/applications/$APP/documents?kind=host_acceptance&filename=host-acceptance.pdf" -H "$CO" \
  --data-binary @$DOCS/host-acceptance.pdf
call 200 POST /v1/applications/$APP/host-decision -H "$CO" -H "$JSON" \
  -d "{\"decision\":\"accepted\",\"document_id\":$(field id)}"

# 5. The SME submits; a coordinator declares it eligible.
call 200 POST /v1/applications/$APP/submit -H "$SME"               # "status":"submitted"
call 200 POST /v1/applications/$APP/eligibility -H "$CO" -H "$JSON" -d '{"eligible":true,"reason":"complete"}'

# 6. Two evaluators: each declares no conflict of interest, then scores (0..5 in half points).
for who in evaluator1 evaluator2; do
  EV=$(login $who@medic-nest.example)
  call 200 GET /v1/me -H "$EV"
  call 201 POST /v1/applications/$APP/assignments -H "$CO" -H "$JSON" -d "{\"evaluator_id\":$(field id)}"
  ASSIGNMENT=$(field id)
  call 200 POST /v1/assignments/$ASSIGNMENT/declaration -H "$EV" -H "$JSON" -d '{"conflict_of_interest":false}'
  call 200 PUT /v1/assignments/$ASSIGNMENT/scores -H "$EV" -H "$JSON" \
    -d '{"scores":{"relevance":4.5,"quality":4,"impact":3.5},"comments":{"impact":"clear follow-up plan"}}'
done                                                              # the second sheet: "status":"evaluated"

# 7. The ranking proposes decisions against the budget left; a coordinator approves (the
#    Idempotency-Key makes a repeated click answer the same decision instead of deciding twice).
call 200 GET /v1/calls/$CALL/ranking -H "$CO"
call 200 POST /v1/applications/$APP/decision -H "$CO" -H "Idempotency-Key: decide-$RUN" -H "$JSON" \
  -d '{"decision":"approved","reason":"ranked within the budget"}'
call 200 GET /v1/programmes/$PROGRAMME/budget -H "$SME"

# 8. The Commitment to Quality: four signatures on one document (its SHA-256). The visitor
#    uploads and signs; a coordinator signs for the host (with its signed copy) and for both
#    partnerships; the fourth signature makes the application agreement_signed.
call 201 POST "/v1/applications/$APP/documents?kind=commitment_to_quality&filename=ctq.pdf" -H "$SME" \
  --data-binary @$DOCS/commitment-to-quality.pdf
call 201 POST /v1/applications/$APP/signatures -H "$SME" -H "$JSON" -d '{"party":"visitor_organisation"}'
call 201 POST "/v1/applications/$APP/documents?kind=signed_commitment_to_quality&filename=ctq-host.pdf" -H "$CO" \
  --data-binary @$DOCS/commitment-to-quality-host-signed.pdf
call 201 POST /v1/applications/$APP/signatures -H "$CO" -H "$JSON" \
  -d "{\"party\":\"host_organisation\",\"on_behalf_of\":\"BIOTECYL director\",\"evidence_document_id\":$(field id)}"
call 201 POST /v1/applications/$APP/signatures -H "$CO" -H "$JSON" -d '{"party":"visitor_partnership"}'
call 201 POST /v1/applications/$APP/signatures -H "$CO2" -H "$JSON" -d '{"party":"host_partnership"}'

# 9. The exchange takes place. A demo cannot wait for the trip: this demo-only command moves
#    the exchange's dates back by whole weeks (refused on a database with real users).
$CX demo-exchange-took-place --application $APP
call 200 GET /v1/applications/$APP -H "$SME"
ACTUAL_START=$(field activity_start) ACTUAL_END=$(field activity_end)

# 10. The closing report with its proofs. A date after today is refused (it records the past).
call 201 POST "/v1/applications/$APP/documents?kind=boarding_pass&filename=boarding-pass.png" -H "$SME" \
  --data-binary @$DOCS/boarding-pass.png
call 201 POST "/v1/applications/$APP/documents?kind=host_confirmation&filename=host-confirmation.pdf" -H "$SME" \
  --data-binary @$DOCS/host-confirmation.pdf
call 201 POST "/v1/applications/$APP/documents?kind=closing_report&filename=closing-report.pdf" -H "$SME" \
  --data-binary @$DOCS/closing-report.pdf
call 422 POST /v1/applications/$APP/report -H "$SME" -H "$JSON" \
  -d "{\"actual_start\":\"$ACTUAL_START\",\"actual_end\":\"$(date -u -d '+30 days' +%F)\",\"summary\":\"typo\"}"
call 200 POST /v1/applications/$APP/report -H "$SME" -H "$JSON" \
  -d "{\"actual_start\":\"$ACTUAL_START\",\"actual_end\":\"$ACTUAL_END\",\"summary\":\"Five days on the pipeline.\"}"

# 11. A coordinator accepts the report (the final amount on the actual dates) and requests the
#     payment; the same coordinator may not approve it (four eyes), a second one does.
call 200 POST /v1/applications/$APP/report/review -H "$CO" -H "$JSON" -d '{"accepted":true}'
call 201 POST /v1/payments -H "$CO" -H "$JSON" -d "{\"application_id\":$APP,\"kind\":\"final\"}"
PAYMENT=$(field id)
call 403 POST /v1/payments/$PAYMENT/approve -H "$CO"                 # "code":"four_eyes"
call 200 POST /v1/payments/$PAYMENT/approve -H "$CO2"
call 200 POST /v1/payments/$PAYMENT/execute -H "$CO" -H "$JSON" \
  -d "{\"bank_reference\":\"BT-$RUN\",\"value_date\":\"$(date -u +%F)\"}"
call 200 POST /v1/applications/$APP/close -H "$CO"                   # "status":"closed"

# 12. The SME sees its payment and what happened; an auditor exports and verifies.
call 200 GET /v1/payments -H "$SME"
call 200 GET /v1/notifications -H "$SME"
AU=$(login auditor@medic-nest.example)
call 200 GET "/v1/reports/spending?programme_id=$PROGRAMME" -H "$AU"
call 200 GET "/v1/reports/beneficiaries?programme_id=$PROGRAMME" -H "$AU" -H 'Accept: text/csv'
call 200 GET "/v1/ledger?application_id=$APP" -H "$AU"
call 200 GET /v1/audit-log/verify -H "$AU"                          # "valid":true
# --- walkthrough end ---

# What the story must have produced, beyond each call's status.
check() { [ "$2" = "$3" ] || { echo "walkthrough: $1 is '$2', expected '$3'" >&2; exit 1; }; }
check "the audit chain" "$(field valid)" True
call 200 GET /v1/applications/$APP -H "$CO" > /dev/null
check "the application's status" "$(field status)" closed
call 200 GET /v1/payments/$PAYMENT -H "$AU" > /dev/null
check "the payment's status" "$(field status)" paid
echo "walkthrough: application $APP closed, payment $PAYMENT paid, audit chain valid"
