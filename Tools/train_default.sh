#!/usr/bin/env bash
# Rebuilds the bundled default predictor, Checkpoints/default.safetensors, from the public
# data: ingest ../shared/datasets into a scratch store, train a 3-member ensemble with a
# fixed seed on the sources with N, D and a loss, and report how long it took.
#   bash Tools/train_default.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release -Xswiftc -enable-testing --product losscast >/dev/null
store=$(mktemp -d)/store.sqlite
.build/release/losscast ingest ../shared/datasets --store "$store" > /dev/null
start=$(date +%s)
.build/release/losscast train --store "$store" --source steplaw-dense --source steplaw-moe --source olmo-ladder \
  --source multipowerlaw --source gadre2024 --source chinchilla-epoch --ensemble 3 --epochs 200 --seed 7 \
  --out Checkpoints/default.safetensors
echo "default checkpoint trained in $(( $(date +%s) - start )) s (wall clock, ingest excluded)"
ls -l Checkpoints/default.safetensors
