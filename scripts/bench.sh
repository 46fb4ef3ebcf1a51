#!/usr/bin/env bash
# `make bench`: measures the release build with wrk (and pgbench for reference) and writes
# the figures to Benchmarks/results.md. Loopback only; every load is bounded in time.
set -euo pipefail
DATA="$(cd "$(dirname "$0")/.." && pwd)/.data/bench-postgres"
# The measured instances send no webhooks; the notification section starts one that does.
export WEBHOOKS=false
# shellcheck source=scripts/measure-server.sh
. "$(dirname "$0")/measure-server.sh"
OUT="$ROOT/Benchmarks/results.md"
DURATION=${BENCH_DURATION:-10s}

# wrk_run NAME PATH [HEADER] -> "| name | req/s | p50 | p99 |"
wrk_run() {
  local name=$1 path=$2; shift 2
  local out; out=$(wrk -t2 -c64 -d"$DURATION" --latency "$@" "http://127.0.0.1:$PORT$path")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out"); non2xx=${non2xx:-0}
  echo "| $name | $rps | $p50 | $p99 | $non2xx |"
}

# A settled database, as autovacuum leaves one within a minute of a bulk load: without this the
# first minute after a fixture load is timed with autovacuum and the load's checkpoint running
# beside the requests on the same two cores (p99 of the first routes reached 67 ms, reports were
# 20-40% slower and erratic).
settle() { "${PSQL[@]}" -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null; }

