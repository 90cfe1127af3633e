#!/usr/bin/env python3
"""Replays every careless and hostile input of issue 18 against a built losscast and prints
one line each: the item, the input, the exit code (or HTTP status), the first line of the
message, and whether the store was unchanged and the service alive afterwards.

    python3 Tools/reliability/replay.py [--binary .build/release/losscast] [--markdown]

Needs a release build (`make build`) and ../shared/datasets beside the repository.
"""
import argparse, hashlib, http.client, json, os, shutil, socket, struct, subprocess, sys, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("--binary", default=".build/release/losscast")
parser.add_argument("--markdown", action="store_true", help="print a Markdown table (the README's)")
options = parser.parse_args()
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
binary = os.path.abspath(os.path.join(root, options.binary))
work = tempfile.mkdtemp(prefix="replay-")
store = os.path.join(work, "store.sqlite")
rows = []


def run(*arguments, stdin=None, timeout=120, cwd=None):
    """Exit code and the first non-empty line of stderr (else stdout)."""
    try:
        done = subprocess.run([binary, *arguments], input=stdin, capture_output=True, text=True, timeout=timeout, cwd=cwd or root)
    except subprocess.TimeoutExpired:
        return "timeout", f"no answer in {timeout} s"
    text = (done.stderr.strip() or done.stdout.strip()).splitlines()
    return done.returncode, (text[0] if text else "")


def fingerprint():
    done = subprocess.run([binary, "runs", "export", "--format", "jsonl", "--store", store], capture_output=True)
    return hashlib.sha256(done.stdout).hexdigest()


def write(name, content):
    path = os.path.join(work, name)
    with open(path, "wb" if isinstance(content, bytes) else "w") as handle:
        handle.write(content)
    return path


def record(item, what, code, message, store_same="-", alive="-"):
    rows.append((item, what, str(code), message.replace(work, "TMP")[:110], store_same, alive))


def store_case(item, what, *arguments, **keywords):
    before = fingerprint()
    code, message = run(*arguments, **keywords)
    record(item, what, code, message, "yes" if fingerprint() == before else "CHANGED")


# A store with real runs in it, so "unchanged" means something.
subprocess.run([binary, "ingest", os.path.join(root, "../shared/datasets/multipowerlaw"), "--store", store], capture_output=True, check=True)
mapping = write("map.yaml", "run: run\nstep: step\nlosses: [loss]\n")
flat = '{"params": 4e8, "tokens": 2e10, "lr": 0.002, "batch_size_tokens": 1e6}'

# 1. Budgets that do not fit the ledger, zero days.
record("1", "simulate --budget 9.3e12", *run("simulate", "--layers", "1024", "--days", "3", "--budget", "9.3e12"))
record("1", "serve --budget 1e308", *run("serve", "--port", "0", "--budget", "1e308", timeout=10))
# 2. Billion laughs as a mapping and as a W&B config.yaml.
laughs = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]\n" for level in range(1, 10))
store_case("2", "ingest --mapping laughs.yaml", "ingest", write("x.csv", "run,step,loss\na,1,3\n"), "--mapping", write("laughs.yaml", laughs), "--store", store)
os.makedirs(os.path.join(work, "wandb"), exist_ok=True)
write("wandb/config.yaml", laughs)
write("wandb/wandb-history.jsonl", '{"_step": 1, "loss": 3.0}\n')
store_case("2", "ingest W&B folder, laughs config.yaml", "ingest", os.path.join(work, "wandb"), "--store", store)
# 3. Configurations that predicted silently.
for what, configuration in [('"params": "1e9"', '{"params": "1e9", "tokens": 2e10}'), ("lrr", '{"params": 4e8, "tokens": 2e10, "lrr": 0.002}'),
                            ("{}", "{}"), ("lr_schedule cosin", '{"params": 4e8, "tokens": 2e10, "lr_schedule": "cosin"}'),
                            ('"optimizer": 5', '{"params": 4e8, "tokens": 2e10, "optimizer": 5}')]:
    record("3", f"predict {what}", *run("predict", "--config", configuration))
