#!/usr/bin/env bash
# API contract checks, run by `make test` after the Swift tests:
#   1. openapi.json is a valid OpenAPI 3.1 document (openapi-spec-validator);
#   2. openapi.json is what `clusterxchange openapi` derives from the Swift route declarations;
#   3. the README's walkthrough (scripts/walkthrough.sh) runs, and README.md shows its block unchanged;
#   4. Dockerfile and docker-compose.yml hold what can be checked without a Docker engine;
#   5. schemathesis fuzzes every documented operation but logout of a running service
#      (private embedded PostgreSQL, demo seed) as the demo coordinator, then the
#      applicant-only operations as the demo applicant: never a 5xx, and every answer
#      conforms to the document (status code, content type, headers, response schema).
#
# Environment:
#   CX_BIN                 the service binary (default .build/debug/clusterxchange, else .build/release/...)
#   API_CHECKS_DATA_DIR    the throwaway PostgreSQL data folder (default .data/api-checks-postgres; wiped first)
#   API_CHECKS_EXAMPLES    schemathesis examples per operation (default 25)
#   API_CHECKS_SECONDS     time limit of the whole schemathesis step, both passes (default 170)
#   API_CHECKS_SEED        schemathesis seed (default 20240131; "random" for a new one each run)
#   API_CHECKS_PRESTART_PG 1: initdb/pg_ctl the private cluster here instead of letting the binary do it
# The last line is always `api-checks: N passed, M failed`; the exit status is non-zero on any failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.build/venv"
WORK="$ROOT/.build/api-checks"
DATA_DIR="${API_CHECKS_DATA_DIR:-$ROOT/.data/api-checks-postgres}"
EXAMPLES="${API_CHECKS_EXAMPLES:-25}"
STEP_SECONDS="${API_CHECKS_SECONDS:-170}"
SEED="${API_CHECKS_SEED:-20240131}"
DEMO_EMAIL="coordinator@medic-nest.example"
DEMO_APPLICANT_EMAIL="applicant@demo-genomics.example"
DEMO_PASSWORD="medic-nest-demo"

