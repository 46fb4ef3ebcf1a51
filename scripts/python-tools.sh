#!/usr/bin/env bash
# The Python tools the tests use, pinned, in .build/venv (created on first use; python3-venv
# installed when missing and we are root): schemathesis and openapi-spec-validator for
# scripts/api-checks.sh, aiosmtpd for the real SMTP server of the e-mail tests, icalendar to parse
# the calendar feed, selenium and axe-selenium-python for the console (scripts/console-checks.sh)
# (Tests/GrantsTests/Support/smtp_sink.py). Idempotent and quiet when everything is there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.build/venv"
PINS="schemathesis==4.32.5 openapi-spec-validator==0.9.0 aiosmtpd==1.4.6 icalendar==7.3.2 selenium==4.50.0 axe-selenium-python==2.1.6"
mkdir -p "$ROOT/.build"
if [ ! -x "$VENV/bin/python" ]; then
  if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "installing python3-venv" >&2
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
      python3 -m venv "$VENV"
    else
      echo "python3 -m venv is unavailable: install python3-venv (sudo apt-get install python3-venv)" >&2
      exit 1
    fi
  fi
fi
if [ "$(cat "$VENV/.cx-pins" 2>/dev/null)" != "$PINS" ]; then
  echo "installing $PINS into .build/venv" >&2
  # shellcheck disable=SC2086
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check $PINS
  echo "$PINS" > "$VENV/.cx-pins"
fi
