#!/usr/bin/env bash
# Leave-one-source-out, the README's table for sources the checkpoint never saw (issue 17):
# every public source with N, D and a final loss except the copies of StepLaw's dense runs
# (sldbench-lr, ncpl-steplaw), each left out in turn, predicted zero-shot and then adapted
# from its k smallest runs (`losscast eval-sources`, one-member predictors of 30 epochs). Per
# seed: the table, the median source's MAE adapted from 10 against Chinchilla and a predictor
# trained from scratch on the same runs, and whether the issue's bars hold.
#   bash Tools/eval/sources.sh [SEED ...]        (default seeds 0 1 2; about 5 minutes a seed)
# OUT (default a scratch folder) keeps each seed's JSON: OUT=dir bash Tools/eval/sources.sh 0
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(0 1 2)
swift build -c release -Xswiftc -enable-testing --product losscast 2>&1 | tail -1
losscast=${LOSSCAST_BIN:-.build/release/losscast}
export LOSSCAST_STORE=$(mktemp -d)/sources.sqlite
$losscast ingest ../shared/datasets | tail -1
echo "OpenBLAS kernel: $($losscast doctor --kernel)"
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
sources=(chinchilla-epoch gadre2024 nanochat ncpl-marin olmo-ladder sldbench-data-constrained steplaw-dense steplaw-moe)
for seed in "${seeds[@]}"; do
  start=$(date +%s)
  $losscast eval-sources "${sources[@]/#/--source=}" --epochs 30 --seed "$seed" --json > "$out/seed$seed.json"
  echo "seed $seed: $(( $(date +%s) - start )) s, $out/seed$seed.json"
  python3 Tools/eval/sources.py "$out/seed$seed.json"
done
