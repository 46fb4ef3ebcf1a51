# Sourced by the check scripts that start a private embedded PostgreSQL in $DATA_DIR
# (scripts/api-checks.sh, scripts/console-checks.sh): one definition of each helper.

# Runs a PostgreSQL binary as the postgres user when we are root (initdb refuses root).
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# The newest installed server's binaries (Debian: /usr/lib/postgresql/<major>/bin).
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
# Stops the server of $DATA_DIR if one runs there; quiet when none does.
stop_postgres() {
  local bin
  bin="$(pg_bindir)"
  if [ -f "$DATA_DIR/postmaster.pid" ] && [ -n "$bin" ]; then
    as_postgres "$bin/pg_ctl" -D "$DATA_DIR" -m fast -w stop >/dev/null 2>&1 || true
  fi
}
# A free TCP port on the loopback interface.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
