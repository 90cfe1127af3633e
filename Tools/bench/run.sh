#!/usr/bin/env bash
# LossCast's compute benchmark against PyTorch on the same machine, in the same run.
# Alternates the two programs ROUNDS times (the machine is shared and noisy) and quotes
# medians. Installs PyTorch (CPU) into Tools/.venv the first time. CI never runs this.
#
#   bash Tools/bench/run.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-15}
threads=$(nproc)
swift build -c release -Xswiftc -enable-testing --product losscast-bench >/dev/null
if ! Tools/.venv/bin/python -c 'import torch' 2>/dev/null; then
  echo "== installing PyTorch into Tools/.venv (once)"
  python3 -m venv Tools/.venv
  Tools/.venv/bin/pip install -q --disable-pip-version-check torch numpy
fi
out=$(mktemp -d)
for round in $(seq "$rounds"); do
  .build/release/losscast-bench --repeats 3 --steps 200 > "$out/losscast-$round.json"
  Tools/.venv/bin/python Tools/bench/torch_mlp.py --threads "$threads" --repeats 3 --steps 200 > "$out/torch-$round.json"
done
python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
folder, rounds = sys.argv[1], int(sys.argv[2])
ours = [json.load(open(f"{folder}/losscast-{r}.json")) for r in range(1, rounds + 1)]
theirs = [json.load(open(f"{folder}/torch-{r}.json")) for r in range(1, rounds + 1)]
ratios = [o["mlp"]["samplesPerSecondMedian"] / t["samplesPerSecondMedian"] for o, t in zip(ours, theirs)]
med = statistics.median
print(f"OpenBLAS kernel: {ours[0]['kernel']} ({ours[0]['kernelReason']}), {ours[0]['threads']} threads")
print(f"PyTorch: {theirs[0]['implementation']}, {theirs[0]['threads']} threads, CPU capability {theirs[0]['cpuCapability']}")
print()
print("sgemm at the predictor's shapes (median over rounds):")
for index, shape in enumerate(ours[0]["sgemm"]):
    print(f"  {shape['m']:>5} x {shape['n']:>4} x {shape['k']:>4}  {med(o['sgemm'][index]['gflops'] for o in ours):7.1f} GFLOP/s  {shape['shape']}")
print()
print("MLP training, 4 x Linear(256, 256), batch 256, float32, forward + backward + AdamW:")
print(f"  LossCast  {med(o['mlp']['samplesPerSecondMedian'] for o in ours):9.0f} samples/s")
print(f"  PyTorch   {med(t['samplesPerSecondMedian'] for t in theirs):9.0f} samples/s")
print(f"  ratio LossCast / PyTorch, median of {rounds} paired rounds: {med(ratios):.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)})")
print(f"  matrix products: {med(o['mlp']['matmulShareOfStepMedian'] for o in ours):.0%} of the step;"
      f" in-step {med(o['mlp']['inStepMatmulGflopsMedian'] for o in ours):.1f} GFLOP/s against bare sgemm on the same"
      f" {ours[0]['mlp']['matmulsPerStep']} shapes {med(o['mlp']['bareSgemmGflopsSameShapes'] for o in ours):.1f}"
      f" = {med(o['mlp']['inStepOverBareSgemm'] for o in ours):.0%}")
PY
