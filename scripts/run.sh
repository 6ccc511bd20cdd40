#!/usr/bin/env bash
# Builds ZT-IX and runs the portal on the embedded SQLite database.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_rust_tools
ensure_npm
cd "$REPO"
say "building (release)"
LEPTOS_ENV=PROD cargo leptos build --release --precompress --split
BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/zt-ix"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$REPO/target/site}"

ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
cat <<TXT

  ZT-IX will be at http://$ADDR (database: ${DATABASE_URL:-sqlite://zt-ix.db?mode=rwc})

  Create the first admin in another terminal:
    $BIN users create --username admin --admin --password-stdin

  Stop with Ctrl-C.

TXT
exec "$BIN" serve
