#!/usr/bin/env bash
# npm run migration:generate -- <PascalCaseName>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
name="${1:?usage: npm run migration:generate -- <PascalCaseName>}"
bash scripts/with-database.sh env TS_NODE_TRANSPILE_ONLY=true npx typeorm-ts-node-commonjs \
  -d src/database/data-source.ts migration:generate "src/database/migrations/$name"
