#!/usr/bin/env bash
# Installs what the browser tests need: Debian's Chromium (and CJK fonts for
# Japanese pages). Only root on Debian can; anyone else is told loudly, and the
# browser tests are skipped.
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests…"
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; then
    exit 0
  fi
  echo "!!! apt-get could not install chromium." >&2
fi
cat >&2 <<'MSG'
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!!! /usr/bin/chromium is missing and could not be installed (needs root on  !!!
!!! Debian: apt-get install chromium). THE BROWSER TESTS WILL BE SKIPPED.    !!!
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
MSG
exit 0
