#!/usr/bin/env bash
# Ranking benchmark (not a test): `losscast rank` on a grid of 100,000 candidates (50
# learning rates x 20 batch sizes x 10 sizes x 10 token budgets) with the default
# checkpoint, and on 10,000 of them (the first 5 sizes x 2 budgets) in the same round
# as the peer, so the ratio shows how the time grows with the candidates on a noisy
# machine. Prints the medians of ROUNDS rounds of the time losscast reports for reading
# the candidates, encoding, predicting and sorting (loading the checkpoint excluded), and
# the OpenBLAS kernel. Each round also ranks the 100,000 with LOSSCAST_RECORD_INFERENCE=1, the
# forward passes recording the autograd graph as they did before inference mode, and prints
# the ratio of the medians.
#
#   bash Tools/bench/rank.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
swift build -c release -Xswiftc -enable-testing --product losscast >/dev/null 2>&1
losscast=.build/release/losscast
lrs=$(python3 -c "print(','.join('%.3g' % (1e-4 * 1.1 ** i) for i in range(50)))")
batches=$(python3 -c "print(','.join(str(2 ** 17 * k) for k in range(1, 21)))")
sizes=$(python3 -c "print(','.join('%.3g' % (2e8 * 1.3 ** i) for i in range(10)))")
budgets=$(python3 -c "print(','.join('%.3g' % (1e10 * 1.3 ** i) for i in range(10)))")
small_sizes=$(cut -d, -f1-5 <<<"$sizes"); small_budgets=$(cut -d, -f1-2 <<<"$budgets")
seconds() { "$losscast" rank --base '{"seq_len": 2048}' --grid lr="$lrs" --grid batch_size_tokens="$batches" \
  --grid params="$1" --grid tokens="$2" --top 1 | sed -nE 's/.* ranked in ([0-9.]+) s/\1/p'; }
large=(); small=(); recorded=()
for _ in $(seq "$rounds"); do
  large+=("$(seconds "$sizes" "$budgets")")
  small+=("$(seconds "$small_sizes" "$small_budgets")")
  recorded+=("$(LOSSCAST_RECORD_INFERENCE=1 seconds "$sizes" "$budgets")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
kernel=$("$losscast" doctor --kernel)
echo "OpenBLAS kernel: $kernel; $rounds rounds; checkpoint Checkpoints/default.safetensors"
echo "100,000 candidates: median $(median "${large[@]}") s (rounds: ${large[*]})"
echo " 10,000 candidates: median $(median "${small[@]}") s (rounds: ${small[*]})"
awk -v a="$(median "${large[@]}")" -v b="$(median "${small[@]}")" 'BEGIN {printf "ratio 100k / 10k: %.1f (10 would be linear)\n", a / b}'
echo "100,000 candidates recording the graph (LOSSCAST_RECORD_INFERENCE=1): median $(median "${recorded[@]}") s (rounds: ${recorded[*]})"
awk -v a="$(median "${recorded[@]}")" -v b="$(median "${large[@]}")" 'BEGIN {printf "inference mode speed-up: %.2fx\n", a / b}'
