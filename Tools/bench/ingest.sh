#!/usr/bin/env bash
# Ingest benchmark (not a test): a synthetic per-step CSV of ROWS rows (runs of 1,000 steps)
# through `losscast ingest` into a fresh store, against pandas.read_csv + DataFrame.to_sql
# into SQLite (the peer a Python user reaches for) on the same file in the same run. Prints
# rows per second and peak memory (max RSS) for both, medians of ROUNDS alternating rounds,
# and peak memory at half the rows to show it does not grow with the file. Then the same
# table as Parquet (pandas' default writer): `losscast ingest` against `pandas.read_parquet`
# + `to_sql`. `losscast ingest` reads on one thread and writes SQLite on another (two cores);
# pandas uses one. Installs pandas and pyarrow into Tools/.venv when missing.
#
#   bash Tools/bench/ingest.sh [ROWS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-1000000}
rounds=${2:-3}
make -s deps
swift build -c release -Xswiftc -enable-testing --product losscast >/dev/null
if ! Tools/.venv/bin/python -c 'import pandas, pyarrow' 2>/dev/null; then
  python3 -m venv Tools/.venv
  Tools/.venv/bin/pip install -q --disable-pip-version-check pandas pyarrow
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$rows" <<'PY'
import math, random, sys
folder, rows = sys.argv[1], int(sys.argv[2])
random.seed(0)
for name, count in (("full", rows), ("half", rows // 2)):
    with open(f"{folder}/{name}.csv", "w") as f:
        f.write("run,step,tokens,lr,train_loss,val_loss,params\n")
        for index in range(count):
            run, step = divmod(index, 1000)
            lr = 3e-4 * 0.5 * (1 + math.cos(math.pi * step / 1000))
            loss = 2.5 + 8 / (1 + step) ** 0.5 + random.gauss(0, 0.01)
            f.write(f"run{run},{step + 1},{(step + 1) * 524288},{lr:.6g},{loss:.5f},{loss + 0.05:.5f},{1.5e8 + 1e6 * (run % 7):.0f}\n")
PY
cat > "$work/mapping.yaml" <<'YAML'
run: run
step: step
tokens: tokens
lr: lr
losses: [train_loss, val_loss]
target: val_loss
config:
  params: params
YAML
cat > "$work/pandas_read.py" <<'PY'
import os, resource, sqlite3, sys, time
import pandas
store = sys.argv[2]
if os.path.exists(store): os.remove(store)
start = time.perf_counter()
frame = pandas.read_parquet(sys.argv[1]) if sys.argv[1].endswith(".parquet") else pandas.read_csv(sys.argv[1])
with sqlite3.connect(store) as connection:
    frame.to_sql("points", connection, index=False)
seconds = time.perf_counter() - start
print(len(frame), seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
PY
Tools/.venv/bin/python -c "import pandas, sys; pandas.read_csv(sys.argv[1]).to_parquet(sys.argv[2], index=False)" "$work/full.csv" "$work/full.parquet"
measure_losscast() {  # FILE -> "seconds maxrss_kb"
  rm -f "$work/store.sqlite"*
  /usr/bin/time -f "%e %M" -o "$work/time.txt" .build/release/losscast ingest "$1" --mapping "$work/mapping.yaml" --store "$work/store.sqlite" >/dev/null
  cat "$work/time.txt"
}
for round in $(seq "$rounds"); do
  measure_losscast "$work/full.csv" >> "$work/losscast.txt"
  Tools/.venv/bin/python "$work/pandas_read.py" "$work/full.csv" "$work/pandas.sqlite" >> "$work/pandas.txt"
  measure_losscast "$work/full.parquet" >> "$work/losscast-parquet.txt"
  Tools/.venv/bin/python "$work/pandas_read.py" "$work/full.parquet" "$work/pandas.sqlite" >> "$work/pandas-parquet.txt"
done
half=$(measure_losscast "$work/half.csv")
python3 - "$rows" "$work" "$half" <<'PY'
import statistics, sys
rows, folder, half = int(sys.argv[1]), sys.argv[2], sys.argv[3].split()
ours = [line.split() for line in open(f"{folder}/losscast.txt")]
theirs = [line.split() for line in open(f"{folder}/pandas.txt")]
ours_seconds = statistics.median(float(o[0]) for o in ours)
ours_memory = statistics.median(float(o[1]) for o in ours) / 1024
pandas_seconds = statistics.median(float(t[1]) for t in theirs)
pandas_memory = statistics.median(float(t[2]) for t in theirs) / 1024
print(f"{rows:,} rows ({rows // 1000} runs of 1,000 steps), medians of {len(ours)} rounds")
print(f"  losscast ingest (parse, validate, SQLite): {rows / ours_seconds:11,.0f} rows/s  peak {ours_memory:6.0f} MiB  ({ours_seconds:.2f} s)")
print(f"  pandas read_csv + to_sql (SQLite):         {rows / pandas_seconds:11,.0f} rows/s  peak {pandas_memory:6.0f} MiB  ({pandas_seconds:.2f} s)")
print(f"  ratio LossCast / pandas, rows per second: {pandas_seconds / ours_seconds:.2f}")
print(f"  LossCast peak memory at {rows // 2:,} rows: {float(half[1]) / 1024:.0f} MiB (at {rows:,}: {ours_memory:.0f} MiB)")
ours = [line.split() for line in open(f"{folder}/losscast-parquet.txt")]
theirs = [line.split() for line in open(f"{folder}/pandas-parquet.txt")]
ours_seconds = statistics.median(float(o[0]) for o in ours)
pandas_seconds = statistics.median(float(t[1]) for t in theirs)
print("the same table as Parquet (Snappy, one row group):")
print(f"  losscast ingest:           {rows / ours_seconds:11,.0f} rows/s  peak {statistics.median(float(o[1]) for o in ours) / 1024:6.0f} MiB  ({ours_seconds:.2f} s)")
print(f"  pandas read_parquet + to_sql: {rows / pandas_seconds:8,.0f} rows/s  peak {statistics.median(float(t[2]) for t in theirs) / 1024:6.0f} MiB  ({pandas_seconds:.2f} s)")
print(f"  ratio LossCast / pandas, rows per second: {pandas_seconds / ours_seconds:.2f}")
PY
