#!/usr/bin/env bash
# `make soak`: the release build under steady mixed load for SOAK_SECONDS (default 600): reads
# of a call at 48 connections, and a streamed beneficiaries export (50,000 rows, JSON and CSV in
# turn) every few seconds. The server's RSS is sampled every 30 s into Benchmarks/soak.md, so a
# leak or an unbounded cache shows as a rising curve.
set -euo pipefail
DATA="$(cd "$(dirname "$0")/.." && pwd)/.data/soak-postgres"
# shellcheck source=scripts/measure-server.sh
. "$(dirname "$0")/measure-server.sh"
OUT="$ROOT/Benchmarks/soak.md"
SECONDS_TOTAL=${SOAK_SECONDS:-600}
cleanup_extra() { [ -n "${WRK_PID:-}" ] && kill "$WRK_PID" 2>/dev/null || true; }
"${PSQL[@]}" -v code=REPORTS -v apps=50000 -f "$ROOT/Benchmarks/fixtures/reports.sql" >/dev/null
REPORTS_ID=$("${PSQL[@]}" -At -c "SELECT id FROM programmes WHERE code = 'REPORTS'")
rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
START_KB=$(rss)
wrk -t2 -c48 -d"${SECONDS_TOTAL}s" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/calls/$CALL_ID" >/tmp/cx-soak-wrk.txt & WRK_PID=$!
SAMPLES=("| 0 | $((START_KB / 1024)) | 0 |")
EXPORTS=0; FAILED=0; ELAPSED=0; NEXT=30
while [ "$ELAPSED" -lt "$SECONDS_TOTAL" ]; do
  fmt=json; [ $((EXPORTS % 2)) = 1 ] && fmt=csv
  code=$(curl -s -o /tmp/cx-soak-export -w "%{http_code}" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/reports/beneficiaries?programme_id=$REPORTS_ID&format=$fmt")
  [ "$code" = 200 ] || { echo "export answered $code: $(head -c 300 /tmp/cx-soak-export)" >&2; FAILED=$((FAILED + 1)); }
  EXPORTS=$((EXPORTS + 1)); sleep 2; ELAPSED=$SECONDS
  if [ "$ELAPSED" -ge "$NEXT" ]; then SAMPLES+=("| $ELAPSED | $(( $(rss) / 1024 )) | $EXPORTS |"); NEXT=$((NEXT + 30)); fi
done
wait "$WRK_PID" || true; WRK_PID=
HWM_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
{
  echo "# Soak: RSS over time"
  echo
  echo "Measured by \`make soak\` on $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, release build, MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX."
  echo "Load: wrk -t2 -c48 (the per-address cap is 64, and the exports need one) on GET /v1/calls/{id} for ${SECONDS_TOTAL} s ($(awk '/Requests\/sec/ {print $2}' /tmp/cx-soak-wrk.txt) req/s),"
  echo "and a streamed beneficiaries export of 50,000 rows (12 MB JSON / 4 MB CSV in turn) every ~2 s."
  echo
  echo "| seconds | RSS (MiB) | exports so far |"
  echo "|---|---|---|"
  printf '%s\n' "${SAMPLES[@]}"
  echo
  echo "Peak RSS (VmHWM): $((HWM_KB / 1024)) MiB; $EXPORTS exports, $FAILED not answered 200."
} > "$OUT"
cat "$OUT"
