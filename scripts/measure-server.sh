# Sourced by bench.sh and soak.sh (set DATA first): the release build on a fresh private
# PostgreSQL under $DATA, seeded with the demo data, served on a free loopback port as deployed
# (two malloc arenas), with an auditor's TOKEN, the first CALL_ID, PSQL=(...) for fixtures, and
# cleanup on exit (a script that starts more processes extends `cleanup_extra`).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
BIN="$ROOT/.build/release/clusterxchange"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
AS_PG=(); [ "$(id -u)" = 0 ] && AS_PG=(runuser -u postgres --)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
# As deployed (Dockerfile, make run): two malloc arenas.
export CX_ROOT="$ROOT" CX_DATA_DIR="$DATA" PORT HOST=127.0.0.1 LOG_LEVEL=error DB_POOL_SIZE=${DB_POOL_SIZE:-16} MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
unset DATABASE_URL

cleanup_extra() { :; }
cleanup() {
  cleanup_extra
  [ -n "${SERVER_PID:-}" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -f "$DATA/postmaster.pid" ] && "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

# A fresh private database every run, so figures are comparable.
[ -f "$DATA/postmaster.pid" ] && "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
rm -rf "$DATA"
"$BIN" seed --demo >/dev/null
"$BIN" serve & SERVER_PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

TOKEN=$(curl -fs -H 'Content-Type: application/json' -d '{"email":"auditor@medic-nest.example","password":"medic-nest-demo"}' \
  "http://127.0.0.1:$PORT/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
CALL_ID=$(curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/programmes/1/calls" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
SOCKET_DIR=$(sed -n 5p "$DATA/postmaster.pid")
PSQL=("${AS_PG[@]}" psql -X -q -h "$SOCKET_DIR" -U postgres -d clusterxchange -v ON_ERROR_STOP=1)
