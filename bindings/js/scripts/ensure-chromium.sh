#!/usr/bin/env bash
# The browser test drives Debian's Chromium through playwright-core (test tools cannot download browsers
# here): install it when it is missing.
set -euo pipefail
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser test"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "no Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium}: install one, or point CHROMIUM_PATH at it" >&2
  exit 1
fi
