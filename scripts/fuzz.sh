#!/usr/bin/env bash
# Fuzzes andopen-core with cargo-fuzz (libFuzzer): each target of core/fuzz runs for FUZZ_SECONDS
# seconds (60 by default), then its final figures are printed and any crash it wrote is named.
#
#   scripts/fuzz.sh                      # every target, 60 s each
#   FUZZ_SECONDS=300 scripts/fuzz.sh     # longer
#   scripts/fuzz.sh validate             # only these targets
#
# Needs a nightly toolchain (libFuzzer's instrumentation is nightly-only). Installs cargo-fuzz if missing.
# Corpora grow in core/fuzz/corpus/TARGET and crashes land in core/fuzz/artifacts/TARGET (both ignored by
# git); replay a crash with `cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-…` from core/.
set -euo pipefail

seconds="${FUZZ_SECONDS:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "FUZZ_SECONDS must be a whole number of seconds, at least 1 (got '$seconds')" >&2
  exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/../core"

toolchains="$(rustup toolchain list)"
if ! grep -q nightly <<<"$toolchains"; then
  echo "cargo-fuzz needs a nightly toolchain, and none is installed. Install one with:" >&2
  echo "    rustup toolchain install nightly" >&2
  exit 1
fi

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

crash_files() {
  # Every crash, leak, timeout or out-of-memory input libFuzzer has written for target $1.
  { find "fuzz/artifacts/$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) 2>/dev/null || true; } | sort
}

summary=()
failed=0
for target in "${targets[@]}"; do
  echo "== fuzzing $target for $seconds s"
  before="$(crash_files "$target")"
  # The output is shown as it comes and kept (in memory, not in a file) for the summary.
  output=""
  while IFS= read -r line; do
    printf '%s\n' "$line"
    output+="$line"$'\n'
  done < <(
    cargo +nightly fuzz run --debug-assertions "$target" -- -max_total_time="$seconds" -print_final_stats=1 2>&1 && code=0 || code=$?
    printf '\nfuzz.sh: exit status %s\n' "$code"
  )
  status="$(sed -n 's/^fuzz\.sh: exit status //p' <<<"$output" | tail -n 1)"
  after="$(crash_files "$target")"
  new="$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sed '/^$/d')"

  last_stats="$(grep -E '^#[0-9]+' <<<"$output" | tail -n 1 || true)"
  runs="$(grep -oE '^stat::number_of_executed_units: *[0-9]+' <<<"$output" | tail -n 1 | awk '{print $2}' || true)"
  rate="$(grep -oE '^stat::average_exec_per_sec: *[0-9]+' <<<"$output" | tail -n 1 | awk '{print $2}' || true)"
  line="$target: ${runs:-?} executions, ${rate:-?} exec/s"
  if [ -n "$new" ]; then
    line+="; CRASH written: $(tr '\n' ' ' <<<"$new")"
    failed=1
  elif [ "${status:-1}" -ne 0 ]; then
    line+="; cargo fuzz exited with status $status (no crash file written)"
    failed=1
  else
    line+="; no crash"
  fi
  echo
  echo "== $target finished"
  echo "   libFuzzer's last stats line: ${last_stats:-none}"
  echo "   $line"
  summary+=("$line")
done

echo
echo "== summary (${seconds} s per target)"
printf '   %s\n' "${summary[@]}"
exit "$failed"
