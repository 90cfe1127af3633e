#!/usr/bin/env bash
# Schemathesis against the simulator's OpenAPI file: a loopback server on a free port, a
# bounded number of generated requests per operation (valid and invalid bodies, paths and
# parameters), every check (no server error, status codes and response bodies as the file
# documents them, content types) but two: positive_data_acceptance, since some rules a
# schema cannot state are 400s by design (a configuration body on the reference backend,
# reference curves of equal sizes), and unsupported_method (Hummingbird answers 404, not 405,
# to a method no route has). Installs schemathesis into Tools/.venv the first time.
# Not run by CI (it takes a minute or two and needs PyPI).
#   bash Tools/simulator/schema.sh [EXAMPLES=50]
set -euo pipefail
cd "$(dirname "$0")/../.."
examples=${1:-50}
swift build -c release -Xswiftc -enable-testing --product losscast 2>&1 | tail -1
if ! Tools/.venv/bin/schemathesis --version >/dev/null 2>&1; then
  python3 -m venv Tools/.venv
  Tools/.venv/bin/pip install -q --disable-pip-version-check schemathesis
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.build/release/losscast serve --host 127.0.0.1 --port "$port" --budget none > /dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v1/health" > /dev/null && break; sleep 0.1; done
Tools/.venv/bin/schemathesis run Sources/SimulatorService/openapi.yaml --url "http://127.0.0.1:$port" \
  --max-examples "$examples" --checks all --exclude-checks positive_data_acceptance,unsupported_method \
  --request-timeout 10 --seed 1
kill -0 $server && echo "the server is still up after the run"
