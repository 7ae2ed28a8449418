#!/usr/bin/env bash
# The main job (`make demo`): starts the local &Open simulator, runs the gifting flow in every language the
# SDK ships (Rust, JavaScript, Python, Kotlin, Swift) against it, and stops it. Builds what a fresh machine
# lacks first (for Swift, on a Debian host without it, a Debian 13 root with Swift 6: a few minutes, once);
# safe to re-run. DEMO_LANGUAGES="rust js" runs a subset.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LANGUAGES="${DEMO_LANGUAGES:-rust js python kotlin swift}"
export ANDOPEN_API_KEY="${ANDOPEN_API_KEY:-ao-v1-staging-demo}"

banner() { printf '\n==== %s ====\n' "$*"; }
# Runs a build step with its output kept in a log, shown only when the step fails.
quietly() {
  local log="$ROOT/target/demo-build.log"
  mkdir -p "$ROOT/target"
  "$@" >"$log" 2>&1 || { cat "$log" >&2; echo "demo: the build step failed: $*" >&2; exit 1; }
}
wants() { case " $LANGUAGES " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

banner "building (the first run on a new machine takes several minutes)"
scripts/ensure-toolchain.sh
quietly cargo build --release --locked -p andopen-mock --bin andopen-mock --example demo
if wants js; then quietly bindings/js/scripts/build.sh; fi
if wants python || wants kotlin; then quietly env BUILD_ONLY=1 scripts/test-bindings-native.sh; fi
if wants swift; then quietly env BUILD_ONLY=1 scripts/test-swift.sh; fi

# The simulator runs as a coprocess: it stops when its stdin (our end of the pipe) closes.
coproc MOCK { exec target/release/andopen-mock --port 0 --quiet --exit-on-stdin-eof; }
MOCK_IN="${MOCK[1]}"
stop_mock() { exec {MOCK_IN}>&- 2>/dev/null || true; wait "$MOCK_PID" 2>/dev/null || true; }
trap stop_mock EXIT
read -r line <&"${MOCK[0]}"
export ANDOPEN_BASE_URL="${line##* }"
banner "the &Open simulator is listening on $ANDOPEN_BASE_URL"

if wants rust; then
  banner "Rust (andopen-core, the sans-IO loop over a std TcpStream)"
  target/release/examples/demo "$ANDOPEN_BASE_URL"
fi
if wants js; then
  banner "JavaScript (@andopen/sdk on Node's fetch)"
  node bindings/js/examples/demo.mjs
fi
if wants python; then
  banner "Python (andopen on urllib)"
  target/bindings-venv/bin/python bindings/python/examples/demo.py
fi
if wants kotlin; then
  banner "Kotlin (co.andopen.sdk: suspend functions and flows over HttpURLConnection)"
  (cd bindings/kotlin && mvn -q -B exec:java) 2>&1 | sed -u 's/\x1b\[0m//g'
fi

if wants swift; then
  banner "Swift (AndOpen on URLSession, async/await)"
  scripts/ensure-swift.sh run bindings/swift "$ROOT/target/swift-build/debug/AndOpenDemo"
fi

banner "done: every language ran the flow against one simulator"
