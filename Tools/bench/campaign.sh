#!/usr/bin/env bash
# The campaign simulator against the reference model it rebuilds (takeoff modeling v2,
# takeoff_modeling_v2/takeoff_model_v2.py at 491b969), in the same run: ROUNDS times, one
# pair of simulations (no automation, then automation) of each, timed as whole processes;
# then 1,000 simulations of LossCast's on all cores. Prints medians and their ratio.
#
#   bash Tools/bench/campaign.sh REFERENCE_FILE [ROUNDS=3]
#
# The reference is not part of this repository: fetch the public repository
# (uvafan/takeoff_modeling_v2) and give the path of its one Python file. It needs numpy,
# scipy, pydantic, pandas, tqdm, matplotlib and seaborn (pip installs the missing ones); its
# figures are drawn with matplotlib's non-interactive backend and discarded.
set -euo pipefail
reference=${1:?usage: bash Tools/bench/campaign.sh REFERENCE_FILE [ROUNDS]}
rounds=${2:-3}
reference=$(realpath "$reference")
cd "$(dirname "$0")/../.."
python3 -c 'import numpy, scipy, pydantic, pandas, tqdm, matplotlib, seaborn' 2>/dev/null \
  || python3 -m pip install -q --disable-pip-version-check numpy scipy pydantic pandas tqdm matplotlib seaborn
swift build -c release -Xswiftc -enable-testing --product losscast 2>&1 | tail -1
losscast=$PWD/.build/release/losscast
work=$(mktemp -d)
seconds() { local start end; start=$(date +%s.%N); "$@" > /dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc; }
echo "kernel: $($losscast doctor --kernel) (the campaign simulator does not use BLAS); $(nproc) cores"
printf '%-6s %14s %14s %8s\n' round reference losscast ratio
for round in $(seq "$rounds"); do
  ref=$(cd "$work" && MPLBACKEND=Agg seconds python3 "$reference")
  ours=$(seconds "$losscast" campaign --sims 1 --seed "$round")
  printf '%-6s %13.2fs %13.3fs %8.0f\n' "$round" "$ref" "$ours" "$(echo "$ref / $ours" | bc -l)" | tee -a "$work/rows"
done
thousand=$(seconds "$losscast" campaign --sims 500 --seed 0)
sort -k4 -n "$work/rows" | awk '{ratios[NR] = $4; refs[NR] = $2; ours[NR] = $3} END {
  m = int((NR + 1) / 2); printf "median of %d rounds: reference %s, losscast %s a pair of simulations; ratio %s\n", NR, refs[m], ours[m], ratios[m] }'
printf '1,000 simulations (500 pairs) of losscast on %d cores: %.1f s\n' "$(nproc)" "$thousand"
