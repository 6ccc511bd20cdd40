# A PostgreSQL server for the tests: the one on 127.0.0.1:5432 if it answers, else
# Debian's, installed and started here. Exports ZTIX_TEST_POSTGRES_URL.
# shellcheck shell=bash

pg_answers() { psql "$1" -tAc 'SELECT 1' >/dev/null 2>&1; }

ensure_postgres() {
  local candidates=("${ZTIX_TEST_POSTGRES_URL:-}" "postgres://postgres@127.0.0.1:5432/postgres" "postgres://postgres:postgres@127.0.0.1:5432/postgres")
  for url in "${candidates[@]}"; do
    if [ -n "$url" ] && pg_answers "$url"; then export ZTIX_TEST_POSTGRES_URL="$url"; return 0; fi
  done
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    need_apt postgresql
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    say "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  # A server we can reach but not log in to: give the postgres role a password (test machines only).
  as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
  export ZTIX_TEST_POSTGRES_URL="postgres://postgres:postgres@127.0.0.1:5432/postgres"
  pg_answers "$ZTIX_TEST_POSTGRES_URL" || { echo "PostgreSQL on 127.0.0.1:5432 does not accept logins" >&2; exit 1; }
  # Databases left by interrupted test runs.
  psql "$ZTIX_TEST_POSTGRES_URL" -tAc "SELECT datname FROM pg_database WHERE datname LIKE 'ztix_test_%'" |
    while read -r stale; do psql "$ZTIX_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS \"$stale\" WITH (FORCE)" >/dev/null; done
}
