#!/usr/bin/env bash
# Installs IRRd (PyPI) for the IRR tests, in a virtualenv of Debian's Python that the
# unprivileged user IRRd runs as can read (each test starts its own Redis). Sourced
# by test.sh; also runnable on its own.
IRRD_VERSION="4.5.4"
IRRD_VENV="${ZTIX_IRRD_VENV:-/var/cache/zt-ix/irrd}"

ensure_irrd() {
  need_apt python3-venv redis-server bgpq4 postgresql-client
  if [ "$("$IRRD_VENV/bin/pip" show irrd 2>/dev/null | awk '/^Version:/ {print $2}')" != "$IRRD_VERSION" ]; then
    say "installing IRRd $IRRD_VERSION (PyPI) into $IRRD_VENV"
    as_root mkdir -p "$(dirname "$IRRD_VENV")"
    as_root /usr/bin/python3 -m venv "$IRRD_VENV"
    as_root "$IRRD_VENV/bin/pip" install -q --disable-pip-version-check "irrd==$IRRD_VERSION"
    as_root chmod -R a+rX "$IRRD_VENV"
  fi
  export ZTIX_IRRD_VENV="$IRRD_VENV"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
  ensure_irrd
fi