N=${BENCH_N:-20000}
"${PSQL[@]}" -v n="$N" -f "$ROOT/Benchmarks/fixtures/money.sql" >/dev/null
settle
FIRST_APP=$("${PSQL[@]}" -At -c "SELECT min(a.id) FROM applications a JOIN programmes p ON p.id = a.programme_id WHERE p.code = 'BENCH' AND a.status = 'evaluated'")
FIRST_PAY=$("${PSQL[@]}" -At -c "SELECT min(id) FROM payments WHERE status = 'approved' AND programme_id = (SELECT id FROM programmes WHERE code = 'BENCH')")
COORD=$(curl -fs -H 'Content-Type: application/json' -d '{"email":"coordinator@medic-nest.example","password":"medic-nest-demo"}' \
  "http://127.0.0.1:$PORT/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# money_run NAME TEMPLATE BODY FIRST LAST -> "| name | req/s | p50 | p99 | non-2xx |" with 32 connections
money_run() {
  local out
  out=$(FIRST_ID=$4 LAST_ID=$5 THREADS=2 PATH_TEMPLATE=$2 BODY=$3 TOKEN=$COORD \
    wrk -t2 -c32 -d"$DURATION" --latency -s "$ROOT/Benchmarks/fixtures/sequential-ids.lua" "http://127.0.0.1:$PORT")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out"); non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  echo "| $1 | $rps | $p50 | $p99 | ${non2xx:-0} |"
}
# pgbench_run SCRIPT BASE -> transactions/s, 32 clients, same statements
pgbench_run() {
  "${AS_PG[@]}" "$PG_BIN/pgbench" -h "$SOCKET_DIR" -U postgres -n -c 32 -j 2 -T "${DURATION%s}" -D base="$2" \
    -f "$1" clusterxchange 2>/dev/null | awk '/^tps/ {print $3; exit}'
}
cp "$ROOT"/Benchmarks/fixtures/*.pgbench /tmp/ && chmod 644 /tmp/approve.pgbench /tmp/execute.pgbench

ROWS=()
ROWS+=("$(wrk_run 'GET /healthz' /healthz)")
ROWS+=("$(wrk_run 'GET /readyz (database ping + migration check)' /readyz)")
ROWS+=("$(wrk_run "GET /v1/calls/{id} (bearer auth + one row by primary key)" "/v1/calls/$CALL_ID" -H "Authorization: Bearer $TOKEN")")
RSS_READ_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
# The same read on a second instance with the token cache off (AUTH_CACHE_SECONDS=0): every
# request also looks its session up, as before the cache.
PORT_NOCACHE=$(free_port)
PORT=$PORT_NOCACHE AUTH_CACHE_SECONDS=0 "$BIN" serve & NOCACHE_PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT_NOCACHE/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
NOCACHE_ROW=$(PORT=$PORT_NOCACHE wrk_run "GET /v1/calls/{id}, token cache off (AUTH_CACHE_SECONDS=0)" "/v1/calls/$CALL_ID" -H "Authorization: Bearer $TOKEN")
kill -TERM "$NOCACHE_PID" 2>/dev/null && wait "$NOCACHE_PID" 2>/dev/null || true
ROWS+=("$NOCACHE_ROW")
MONEY=()
MONEY+=("$(money_run 'POST /v1/applications/{id}/decision (approve)' '/v1/applications/{id}/decision' '{"decision":"approved","reason":"bench"}' "$FIRST_APP" $((FIRST_APP + N - 1)))")
MONEY+=("$(money_run 'POST /v1/payments/{id}/execute' '/v1/payments/{id}/execute' '{"bank_reference":"BENCH","value_date":"'"$(date -u +%F)"'"}' "$FIRST_PAY" $((FIRST_PAY + N / 2 - 1)))")
PGB_APPROVE=$(pgbench_run /tmp/approve.pgbench $((FIRST_APP + N)))
PGB_EXECUTE=$(pgbench_run /tmp/execute.pgbench $((FIRST_PAY + N / 2)))

# Notifications (issue 12): an approval that writes its outbox rows against one that writes none,
# on a second instance that sends nothing (WEBHOOKS=false, no SMTP_URL); then how fast a third
# instance with a relay delivers them to a local SMTP server (aiosmtpd) and a webhook receiver.
"$ROOT/scripts/python-tools.sh" >/dev/null
"${PSQL[@]}" -v n=12000 -f "$ROOT/Benchmarks/fixtures/notify.sql" >/dev/null
NOTIFY_FIRST=$("${PSQL[@]}" -At -c "SELECT min(a.id) FROM applications a JOIN programmes p ON p.id = a.programme_id WHERE p.code = 'NOTIFY'")
PEERS=$(mktemp -d)
start_peer() {  # start_peer SCRIPT NAME -> prints the port; the process id in $PEERS/NAME.pid
  "$ROOT/.build/venv/bin/python" "$ROOT/Tests/GrantsTests/Support/$1" "$PEERS/$2.jsonl" > "$PEERS/$2.out" 2>&1 < /dev/null &
  echo $! > "$PEERS/$2.pid"
  for _ in $(seq 1 100); do grep -q '^PORT ' "$PEERS/$2.out" 2>/dev/null && break; sleep 0.1; done
  awk '/^PORT / {print $2}' "$PEERS/$2.out"
}
SMTP_PORT=$(start_peer smtp_sink.py smtp)
HOOK_PORT=$(start_peer webhook_receiver.py hooks)
cleanup_peers() { for f in "$PEERS"/*.pid; do kill "$(cat "$f")" 2>/dev/null || true; done; }
SECRET="whsec_$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
curl -fs -X PUT --data-binary "$SECRET" "http://127.0.0.1:$HOOK_PORT/_secret" >/dev/null
"${PSQL[@]}" -c "INSERT INTO webhook_endpoints (url, kinds, secret, created_by, active) SELECT 'http://127.0.0.1:$HOOK_PORT/ok', '{}', '$SECRET', id, false FROM users WHERE email = 'coordinator@medic-nest.example'" >/dev/null
PORT_QUIET=$(free_port)
PORT=$PORT_QUIET WEBHOOKS=false REMINDERS=false "$BIN" serve & QUIET_PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT_QUIET/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
"${PSQL[@]}" -c "UPDATE webhook_endpoints SET active = true" >/dev/null
QUIET_FIRST=$((FIRST_APP + N / 2))
NOTIFY_ROWS=()
NOTIFY_ROWS+=("$(PORT=$PORT_QUIET money_run 'approve, no one to notify (BENCH)' '/v1/applications/{id}/decision' '{"decision":"approved","reason":"bench"}' "$QUIET_FIRST" $((QUIET_FIRST + N / 2 - 1)))")
NOTIFY_ROWS+=("$(PORT=$PORT_QUIET money_run 'approve, with outbox rows (NOTIFY)' '/v1/applications/{id}/decision' '{"decision":"approved","reason":"bench"}' "$NOTIFY_FIRST" $((NOTIFY_FIRST + 11999)))")
kill -TERM "$QUIET_PID" 2>/dev/null && wait "$QUIET_PID" 2>/dev/null || true
# What each NOTIFY approval wrote, read back rather than assumed from the fixture.
read -r PER_NOTE PER_HOOK < <("${PSQL[@]}" -At -F ' ' -c "
  WITH a AS (SELECT a.id FROM applications a JOIN programmes p ON p.id = a.programme_id WHERE p.code = 'NOTIFY' AND a.status = 'approved')
  SELECT round((SELECT count(*) FROM notifications n JOIN a ON a.id = n.application_id)::numeric / greatest(count(*), 1), 1),
         round((SELECT count(*) FROM webhook_deliveries w JOIN a ON a.id = w.application_id)::numeric / greatest(count(*), 1), 1)
  FROM a")
MAILS=$("${PSQL[@]}" -At -c "SELECT count(*) FROM notifications WHERE email_status = 'pending'")
HOOKS=$("${PSQL[@]}" -At -c "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'")
PORT_MAIL=$(free_port)
T0=$(date +%s.%N)
PORT=$PORT_MAIL WEBHOOKS=true SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" SMTP_FROM=bench@medic-nest.example EMAIL_BATCH=50 WEBHOOK_BATCH=50 \
  EMAIL_POLL_MILLISECONDS=20 REMINDERS=false "$BIN" serve & MAIL_PID=$!
MAIL_S=""; HOOK_S=""
for _ in $(seq 1 1200); do
  now=$(date +%s.%N)
  [ -z "$MAIL_S" ] && [ "$("${PSQL[@]}" -At -c "SELECT count(*) FROM notifications WHERE email_status = 'pending'")" = 0 ] && MAIL_S=$(awk -v a="$now" -v b="$T0" 'BEGIN {printf "%.2f", a - b}')
  [ -z "$HOOK_S" ] && [ "$("${PSQL[@]}" -At -c "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'")" = 0 ] && HOOK_S=$(awk -v a="$now" -v b="$T0" 'BEGIN {printf "%.2f", a - b}')
  [ -n "$MAIL_S" ] && [ -n "$HOOK_S" ] && break
  sleep 0.1
done
kill -TERM "$MAIL_PID" 2>/dev/null && wait "$MAIL_PID" 2>/dev/null || true
RECEIVED_MAILS=$(wc -l < "$PEERS/smtp.jsonl" 2>/dev/null || echo 0)
RECEIVED_HOOKS=$(grep -c '"status": 200' "$PEERS/hooks.jsonl" 2>/dev/null || echo 0)
BAD_SIGNATURES=$(grep -c '"valid": false' "$PEERS/hooks.jsonl" 2>/dev/null || true)
cleanup_peers
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else printf "n/a" }'; }

# Reference: pgbench running the service's two statements of that read, prepared, same concurrency.
cat > /tmp/cx-pgbench.sql <<SQL
SELECT u.id, u.role FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = sha256(convert_to('$TOKEN', 'UTF8')) AND s.revoked_at IS NULL AND s.expires_at > now();
SELECT c.id, c.title, c.criteria FROM calls c WHERE c.id = $CALL_ID;
SQL
chmod 644 /tmp/cx-pgbench.sql
PGB=$("${AS_PG[@]}" "$PG_BIN/pgbench" -h "$SOCKET_DIR" -U postgres -n -M prepared -c 64 -j 2 -T "${DURATION%s}" -f /tmp/cx-pgbench.sql clusterxchange 2>/dev/null | awk '/^tps/ {print $3; exit}')
# With the token cache (AUTH_CACHE_SECONDS) a request runs only the second statement.
sed -n 2p /tmp/cx-pgbench.sql > /tmp/cx-pgbench-one.sql && chmod 644 /tmp/cx-pgbench-one.sql
PGB1=$("${AS_PG[@]}" "$PG_BIN/pgbench" -h "$SOCKET_DIR" -U postgres -n -M prepared -c 64 -j 2 -T "${DURATION%s}" -f /tmp/cx-pgbench-one.sql clusterxchange 2>/dev/null | awk '/^tps/ {print $3; exit}')

EVAL=$("$ROOT/.build/release/EvaluationBenchmark" | grep '^|' | tail -n 1)

# Reports over 50,000 applications and 150,000 ledger entries: 10 sequential requests each.
"${PSQL[@]}" -v code=REPORTS -v apps=50000 -f "$ROOT/Benchmarks/fixtures/reports.sql" >/dev/null
settle
REPORTS_ID=$("${PSQL[@]}" -At -c "SELECT id FROM programmes WHERE code = 'REPORTS'")
ENTRIES=$("${PSQL[@]}" -At -c "SELECT count(*) FROM ledger_entries WHERE programme_id = $REPORTS_ID")
APPS=$("${PSQL[@]}" -At -c "SELECT count(*) FROM applications WHERE programme_id = $REPORTS_ID")
time_route() {  # time_route NAME PATH -> "| name | min | median | max | bytes |"
  local times=() bytes=0
  for _ in $(seq 1 "${REPS:-10}"); do
    read -r t b < <(curl -s -o /dev/null -w '%{time_total} %{size_download}\n' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$2")
    times+=("$t"); bytes=$b
  done
  python3 - "$1" "$bytes" "${times[@]}" <<'PY'
import sys, statistics
name, size, t = sys.argv[1], sys.argv[2], sorted(float(x) * 1000 for x in sys.argv[3:])
print(f"| {name} | {t[0]:.1f} ms | {statistics.median(t):.1f} ms | {t[-1]:.1f} ms | {size} |")
PY
}
REPORTS=()
REPORTS+=("$(time_route 'spending (JSON)' "/v1/reports/spending?programme_id=$REPORTS_ID")")
REPORTS+=("$(time_route 'spending (CSV)' "/v1/reports/spending?programme_id=$REPORTS_ID&format=csv")")
REPORTS+=("$(time_route 'spending as_of 2023-06-30 (JSON)' "/v1/reports/spending?programme_id=$REPORTS_ID&as_of=2023-06-30")")
REPORTS+=("$(time_route 'beneficiaries (JSON)' "/v1/reports/beneficiaries?programme_id=$REPORTS_ID")")
REPORTS+=("$(time_route 'beneficiaries (CSV)' "/v1/reports/beneficiaries?programme_id=$REPORTS_ID&format=csv")")
REPORTS+=("$(time_route 'overdue payments (JSON)' "/v1/reports/overdue-payments?programme_id=$REPORTS_ID")")
REPORTS+=("$(time_route 'spending chart (SVG)' "/v1/reports/spending.svg?programme_id=$REPORTS_ID")")
RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
# Reference: PostgreSQL writing the beneficiaries rows as CSV itself (COPY of the statement the
# summaries path of ReportQueries.beneficiaries sends), 10 times in one psql session.
BENEFICIARIES_SQL="SELECT o.organisation_id, vo.legal_name, vo.country::text, vo.kind, vo.vat_number, o.exchanges, o.committed_cents, o.paid_cents, (o.first_payment_at AT TIME ZONE 'UTC')::date, (o.last_payment_at AT TIME ZONE 'UTC')::date FROM ledger_organisation_totals o JOIN organisations vo ON vo.id = o.organisation_id WHERE o.programme_id = $REPORTS_ID AND o.applications <> 0 ORDER BY o.organisation_id"
COPY_MS=$( { echo '\timing on'; for _ in $(seq 1 10); do echo "\copy ($BENEFICIARIES_SQL) to /dev/null csv"; done; } \
  | "${PSQL[@]}" 2>/dev/null | awk '/^Time:/ {print $2}' | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
CSV_MEDIAN=$(awk -F'|' '/beneficiaries \(CSV\)/ {gsub(/ ms| /,"",$4); print $4}' <<<"$(printf '%s\n' "${REPORTS[@]}")")

# Growth: the same reports over 5,000, 50,000 and 500,000 applications (3 requests each;
# BENCH_GROWTH=0 skips the 500,000 one, whose fixture takes minutes to load).
GROWTH=()
for apps in 5000 50000 500000; do
  [ "$apps" = 500000 ] && [ "${BENCH_GROWTH:-1}" = 0 ] && continue
  code=REPORTS; [ "$apps" != 50000 ] && code="GROWTH$apps" && "${PSQL[@]}" -v code="$code" -v apps="$apps" -f "$ROOT/Benchmarks/fixtures/reports.sql" >/dev/null && settle
  gid=$("${PSQL[@]}" -At -c "SELECT id FROM programmes WHERE code = '$code'")
  gentries=$("${PSQL[@]}" -At -c "SELECT count(*) FROM ledger_entries WHERE programme_id = $gid")
  cells=()
  for path in "spending?programme_id=$gid" "spending?programme_id=$gid&as_of=2023-06-30" "beneficiaries?programme_id=$gid" "beneficiaries?programme_id=$gid&format=csv"; do
    cells+=("$(REPS=3 time_route x "/v1/reports/$path" | awk -F'|' '{gsub(/^ +| +$/,"",$4); print $4}')")
  done
  GROWTH+=("| $gentries | ${cells[0]} | ${cells[1]} | ${cells[2]} | ${cells[3]} |")
done
RSS_GROWTH_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")

{
  echo "# Benchmark results"
  echo
  echo "Measured by \`make bench\` on $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), release build."
  echo "wrk: 2 threads, 64 connections, keep-alive, $DURATION per route; the server and wrk share the machine."
  echo
  echo "| route | requests/s | p50 | p99 | non-2xx |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Server peak RSS (VmHWM): $((RSS_READ_KB / 1024)) MiB after the routes above (pool of $DB_POOL_SIZE connections);"
  echo "$((RSS_KB / 1024)) MiB after the money routes and the report exports (4 MB CSV, 12 MB JSON, streamed)."
  echo
  echo "pgbench reference (the same two statements, prepared, 64 clients, 2 threads): ${PGB:-n/a} transactions/s;"
  echo "the call's statement alone (what a request with a cached token runs): ${PGB1:-n/a} transactions/s."
  CALL_RPS=$(awk -F'|' '{gsub(/ /,"",$3); print $3}' <<<"${ROWS[2]}")
  HEALTH_RPS=$(awk -F'|' '{gsub(/ /,"",$3); print $3}' <<<"${ROWS[0]}")
  echo
  echo "| GET /v1/calls/{id} | requests/s | pgbench, both statements | ratio | pgbench, the one statement | ratio |"
  echo "|---|---|---|---|---|---|"
  echo "| service | $CALL_RPS | ${PGB:-n/a} | $(awk -v a="$CALL_RPS" -v b="${PGB:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }') | ${PGB1:-n/a} | $(awk -v a="$CALL_RPS" -v b="${PGB1:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }') |"
  echo
  echo "## Money routes (32 connections) against pgbench running the same statements"
  echo
  echo "Fixture: $N evaluated applications and $((N / 2)) approved payments per side in a separate BENCH programme (Benchmarks/fixtures/money.sql)."
  echo "pgbench scripts: Benchmarks/fixtures/approve.pgbench and execute.pgbench (32 clients, 2 threads, prepared statements off)."
  echo
  echo "| route | requests/s | p50 | p99 | non-2xx |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${MONEY[@]}"
  echo
  APPROVE_RPS=$(awk -F'|' 'NR==1 {gsub(/ /,"",$3); print $3}' <<<"${MONEY[0]}")
  EXECUTE_RPS=$(awk -F'|' 'NR==1 {gsub(/ /,"",$3); print $3}' <<<"${MONEY[1]}")
  echo "| operation | service/s | pgbench tx/s | service / pgbench |"
  echo "|---|---|---|---|"
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
  echo "| approve | $APPROVE_RPS | $PGB_APPROVE | $(ratio "$APPROVE_RPS" "$PGB_APPROVE") |"
  echo "| execute payment | $EXECUTE_RPS | $PGB_EXECUTE | $(ratio "$EXECUTE_RPS" "$PGB_EXECUTE") |"
  echo
  echo "## Notifications (issue 12)"
  echo
  echo "Approvals on an instance that sends nothing, 32 connections: without recipients (BENCH) and with, per approval,"
  echo "${PER_NOTE:-?} notification rows and ${PER_HOOK:-?} webhook deliveries written in the same transaction (NOTIFY, Benchmarks/fixtures/notify.sql)."
  echo
  echo "| route | requests/s | p50 | p99 | non-2xx |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${NOTIFY_ROWS[@]}"
  echo
  echo "Delivery by one instance with a relay and webhooks on (EMAIL_BATCH=50, WEBHOOK_BATCH=50), from the moment it starts:"
  echo
  echo "| channel | queued | received | seconds | per second |"
  echo "|---|---|---|---|---|"
  echo "| e-mail to a local aiosmtpd | $MAILS | $RECEIVED_MAILS | ${MAIL_S:-timeout} | $(rate "$MAILS" "${MAIL_S:-0}") |"
  echo "| webhooks to a local receiver (HMAC checked; bad signatures: ${BAD_SIGNATURES:-0}) | $HOOKS | $RECEIVED_HOOKS | ${HOOK_S:-timeout} | $(rate "$HOOKS" "${HOOK_S:-0}") |"
  echo
  echo "## Reports ($APPS applications, $ENTRIES ledger entries; 10 sequential requests each, on a settled database: VACUUM ANALYZE and CHECKPOINT after the fixture load)"
  echo
  echo "| report | min | median | max | bytes |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${REPORTS[@]}"
  echo
  echo "PostgreSQL's own CSV of the beneficiaries rows (\\copy of the same statement to /dev/null, median of 10): $COPY_MS ms;"
  echo "the service's beneficiaries CSV over HTTP (median above) / that: $(awk -v a="$CSV_MEDIAN" -v b="$COPY_MS" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }')."
  echo
  echo "## Growth (median of 3 sequential requests; one application and organisation per 3 entries)"
  echo
  echo "| ledger entries | spending (JSON) | spending as_of 2023-06-30 | beneficiaries (JSON) | beneficiaries (CSV) |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${GROWTH[@]}"
  echo
  echo "Server peak RSS after the growth runs (streamed exports up to $(printf '%s' "${GROWTH[-1]:-}" | awk -F'|' '{gsub(/ /,"",$2); print $2}') entries): $((RSS_GROWTH_KB / 1024)) MiB."
  echo
  echo "## Evaluation module"
  echo
  echo "| workload | min | median | max |"
  echo "|---|---|---|---|"
  echo "$EVAL"
} > "$OUT"
cat "$OUT"
