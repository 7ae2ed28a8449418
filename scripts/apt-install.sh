#!/usr/bin/env bash
# Installs the Debian packages named that are not installed yet (nothing to do, no `apt-get update`, when
# every one is): what the test and build scripts call for the tools a fresh machine lacks.
#   scripts/apt-install.sh PACKAGE...
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  printf '\n== installing %s\n' "${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
