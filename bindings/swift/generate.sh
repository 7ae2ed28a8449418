#!/usr/bin/env bash
# Builds the Rust library (release) and generates the Swift bindings into this package:
# Sources/AndOpenFFI/AndOpenFFI.swift and Sources/AndOpenFFIC/AndOpenFFIC.h (both generated, not committed).
# A file whose content did not change is left as it is, so that an incremental Swift build stays incremental.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
"$HERE/../build-native.sh" swift "$OUT"
for pair in "AndOpenFFI.swift:Sources/AndOpenFFI/AndOpenFFI.swift" "AndOpenFFIC.h:Sources/AndOpenFFIC/AndOpenFFIC.h"; do
  from="$OUT/${pair%%:*}"
  to="$HERE/${pair#*:}"
  cmp -s "$from" "$to" || cp "$from" "$to"
done
echo "generated Sources/AndOpenFFI/AndOpenFFI.swift and Sources/AndOpenFFIC/AndOpenFFIC.h"
