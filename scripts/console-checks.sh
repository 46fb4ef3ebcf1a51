#!/usr/bin/env bash
# The web console in a real headless browser (issue 14): a fresh embedded PostgreSQL with the
# demo seed, the debug build serving the console, then Tests/Console/run.py drives Debian's
# Chromium through Selenium (SE_OFFLINE: Selenium Manager never downloads anything). Every
# role's journey, every main page at desktop and phone width with axe-core and screenshots
# (in .build/console), and no console error or CSP violation.
#
#   scripts/console-checks.sh                    # all of it (make test runs this)
#   scripts/console-checks.sh journey_applicant  # one journey module or function
#   CONSOLE_KEEP=1 scripts/console-checks.sh     # leave the server running (prints its URL)
#   CONSOLE_WORK=.build/console-x CONSOLE_DATA_DIR=.data/console-x scripts/console-checks.sh  # a second run beside
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${BIN:-$ROOT/.build/debug/clusterxchange}"
WORK="${CONSOLE_WORK:-$ROOT/.build/console}"
DATA_DIR="${CONSOLE_DATA_DIR:-$ROOT/.data/console-postgres}"

scripts/install-deps.sh chromium chromedriver:chromium-driver
scripts/python-tools.sh

# as_postgres, pg_bindir, stop_postgres, free_port
. "$ROOT/scripts/postgres-helpers.sh"

mkdir -p "$WORK"
# One run at a time per data folder (CONSOLE_WORK and CONSOLE_DATA_DIR let runs go side by side).
exec 9> "$WORK/.lock"
flock -w 900 9 || { echo "another console-checks run holds $WORK/.lock" >&2; exit 1; }

PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
unset DATABASE_URL
# Many registrations from one address (the journeys and the tour register several SMEs). An
# exchange cannot take place in a test's minute: the journeys move one into the past with the
# demo-only command `demo-exchange-took-place` (CX_BIN), as a demo would.
export CX_ROOT="$ROOT" CX_DATA_DIR="$DATA_DIR" HOST=127.0.0.1 PORT BCRYPT_COST=4 LOG_LEVEL="${LOG_LEVEL:-warning}" \
  REGISTRATIONS_PER_ADDRESS=1000 CX_BIN="$BIN"

SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  stop_postgres
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_postgres
rm -rf "$DATA_DIR" "$WORK"/*.png "$WORK/downloads"
if ! timeout 120 "$BIN" seed --demo > "$WORK/seed.log" 2>&1; then
  cat "$WORK/seed.log" >&2
  echo "console-checks: clusterxchange seed --demo failed" >&2
  exit 1
fi
"$BIN" serve > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz" 2>/dev/null)" = 200 ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.25
done

status=0
CONSOLE_BASE="$BASE" CONSOLE_OUT="$WORK" SE_OFFLINE=true \
  "$ROOT/.build/venv/bin/python" Tests/Console/run.py "$@" || status=$?
if [ "${CONSOLE_KEEP:-0}" = 1 ]; then
  echo "console-checks: the server stays at $BASE (Ctrl-C stops it)"
  wait "$SERVER_PID" || true
fi
[ "$status" = 0 ] || { echo "console-checks: failed (server log: ${WORK#"$ROOT"/}/server.log)" >&2; tail -20 "$WORK/server.log" >&2; }
exit "$status"
