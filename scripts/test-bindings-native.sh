#!/usr/bin/env bash
# Builds and tests the Python, Kotlin and Swift packages of the SDK (the UniFFI layer, ffi/):
#   1. the native library (ffi/, release profile), once;
#   2. the Swift bindings, generated so that generator errors surface (no Swift toolchain here: see
#      bindings/swift/README.md);
#   3. the Python wheel (maturin), installed into a virtualenv under target/, then pytest;
#   4. the Kotlin package with Maven (JUnit 5).
# Installs what a fresh machine lacks (Debian packages; maturin, pytest and, for the benchmark only,
# pydantic in the virtualenv; Maven fetches its plugins and dependencies from Maven Central). Works from
# any directory; safe to re-run. The benchmark: target/bindings-venv/bin/python bindings/python/bench.py
# BUILD_ONLY=1 builds and installs the packages without running the tests (what the demo needs).
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

step "Swift bindings (generated, not compiled: no Swift toolchain here)"
bindings/swift/generate.sh
# Without a compiler, check at least that every generated declaration the Swift client relies on exists.
missing=0
while IFS= read -r decl; do
  [ -n "$decl" ] || continue
  grep -qF -- "$decl" bindings/swift/Sources/AndOpenFFI/AndOpenFFI.swift || { echo "the generated Swift lacks: $decl" >&2; missing=1; }
done <<'DECLS'
public convenience init(config: ClientConfig)throws
open func createGiftRequest(params: NewGiftRequest)throws  -> GiftRequestCall
open func createGiftRequestJson(body: Data)throws  -> GiftRequestCall
open func getGiftRequest(id: String)throws  -> GiftRequestCall
open func getCampaign(id: String)throws  -> CampaignCall
open func listCampaigns(params: ListCampaignsParams)throws  -> CampaignPages
open func listCampaignsJson(params: Data)throws  -> CampaignPages
open func waitForGiftRequest(id: String, target: PollTarget, intervalMs: Int64, timeoutMs: Int64)throws  -> Poller
open func handleResponse(status: UInt16, headers: [Header], body: Data, nowUnixMs: Int64) -> GiftRequestStep
open func handleTransportFailure(failure: TransportFailure, nowUnixMs: Int64) -> GiftRequestStep
open func handleResponse(status: UInt16, headers: [Header], body: Data, nowUnixMs: Int64) -> CampaignStep
open func handleResponse(status: UInt16, headers: [Header], body: Data, nowUnixMs: Int64) -> CampaignPageStep
open func request() -> HttpRequest?
open func baseUrl() -> String
public func validateGiftRequest(params: NewGiftRequest) -> [FieldError]
public func validateGiftRequestJson(body: Data) -> [FieldError]
public func giftRequestBody(params: NewGiftRequest)throws  -> Data
public func giftRequestStatusFromText(text: String) -> GiftRequestStatus
public func defaultRetryPolicy() -> RetryPolicy
public func apiVersion() -> String
enum CoreError: Swift.Error
case Refused(
case redemptionUrl
case outcomeUnknown
case maybeSent
public convenience init(client: Client, rows: [BatchRow], settings: BatchSettings, history: GiftHistory?, journal: String, nowUnixMs: Int64, options: BatchOptions)throws
public static func fromCsv(client: Client, csv: String, settings: BatchSettings, history: GiftHistory?, journal: String, nowUnixMs: Int64, options: BatchOptions)throws  -> BatchRun
open func nextAction(nowUnixMs: Int64) -> BatchAction
open func handleResponse(status: UInt16, headers: [Header], body: Data, nowUnixMs: Int64)  {
open func handleTransportFailure(failure: TransportFailure, nowUnixMs: Int64)  {
open func progress() -> BatchProgress
open func results() -> [RowResult]
open func resultsCsv() -> String
public func defaultBatchOptions() -> BatchOptions
public enum BatchAction: Equatable, Hashable {
case persist(
case send(
case wait(
case skipped(
public convenience init(secret: String, toleranceS: UInt32, rememberEvents: UInt32)throws
open func receive(headers: [Header], body: Data, nowUnixMs: Int64)throws  -> WebhookDelivery
open func forget(eventId: String)throws
public func webhookSignature(secret: String, timestamp: String, body: Data) -> String
open func recordDelivery(delivery: WebhookDelivery) -> Bool
open func memberStatus(recipient: RecipientRef, campaignId: String) -> MemberStatus
enum WebhookError: Swift.Error
DECLS
[ "$missing" = 0 ] || exit 1
echo "the Swift client's uses of the generated API are all declared"

step "Python wheel"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "maturin==$MATURIN_VERSION" "pytest==$PYTEST_VERSION" "pydantic==$PYDANTIC_VERSION"
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
