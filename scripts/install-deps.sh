#!/usr/bin/env bash
# Installs what `make run` / `make test` need on a fresh Debian machine with the Swift
# toolchain: libpq headers, pkg-config and a PostgreSQL server. Idempotent and quiet when
# everything is present; as a non-root user it prints the command instead of running it.
set -euo pipefail

missing=()
pkg-config --exists libpq 2>/dev/null || missing+=(libpq-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
# The static release build links FoundationNetworking (URLSession, for webhooks), which needs libcurl.
pkg-config --exists libcurl 2>/dev/null || missing+=(libcurl4-openssl-dev)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  missing+=(postgresql postgresql-contrib)
fi
# Extra tools by command name, or COMMAND:PACKAGE where they differ (chromedriver:chromium-driver).
for extra in "$@"; do
  command -v "${extra%%:*}" >/dev/null 2>&1 || missing+=("${extra#*:}")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "missing packages: ${missing[*]}" >&2
  echo "run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# The Debian package would start its own cluster on port 5432; we never use it.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
