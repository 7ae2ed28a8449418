#!/usr/bin/env bash
# Assembles the Android library of the Kotlin package, an AAR:
#   classes.jar               the package's classes (the jar of `mvn package`, without its desktop libraries)
#   AndroidManifest.xml       package co.andopen.sdk, minSdk 26: the API level animal-sniffer checks the
#                             classes against (pom.xml, android.signature)
#   jni/<abi>/libandopen_ffi.so   the native library for arm64-v8a, armeabi-v7a and x86_64, built with the
#                             Android NDK's clang as linker and inspected (scripts/natives/check.py: ELF
#                             machine, the host build's UniFFI exports, no path of this machine)
#
#   ANDROID_NDK_HOME=/path/to/ndk bindings/kotlin/scripts/aar.sh [OUT.aar]
#
# OUT.aar defaults to target/dist/andopen-<version>.aar. Android's libraries need the NDK's linker and its C
# library (bionic), which no registry this project installs from serves: without ANDROID_NDK_HOME the script
# stops with exit status 2 and builds nothing. An app that uses the AAR also depends on JNA's own AAR
# (net.java.dev.jna:jna:<version>@aar, the version of pom.xml) and kotlinx-coroutines-android.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KOTLIN="$(cd "$HERE/.." && pwd)"
ROOT="$(cd "$KOTLIN/../.." && pwd)"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

MIN_SDK=26
# Android ABI, then Rust target, then the prefix of the NDK's clang for it (API level appended).
ABIS=(
  "arm64-v8a aarch64-linux-android aarch64-linux-android"
  "armeabi-v7a armv7-linux-androideabi armv7a-linux-androideabi"
  "x86_64 x86_64-linux-android x86_64-linux-android"
)

if [ -z "${ANDROID_NDK_HOME:-}" ]; then
  cat >&2 <<EOF
aar.sh: ANDROID_NDK_HOME is not set. The Android libraries (arm64-v8a, armeabi-v7a, x86_64) are linked
with the Android NDK's clang against its C library, which must be installed first (Android Studio's SDK
Manager, or the NDK zip from developer.android.com), then:
  ANDROID_NDK_HOME=/path/to/android-ndk bindings/kotlin/scripts/aar.sh
Nothing was built.
EOF
  exit 2
fi
NDK_BIN="$(echo "$ANDROID_NDK_HOME"/toolchains/llvm/prebuilt/*/bin)"
if [ ! -d "$NDK_BIN" ]; then
  echo "aar.sh: $ANDROID_NDK_HOME has no toolchains/llvm/prebuilt/<host>/bin: not an Android NDK (r23 or later)" >&2
  exit 2
fi

VERSION="$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$KOTLIN/pom.xml" | head -n 1)"
OUT="${1:-$ROOT/target/dist/andopen-$VERSION.aar}"
WORK="$ROOT/target/aar"
rm -rf "$WORK"
mkdir -p "$WORK/jni" "$(dirname "$OUT")"

step() { printf '\n== %s\n' "$*"; }

step "native libraries (Android NDK: $NDK_BIN)"
# (the standard library's sources mapped back to `/rustc/{commit}`, as in scripts/natives.sh)
REMAP="--remap-path-prefix=$ROOT=andopen --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=cargo --remap-path-prefix=$(rustc --print sysroot)/lib/rustlib/src/rust=/rustc/$(rustc -vV | sed -n 's/^commit-hash: //p')"
for abi in "${ABIS[@]}"; do
  read -r name triple clang <<<"$abi"
  rustup target add "$triple" 2>&1 | grep -v "is up to date" || true
  linker_var="CARGO_TARGET_$(echo "$triple" | tr 'a-z-' 'A-Z_')_LINKER"
  env "$linker_var=$NDK_BIN/$clang$MIN_SDK-clang" RUSTFLAGS="$REMAP" \
    cargo build --quiet --locked --release -p andopen-ffi --lib --target "$triple" --manifest-path "$ROOT/Cargo.toml"
  mkdir -p "$WORK/natives/android-$name" "$WORK/jni/$name"
  cp "$ROOT/target/$triple/release/libandopen_ffi.so" "$WORK/natives/android-$name/"
  cp "$ROOT/target/$triple/release/libandopen_ffi.so" "$WORK/jni/$name/"
done

step "inspection"
HOST_LIB="$("$ROOT/bindings/build-native.sh" lib)"
LLVM_BIN="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin"
rustup component add llvm-tools 2>&1 | grep -v "is up to date" || true
python3 "$ROOT/scripts/natives/check.py" --host-lib "$HOST_LIB" --llvm-bin "$LLVM_BIN" --zig none \
  --forbid "$ROOT" --forbid "${CARGO_HOME:-$HOME/.cargo}" --forbid "$HOME" \
  "$WORK/natives" android-arm64-v8a android-armeabi-v7a android-x86_64

step "classes.jar"
(cd "$KOTLIN" && mvn -q -B -DskipTests package) 2>&1 | sed -u 's/\x1b\[0m//g'
python3 - "$KOTLIN/target/andopen-$VERSION.jar" "$WORK/classes.jar" <<'PY'
import sys, zipfile
# The desktop libraries stay out: on Android the library comes from jni/<abi>/.
with zipfile.ZipFile(sys.argv[1]) as jar, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as out:
    for info in jar.infolist():
        if not info.filename.endswith((".so", ".dll", ".dylib")):
            out.writestr(info, jar.read(info))
PY

cat >"$WORK/AndroidManifest.xml" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="co.andopen.sdk">
    <uses-sdk android:minSdkVersion="$MIN_SDK" />
    <uses-permission android:name="android.permission.INTERNET" />
</manifest>
EOF

step "AAR"
rm -f "$OUT"
(cd "$WORK" && python3 -m zipfile -c "$OUT" AndroidManifest.xml classes.jar jni)
python3 -m zipfile -l "$OUT"
echo "$OUT"
