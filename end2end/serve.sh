#!/usr/bin/env bash
# Starts the portal for the browser tests: a fresh SQLite database with local
# accounts, then `zt-ix serve` (the webServer of playwright.config.ts).
set -euo pipefail
: "${ZTIX_BIN:?}" "${ZTIX_E2E_DATA:?}"
rm -rf "$ZTIX_E2E_DATA"
mkdir -p "$ZTIX_E2E_DATA"
"$ZTIX_BIN" migrate up >/dev/null
printf '%s\n' 'operator password 1' |
  "$ZTIX_BIN" users create --username operator --password-stdin --asn 64500 --full-name "Olivia Operator" >/dev/null
printf '%s\n' 'admin password 123' |
  "$ZTIX_BIN" users create --username admin --password-stdin --admin --asn 64511 --full-name "Ada Admin" >/dev/null
for peer in 64502 64503 64504; do
  printf '%s\n' 'peer password 12' |
    "$ZTIX_BIN" users create --username "peer$peer" --password-stdin --asn "$peer" --full-name "Peer AS$peer" >/dev/null
done
printf '%s\n' 'newcomer password' |
  "$ZTIX_BIN" users create --username newcomer --password-stdin --full-name "Nina Newcomer" >/dev/null
exec "$ZTIX_BIN" serve
