#!/usr/bin/env bash
# Makes every wheel of the Python package, and its sdist, into OUT_DIR (target/wheels by default):
#
#   wheel tag                                                 library (scripts/natives.sh platform)
#   py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64       linux-x86_64, glibc 2.17
#   py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64     linux-aarch64, glibc 2.17
#   py3-none-musllinux_1_2_x86_64                             musl-x86_64
#   py3-none-win_amd64                                        windows-x86_64
#   py3-none-macosx_10_12_x86_64                              macos-x86_64
#   py3-none-macosx_11_0_arm64                                macos-arm64
#   andopen-<version>.tar.gz                                  the sdist: `pip install` builds it with maturin
#
#   bindings/python/scripts/wheels.sh [OUT_DIR] [PLATFORM...]
#
# The libraries are the ones scripts/natives.sh builds once per platform and inspects (it is run for the
# platforms asked, and rebuilds nothing that is up to date); no library is built again per wheel. Each wheel
# is assembled by assemble_wheel.py: the package's sources, the UniFFI module generated from the host build
# (the same for every platform) and the library. The sdist is maturin's (`maturin sdist`, with the
# pyproject's `bindings = "uniffi"`), and its PKG-INFO is every wheel's METADATA. Then check_wheels.py
# inspects every wheel (tags, RECORD, the library inside, `auditwheel show` on the Linux ones) and the sdist.
# maturin and auditwheel (pinned) live in a virtualenv under target/wheel-tools.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON_DIR="$(cd "$HERE/.." && pwd)"
ROOT="$(cd "$PYTHON_DIR/../.." && pwd)"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

MATURIN_VERSION="1.16.0"
AUDITWHEEL_VERSION="6.4.2"
TOOLS="$ROOT/target/wheel-tools"
OUT="$(mkdir -p "${1:-$ROOT/target/wheels}" && cd "${1:-$ROOT/target/wheels}" && pwd)"
shift || true
platforms=("$@")
[ "${#platforms[@]}" -gt 0 ] || mapfile -t platforms < <("$ROOT/scripts/natives.sh" --list)

step() { printf '\n== %s\n' "$*"; }

step "wheel tools: maturin $MATURIN_VERSION, auditwheel $AUDITWHEEL_VERSION"
[ -x "$TOOLS/bin/python" ] || python3 -m venv "$TOOLS"
"$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check \
  "maturin==$MATURIN_VERSION" "auditwheel==$AUDITWHEEL_VERSION"

"$ROOT/scripts/natives.sh" "${platforms[@]}"

step "the UniFFI module, generated from the host build"
HOST_LIB="$("$ROOT/bindings/build-native.sh" lib)"
WORK="$ROOT/target/wheel-parts"
rm -rf "$WORK" && mkdir -p "$WORK"
(cd "$ROOT" && cargo run --quiet --locked --bin uniffi-bindgen -- generate --no-format \
  --config "$ROOT/bindings/uniffi.toml" --library "$HOST_LIB" --language python --out-dir "$WORK" >/dev/null)
[ -s "$WORK/andopen_ffi.py" ] || { echo "uniffi-bindgen did not generate andopen_ffi.py" >&2; exit 1; }

step "sdist (maturin)"
rm -f "$OUT"/andopen-*.whl "$OUT"/andopen-*.tar.gz
# maturin looks for a Cargo.toml next to pyproject.toml before it reads manifest-path, and says so as an
# "error" it then recovers from: that line, and cargo's warnings about the workspace, are left out.
(cd "$PYTHON_DIR" && "$TOOLS/bin/maturin" sdist --out "$OUT" 2>&1 |
  grep -v -e "^warning: " -e "^ *= note:" -e "^ *|$" -e "^$" -e "^error: manifest path \`Cargo.toml\` does not exist$" || true)
SDIST="$(ls "$OUT"/andopen-*.tar.gz 2>/dev/null)" || { echo "maturin made no sdist" >&2; exit 1; }
tar -xzf "$SDIST" -C "$WORK" --wildcards '*/PKG-INFO'
METADATA="$(ls "$WORK"/andopen-*/PKG-INFO)"

step "wheels"
for platform in "${platforms[@]}"; do
  library="$(ls "$ROOT/target/natives/$platform"/*)"
  python3 "$HERE/assemble_wheel.py" --platform "$platform" --library "$library" --generated "$WORK/andopen_ffi.py" \
    --metadata "$METADATA" --source "$PYTHON_DIR/python/andopen" --out "$OUT"
done

step "inspection"
LLVM_BIN="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin"
python3 "$HERE/check_wheels.py" --natives "$ROOT/target/natives" --host-lib "$HOST_LIB" --llvm-bin "$LLVM_BIN" \
  --auditwheel "$TOOLS/bin/auditwheel" --forbid "$ROOT" --forbid "${CARGO_HOME:-$HOME/.cargo}" --forbid "$HOME" "$OUT"
