#!/usr/bin/env bash
# Installs what the tests need (once) and runs every test: Rust unit and integration
# tests on SQLite and PostgreSQL (with real BIRD, FRR's vtysh, OpenSSH, bgpq4, IRRd and an
# SMTP server), the deployment file checks, the browser tests, the API fuzzer, the parser
# fuzzers, the page-weight budget and the dependency checks.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_rust_tools
ensure_npm
# Noto fonts: the screenshots show the interface as designed, Hebrew included.
need_apt chromium bird2 frr openssh-server postgresql-client fonts-noto-core fonts-noto-mono
source "$REPO/scripts/postgres.sh"
ensure_postgres
# bgpq4 and a real IRRd (PyPI) for the IRR filtering tests.
source "$REPO/scripts/irrd.sh"
ensure_irrd
# A real SMTP server (aiosmtpd) and the Standard Webhooks library for the notification tests.
source "$REPO/scripts/notify.sh"
ensure_notify_tools

cd "$REPO"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
started=$(date +%s)

say "building the site (server + wasm, debug)"
cargo leptos build --split

say "Rust tests (SQLite and PostgreSQL at ${ZTIX_TEST_POSTGRES_URL})"
cargo test --workspace --exclude frontend --no-fail-fast

say "deployment files"
"$REPO/scripts/deploy-check.sh" "$TARGET/debug/zt-ix"

say "browser tests (Chromium)"
(cd end2end && CI=1 ZTIX_BIN="$TARGET/debug/zt-ix" LEPTOS_SITE_ROOT="$REPO/target/site" npx playwright test)

say "API fuzzing (schemathesis)"
"$REPO/scripts/api-fuzz.sh" "${ZTIX_API_FUZZ_EXAMPLES:-25}"

say "parser fuzzing (cargo-fuzz)"
"$REPO/scripts/fuzz.sh" "${ZTIX_FUZZ_SECONDS:-20}"

# Last among the site checks: it replaces the debug bundle in target/site with the release one.
say "page weight (release bundle, first load of /login in Chromium)"
"$REPO/scripts/budget.sh"

say "dependency checks (cargo-deny)"
"$REPO/scripts/deny.sh"

say "all tests passed in $(( $(date +%s) - started ))s"
