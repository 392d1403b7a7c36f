#!/usr/bin/env bash
# npm run migration:generate -- <Name>             into src/database/migrations/
# npm run migration:generate -- <module> <Name>    into src/<module>/migrations/
# Writes the entities' difference from the (fully migrated) schema, then formats it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
output="$(bash scripts/with-database.sh env TS_NODE_TRANSPILE_ONLY=true npx ts-node src/migrations.ts generate "$@")" || { status=$?; echo "$output"; exit "$status"; }
echo "$output"
written="$(sed -n 's/.*"event":"migration.written","file":"\([^"]*\)".*/\1/p' <<<"$output")"
[ -z "$written" ] || npx prettier --log-level warn --write "$written"
