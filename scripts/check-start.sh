#!/usr/bin/env bash
# Runs `npm start` as a user would, with no DATABASE_URL and no MAIL_URL, and
# waits for GET /health to answer 200 (at most two minutes); then registers a
# user and finds the verification message with the README's command for the
# newest mail, and stops the service.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
port="${CHECK_START_PORT:-3917}"
log="$(mktemp)"
started=$SECONDS

env -u DATABASE_URL -u MAIL_URL -u MAIL_OUTBOX_DIR PORT="$port" setsid npm start >"$log" 2>&1 </dev/null &
service=$!
stop() { kill -TERM -- "-$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; }
trap stop EXIT

health() {
  node -e 'fetch(process.argv[1]).then(async (r) => { console.log(r.status, await r.text()); process.exit(r.status === 200 ? 0 : 1) }, () => process.exit(1))' \
    "http://127.0.0.1:$port/health"
}

until answer="$(health)"; do
  if ! kill -0 "$service" 2>/dev/null || [ $((SECONDS - started)) -ge 120 ]; then
    tail -n 40 "$log" >&2
    echo "npm start did not answer GET /health with 200 within 120 s" >&2
    exit 1
  fi
  sleep 0.5
done
echo "GET /health after $((SECONDS - started)) s: $answer"

address="check-start-$(date +%s%N)@example.com"
node -e 'fetch(process.argv[1], { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email: process.argv[2], password: "correct horse battery staple" }) })
  .then((r) => { console.log("POST /auth/register:", r.status); process.exit(r.status === 201 ? 0 : 1) }, () => process.exit(1))' \
  "http://127.0.0.1:$port/auth/register" "$address"
waited=0
# The README's command for the newest message.
until newest="$(ls -t .local/mail/*.eml 2>/dev/null | head -n 1)" && [ -n "$newest" ] && grep -q "^To: $address" "$newest"; do
  if [ "$waited" -ge 40 ]; then
    echo "no verification message to $address in .local/mail/ within 20 s" >&2
    exit 1
  fi
  sleep 0.5
  waited=$((waited + 1))
done
echo "newest mail: $newest ($(grep -m1 '^Subject:' "$newest"))"
