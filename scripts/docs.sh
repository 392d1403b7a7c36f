#!/usr/bin/env bash
# The HTTP contract and the checklists live in docs/, so that a clone is complete. Their source
# is the organisation's shared copy beside the checkout (../shared/docs/), when there is one:
#   bash scripts/docs.sh check   fails when docs/ differs from it (npm run lint runs this)
#   bash scripts/docs.sh sync    copies it over docs/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
shared=../shared/docs
files=(api.md security.md bad-inputs.md)
if [ ! -d "$shared" ]; then
  echo "docs: no shared copy at $shared to compare with; docs/ stands as committed"
  exit 0
fi
case "${1:-check}" in
  sync)
    for file in "${files[@]}"; do cp "$shared/$file" "docs/$file"; done
    echo "docs: docs/ copied from $shared"
    ;;
  check)
    status=0
    for file in "${files[@]}"; do
      if ! cmp -s "$shared/$file" "docs/$file"; then
        echo "docs/$file differs from $shared/$file: run npm run docs:sync and commit" >&2
        status=1
      fi
    done
    [ "$status" -eq 0 ] && echo "docs: docs/ matches $shared"
    exit "$status"
    ;;
  *)
    echo "usage: bash scripts/docs.sh check|sync" >&2
    exit 2
    ;;
esac
