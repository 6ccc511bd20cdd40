#!/usr/bin/env bash
# Checks the dependency tree with cargo-deny (deny.toml): licences, banned crates and
# sources and RustSec advisories, from the upstream database when GitHub answers, else from
# a local copy (ZTIX_ADVISORY_DB, or the snapshot beside the checkout). It says which
# database and commit date it checked against.
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

# The advisory database: ZTIX_ADVISORY_DB if set, else the upstream when it answers,
# else the snapshot kept beside the checkout (../shared/rustsec/advisory-db.bundle).
SNAPSHOT="$REPO/../shared/rustsec/advisory-db.bundle"
advisory_db="${ZTIX_ADVISORY_DB:-}"
if [ -z "$advisory_db" ]; then
  if timeout 10 git ls-remote -q https://github.com/rustsec/advisory-db HEAD >/dev/null 2>&1; then
    say "cargo deny: advisories (upstream RustSec database)"
    cargo deny check advisories
    exit 0
  elif [ -f "$SNAPSHOT" ]; then
    advisory_db="$SNAPSHOT"
  else
    echo "The RustSec database cannot be reached and there is no snapshot at $SNAPSHOT;" >&2
    echo "set ZTIX_ADVISORY_DB to a clone or bundle of rustsec/advisory-db." >&2
    exit 1
  fi
fi
dbs="$(mktemp -d)"
trap 'rm -rf "$dbs"' EXIT
# cargo-deny looks for the default database under this directory name.
git -c init.defaultBranch=main clone -q "$advisory_db" "$dbs/advisory-db-3157b0e258782691"
checked="$(git -C "$dbs/advisory-db-3157b0e258782691" log -1 --format='%H of %cs')"
say "cargo deny: advisories (database $advisory_db, commit $checked)"
sed "s|^# db-path = .*|db-path = \"$dbs\"|" deny.toml > "$dbs/deny.toml"
cargo deny --offline --config "$dbs/deny.toml" check advisories
