#!/usr/bin/env bash
# Builds every artifact the SDK ships for the UniFFI languages into target/dist/, then says what was built
# and what was skipped, and why (`make dist`):
#
#   target/dist/natives/<platform>/   the native library of each desktop platform (scripts/natives.sh:
#                                     built once per platform, inspected, the Linux ones run)
#   target/dist/python/               the six wheels and the sdist (bindings/python/scripts/wheels.sh,
#                                     each inspected), and a wheel built by pip from the sdist with maturin
#   target/dist/kotlin/               the jar with the five desktop libraries under JNA's folders (checked);
#                                     the AAR when ANDROID_NDK_HOME names an Android NDK
#                                     (bindings/kotlin/scripts/aar.sh)
#   bindings/swift/AndOpenFFIC.xcframework   on macOS with Xcode only (bindings/swift/build-xcframework.sh)
#
# The library of each platform is built once; the jar and the wheels take it from target/natives. Installs
# what it needs as the scripts it runs do (the cross toolchain, maturin and auditwheel, Maven's plugins),
# and UniFFI's binding generator at the workspace's exact version under target/tools, which maturin runs
# when it builds the sdist. Exits non-zero when anything that is not skipped fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

DIST="$ROOT/target/dist"
built=()
skipped=()

step() { printf '\n== %s\n' "$*"; }
took() { echo "$(( $(date +%s) - $1 )) s"; }

rm -rf "$DIST"
mkdir -p "$DIST/natives" "$DIST/python" "$DIST/kotlin"

step "native libraries"
start="$(date +%s)"
scripts/natives.sh
cp -R target/natives/. "$DIST/natives/"
built+=("natives: $(scripts/natives.sh --list | tr '\n' ' ')($(took "$start"))")

step "Python wheels and sdist"
start="$(date +%s)"
bindings/python/scripts/wheels.sh "$DIST/python"
built+=("python: $(cd "$DIST/python" && ls | tr '\n' ' ')($(took "$start"))")

step "Python: a wheel built from the sdist by pip and maturin"
# The sdist carries UniFFI's generator (ffi/bindgen), which maturin runs: nothing else is on the PATH.
start="$(date +%s)"
SDIST_OUT="$ROOT/target/sdist-build"
rm -rf "$SDIST_OUT"
"$ROOT/target/wheel-tools/bin/python" -m pip wheel --quiet --disable-pip-version-check \
  --no-deps --wheel-dir "$SDIST_OUT" "$(ls "$DIST"/python/andopen-*.tar.gz)"
python3 -m zipfile -l "$(ls "$SDIST_OUT"/andopen-*.whl)" | grep -q "andopen/_native/libandopen_ffi.so" ||
  { echo "the wheel built from the sdist holds no library" >&2; exit 1; }
built+=("python: the sdist builds with pip: $(basename "$(ls "$SDIST_OUT"/andopen-*.whl)") ($(took "$start"))")

step "Kotlin jar"
start="$(date +%s)"
(cd bindings/kotlin && mvn -q -B -DskipTests package) 2>&1 | sed -u 's/\x1b\[0m//g'
JAR="$(ls bindings/kotlin/target/andopen-*.jar)"
python3 bindings/kotlin/scripts/check_jar.py "$JAR" target/natives
cp "$JAR" "$DIST/kotlin/"
built+=("kotlin: $(basename "$JAR") ($(took "$start"))")

step "Android AAR"
if [ -n "${ANDROID_NDK_HOME:-}" ]; then
  start="$(date +%s)"
  bindings/kotlin/scripts/aar.sh "$DIST/kotlin/$(basename "$JAR" .jar).aar"
  built+=("kotlin: $(basename "$JAR" .jar).aar ($(took "$start"))")
else
  echo "skipped: ANDROID_NDK_HOME is not set"
  skipped+=("android: the AAR needs the Android NDK (set ANDROID_NDK_HOME); none is installed here")
fi

step "Swift XCFramework"
if [ "$(uname -s)" = Darwin ] && command -v xcodebuild >/dev/null 2>&1; then
  start="$(date +%s)"
  bindings/swift/build-xcframework.sh
  built+=("swift: bindings/swift/AndOpenFFIC.xcframework ($(took "$start"))")
else
  echo "skipped: needs macOS with Xcode"
  skipped+=("swift: the XCFramework needs macOS with Xcode (xcodebuild, lipo, the iOS SDKs)")
fi

step "dist: built into target/dist"
printf '  %s\n' "${built[@]}"
if [ "${#skipped[@]}" -gt 0 ]; then
  echo "skipped:"
  printf '  %s\n' "${skipped[@]}"
fi
