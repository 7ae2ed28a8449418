#!/usr/bin/env bash
# Makes sure the Rust toolchain and the components the checks use are here; installs what is missing.
set -euo pipefail

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    echo "cargo is installed in \$HOME/.cargo/bin but not on PATH: add it (source \"\$HOME/.cargo/env\")" >&2
  else
    echo "Rust is not installed: install it with rustup (https://rustup.rs), then run this again" >&2
  fi
  exit 1
fi

for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^${component}"; then
    echo "installing the ${component} component"
    rustup component add "${component}"
  fi
done