passed=0
failed=0
failures=()
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); failures+=("$*"); echo "FAILED: $*" >&2; }
finish() {
  if [ ${#failures[@]} -gt 0 ]; then
    echo "failures:" >&2
    printf '  - %s\n' "${failures[@]}" >&2
  fi
  echo "api-checks: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

# as_postgres, pg_bindir, stop_postgres, free_port
. "$ROOT/scripts/postgres-helpers.sh"

mkdir -p "$WORK"
# One run at a time per checkout: runs share the data folder, the venv and the reports.
exec 9> "$ROOT/.build/api-checks.lock"
if ! flock -w 900 9; then
  echo "another scripts/api-checks.sh has held .build/api-checks.lock for 15 minutes" >&2
  fail "api-checks lock"; finish; exit 1
fi

# ---- 1. Python tools in .build/venv (scripts/python-tools.sh) -----------------------------
if ! "$ROOT/scripts/python-tools.sh"; then
  fail "python tools (scripts/python-tools.sh)"; finish; exit 1
fi

# ---- 2. The document ---------------------------------------------------------------------
if "$VENV/bin/openapi-spec-validator" openapi.json > "$WORK/spec-validator.txt" 2>&1; then
  pass "openapi.json is a valid OpenAPI 3.1 document"
else
  cat "$WORK/spec-validator.txt" >&2
  fail "openapi-spec-validator openapi.json"
fi
if "${CX_BIN:-$ROOT/.build/debug/clusterxchange}" openapi > "$WORK/openapi-generated.json" \
    && diff -u openapi.json "$WORK/openapi-generated.json" > "$WORK/openapi-check.diff"; then
  pass "openapi.json is what the Swift route declarations derive (clusterxchange openapi)"
else
  head -n 80 "$WORK/openapi-check.diff" >&2
  fail "openapi.json is stale: run make openapi"
fi

# ---- 3. A private service --------------------------------------------------------------
BIN="${CX_BIN:-}"
if [ -z "$BIN" ]; then
  BIN="$ROOT/.build/debug/clusterxchange"
  [ -x "$BIN" ] || BIN="$ROOT/.build/release/clusterxchange"
fi
if [ ! -x "$BIN" ]; then
  fail "no service binary at ${CX_BIN:-.build/debug/clusterxchange} (build first or set CX_BIN)"
  finish; exit 1
fi

PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
unset DATABASE_URL
export CX_ROOT="$ROOT" CX_DATA_DIR="$DATA_DIR" HOST=127.0.0.1 PORT BCRYPT_COST=4 LOG_LEVEL="${LOG_LEVEL:-warning}"

SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  stop_postgres
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A fresh cluster every run: fuzzing changes data, and a developer's .data/postgres is never touched.
# DATABASE_URL is unset: `seed` starts the embedded PostgreSQL in CX_DATA_DIR and `serve` reuses
# it. With API_CHECKS_PRESTART_PG=1 the cluster is initialised and started here instead, exactly
# as EmbeddedPostgres would (unix socket only, same socket folder), and the binary only reuses it.
stop_postgres
rm -rf "$DATA_DIR"
if [ "${API_CHECKS_PRESTART_PG:-0}" = 1 ]; then
  bin="$(pg_bindir)"
  [ -n "$bin" ] || { fail "no PostgreSQL server binaries under /usr/lib/postgresql (run scripts/install-deps.sh)"; finish; exit 1; }
  SOCKET_DIR="$(python3 - "$DATA_DIR" <<'EOF'
import sys
path = sys.argv[1]
if len((path + "/.s.PGSQL.5432.lock").encode()) <= 107:
    print(path)
else:  # EmbeddedPostgres.socketDirectory: FNV-1a 64 of the data path
    h = 0xcbf29ce484222325
    for b in path.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    print("/tmp/cx-pg-%016x" % h)
EOF
)"
  mkdir -p "$DATA_DIR" "$SOCKET_DIR"
  chmod 700 "$DATA_DIR"
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres:postgres "$DATA_DIR" "$SOCKET_DIR"
    d="$(dirname "$DATA_DIR")"
    while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null || true; d="$(dirname "$d")"; done
  fi
  if ! as_postgres "$bin/initdb" -D "$DATA_DIR" -A trust -U postgres -E UTF8 --locale=C --no-sync > "$WORK/initdb.log" 2>&1 ||
     ! as_postgres "$bin/pg_ctl" start -w -t 60 -D "$DATA_DIR" -l "$DATA_DIR/server.log" \
         -o "-c listen_addresses='' -c unix_socket_directories='$SOCKET_DIR' -c port=5432 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
         > "$WORK/pg_ctl.log" 2>&1 < /dev/null; then
    cat "$WORK/initdb.log" "$WORK/pg_ctl.log" >&2
    fail "could not start a private PostgreSQL in ${DATA_DIR#"$ROOT"/}"; finish; exit 1
  fi
fi
if ! timeout 120 "$BIN" seed --demo > "$WORK/seed.log" 2>&1; then
  cat "$WORK/seed.log" >&2
  fail "clusterxchange seed --demo (failed or hung for 120 s)"; finish; exit 1
fi
"$BIN" serve > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
ready=""
for _ in $(seq 1 120); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz" 2>/dev/null)" = 200 ]; then ready=1; break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.5
done
if [ -z "$ready" ]; then
  tail -n 40 "$WORK/server.log" >&2
  fail "the service did not become ready on $BASE/readyz"; finish; exit 1
fi
pass "service ready on $BASE (data: ${DATA_DIR#"$ROOT"/})"

# Both tokens first: fuzzing /v1/auth/login makes failed logins, which rate-limit this address.
login() {  # login EMAIL FILE -> prints the token
  curl -s -X POST "$BASE/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$DEMO_PASSWORD\"}" > "$2" || true
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("token", ""))' "$2" 2>/dev/null || true
}
TOKEN="$(login "$DEMO_EMAIL" "$WORK/login.json")"
APPLICANT_TOKEN="$(login "$DEMO_APPLICANT_EMAIL" "$WORK/login-applicant.json")"
if [ -z "$TOKEN" ] || [ -z "$APPLICANT_TOKEN" ]; then
  cat "$WORK/login.json" "$WORK/login-applicant.json" >&2; echo >&2
  tail -n 20 "$WORK/server.log" >&2
  fail "login as $DEMO_EMAIL and $DEMO_APPLICANT_EMAIL"; finish; exit 1
