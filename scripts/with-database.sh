#!/usr/bin/env bash
# Runs a command with DATABASE_URL set: the configured one (environment or
# .env), or else that of this checkout's private local server, started first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -z "${DATABASE_URL:-}" ] && [ -f .env ]; then
  DATABASE_URL="$(sed -n 's/^DATABASE_URL=//p' .env | tail -n1 | sed -E "s/^([\"'])(.*)\\1$/\\2/")"
fi
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$(bash scripts/local-db.sh start | tail -n1 | sed 's/^DATABASE_URL=//')"
fi
export DATABASE_URL
exec "$@"
