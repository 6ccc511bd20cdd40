#!/usr/bin/env bash
# Installs the tests' mail server and webhook receiver (PyPI: aiosmtpd, and the Standard
# Webhooks reference library that checks the portal's signatures independently) into a
# virtualenv. Sourced by test.sh; also runnable on its own.
AIOSMTPD_VERSION="1.4.6"
STANDARDWEBHOOKS_VERSION="1.1.0"
NOTIFY_VENV="${ZTIX_NOTIFY_VENV:-/var/cache/zt-ix/notify}"

ensure_notify_tools() {
  need_apt python3-venv
  local have
  have="$("$NOTIFY_VENV/bin/pip" freeze 2>/dev/null | grep -ci -e "^aiosmtpd==$AIOSMTPD_VERSION" -e "^standardwebhooks==$STANDARDWEBHOOKS_VERSION" || true)"
  if [ "$have" != "2" ]; then
    say "installing aiosmtpd $AIOSMTPD_VERSION and standardwebhooks $STANDARDWEBHOOKS_VERSION (PyPI) into $NOTIFY_VENV"
    as_root mkdir -p "$(dirname "$NOTIFY_VENV")"
    as_root /usr/bin/python3 -m venv "$NOTIFY_VENV"
    as_root "$NOTIFY_VENV/bin/pip" install -q --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION" "standardwebhooks==$STANDARDWEBHOOKS_VERSION"
    as_root chmod -R a+rX "$NOTIFY_VENV"
  fi
  export ZTIX_NOTIFY_VENV="$NOTIFY_VENV"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
  ensure_notify_tools
fi
