#!/usr/bin/env bash
# ZT-IX load benchmark: the release binary on SQLite and on PostgreSQL, driven by wrk
# over loopback, next to the machine's ceiling (a trivial axum handler) measured in the
# same run. Prints a Markdown table (docs/benchmarks.md explains it).
#
#   bench/run.sh                 # both databases
#   BENCH_BACKENDS=sqlite bench/run.sh
#
# Environment: BENCH_CONNECTIONS (64), BENCH_SECONDS (10), BENCH_THREADS (2),
# ZTIX_TEST_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/postgres).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

connections="${BENCH_CONNECTIONS:-64}"
seconds="${BENCH_SECONDS:-10}"
threads="${BENCH_THREADS:-2}"
backends="${BENCH_BACKENDS:-sqlite postgres}"
pg_admin_url="${ZTIX_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
network="1122334455000001"
password="benchmark password 1"
port=3380
ceiling_port=3390
sim_port=3391

ensure_rust_tools
ensure_npm
need_apt wrk postgresql-client
cd "$REPO"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
say "building the release binary and the ceiling server"
cargo build --release -p server --bin zt-ix --example ceiling
bin="$TARGET/release/zt-ix"
ceiling_bin="$TARGET/release/examples/ceiling"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() { # url
  for _ in $(seq 1 150); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done
  echo "nothing answered at $1" >&2
  return 1
}

# Peak resident memory of a process while a command runs, in MiB.
peak_rss_during() { # pid command...
  local pid="$1"; shift
  local peak=0 rss
  "$@" > "$work/wrk.out" &
  local load=$!
  while kill -0 "$load" 2>/dev/null; do
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss
    sleep 0.1
  done
  wait "$load"
  echo $(( (peak + 1023) / 1024 ))
}

results="$work/results.jsonl"
: > "$results"

# One scenario: warm up, then measure. Extra environment for wrk.lua comes first.
measure() { # backend name pid url [VAR=value...]
  local backend="$1" name="$2" pid="$3" url="$4"; shift 4
  env "$@" wrk -t"$threads" -c"$connections" -d2s -s bench/wrk.lua "$url" > /dev/null
  local rss
  rss=$(peak_rss_during "$pid" env "$@" wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s -s bench/wrk.lua "$url")
  local line
  line=$(grep '^{' "$work/wrk.out" | tail -n 1)
  printf '{"backend":"%s","scenario":"%s","rss_mib":%s,%s\n' "$backend" "$name" "$rss" "${line#\{}" >> "$results"
  say "$backend / $name: $line (peak RSS ${rss} MiB)"
}

say "ceiling: a trivial axum handler"
"$ceiling_bin" "127.0.0.1:$ceiling_port" & pids+=($!)
ceiling_pid=$!
wait_for "http://127.0.0.1:$ceiling_port/"
measure machine "ceiling (trivial handler)" "$ceiling_pid" "http://127.0.0.1:$ceiling_port/"
kill "$ceiling_pid"

ZT_SIM_PORT=$sim_port ZT_SIM_TOKEN=bench-token node end2end/zerotier/controller-sim.mjs > "$work/sim.log" & pids+=($!)
wait_for "http://127.0.0.1:$sim_port/status" || true