fi

# ---- 4. The README's walkthrough (scripts/walkthrough.sh), on the fresh data -----------------
# Every role from registration to a closed, paid exchange, with ids taken from the answers; and
# README.md must show exactly the script's block, so the README cannot drift from the service.
if API="$BASE" CX="$BIN" LOG_LEVEL=warning scripts/walkthrough.sh > "$WORK/walkthrough.txt" 2>&1; then
  pass "walkthrough: $(tail -n 1 "$WORK/walkthrough.txt")"
else
  tail -n 15 "$WORK/walkthrough.txt" >&2
  fail "scripts/walkthrough.sh (whole output: ${WORK#"$ROOT"/}/walkthrough.txt)"
fi
if [ -n "$(sed -n '/^# --- walkthrough begin/,/^# --- walkthrough end/p' scripts/walkthrough.sh | sed '1d;$d')" ] &&
   diff -u <(sed -n '/^# --- walkthrough begin/,/^# --- walkthrough end/p' scripts/walkthrough.sh | sed '1d;$d') \
     <(sed -n '/^<!-- walkthrough:begin/,/^<!-- walkthrough:end/p' README.md | sed '1,2d' | sed '$d' | sed '$d') \
     > "$WORK/walkthrough-readme.diff"; then
  pass "README.md shows scripts/walkthrough.sh's block unchanged"
else
  head -n 40 "$WORK/walkthrough-readme.diff" >&2 2>/dev/null || true
  fail "README.md's walkthrough differs from scripts/walkthrough.sh"
fi

# ---- 5. Container files (no Docker engine runs here: what can be checked without one) --------
container_problems=()
while read -r src; do  # every COPY source of the build context is in a fresh clone (tracked by git)
  [ -n "$(git ls-files -- "$src" 2>/dev/null | head -n 1)" ] || container_problems+=("COPY $src: not in the repository")
done < <(awk '/^COPY / && !/--from=/ { for (i = 2; i < NF; i++) print $i }' Dockerfile)
toolchain="$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9]*\.[0-9]*\).*/\1/p' | head -n 1)"
grep -q "^FROM swift:$toolchain-" Dockerfile || container_problems+=("the build image is not swift:$toolchain (the toolchain here)")
grep -q '^USER ' Dockerfile || container_problems+=("the runtime image has no non-root USER")
mapfile -t health < <(python3 - <<'EOF'
import json, re
line = next((l for l in open("Dockerfile") if l.startswith("HEALTHCHECK")), "")
m = re.search(r"CMD (\[.*\])\s*$", line)
for word in (json.loads(m.group(1)) if m else []): print(word)
EOF
)
if [ "${#health[@]}" -eq 0 ]; then
  container_problems+=("HEALTHCHECK is not in exec form (a shell form runs under dash, which has no /dev/tcp)")
else
  [ "${health[0]}" = clusterxchange ] && health[0]="$BIN"
  PORT="$PORT" "${health[@]}" > /dev/null 2>&1 || container_problems+=("HEALTHCHECK ${health[*]} fails against a ready service")
  PORT=9 "${health[@]}" > /dev/null 2>&1 && container_problems+=("HEALTHCHECK ${health[*]} passes with no service on the port")
fi
if ! "$VENV/bin/python" - > "$WORK/compose-check.txt" 2>&1 <<'EOF'
import sys, yaml
doc = yaml.safe_load(open("docker-compose.yml"))
services = doc["services"]
problems = []
for name, svc in services.items():
    if "build" in svc and svc.get("command", ["serve"])[0] == "serve" and svc.get("restart") != "unless-stopped":
        problems.append(f"{name}: restart is not unless-stopped")
    for dep in (svc.get("depends_on") or {}):
        if dep not in services: problems.append(f"{name}: depends on unknown service {dep}")
