#!/usr/bin/env bash
# Builds AndOpenFFIC.xcframework, the Rust library of the SDK for Apple platforms, next to Package.swift:
#   - a static library (libandopen_ffi.a) for iOS devices (arm64), the iOS simulator (arm64 and x86_64,
#     one fat library) and macOS (arm64 and x86_64, one fat library), built in release;
#   - with each, the C header the generated bindings import and a module map naming the module AndOpenFFIC;
# and the Swift bindings (./generate.sh). Once the XCFramework is here, Package.swift links it as a binary
# target instead of the system library, so that `swift build`, Xcode and apps depending on the package
# build for iOS, the simulator and macOS.
#
# Needs macOS with Xcode (xcodebuild, lipo) and Rust installed with rustup (the targets are added here).
# IPHONEOS_DEPLOYMENT_TARGET and MACOSX_DEPLOYMENT_TARGET default to the package's platforms (16.0, 13.0).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$ROOT/target/xcframework"
FRAMEWORK="$HERE/AndOpenFFIC.xcframework"

if [ "$(uname -s)" != Darwin ] || ! command -v xcodebuild >/dev/null 2>&1; then
  echo "build-xcframework.sh needs macOS with Xcode (xcodebuild and lipo)" >&2
  exit 1
fi
command -v rustup >/dev/null 2>&1 || { echo "Rust is not installed: install it with rustup, then run this again" >&2; exit 1; }

export IPHONEOS_DEPLOYMENT_TARGET="${IPHONEOS_DEPLOYMENT_TARGET:-16.0}"
export MACOSX_DEPLOYMENT_TARGET="${MACOSX_DEPLOYMENT_TARGET:-13.0}"
DEVICE=aarch64-apple-ios
SIMULATOR=(aarch64-apple-ios-sim x86_64-apple-ios)
MACOS=(aarch64-apple-darwin x86_64-apple-darwin)

rustup target add "$DEVICE" "${SIMULATOR[@]}" "${MACOS[@]}"
for target in "$DEVICE" "${SIMULATOR[@]}" "${MACOS[@]}"; do
  echo "== libandopen_ffi.a for $target"
  (cd "$ROOT" && cargo rustc --quiet --locked --release --manifest-path ffi/Cargo.toml --lib \
    --crate-type staticlib --target "$target")
done
lib() { echo "$ROOT/target/$1/release/libandopen_ffi.a"; }

echo "== the Swift bindings and the C header"
"$HERE/generate.sh"
rm -rf "$OUT" "$FRAMEWORK"
mkdir -p "$OUT/headers" "$OUT/ios-simulator" "$OUT/macos"
cp "$HERE/Sources/AndOpenFFIC/AndOpenFFIC.h" "$OUT/headers/"
# SwiftPM links a binary target's library itself: the module map declares the header only.
cat >"$OUT/headers/module.modulemap" <<'MAP'
module AndOpenFFIC {
    header "AndOpenFFIC.h"
    export *
}
MAP

echo "== fat libraries for the simulator and macOS"
lipo -create "$(lib "${SIMULATOR[0]}")" "$(lib "${SIMULATOR[1]}")" -output "$OUT/ios-simulator/libandopen_ffi.a"
lipo -create "$(lib "${MACOS[0]}")" "$(lib "${MACOS[1]}")" -output "$OUT/macos/libandopen_ffi.a"

echo "== AndOpenFFIC.xcframework"
xcodebuild -create-xcframework \
  -library "$(lib "$DEVICE")" -headers "$OUT/headers" \
  -library "$OUT/ios-simulator/libandopen_ffi.a" -headers "$OUT/headers" \
  -library "$OUT/macos/libandopen_ffi.a" -headers "$OUT/headers" \
  -output "$FRAMEWORK"
echo "built $FRAMEWORK: Package.swift now links it (build for iOS with Xcode, or: swift build for macOS)"
