#!/usr/bin/env bash
# The MLP's 90% intervals over seeds, on every (source, split) of docs/EVALUATION.md with 20
# test runs or more: coverage, median width, MAE and interval score per seed, and whether each
# is in the band of the issue on honest intervals (coverage 80-97%, width at most 4 x MAE).
# One seed is docs/EVALUATION.md's "Intervals at a glance"; this says how far it moves.
#   bash Tools/eval/intervals.sh [SEED ...]        (default seeds 0 1 2; about 6 minutes a seed)
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(0 1 2)
swift build -c release -Xswiftc -enable-testing --product losscast 2>&1 | tail -1
losscast=.build/release/losscast
export LOSSCAST_STORE=$(mktemp -d)/intervals.sqlite
$losscast ingest ../shared/datasets | tail -1
echo "OpenBLAS kernel: $($losscast doctor --kernel)"

# name | arguments (as Tools/eval/run.sh evaluates them, the MLP alone)
rows=(
  "steplaw-dense-by-size|--source steplaw-dense --split by-size --ensemble 3"
  "steplaw-dense-by-compute|--source steplaw-dense --split by-compute"
  "steplaw-moe-by-size|--source steplaw-moe --split by-size"
  "steplaw-moe-by-source|--source steplaw-dense --source steplaw-moe --split by-source --test-source steplaw-moe"
  "gadre2024-grid-by-size|--source gadre2024-grid --split by-size"
  "sldbench-vocab-by-size|--source sldbench-vocab --split by-size"
  "sldbench-domain-mixture-random|--source sldbench-domain-mixture --split random"
  "sldbench-lr-by-size|--source sldbench-lr --split by-size"
)
results=$(mktemp)
for seed in "${seeds[@]}"; do
  for row in "${rows[@]}"; do
    name=${row%%|*}; arguments=${row#*|}
    # shellcheck disable=SC2086
    $losscast eval $arguments --models mlp --seed "$seed" --json 2>/dev/null \
      | python3 -c 'import json, sys; f = json.load(sys.stdin)["models"][0]["final"]; print(sys.argv[1], sys.argv[2], f["points"], f["meanAbsoluteError"], f["coverage90"], f["medianIntervalWidth"], f["intervalScore"])' "$name" "$seed" >> "$results"
  done
done
python3 - "$results" <<'PY'
import collections, statistics, sys
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    name, seed, runs, mae, cover, width, score = line.split()
    rows.setdefault(name, []).append((int(seed), int(runs), float(mae), float(cover), float(width), float(score)))
print("| (source, split) | runs | seeds | MAE | 90% cover | width / MAE | int. score | in band |")
print("|---|---|---|---|---|---|---|---|")
for name, seeds in rows.items():
    def each(index, form):
        return " / ".join(form % s[index] for s in seeds)
    band = ["yes" if 0.80 <= s[3] <= 0.97 and s[4] <= 4 * s[2] else "no" for s in seeds]
    print("| %s | %d | %s | %s | %s | %s | %s | %s |" % (
        name, seeds[0][1], " / ".join(str(s[0]) for s in seeds), each(2, "%.4f"),
        " / ".join("%.1f%%" % (100 * s[3]) for s in seeds), " / ".join("%.1f" % (s[4] / s[2]) for s in seeds),
        each(5, "%.3f"), " / ".join(band)))
PY