print("\n".join(problems)); sys.exit(1 if problems else 0)
EOF
then container_problems+=("docker-compose.yml: $(tr '\n' ' ' < "$WORK/compose-check.txt")"); fi
if [ ${#container_problems[@]} -eq 0 ]; then
  pass "Dockerfile and docker-compose.yml: COPY sources tracked, swift:$toolchain, non-root, exec-form HEALTHCHECK works, compose parses"
else
  for p in "${container_problems[@]}"; do fail "$p"; done
fi

# ---- 6. schemathesis ---------------------------------------------------------------------
# Pass "coordinator": every operation but logout (it would revoke the token) as the demo
# coordinator. Pass "applicant": the operations only applicants may use (the coordinator
# only ever gets 403 there), as the demo applicant.
seed_args=()
[ "$SEED" = random ] || seed_args=(--seed "$SEED")
mapfile -t applicant_ops < <(python3 - <<'EOF'
import json
doc = json.load(open("openapi.json"))
for path, item in doc["paths"].items():
    for method, op in item.items():
        roles = op.get("x-roles", [])
        if "applicant" in roles and "coordinator" not in roles:
            print(op["operationId"])
EOF
)
applicant_args=()
for id in "${applicant_ops[@]}"; do applicant_args+=(--include-operation-id "$id"); done

rm -rf "$WORK/report"
deadline=$((SECONDS + STEP_SECONDS))
# The stateful phase follows the document's own `links` (create route -> routes taking the new
# id) only: schemathesis' inferred links put integers into header values and error out.
cat > "$WORK/schemathesis.toml" <<'TOML'
[phases.stateful.inference]
algorithms = []
TOML

fuzz() {  # fuzz NAME TOKEN [filters...]
  local name="$1" token="$2" left status
  shift 2
  left=$((deadline - SECONDS))
  if [ "$left" -lt 10 ]; then
    fail "schemathesis ($name): no time left of the ${STEP_SECONDS}s budget"; return
  fi
  echo "== schemathesis, as the demo $name (${left}s left)"
  set +e
  timeout --kill-after=10 "$left" \
    "$VENV/bin/schemathesis" --config-file "$WORK/schemathesis.toml" run "$BASE/openapi.json" \
      --url "$BASE" \
      --header "Authorization: Bearer $token" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
      --exclude-path /v1/auth/logout \
      --phases examples,coverage,fuzzing,stateful \
      --max-examples "$EXAMPLES" \
      --workers 1 \
      --request-timeout 10 \
      --generation-database none \
      --suppress-health-check all \
      --warnings off \
      --no-color \
      --output-sanitize false \
      "${seed_args[@]}" "$@" \
      --report junit --report-junit-path "$WORK/report/$name.xml" \
    > "$WORK/schemathesis-$name.txt" 2>&1
  status=$?
  set -e
  cat "$WORK/schemathesis-$name.txt"
  if [ ! -f "$WORK/report/$name.xml" ]; then
    fail "schemathesis ($name) produced no report (exit $status)"; return
  fi
  # One testcase per operation; a failure or error element marks it failed.
  local counts
  counts="$(python3 - "$WORK/report/$name.xml" <<'EOF'
import sys
import xml.etree.ElementTree as ET
cases = list(ET.parse(sys.argv[1]).getroot().iter("testcase"))
bad = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
skipped = [c for c in cases if c.find("skipped") is not None and c not in bad]
errors = [c for c in bad if c.find("failure") is None]
print(len(cases) - len(bad) - len(skipped), len(bad), len(errors), " ".join(c.get("name").replace(" ", "_") for c in bad))
EOF
)"
  local ok bad errors names
  read -r ok bad errors names <<< "$counts"
  passed=$((passed + ok))
  if [ "$bad" -gt 0 ]; then
    failed=$((failed + bad))
    failures+=("schemathesis ($name): $bad operation(s) failed ($errors of them schemathesis runtime errors): ${names//_/ } (details: .build/api-checks/schemathesis-$name.txt)")
  elif [ "$status" -ne 0 ]; then
    fail "schemathesis ($name) exited $status (time limit or internal error)"
  fi
}
fuzz coordinator "$TOKEN"
fuzz applicant "$APPLICANT_TOKEN" "${applicant_args[@]}"

# The server must have survived the fuzzing.
if [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")" = 200 ]; then
  pass "service still healthy after fuzzing"
else
  fail "service no longer answers /healthz after fuzzing"
fi

finish
