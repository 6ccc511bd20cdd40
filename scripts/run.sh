#!/usr/bin/env bash
# Builds ZT-IX and runs the portal.
#
#   ./scripts/run.sh           the portal on the configuration in .env (SQLite by default)
#   ./scripts/run.sh --demo    a demo: a simulated ZeroTier controller, one network and two
#                              accounts whose passwords are printed once
#
# A checkout with no .env and no runtime-config.toml starts the demo. ZTIX_BIN names a
# zt-ix binary built already (the build is skipped); LEPTOS_SITE_ROOT its site files.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

demo=""
case "${1:-}" in
  --demo) demo=1 ;;
  "") [ -f "$REPO/.env" ] || [ -f "$REPO/runtime-config.toml" ] || [ -n "${ZTIX_RUNTIME_CONFIG_PATH:-}" ] || demo=1 ;;
  *) echo "usage: $0 [--demo]" >&2; exit 2 ;;
esac
if [ -n "$demo" ] && [ "${APP_ENV:-}" = "production" ]; then
  echo "A demo runs against a simulated controller; it is never started with APP_ENV=production." >&2
  exit 2
fi

cd "$REPO"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
if [ -n "${ZTIX_BIN:-}" ]; then
  BIN="$ZTIX_BIN"
else
  ensure_rust_tools
  ensure_npm
  say "building (release)"
  LEPTOS_ENV=PROD cargo leptos build --release --precompress --split
  BIN="$TARGET/release/zt-ix"
fi
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$REPO/target/site}"
ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"

if [ -z "$demo" ]; then
  cat <<TXT

  ZT-IX will be at http://$ADDR (database: ${DATABASE_URL:-sqlite://zt-ix.db?mode=rwc})

  Create the first admin in another terminal:
    $BIN users create --username admin --admin --password-stdin

  Check the deployment:
    $BIN doctor

  Stop with Ctrl-C.

TXT
  exec "$BIN" serve
fi

# --- the demo -------------------------------------------------------------------------
command -v node >/dev/null || need_apt nodejs
data="$TARGET/demo"
rm -rf "$data"
mkdir -p "$data"
secret() { head -c 18 /dev/urandom | base64 | tr -d '/+='; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

sim_port="$(free_port)"
sim_token="$(secret)"
ZT_SIM_PORT="$sim_port" ZT_SIM_TOKEN="$sim_token" node "$REPO/end2end/zerotier/controller-sim.mjs" &
sim=$!
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$sim_port") 2>/dev/null && break
  sleep 0.1
done
server=""
stop() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  kill "$sim" 2>/dev/null
  wait 2>/dev/null
}
trap stop EXIT
trap 'exit 130' INT TERM

cat >"$data/runtime-config.toml" <<'TOML'
# The demo exchange: one network on the simulated controller, a documentation prefix.
[workflow]
approval_mode = "manual_admin"

[[networks]]
suffix = "000001"
name = "ZT-IX Demo"
description = "Demo peering LAN (simulated controller)"
ipv6_prefix = "2001:db8:de::/64"
TOML

export APP_ENV=development ZTIX_DEMO=true
export DATABASE_URL="sqlite://$data/zt-ix.db?mode=rwc"
export ZTIX_RUNTIME_CONFIG_PATH="$data/runtime-config.toml"
export ZT_CONTROLLER_BASE_URL="http://127.0.0.1:$sim_port" ZT_CONTROLLER_AUTH_TOKEN="$sim_token"
export LEPTOS_SITE_ADDR="$ADDR" PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://$ADDR}"
export RUST_LOG="${RUST_LOG:-warn}"
unset ROUTE_SERVER_HOSTS PEERINGDB_CLIENT_ID PEERINGDB_CLIENT_SECRET PEERINGDB_REDIRECT_URI

# Run where no .env is read: the demo's settings are all above.
cd "$data"
admin_password="$(secret)"
operator_password="$(secret)"
"$BIN" migrate up >/dev/null
printf '%s\n' "$admin_password" |
  "$BIN" users create --username admin --password-stdin --admin --full-name "Demo Admin" >/dev/null
printf '%s\n' "$operator_password" |
  "$BIN" users create --username operator --password-stdin --asn 64500 --full-name "Demo Operator" >/dev/null

cat <<TXT

  ZT-IX demo at http://$ADDR (a simulated ZeroTier controller; nothing reaches a real network)

    admin     password: $admin_password    (approves requests)
    operator  password: $operator_password    (AS64500: files a request)

  Log in as the operator, file a request for any 10-hex node id (say 0123456789), log in as
  the admin in another browser (or after logging out) and approve it: within seconds it
  is active with its address in 2001:db8:de::/64. These passwords are shown only now; the
  demo starts afresh each time. Stop with Ctrl-C.

TXT
"$BIN" serve &
server=$!
wait "$server"
