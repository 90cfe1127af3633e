#!/usr/bin/env bash
# Rebuilds the bundled default predictor, Checkpoints/default.safetensors, from the public
# data: ingest ../shared/datasets into a scratch store (of LossCast-Bench, train/ only, never
# val/), train a 3-member ensemble with a fixed seed on the sources with N, D and a loss,
# calibrate a new source's level doubt by leaving each source out (--new-sources), and report how
# long it took.
#   bash Tools/train_default.sh
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=../shared/datasets
swift build -c release -Xswiftc -enable-testing --product losscast >/dev/null
store=$(mktemp -d)/store.sqlite
folders=()
for folder in "$datasets"/*/; do [[ "$folder" == */losscast_bench/ ]] || folders+=("$folder"); done
.build/release/losscast ingest "${folders[@]}" "$datasets/losscast_bench/train" --store "$store" > /dev/null
start=$(date +%s)
.build/release/losscast train --store "$store" --source steplaw-dense --source steplaw-moe --source olmo-ladder \
  --source multipowerlaw --source gadre2024 --source chinchilla-epoch --source ncpl-marin --source ncpl-steplaw --source nanochat \
  --ensemble 3 --epochs 60 --batch-size 512 --points-per-run 8 --seed 7 --new-sources --out Checkpoints/default.safetensors
echo "default checkpoint trained in $(( $(date +%s) - start )) s (wall clock, ingest excluded)"
ls -l Checkpoints/default.safetensors
