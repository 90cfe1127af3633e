#!/usr/bin/env bash
# NCPL's out-of-distribution split, as LossCast-Bench gives it: train on losscast_bench/train
# only, predict every step of every run of losscast_bench/val, score every point.
#   bash Tools/eval/ncpl.sh OUT [`losscast train` options]
# It trains what the README recommends for this split: 4 MLP members cross-fitted (the runs
# dealt into 4 folds, member k early-stopping on fold k), 60 epochs of 512 samples; options
# given override those (`--seed 1`, `--folds 0 --ensemble 2` for one shared split).
# Leaves OUT/checkpoint.safetensors and OUT/predictions.json (the benchmark's format), prints
# the per-source tables beside Chinchilla refitted per source on the same training runs.
# Needs a release build (make build; LOSSCAST_BIN names another binary). The kernel it ran
# under is printed first.
set -euo pipefail
out=${1:?usage: bash Tools/eval/ncpl.sh OUT [train options]}
shift
set -- --folds 4 --ensemble 1 --epochs 60 --batch-size 512 "$@"
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=${LOSSCAST_BENCH:-$root/../shared/datasets/losscast_bench}
losscast=${LOSSCAST_BIN:-$root/.build/release/losscast}
[ -x "$losscast" ] || { echo "build first: make build" >&2; exit 2; }
[ -d "$bench/train" ] || { echo "no $bench/train (set LOSSCAST_BENCH)" >&2; exit 2; }
mkdir -p "$out"
"$losscast" doctor --json | grep -E '"(kernel|selectedKernel|detectedKernel)"' || true
store=$out/train.sqlite
rm -f "$store" "$store-wal" "$store-shm"
"$losscast" ingest "$bench/train" --store "$store"
start=$(date +%s)
"$losscast" train --store "$store" --out "$out/checkpoint.safetensors" "$@"
echo "training took $(( $(date +%s) - start )) s"
"$losscast" predict --runs "$bench/val" --checkpoint "$out/checkpoint.safetensors" --out "$out/predictions.json"
"$losscast" score --runs "$bench/val" --predictions "$out/predictions.json" --chinchilla-from "$bench/train"