record("3", "rank --grid lrr=...", *run("rank", "--base", flat, "--grid", "lrr=0.001,0.002"))
# 4. Intervals far outside the range: still losses, and said why.
for what, configuration in [("no batch size", '{"params": 4e8, "tokens": 2e10, "lr": 0.002}'), ("lr 1e9", '{"params": 4e8, "tokens": 2e10, "lr": 1e9, "batch_size_tokens": 1e6}')]:
    done = subprocess.run([binary, "predict", "--config", configuration], capture_output=True, text=True, cwd=root)
    lines = done.stdout.strip().splitlines()
    record("4", f"predict, {what}", done.returncode, " / ".join(lines[:2]))
# 5. Impossible points.
for what, body in [("loss -3.5", "a,1,-3.5"), ("loss 0", "a,1,0"), ("loss 1e300", "a,1,1e300"), ("step -1", "a,-1,3.0"), ("step 1e30", "a,1e30,3.0")]:
    store_case("5", f"ingest {what}", "ingest", write(f"p{len(rows)}.csv", "run,step,loss\n" + body + "\n"), "--mapping", mapping, "--store", store)
# 6. A checkpoint with a NaN weight.
checkpoint = os.path.join(root, "Checkpoints/default.safetensors")
data = bytearray(open(checkpoint, "rb").read())
header_length = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8:8 + header_length])
name, entry = next((k, v) for k, v in sorted(header.items()) if k != "__metadata__" and v["dtype"] == "F32")
start = 8 + header_length + entry["data_offsets"][0]
data[start:start + 4] = struct.pack("<f", float("nan"))
record("6", f"predict --checkpoint (NaN in {name})", *run("predict", "--checkpoint", write("nan.safetensors", bytes(data)), "--config", flat))
# 7. Mistyped paths on read-only commands.
missing_store = os.path.join(work, "no/such/store.sqlite")
record("7", "runs list --store no/such/store.sqlite", *run("runs", "list", "--store", missing_store))
record("7", "", "", "created the folder? " + ("YES" if os.path.exists(os.path.dirname(missing_store)) else "no"))
record("7", "train --out /no/such/dir/x", *run("train", "--out", "/no/such/dir/x.safetensors", "--store", store))
# 8. Ports.
record("8", "serve --port 99999", *run("serve", "--port", "99999", timeout=10))
# 9. Undo: delete and a corrected mapping.
wrong = write("wrong.yaml", "step: step\nlosses: [loss]\n")
two = write("two.csv", "run,step,loss\nx,1,3.0\nx,2,2.9\ny,1,3.1\n")
store_case("9", "ingest two runs with a mapping without run", "ingest", two, "--mapping", wrong, "--store", store)
record("9", "ingest with the corrected mapping", *run("ingest", two, "--mapping", mapping, "--store", store))
record("9", "runs delete --file two.csv (no terminal)", *run("runs", "delete", "--file", two, "--store", store))
record("9", "runs delete --file two.csv --yes", *run("runs", "delete", "--file", two, "--yes", "--store", store))
# 10. Bounded resources.
record("10", "predict --steps 1:1000000:100000000", *run("predict", "--config", flat, "--steps", "1:1000000:100000000"))
rates = ",".join(str(1e-4 + i * 1e-7) for i in range(4000))
record("10", "rank over a 12M-point grid", *run("rank", "--base", flat, "--grid", "lr=" + rates, "--grid", "warmup_steps=" + ",".join(map(str, range(1, 3001)))))
store_case("10", "ingest a 20 MB one-line CSV", "ingest", write("line.csv", "run,step,loss\na,1," + "9" * (20 << 20) + "\n"), "--mapping", mapping, "--store", store)
before = fingerprint()
code, message = run("ingest", write("header.csv", "h" * (20 << 20) + ",step\n1,2\n"), "--mapping", mapping, "--store", store)
record("10", "ingest a 20 MB header", code, f"message of {len(message)} characters: {message[:60]}", "yes" if fingerprint() == before else "CHANGED")
# 12. Smaller ones.
store_case("12", "ingest: step goes back on line 4", "ingest", write("order.csv", "run,step,loss\na,1,3\na,2,2.9\na,1,2.8\n"), "--mapping", mapping, "--store", store)
record("12", "runs list --where nosuchfield<=1", *run("runs", "list", "--where", "nosuchfield<=1", "--store", store))
shared = next(c for c in "0123456789abcdef" if sum(r["id"].startswith(c) for r in json.loads(
    subprocess.run([binary, "runs", "list", "--json", "--store", store], capture_output=True, text=True).stdout)) > 1)
