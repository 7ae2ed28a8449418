#!/usr/bin/env bash
# Makes the generated sealed classes' cases without a value (GiftRequestStatus.Submitted, PollTarget.RedemptionUrl,
# ...) `data object`s, which print their names ("Submitted") where a plain `object` prints
# "GiftRequestStatus$Submitted@18b8a92e". UniFFI's Kotlin generator has no setting for it. Run by the POM right
# after ../build-native.sh kotlin OUT_DIR; fails when the generated code no longer has the expected shape.
#
#   scripts/data-objects.sh OUT_DIR
set -euo pipefail
file="${1:?usage: data-objects.sh OUT_DIR}/kotlin/co/andopen/sdk/ffi/andopen_ffi.kt"
[ -s "$file" ] || { echo "no generated bindings at $file" >&2; exit 1; }
sed -i -E 's/^(    )object ([A-Z][A-Za-z0-9_]*) : ([A-Z][A-Za-z0-9_]*)\(\)$/\1data object \2 : \3()/' "$file"
for case in 'Submitted : GiftRequestStatus' 'Cancelled : GiftRequestStatus' 'RedemptionUrl : PollTarget' 'Done : BatchAction'; do
  grep -q "^    data object $case()\$" "$file" || { echo "data-objects.sh: the generated bindings have no case '$case'" >&2; exit 1; }
done
if grep -qE '^    object [A-Z][A-Za-z0-9_]* : ' "$file"; then
  echo "data-objects.sh: a case was left a plain object:" >&2
  grep -nE '^    object [A-Z][A-Za-z0-9_]* : ' "$file" >&2
  exit 1
fi
