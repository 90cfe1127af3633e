#!/usr/bin/env bash
# The MLP's 90% intervals over seeds, on every (source, split) of docs/EVALUATION.md
# (Tools/eval/evaluations.sh) that scores 20 test runs or more: MAE, coverage, width / MAE and
# interval score per seed, and whether each is in the band of the issue on honest intervals
# (Tools/eval/band.py). One seed is docs/EVALUATION.md's "Intervals at a glance"; this says
# how far it moves.
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
source Tools/eval/evaluations.sh

results=$(mktemp)
for seed in "${seeds[@]}"; do
  for entry in "${evaluations[@]}"; do
    # The evaluation as run.sh runs it, with the MLP alone.
    name=${entry%%|*}; arguments=$(sed 's/--models [^ ]*//' <<<"${entry#*|}")
    # shellcheck disable=SC2086
    $losscast eval $arguments --models mlp --seed "$seed" --json 2>/dev/null \
      | python3 -c 'import json, sys; f = json.load(sys.stdin)["models"][0]["final"]; print(sys.argv[1], sys.argv[2], f["points"], f["meanAbsoluteError"], f["coverage90"], f["medianIntervalWidth"], f["intervalScore"])' "$name" "$seed" >> "$results" \
      || echo "$name, seed $seed: not evaluated" >&2
  done
done
python3 - "$results" <<'PY'
import collections, sys
sys.path.insert(0, "Tools/eval")
from band import MINIMUM_RUNS, in_band
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    name, seed, runs, mae, cover, width, score = line.split()
    if "None" in (mae, cover, width, score) or int(runs) < MINIMUM_RUNS:
        continue
    rows.setdefault(name, []).append((int(seed), int(runs), float(mae), float(cover), float(width), float(score)))
print("| (source, split) | runs | seeds | MAE | 90% cover | width / MAE | int. score | in band |")
print("|---|---|---|---|---|---|---|---|")
for name, seeds in rows.items():
    def each(form, value):
        return " / ".join(form % value(s) for s in seeds)
    print("| %s | %d | %s | %s | %s | %s | %s | %s |" % (
        name, seeds[0][1], each("%d", lambda s: s[0]), each("%.4f", lambda s: s[2]), each("%.1f%%", lambda s: 100 * s[3]),
        each("%.1f", lambda s: s[4] / s[2]), each("%.3f", lambda s: s[5]),
        " / ".join("yes" if in_band(s[3], s[4], s[2]) else "no" for s in seeds)))
PY
