#!/usr/bin/env bash
# Builds and tests the Python, Kotlin and Swift packages of the SDK (the UniFFI layer, ffi/):
#   1. the native library (ffi/, release profile), once;
#   2. the Python wheel (maturin), installed into a virtualenv under target/, then pytest;
#   3. the Kotlin package with Maven (JUnit 5);
#   4. the Swift package, built and tested with Swift 6 (scripts/test-swift.sh; on a Debian host without
#      Swift, in a Debian 13 root it sets up once under target/swift-root).
# Installs what a fresh machine lacks (Debian packages; maturin, pytest and, for the benchmark only,
# pydantic in the virtualenv; Maven fetches its plugins and dependencies from Maven Central; the Swift
# toolchain). Works from any directory; safe to re-run. The benchmark:
# target/bindings-venv/bin/python bindings/python/bench.py
# BUILD_ONLY=1 builds and installs the Python and Kotlin packages without running the tests (what the demo
# needs; the demo builds the Swift package itself).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

MATURIN_VERSION="1.16.0"
PYTEST_VERSION="9.2.0"
PYDANTIC_VERSION="2.13.4"   # for bindings/python/bench.py only: no test imports it
VENV="$ROOT/target/bindings-venv"
WHEELS="$ROOT/target/wheels"

step() { printf '\n== %s\n' "$*"; }

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    step "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

step "tools"
command -v cargo >/dev/null || { echo "cargo is missing: install Rust with rustup first" >&2; exit 1; }
command -v python3 >/dev/null || apt_install python3
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
command -v java >/dev/null && command -v javac >/dev/null || apt_install openjdk-17-jdk-headless
command -v mvn >/dev/null || apt_install maven

step "native library (release) and binding generator"
LIB="$(bindings/build-native.sh lib)"
echo "$LIB"
# Kotlin compiles every source on each build, with the output folders on its class path: classes left there
# by a source since moved or removed would clash with the new ones (and the reports of a removed test would
# be counted), so they go first.
rm -rf bindings/kotlin/target/classes bindings/kotlin/target/test-classes bindings/kotlin/target/surefire-reports

step "Python wheel"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
# mypy and pyright (on node) for bindings/python/scripts/typecheck.sh; uvicorn for the relay's ASGI test;
# email-validator (pydantic's EmailStr) for the benchmark only.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "maturin==$MATURIN_VERSION" "pytest==$PYTEST_VERSION" "pydantic==$PYDANTIC_VERSION" \
  "mypy==2.4.1" "pyright==1.1.414" "uvicorn==0.55.0" "email-validator==2.4.0"
rm -rf "$WHEELS"
(cd bindings/python && "$VENV/bin/maturin" build --quiet --release --out "$WHEELS")
WHEEL="$(ls "$WHEELS"/andopen-*.whl)"
ls -l "$WHEEL"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"

if [ "${BUILD_ONLY:-0}" = 1 ]; then
  # For the demo: the packages built and installed, no test run.
  step "Kotlin package"
  (cd bindings/kotlin && mvn -q -B -DskipTests package) 2>&1 | sed -u 's/\x1b\[0m//g'
  exit 0
fi

step "Python type checks (mypy --strict, pyright strict)"
bindings/python/scripts/typecheck.sh "$VENV"

step "Python tests"
(cd bindings/python && "$VENV/bin/python" -m pytest -q -p no:cacheprovider)

step "Kotlin tests"
# (Debian's Maven 3.8 prints stray colour resets even in batch mode: drop them.)
(cd bindings/kotlin && mvn -q -B test) 2>&1 | sed -u 's/\x1b\[0m//g'
# Maven is quiet: say what Surefire ran, as the closing line of the Kotlin tests.
python3 - "$ROOT/bindings/kotlin/target/surefire-reports" <<'PY'
import glob, sys
import xml.etree.ElementTree as ET
run = failed = skipped = 0
for path in glob.glob(f"{sys.argv[1]}/TEST-*.xml"):
    suite = ET.parse(path).getroot()
    run += int(suite.get("tests", 0))
    failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    skipped += int(suite.get("skipped", 0))
if run == 0:
    sys.exit("Kotlin: no test ran")
print(f"kotlin: {run - failed - skipped} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY

step "Swift package"
scripts/test-swift.sh
