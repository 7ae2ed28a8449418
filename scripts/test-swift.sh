#!/usr/bin/env bash
# Builds and tests the Swift package (bindings/swift) for real, with Swift 6 (scripts/ensure-swift.sh: the
# host's Swift, else Debian 13's `swiftlang` in a Debian 13 root under target/swift-root, set up on the first
# run and kept):
#   1. the native library (ffi/, release profile) and the simulator, as the other languages use them;
#   2. the Swift bindings generated from the library (bindings/swift/generate.sh);
#   3. `swift build` of the package, its demo and its tests, in Swift 6 language mode with every warning an
#      error, linking the library built in 1;
#   4. `swift test`: the client, transport and cancellation tests, every conformance vector, the hostile
#      webhook and journal suites, the batch and webhook tests, and the end-to-end tests against the
#      simulator; then one closing line, `swift: N passed, M failed`, with each case of the replayed suites
#      counted as one test (as the other languages count them).
# If the toolchain cannot be set up, the run fails: Swift is never skipped. BUILD_ONLY=1 stops after 3 (what
# the demo needs). The build is kept under target/swift-build, so a second run only rebuilds what changed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
SWIFT="$ROOT/scripts/ensure-swift.sh"
BUILD="$ROOT/target/swift-build"

step() { printf '\n== %s\n' "$*"; }

step "Swift toolchain"
"$SWIFT" | sed -n 1p

step "Swift package: native library, simulator, bindings"
LIB="$(bindings/build-native.sh lib)"
LIBDIR="$(dirname "$LIB")"
cargo build --quiet --release --locked -p andopen-mock --bin andopen-mock
bindings/swift/generate.sh

step "Swift package: build (Swift 6 language mode, warnings are errors)"
"$SWIFT" run bindings/swift swift build --build-tests --scratch-path "$BUILD" \
  -Xswiftc -warnings-as-errors -Xlinker -L"$LIBDIR" -Xlinker -rpath -Xlinker "$LIBDIR"

if [ "${BUILD_ONLY:-0}" = 1 ]; then
  exit 0
fi

step "Swift tests"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
set +e +o pipefail
ANDOPEN_MOCK_BIN="$ROOT/target/release/andopen-mock" \
  "$SWIFT" run bindings/swift swift test --skip-build --scratch-path "$BUILD" 2>&1 |
  grep --line-buffered -vE "^Test Case '.*' (started|passed)" | tee "$LOG"
status="${PIPESTATUS[0]}"
set -e -o pipefail

# The closing line: XCTest's count, with each case of the replayed suites (the vectors, the hostile webhook
# deliveries and journals) counted as one test, as the other languages count them.
python3 - "$LOG" "$ROOT/tests/vectors" <<'PY' || status=1
import glob, json, re, sys
log = open(sys.argv[1], encoding="utf-8", errors="replace").read()
vector_cases = sum(len(json.load(open(f))["cases"]) for f in glob.glob(f"{sys.argv[2]}/*.json"))
executed = re.findall(r"Executed (\d+) tests?, with (\d+) failures?", log)
replays = re.findall(r"^swift replay (\S+): (\d+) passed, (\d+) failed, of (\d+) cases", log, re.M)
if not executed:
    sys.exit("swift: the tests did not run to the end (no XCTest summary)")
vectors = [r for r in replays if r[0] == "VectorsTests.testEveryVector"]
if not vectors:
    sys.exit("swift: the conformance vectors were not replayed")
if int(vectors[0][3]) != vector_cases:
    sys.exit(f"swift: {vectors[0][3]} vector cases replayed, but tests/vectors holds {vector_cases}")
run = int(executed[-1][0])
# XCTest's summary counts failed assertions; a test counts once, however many of its assertions failed.
failed = len(set(re.findall(r"^Test Case '([^']+)' failed", log, re.M)))
if failed == 0 and int(executed[-1][1]) > 0:
    failed = 1
passed, failures = run - failed, failed
for name, p, f, _ in replays:
    method_failed = f"Test Case '{name}' failed" in log
    passed += int(p) - (0 if method_failed else 1)
    failures += int(f) - (1 if method_failed else 0) + (1 if method_failed and int(f) == 0 else 0)
cases = ", ".join(f"{n.split('.')[-1]}: {total}" for n, _, _, total in replays)
print(f"swift: {passed} passed, {failures} failed ({run} XCTest tests; cases of the replays counted one by one: {cases})")
sys.exit(1 if failures else 0)
PY
exit "$status"
