#!/usr/bin/env python3
"""/v1/health while 8 clients page through a session of 78,000 runs (issue 18, item 11).

    python3 Tools/reliability/service_load.py [.build/release/losscast]
"""
import http.client, json, subprocess, sys, threading, time
binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/losscast"
server = subprocess.Popen([binary, "serve", "--port", "0", "--budget", "none"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
port = int(server.stdout.readline().rsplit(":", 1)[1])
def call(conn, method, path, body=None):
    conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
    r = conn.getresponse(); data = r.read(); return r.status, data
c = http.client.HTTPConnection("127.0.0.1", port)
call(c, "PUT", "/v1/sessions/big", '{"budget": null, "milliseconds_per_day": 0}')
for i in range(78000):
    call(c, "POST", "/v1/sessions/big/runs", '{"layers": [%d], "days": 1}' % (64 + i % 512))
stop = False
sizes = []
def lister():
    conn = http.client.HTTPConnection("127.0.0.1", port)
    while not stop:
        after = 0
        while not stop:
            s, data = call(conn, "GET", f"/v1/sessions/big/runs?after={after}")
            page = json.loads(data); sizes.append(len(data))
            if page["next_after"] is None: break
            after = page["next_after"]
threads = [threading.Thread(target=lister) for _ in range(8)]
for t in threads: t.start()
time.sleep(1)
latencies = []
h = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(50):
    start = time.perf_counter(); call(h, "GET", "/v1/health"); latencies.append(time.perf_counter() - start); time.sleep(0.1)
stop = True
for t in threads: t.join()
server.terminate()
latencies.sort()
print(f"78,000 runs, 8 clients paging through them: /v1/health median {latencies[25]*1000:.1f} ms, max {latencies[-1]*1000:.1f} ms; "
      f"a page is {sorted(sizes)[len(sizes)//2]/1e3:.0f} kB (median of {len(sizes)} pages)")
