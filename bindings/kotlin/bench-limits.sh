#!/usr/bin/env bash
# The largest bodies and error lists tried against the Kotlin package (src/test/kotlin/.../LimitsBench.kt):
# each case in its own JVM, one line each: outcome, wall time, heap added by the call at its peak, the
# process's peak resident memory. Run `mvn -q -B test-compile` first (it builds the native library).
#   ./bench-limits.sh                 every case
#   ./bench-limits.sh CASE...         some of them
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
CP_FILE=target/bench.classpath
mvn -q -B dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
CP="target/classes:target/test-classes:$(cat "$CP_FILE")"
CASES=("$@")
[ "${#CASES[@]}" -gt 0 ] || CASES=(response-200mb-get response-200mb-create response-422-1m-errors
  response-422-1m-errors-custom body-10m-items-typed body-10m-items-json body-1m-extra-fields)
for c in "${CASES[@]}"; do
  java -Xmx${BENCH_XMX:-3g} -cp "$CP" co.andopen.sdk.LimitsBenchKt "$c" || echo "$c: the JVM failed (exit $?)"
done
