#!/usr/bin/env bash
# Builds and tests the Python, Kotlin and Swift packages of the SDK (the UniFFI layer, ffi/):
#   1. the native library (ffi/, release profile) for this machine, from which the bindings are generated;
#   2. the Python wheels of every platform and the sdist (bindings/python/scripts/wheels.sh: the libraries
#      cross-built once per platform by scripts/natives.sh and inspected, then each wheel inspected); the
#      manylinux2014 x86_64 wheel is installed into a fresh virtualenv under target/, then pytest;
#   3. the Kotlin package with Maven (JUnit 5), packaged as a jar holding the five desktop libraries of 2,
#      which is then checked;
#   4. the Swift package, built and tested with Swift 6 (scripts/test-swift.sh; on a Debian host without
#      Swift, in a Debian 13 root it sets up once under target/swift-root).
# Installs what a fresh machine lacks (Debian packages; the cross toolchain of scripts/natives.sh; maturin
# and auditwheel for the wheels; pytest and, for the benchmark only, pydantic in the virtualenv; Maven
# fetches its plugins and dependencies from Maven Central; the Swift toolchain). Works from any directory;
# safe to re-run. The benchmark: target/bindings-venv/bin/python bindings/python/bench.py
# BUILD_ONLY=1 builds and installs the Python and Kotlin packages without running the tests (what the demo
# needs; the demo builds the Swift package itself): only the linux-x86_64 wheel, and the jar with the
# desktop libraries.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

PYTEST_VERSION="9.2.0"
PYDANTIC_VERSION="2.13.4"   # for bindings/python/bench.py only: no test imports it
VENV="$ROOT/target/bindings-venv"
WHEELS="$ROOT/target/wheels"
# The wheel installed and tested here: the one for this machine's platform (Linux x86-64).
TESTED_WHEEL="andopen-*-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"

step() { printf '\n== %s\n' "$*"; }

apt_install() { "$ROOT/scripts/apt-install.sh" "$@"; }

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

step "Python wheels"
if [ "${BUILD_ONLY:-0}" = 1 ]; then
  bindings/python/scripts/wheels.sh "$WHEELS" linux-x86_64
else
  bindings/python/scripts/wheels.sh "$WHEELS"
fi
WHEEL="$(ls "$WHEELS"/$TESTED_WHEEL)"
# A fresh virtualenv each run: the package is tested as pip installs it from the wheel, with nothing left
# over from an earlier install.
python3 -m venv --clear "$VENV"
# mypy and pyright (on node) for bindings/python/scripts/typecheck.sh; uvicorn and httpx for the tests of
# the asgi and httpx extras; email-validator (pydantic's EmailStr) for the benchmark only.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "pytest==$PYTEST_VERSION" "pydantic==$PYDANTIC_VERSION" \
  "mypy==2.4.1" "pyright==1.1.414" "uvicorn==0.55.0" "httpx==0.29.0" "email-validator==2.4.0"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "psycopg[binary]==3.3.9"  # the PostgreSQL journal tests (scripts/ensure-postgres.sh starts the server)
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$WHEEL"
echo "installed $(basename "$WHEEL")"

if [ "${BUILD_ONLY:-0}" = 1 ]; then
  # For the demo: the packages built and installed, no test run.
  step "Kotlin package"
  (cd bindings/kotlin && mvn -q -B -DskipTests package) 2>&1 | sed -u 's/\x1b\[0m//g'
  exit 0
fi

step "Python type checks (mypy --strict, pyright strict)"
bindings/python/scripts/typecheck.sh "$VENV"

step "Python tests"
# The package under test is the installed wheel, never the sources next to the tests.
(cd bindings/python && "$VENV/bin/python" -c 'import andopen, sys; sys.exit(0 if "site-packages" in andopen.__file__ else "andopen was not imported from the installed wheel")')
(cd bindings/python && "$VENV/bin/python" -m pytest -q -p no:cacheprovider)

step "Kotlin tests and jar"
# (Debian's Maven 3.8 prints stray colour resets even in batch mode: drop them.)
(cd bindings/kotlin && mvn -q -B package) 2>&1 | sed -u 's/\x1b\[0m//g'
python3 bindings/kotlin/scripts/check_jar.py "$(ls bindings/kotlin/target/andopen-*.jar)" target/natives
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
