#!/usr/bin/env bash
# The page-weight budget: builds the release bundle (precompressed with brotli and gzip),
# serves it, and measures the first load of /login in Chromium: HTML, CSS, JS and WASM
# together must stay within 350 kB on the wire.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_rust_tools
ensure_npm
need_apt chromium

cd "$REPO"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"

say "building the release bundle"
cargo leptos build --release --precompress --frontend-only --split
# The server only renders HTML and serves the files; any build of it will do.
[ -x "$TARGET/debug/zt-ix" ] || cargo build -p server

data="$(mktemp -d)"
port="${ZTIX_BUDGET_PORT:-3350}"
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT
APP_ENV=development DATABASE_URL="sqlite://$data/budget.db?mode=rwc" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  LEPTOS_SITE_ROOT="$REPO/target/site" ZTIX_RUNTIME_CONFIG_PATH="$REPO/end2end/fixtures/runtime-config.toml" \
  ZT_CONTROLLER_AUTH_TOKEN=unused RUST_LOG=warn "$TARGET/debug/zt-ix" serve &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

say "first load of /login"
(cd end2end && node budget.mjs "http://127.0.0.1:$port/login" 350)
