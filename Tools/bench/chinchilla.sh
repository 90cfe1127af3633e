#!/usr/bin/env bash
# Chinchilla fit + bootstrap on Epoch's points: LossCast against scipy in the same run.
#   bash Tools/bench/chinchilla.sh [RESAMPLES]     (default 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
resamples=${1:-1000}
data=../shared/datasets/chinchilla_epoch/svg_extracted_data.csv
swift build -c release -Xswiftc -enable-testing --product losscast-bench >/dev/null
out=$(mktemp -d)
.build/release/losscast-bench chinchilla "$data" --resamples "$resamples" > "$out/losscast.json"
python3 Tools/bench/chinchilla_scipy.py "$data" "$resamples" > "$out/scipy.json"
python3 - "$out" <<'PY'
import json, sys
ours, theirs = (json.load(open(f"{sys.argv[1]}/{n}.json")) for n in ("losscast", "scipy"))
print(f"Chinchilla on Epoch's {ours['points']} points, {ours['gridStarts']} grid starts, {ours['resamples']} bootstrap resamples, {2} cores")
print(f"{'':8} {'LossCast':>12} {'scipy':>12}   95% intervals (LossCast | scipy)")
for k in ["E", "A", "B", "alpha", "beta"]:
    a, b = ours["intervals"][k], theirs["intervals"][k]
    print(f"{k:8} {ours['parameters'][k]:12.4f} {theirs['parameters'][k]:12.4f}   {a[0]:.4g} to {a[1]:.4g} | {b[0]:.4g} to {b[1]:.4g}")
for phase in ["gridFitSeconds", "bootstrapSeconds"]:
    print(f"{phase:18} LossCast {ours[phase]:7.2f} s   scipy {theirs[phase]:7.2f} s   scipy / LossCast = {theirs[phase] / ours[phase]:.1f}x")
PY
