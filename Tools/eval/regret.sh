#!/usr/bin/env bash
# The ranking regret on StepLaw dense, NCPL's by-size split (train on the three smallest
# shapes, rank the learning rates and batch sizes of 537M and 1.07B), over several seeds and
# under two OpenBLAS kernels: the one losscast selects and a second one (Haswell by default).
# Prints one row per (kernel, seed) and the median, minimum and maximum of each method.
#   bash Tools/eval/regret.sh [SEEDS=5] [SECOND_KERNEL=Haswell]
# About a minute per row on 2 cores (the 3-member ensemble the test trains).
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds=${1:-5}
second=${2:-Haswell}
swift build -c release -Xswiftc -enable-testing --product losscast 2>&1 | tail -1
losscast=$PWD/.build/release/losscast
work=$(mktemp -d)
export LOSSCAST_STORE=$work/regret.sqlite
$losscast ingest ../shared/datasets/steplaw/dense_lr_bs_loss.csv | tail -1
selected=$($losscast doctor --kernel)
echo "kernels: $selected (selected) and $second"
printf '%-12s %4s %10s %12s %10s %14s\n' kernel seed mlp steplaw-law random mlp-spearman
for kernel in "$selected" "$second"; do
  for seed in $(seq 0 $((seeds - 1))); do
    OPENBLAS_CORETYPE=$kernel $losscast eval --source steplaw-dense --split by-size --models mlp \
      --ensemble 3 --seed "$seed" --task ranking --json > "$work/$kernel-$seed.json"
    python3 - "$work/$kernel-$seed.json" "$kernel" "$seed" <<'PY' | tee -a "$work/rows.txt"
import json, sys
table = {row["method"]: row for row in json.load(open(sys.argv[1]))["ranking"]["rows"]}
rows = {method: row["meanRegret"] for method, row in table.items()}
print(f'{sys.argv[2]:<12} {sys.argv[3]:>4} {rows["mlp"]:10.5f} {rows["steplaw-law"]:12.5f} {rows["random"]:10.5f} {table["mlp"]["meanSpearman"]:14.4f}')
PY
  done
done
python3 - "$work/rows.txt" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
for column, name in ((2, "mlp"), (3, "steplaw-law"), (4, "random"), (5, "mlp-spearman")):
    values = [float(r[column]) for r in rows]
    print(f"{name:<12} median {statistics.median(values):.5f}  min {min(values):.5f}  max {max(values):.5f}  over {len(values)} runs")
wins = sum(float(r[2]) <= float(r[3]) for r in rows)
print(f"mlp at or below the StepLaw law in {wins} of {len(rows)} runs")
PY
