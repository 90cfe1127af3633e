#!/usr/bin/env bash
# Load test of the simulator's HTTP service: `losscast serve` on a free loopback port and
# wrk driving it with CONNECTIONS agents (two sessions, one per wrk thread: submit, poll,
# curve, session) for SECONDS, repeated ROUNDS times; prints requests/s and p50/p90/p99 latency
# of each round and their medians.
#   bash Tools/simulator/load.sh [SECONDS=10] [CONNECTIONS=8] [ROUNDS=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}; connections=${2:-8}; rounds=${3:-3}
command -v wrk >/dev/null || { echo "== installing wrk"; sudo apt-get install -y -qq wrk >/dev/null; }
swift build -c release -Xswiftc -enable-testing --product losscast 2>&1 | tail -1
log=$(mktemp)
.build/release/losscast serve --port 0 --budget none >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 50); do grep -q "listening on" "$log" && break; sleep 0.1; done
url=$(grep -o "http://[0-9.:]*" "$log" | tail -1)
echo "== $(.build/release/losscast doctor --kernel 2>/dev/null | sed 's/^/OpenBLAS kernel /') (not used by the reference backend)"
echo "== wrk: $connections connections on 2 threads, $seconds s per round, $rounds rounds against $url"
results=()
for round in $(seq "$rounds"); do
  for agent in 1 2; do curl -s -X PUT "$url/v1/sessions/load-$round-$agent" -d '{"budget": null}' >/dev/null; done
  line=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -s Tools/simulator/load.lua "$url" -- "$round" 2>"$log.err" | grep "^requests ")
  sort "$log.err" | uniq -c | head -5
  echo "round $round: $line"
  results+=("$line")
done
printf '%s\n' "${results[@]}" | python3 -c '
import re, statistics, sys
rows = [list(map(float, re.findall(r"([0-9.]+) requests/s; p50 ([0-9.]+) ms, p90 ([0-9.]+) ms, p99 ([0-9.]+) ms", line)[0])) for line in sys.stdin]
median = [statistics.median(column) for column in zip(*rows)]
print("median of %d rounds: %.0f requests/s; p50 %.3f ms, p90 %.3f ms, p99 %.3f ms" % (len(rows), *median))'