for backend in $backends; do
  case "$backend" in
    sqlite) db_url="sqlite://$work/bench.db?mode=rwc" ;;
    postgres)
      db_name="ztix_bench_$$"
      psql -q "$pg_admin_url" -c "CREATE DATABASE $db_name" >/dev/null
      db_url="${pg_admin_url%/*}/$db_name" ;;
    *) echo "unknown backend $backend" >&2; exit 1 ;;
  esac
  export APP_ENV=development DATABASE_URL="$db_url" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
    LEPTOS_SITE_ROOT="$REPO/target/site" ZTIX_RUNTIME_CONFIG_PATH="$REPO/end2end/fixtures/runtime-config.toml" \
    ZT_CONTROLLER_BASE_URL="http://127.0.0.1:$sim_port" ZT_CONTROLLER_AUTH_TOKEN=bench-token \
    RUST_LOG="info,sqlx=warn" LOG_FORMAT=json APP_SECRET_KEY="benchmark-secret-key-with-enough-length-0123456789"
  base="http://127.0.0.1:$port"
  for account in "admin --admin --asn 64999" "member --asn 64501" "seeder --asn 64500" "creator --asn 64502"; do
    # shellcheck disable=SC2086
    printf '%s\n' "$password" | "$bin" users create --username $account --password-stdin > /dev/null
  done
  "$bin" serve > "$work/server-$backend.log" 2>&1 & pids+=($!)
  server=$!
  wait_for "$base/readyz"

  say "$backend: filing 50 requests for one member and 10,000 more for the admin list"
  member_cookie=$(node bench/seed.mjs "$base" member "$password" 64501 "$network" 50 1000000000)
  node bench/seed.mjs "$base" seeder "$password" 64500 "$network" 10000 2000000000 > /dev/null
  admin_cookie=$(node bench/seed.mjs "$base" admin "$password" 64999 "$network" 0)
  creator_cookie=$(node bench/seed.mjs "$base" creator "$password" 64502 "$network" 0)

  measure "$backend" "GET /healthz (no database)" "$server" "$base/healthz"
  measure "$backend" "GET /api/v1/me" "$server" "$base/api/v1/me" BENCH_COOKIE="$member_cookie"
  measure "$backend" "GET /api/v1/requests (50 requests)" "$server" "$base/api/v1/requests" BENCH_COOKIE="$member_cookie"
  measure "$backend" "GET /api/v1/admin/requests (first 100 of 10,050)" "$server" "$base/api/v1/admin/requests" BENCH_COOKIE="$admin_cookie"
  measure "$backend" "GET /api/v1/admin/requests?offset=9900" "$server" "$base/api/v1/admin/requests?offset=9900&limit=100" BENCH_COOKIE="$admin_cookie"
  measure "$backend" "GET /api/v1/admin/requests?status=pending&asn=64501" "$server" "$base/api/v1/admin/requests?status=pending&asn=64501" BENCH_COOKIE="$admin_cookie"
  measure "$backend" "GET /dashboard (server render)" "$server" "$base/dashboard" BENCH_COOKIE="$member_cookie"
  measure "$backend" "POST /api/v1/requests" "$server" "$base/api/v1/requests" BENCH_COOKIE="$creator_cookie" BENCH_MODE=create BENCH_ASN=64502 BENCH_NETWORK="$network"
  measure "$backend" "POST /api/v1/auth/local/login (Argon2id)" "$server" "$base/api/v1/auth/local/login" BENCH_MODE=login BENCH_USER=member BENCH_PASSWORD="$password"
  hwm=$(awk '/^VmHWM/ {print int(($2 + 1023) / 1024)}' "/proc/$server/status")
  say "$backend: the server's peak resident memory over the whole run: ${hwm} MiB"
  printf '{"backend":"%s","scenario":"whole run (VmHWM)","rss_mib":%s}\n' "$backend" "$hwm" >> "$results"
  kill "$server"; wait "$server" 2>/dev/null || true
  if grep -q '"level":"ERROR"' "$work/server-$backend.log"; then
    echo "the server logged errors under load ($backend):" >&2
    grep '"level":"ERROR"' "$work/server-$backend.log" | head -n 5 >&2
    exit 1
  fi
  [ "$backend" = postgres ] && psql -q "$pg_admin_url" -c "DROP DATABASE $db_name" >/dev/null
done

say "results ($connections connections, ${seconds}s each, wrk with $threads threads on the same machine)"
node - "$results" <<'JS'
const fs = require("node:fs");
const rows = fs.readFileSync(process.argv[2], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const ceiling = rows.find((r) => r.backend === "machine").rps;
console.log("| database | scenario | req/s | vs ceiling | p50 ms | p99 ms | errors | peak RSS MiB |");
console.log("|---|---|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  if (r.rps === undefined) {
    console.log(`| ${r.backend} | ${r.scenario} | | | | | | ${r.rss_mib} |`);
    continue;
  }
  const ratio = `${((100 * r.rps) / ceiling).toFixed(1)} %`;
  console.log(`| ${r.backend} | ${r.scenario} | ${r.rps.toFixed(0)} | ${ratio} | ${r.p50_ms.toFixed(2)} | ${r.p99_ms.toFixed(2)} | ${r.non_2xx + r.socket_errors} | ${r.rss_mib} |`);
}
JS
