#!/usr/bin/env bash
# Fuzzes the JSON API from its own OpenAPI document with schemathesis (PyPI): a live
# server on a fresh SQLite database, once anonymous and once as a logged-in operator.
# Fails on any 5xx answer or any answer that does not match the documented schema
# (errors included: they must be in the envelope).
#
#   scripts/api-fuzz.sh [examples-per-operation]   (default 40)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SCHEMATHESIS_VERSION="4.32.5"
examples="${1:-40}"
cd "$REPO"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
venv="${ZTIX_CACHE:-$HOME/.cache/zt-ix}/schemathesis-$SCHEMATHESIS_VERSION"
if [ ! -x "$venv/bin/schemathesis" ]; then
  say "installing schemathesis $SCHEMATHESIS_VERSION (PyPI)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi
[ -x "$TARGET/debug/zt-ix" ] || cargo build -p server

data="$(mktemp -d)"
port="${ZTIX_FUZZ_PORT:-3360}"
base="http://127.0.0.1:$port"
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT
# PeeringDB login is configured (its endpoints unreachable), so its routes answer with
# their own refusals instead of 503 auth_provider_unavailable.
export APP_ENV=development DATABASE_URL="sqlite://$data/fuzz.db?mode=rwc" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  ZTIX_RUNTIME_CONFIG_PATH="$REPO/end2end/fixtures/runtime-config.toml" RUST_LOG=warn \
  PEERINGDB_CLIENT_ID=fuzz PEERINGDB_CLIENT_SECRET=fuzz-secret PEERINGDB_REDIRECT_URI="$base/auth/callback" \
  PEERINGDB_AUTH_URL=http://127.0.0.1:9/authorize PEERINGDB_TOKEN_URL=http://127.0.0.1:9/token \
  PEERINGDB_PROFILE_URL=http://127.0.0.1:9/profile PEERINGDB_JWKS_URL=http://127.0.0.1:9/jwks
password="fuzzing with a long enough password"
for account in "fuzz-operator --asn 64500 --asn 64501" "fuzz-admin --admin --asn 64999"; do
  # shellcheck disable=SC2086
  printf '%s' "$password" | "$TARGET/debug/zt-ix" users create --username $account --password-stdin >/dev/null
done
"$TARGET/debug/zt-ix" serve 2>"$data/server.log" &
server=$!
for _ in $(seq 1 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

login() {
  curl -fsS -D - -o /dev/null -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$password\"}" "$base/api/v1/auth/local/login" |
    tr -d '\r' | sed -n 's/^set-cookie: \(zt_ix_session=[^;]*\).*/\1/Ip' | head -n 1
}

run() {
  say "schemathesis: $1"
  shift
  "$venv/bin/schemathesis" run "$base/api/v1/openapi.json" --url "$base" \
    --checks not_a_server_error,response_schema_conformance \
    --max-examples "$examples" --seed 20261128 --suppress-health-check all --no-color \
    --exclude-path /api/v1/auth/logout --exclude-path /readyz "$@" || failed=1
}

# /readyz answers 503 by design here (no controller); logout would end the session.
failed=0
run "anonymous"
run "as an operator" -H "Cookie: $(login fuzz-operator)"
run "as an admin" -H "Cookie: $(login fuzz-admin)"
[ "$failed" -eq 0 ] || { echo "schemathesis found failures (above)" >&2; exit 1; }
if grep -q '"level":"ERROR"\|ERROR' "$data/server.log"; then
  echo "the server logged errors while fuzzed:" >&2
  grep 'ERROR' "$data/server.log" | head -n 20 >&2
  exit 1
fi
say "API fuzzing found nothing"
