#!/usr/bin/env bash
# Checks the dependency tree with cargo-deny (deny.toml): licences, banned crates and
# sources always; RustSec advisories too when a copy of the advisory database is at hand
# (ZTIX_ADVISORY_DB=/path/to/advisory-db) or GitHub can be reached.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CARGO_DENY_VERSION="0.20.2"
ensure_rust_tools
if [ "$(cargo deny --version 2>/dev/null | awk '{print $2}')" != "$CARGO_DENY_VERSION" ]; then
  say "installing cargo-deny $CARGO_DENY_VERSION (takes a few minutes once)"
  cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
fi
cd "$REPO"
say "cargo deny: licences, bans, sources"
cargo deny --offline check licenses bans sources

if [ -n "${ZTIX_ADVISORY_DB:-}" ]; then
  say "cargo deny: advisories (database at $ZTIX_ADVISORY_DB)"
  dbs="$(mktemp -d)"
  trap 'rm -rf "$dbs"' EXIT
  # cargo-deny looks for the default database under this directory name.
  git clone -q "$ZTIX_ADVISORY_DB" "$dbs/advisory-db-3157b0e258782691"
  sed "s|^# db-path = .*|db-path = \"$dbs\"|" deny.toml > "$dbs/deny.toml"
  cargo deny --offline --config "$dbs/deny.toml" check advisories
elif timeout 10 git ls-remote -q https://github.com/rustsec/advisory-db HEAD >/dev/null 2>&1; then
  say "cargo deny: advisories"
  cargo deny check advisories
else
  say "cargo deny: advisories skipped (the RustSec database cannot be reached; set ZTIX_ADVISORY_DB)"
fi