record("12", f"runs show {shared} (a prefix of several ids)", *run("runs", "show", shared, "--store", store))
record("12", "runs list --limit -1", *run("runs", "list", "--limit", "-1", "--store", store))
record("12", "serve --backend checkpoint BROKEN", *run("serve", "--port", "0", "--backend", "checkpoint", write("broken.safetensors", b"\x08\x00\x00\x00\x00\x00\x00\x00{}"), timeout=10))
store_case("12", "ingest /dev/zero", "ingest", "/dev/zero", "--store", store, timeout=60)
store_case("12", "ingest /dev/zero --format csv --mapping", "ingest", "/dev/zero", "--format", "csv", "--mapping", mapping, "--store", store, timeout=60)
stale = write(".left.safetensors.tmp-999999", b"partial")
subprocess.run([binary, "train", "--out", os.path.join(work, "left.safetensors"), "--epochs", "1", "--store", store], capture_output=True)
record("12", "a save killed earlier left .tmp-999999", "", "removed by the next save" if not os.path.exists(stale) else "STILL THERE")
# 13. Another working directory.
record("13", "predict from another directory", *run("predict", "--config", flat, cwd=work))

# 11. The HTTP service.
server = subprocess.Popen([binary, "serve", "--port", "0", "--max-sessions", "50", "--session-expiry", "600", "--idle-timeout", "2"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=root)
port = int(server.stdout.readline().rsplit(":", 1)[1])


def request(method, path, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response.status, response.getheader("Retry-After"), text


def alive():
    try:
        return "yes" if request("GET", "/v1/health")[0] == 200 else "NO"
    except Exception:
        return "NO"


for what, method, path, body in [("budget 9.3e12", "PUT", "/v1/sessions/b", '{"budget": 9.3e12}'),
                                 ("days 0", "POST", "/v1/sessions/b/runs", '{"layers": [128], "days": 0}'),
                                 ("unknown route", "GET", "/v1/nothing", None), ("unknown method", "PATCH", "/v1/sessions/b", "{}"),
                                 ("runs?limit=0", "GET", "/v1/sessions/b/runs?limit=0", None)]:
    status, _, text = request(method, path, body)
    record("11" if what[0] in "ru" else "1", f"HTTP {method} {path.split('?')[0] if what != 'runs?limit=0' else path} {body or ''}", status, text, alive=alive())
for index in range(50):
    request("PUT", f"/v1/sessions/s{index}", "{}")
status, retry, text = request("PUT", "/v1/sessions/one-more", "{}")
record("11", "HTTP PUT the 51st session (--max-sessions 50)", status, f"Retry-After {retry}: {text}", alive=alive())
status, _, text = request("DELETE", "/v1/sessions/s0")
record("11", "HTTP DELETE /v1/sessions/s0, then PUT the 51st", status, f"then {request('PUT', '/v1/sessions/one-more', '{}')[0]}", alive=alive())
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(200)]
time.sleep(3)
closed = 0
for connection in idle:
    connection.settimeout(1)
    try:
        closed += connection.recv(1) == b""
    except OSError:
        pass
    connection.close()
record("11", "200 idle connections (--idle-timeout 2)", "", f"{closed} of 200 closed by the server after 3 s", alive=alive())
server.terminate()
server.wait()

shutil.rmtree(work, ignore_errors=True)
if options.markdown:
    print("| item | input | exit / HTTP | first line of the message | store unchanged | service alive |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
else:
    for row in rows:
        print("  ".join([row[0].ljust(3), row[1][:48].ljust(48), row[2].ljust(7), row[3], f"[store {row[4]}, service {row[5]}]"]))
