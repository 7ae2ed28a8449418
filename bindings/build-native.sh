#!/usr/bin/env bash
# Builds the native library of the SDK (the andopen-ffi cdylib, release profile) and generates UniFFI
# bindings from it, with the uniffi-bindgen pinned in the workspace (ffi/bindgen).
#
#   bindings/build-native.sh lib                 prints the path of the cdylib (building it if needed)
#   bindings/build-native.sh kotlin OUT_DIR      OUT_DIR/kotlin: the generated Kotlin sources;
#                                                OUT_DIR/resources/<jna-prefix>/: the libraries, where JNA looks:
#                                                the five desktop platforms' (scripts/natives.sh, built once
#                                                and inspected), or with NATIVES=host this machine's only
#   bindings/build-native.sh swift OUT_DIR       OUT_DIR: AndOpenFFI.swift, AndOpenFFIC.h, AndOpenFFIC.modulemap
#
# The cdylib is built with exactly the cargo command maturin runs, so the Python wheel build reuses it.
# Set CARGO_BUILD_JOBS to change the build's parallelism (2 by default).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

cdylib() {
  # maturin's own invocation for `bindings = "uniffi"`: keep them identical so that nothing is rebuilt.
  (cd "$ROOT" && cargo rustc --quiet --profile release --message-format json-render-diagnostics \
    --manifest-path "$ROOT/ffi/Cargo.toml" --lib --crate-type cdylib) |
    python3 -c '
import json, sys
paths = [f for line in sys.stdin if line.startswith("{")
         for m in [json.loads(line)] if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "andopen_ffi"
         for f in m["filenames"] if f.endswith((".so", ".dylib", ".dll"))]
if not paths:
    sys.exit("the andopen-ffi cdylib was not built")
print(paths[-1])'
}

bindgen() {
  (cd "$ROOT" && cargo run --quiet --locked --bin uniffi-bindgen -- "$@")
}

# The desktop platforms of the jar: scripts/natives.sh's name, then JNA's resource prefix
# (com.sun.jna.Platform.RESOURCE_PREFIX).
JAR_PLATFORMS=(
  "linux-x86_64 linux-x86-64"
  "linux-aarch64 linux-aarch64"
  "windows-x86_64 win32-x86-64"
  "macos-x86_64 darwin-x86-64"
  "macos-arm64 darwin-aarch64"
)

# JNA's resource prefix for this machine.
jna_prefix() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) echo "unsupported OS for the JNA resource prefix: $(uname -s)" >&2; exit 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x86-64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) echo "unsupported CPU for the JNA resource prefix: $(uname -m)" >&2; exit 1 ;;
  esac
  echo "$os-$arch"
}

case "${1:-}" in
  lib)
    cdylib
    ;;
  kotlin)
    out="$(mkdir -p "${2:?usage: build-native.sh kotlin OUT_DIR}" && cd "$2" && pwd)"
    lib="$(cdylib)"
    rm -rf "$out/kotlin" "$out/resources"
    bindgen generate --no-format --config "$ROOT/bindings/uniffi.toml" --library "$lib" --language kotlin --out-dir "$out/kotlin" >/dev/null
    if [ "${NATIVES:-desktop}" = host ]; then
      mkdir -p "$out/resources/$(jna_prefix)"
      cp "$lib" "$out/resources/$(jna_prefix)/"
    else
      platforms=()
      for pair in "${JAR_PLATFORMS[@]}"; do platforms+=("${pair%% *}"); done
      "$ROOT/scripts/natives.sh" "${platforms[@]}" >&2
      for pair in "${JAR_PLATFORMS[@]}"; do
        mkdir -p "$out/resources/${pair#* }"
        cp "$ROOT/target/natives/${pair%% *}"/* "$out/resources/${pair#* }/"
      done
    fi
    ;;
  swift)
    out="$(mkdir -p "${2:?usage: build-native.sh swift OUT_DIR}" && cd "$2" && pwd)"
    lib="$(cdylib)"
    rm -rf "${out:?}"/*
    bindgen generate --no-format --config "$ROOT/bindings/uniffi.toml" --library "$lib" --language swift --out-dir "$out" >/dev/null
    for f in AndOpenFFI.swift AndOpenFFIC.h AndOpenFFIC.modulemap; do
      [ -s "$out/$f" ] || { echo "uniffi-bindgen did not generate $f" >&2; exit 1; }
    done
    ;;
  *)
    echo "usage: build-native.sh lib | kotlin OUT_DIR | swift OUT_DIR" >&2
    exit 2
    ;;
esac
