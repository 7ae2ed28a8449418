#!/usr/bin/env bash
# Builds the Rust library (release) and generates the Swift bindings into this package:
# Sources/AndOpenFFI/AndOpenFFI.swift and Sources/AndOpenFFIC/AndOpenFFIC.h (both generated, not committed).
# Then, on a machine with Swift:  swift test -Xlinker -L"$(../build-native.sh lib | xargs dirname)"
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
"$HERE/../build-native.sh" swift "$OUT"
cp "$OUT/AndOpenFFI.swift" "$HERE/Sources/AndOpenFFI/AndOpenFFI.swift"
cp "$OUT/AndOpenFFIC.h" "$HERE/Sources/AndOpenFFIC/AndOpenFFIC.h"
echo "generated Sources/AndOpenFFI/AndOpenFFI.swift and Sources/AndOpenFFIC/AndOpenFFIC.h"
