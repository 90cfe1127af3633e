#!/usr/bin/env bash
# Runs the built test bundle in SHARDS processes at once, one per core, each with one
# OpenBLAS thread: the slow tests train small networks, and a second BLAS thread buys them
# nothing (NCPL's split: 312 s with one thread, 308 s with two), so two processes nearly
# halve the wall time. `swift test` cannot do this: it locks .build for the whole run, and
# its --parallel starts one process per test, which retrains what a class shares.
#
# Usage: Tools/test/run.sh KERNEL [FILTER] [SKIP]
#   KERNEL  the OpenBLAS kernel (OPENBLAS_CORETYPE) every shard loads
#   FILTER  an extended regex over "Module.Class/test"; only matching tests run
#   SKIP    an extended regex over the same; matching tests are left out
# Whole classes are dealt to the shards, heaviest first, each to the lightest shard so far,
# by the seconds in Tools/test/durations.txt (a class not listed counts 1 s). The shards'
# output goes to .build/test-KERNEL.log, and the last line is "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
kernel=$1 filter=${2:-} skip=${3:-}
bundle=.build/release/LossCastPackageTests.xctest
shards=${LOSSCAST_TEST_SHARDS:-$(nproc)}
log=.build/test-$kernel.log
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every test as Module.Class/test, narrowed by FILTER and SKIP.
"$bundle" --list-tests | grep -E '^[A-Za-z0-9_]+\.[A-Za-z0-9_]+/[A-Za-z0-9_]+$' > "$work/all"
grep -E "${filter:-.}" "$work/all" | { [ -n "$skip" ] && grep -vE "$skip" || cat; } > "$work/selected" || true
if [ ! -s "$work/selected" ]; then
  echo "no test matches FILTER '$filter' (SKIP '$skip'); the bundle lists $(wc -l < "$work/all")" >&2
  exit 1
fi

# One specifier per class: the class when all its tests run, else its tests one by one.
# Then deal classes to shards (longest processing time first).
awk -F/ -v durations=Tools/test/durations.txt -v shards="$shards" -v work="$work" '
  FILENAME == ARGV[1] { total[$1]++; next }
  { chosen[$1]++; tests[$1] = tests[$1] (tests[$1] ? "," : "") $0 }
  END {
    while ((getline line < durations) > 0) {
      if (line ~ /^#/ || line == "") continue
      split(line, field, " "); seconds[field[2]] = field[1]
    }
    n = 0
    for (class in chosen) {
      split(class, part, "."); weight = (part[2] in seconds) ? seconds[part[2]] : 1
      if (chosen[class] < total[class]) weight = weight * chosen[class] / total[class]
      n++; name[n] = class; cost[n] = weight
    }
    # heaviest first (selection sort: a few dozen classes)
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (cost[j] > cost[i]) {
      t = cost[i]; cost[i] = cost[j]; cost[j] = t; t = name[i]; name[i] = name[j]; name[j] = t }
    for (s = 0; s < shards; s++) load[s] = 0
    for (i = 1; i <= n; i++) {
      best = 0; for (s = 1; s < shards; s++) if (load[s] < load[best]) best = s
      load[best] += cost[i]
      specifier = (chosen[name[i]] == total[name[i]]) ? name[i] : tests[name[i]]
      list[best] = list[best] (list[best] ? "," : "") specifier
    }
    for (s = 0; s < shards; s++) if (list[s] != "") {
      print list[s] > (work "/spec" s); printf "shard %d: about %d s\n", s, load[s] > (work "/plan")
    }
  }' "$work/all" "$work/selected"
cat "$work/plan"

# Each shard in its own process; what they print, failures and summaries, appears as it comes
# (started and passed lines left out), and each keeps its whole log.
quiet="^Test Case '.*' (started|passed)|^Test Suite '.*' (started|passed)|^\s+Executed "
pids=()
for spec in "$work"/spec*; do
  shard=shard${spec##*/spec}
  ( OPENBLAS_CORETYPE=$kernel LOSSCAST_EXPECT_KERNEL=$kernel OPENBLAS_NUM_THREADS=1 "$bundle" "$(cat "$spec")" 2>&1 \
      | tee "$work/$shard.log" | { grep --line-buffered -vE "$quiet" || true; }
    exit "${PIPESTATUS[0]}" ) &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
cat "$work"/shard*.log > "$log"

# Sum each shard's last "Executed N tests, with M failures" line; a shard without one crashed.
passed=0 failed=0
for shardlog in "$work"/shard*.log; do
  summary=$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" "$shardlog" | tail -1 || true)
  if [ -z "$summary" ]; then
    echo "a test process ended without a summary (crashed?); its last lines:" >&2
    tail -5 "$shardlog" >&2; status=1; continue
  fi
  total=$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$summary")
  failures=$(sed -E 's/.*with ([0-9]+) failures?.*/\1/' <<<"$summary")
  passed=$((passed + total - failures)); failed=$((failed + failures))
done
# Fresh durations for Tools/test/durations.txt, should the classes' weights drift.
grep -E "^Test Case '.*' passed \(" "$log" | sed -E "s/^Test Case '([^.]+)\.[^']+' passed \(([0-9.]+) seconds\)/\1 \2/" \
  | awk '{ s[$1] += $2 } END { for (k in s) printf "%.0f %s\n", s[k] + 0.5, k }' | sort -rn > ".build/test-durations-$kernel.txt" || true
echo "$passed passed, $failed failed"
[ "$status" = 0 ] && [ "$failed" = 0 ]
