#!/usr/bin/env bash
# npm start: build, then serve with DATABASE_URL from the environment or .env,
# or else from this checkout's private local server, provisioned on first use.
# Pending migrations run before the server listens (DATABASE_MIGRATE_ON_START).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run --silent build >&2
# The same heap bound as `npm run start:prod`; node itself, not npm, gets the signals.
exec bash scripts/with-database.sh node --max-old-space-size=128 dist/main.js
