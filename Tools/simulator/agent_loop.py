#!/usr/bin/env python3
"""An example agent for the simulator service: with a budget of GPU-days, try a few
architectures and training lengths, submit them all at once, poll until each has
trained, and pick the best normalized entropy (NE). Standard library only.

    losscast serve --port 8080 --milliseconds-per-day 20 &
    python3 Tools/simulator/agent_loop.py [http://127.0.0.1:8080]
"""
import json
import sys
import time
import urllib.error
import urllib.request

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
SESSION = "example-agent"


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:  # 4xx bodies are JSON errors naming the field
        return error.code, json.loads(error.read())


# A fresh session: 400 GPU-days, a fixed seed so the whole session replays exactly.
call("PUT", f"/v1/sessions/{SESSION}", {"budget": 400, "seed": 7})

# Submit every candidate; the budget refuses what no longer fits.
candidates = [([128, 128], 10), ([512, 512], 20), ([1024, 1024], 20), ([1024, 1024], 40),
              ([2048, 2048], 30), ([2048, 2048], 60), ([4096], 30)]
tickets = {}
for layers, days in candidates:
    status, body = call("POST", f"/v1/sessions/{SESSION}/runs", {"layers": layers, "days": days, "gpus": 2})
    if status == 202:
        tickets[body["id"]] = (layers, days)
        print(f"submitted run {body['id']}: {layers} for {days} days, cost {body['cost']:g} GPU-days, "
              f"ready in {body['ready_in_seconds']:.2f} s")
    else:
        print(f"refused {layers} for {days} days: {body['error']['message']}")

# Poll until every run has trained, collecting the results as they arrive.
results = {}
while len(results) < len(tickets):
    for run, (layers, days) in tickets.items():
        if run in results:
            continue
        _, body = call("GET", f"/v1/sessions/{SESSION}/runs/{run}")
        if body["status"] == "succeeded":
            results[run] = body["result"]
        elif body["status"] == "failed":
            results[run] = None
    time.sleep(0.05)

print(f"\n{'run':>3}  {'layers':<14} {'days':>4}  {'NE':>7}  {'QPS':>7}")
for run, result in sorted(results.items()):
    layers, days = tickets[run]
    if result:
        print(f"{run:>3}  {str(layers):<14} {days:>4}  {result['value']:.4f}  {result['qps']:>7.0f}")
best = min((run for run in results if results[run]), key=lambda run: results[run]["value"])
_, budget = call("GET", f"/v1/sessions/{SESSION}/budget")
print(f"\nbest: run {best}, {tickets[best][0]} for {tickets[best][1]} days, NE {results[best]['value']:.4f}; "
      f"spent {budget['spent']:g} of {budget['total']:g} GPU-days")
