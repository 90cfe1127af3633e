#!/usr/bin/env bash
# Builds the parser fuzz target with libFuzzer and AddressSanitizer and runs it.
#   bash Tools/fuzz/run.sh [SECONDS]     (default 300)
# Crashes are written to Tools/fuzz/findings/ (ignored by git); the corpus starts from
# small valid and broken logs in Tools/fuzz/seeds/.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-300}
mkdir -p .build/fuzz Tools/fuzz/findings Tools/fuzz/corpus
swiftc -sanitize=fuzzer,address -parse-as-library -O \
  Sources/Runs/*.swift Tools/fuzz/ParserFuzz.swift -o .build/fuzz/parser-fuzz
cp -n Tools/fuzz/seeds/* Tools/fuzz/corpus/ 2>/dev/null || true
.build/fuzz/parser-fuzz Tools/fuzz/corpus -max_total_time="$seconds" -max_len=4096 \
  -artifact_prefix=Tools/fuzz/findings/ -print_final_stats=1
