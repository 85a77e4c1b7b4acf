#!/usr/bin/env python3
"""Soak `zdz serve` (issue 15): mixed traffic on loopback for a while — items pages, bbox
queries, vector tiles, outfall traces, cluster readiness, ledger reads and writes — with a
reload every 15 s, the server's resident memory sampled every second.

    bench/soak.py ZDZ_BINARY WORKSPACE [SECONDS] [CLIENTS]

Pass: no unexpected status (every answer 2xx, a 409 for a change that breaks a ledger rule
or a reload already running, a 304 for a revalidated tile), and after the warm-up (the
first fifth of the run) memory grows less than 1 MiB a minute: the least-squares slope of
the floor, the least memory in each reload period (a reload holds two snapshots for a
moment; a leak raises the floor). The slope of every sample is printed beside it.
Prints requests, statuses, latencies and the memory figures; exits 1 on failure."""

import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

zdz, workspace = sys.argv[1], sys.argv[2]
seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 600
clients = int(sys.argv[4]) if len(sys.argv) > 4 else 8

tmp = tempfile.mkdtemp(prefix="zdz-soak-")
ledger = os.path.join(tmp, "ledger.db")
token = subprocess.run([zdz, "ledger", "user", "add", "--ledger", ledger, "soak", "--role", "city"],
                       check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
log = open(os.path.join(tmp, "serve.log"), "w")
server = subprocess.Popen([zdz, "serve", workspace, "--addr", "127.0.0.1:0", "--ledger", ledger],
                          stderr=subprocess.PIPE, text=True)
base = None
for line in server.stderr:
    log.write(line)
    if "serving" in line and " at " in line:
        base = line.split(" at ")[1].strip()
        break
threading.Thread(target=lambda: [log.write(l) for l in server.stderr], daemon=True).start()
assert base, "zdz serve did not start"


def call(path, method="GET", body=None, auth=False, etag=None):
    req = urllib.request.Request(base + path, method=method, data=body)
    if auth:
        req.add_header("Authorization", "Bearer " + token)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if etag:
        req.add_header("If-None-Match", etag)
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            data = r.read()
            return r.status, data, r.headers.get("ETag"), time.perf_counter() - t0
    except urllib.error.HTTPError as e:
        return e.code, e.read(), None, time.perf_counter() - t0


outfalls = [f["id"] for f in json.loads(call("/collections/outfalls/items?limit=10000")[1])["features"]]
clusters = [f["id"] for f in json.loads(call("/collections/clusters/items?limit=10000")[1])["features"]]
tiles = json.loads(call("/tiles/pipes.json")[1])
b = tiles.get("bounds", [106.3, 29.3, 106.9, 29.9])

# For finding what grows: SOAK_KINDS=items,tile … narrows the traffic, SOAK_RELOAD_S the
# reload period (0: none).
KINDS = os.environ.get("SOAK_KINDS", "items,bbox,tile,trace,readiness,ledger_read,ledger_write").split(",")
RELOAD_S = float(os.environ.get("SOAK_RELOAD_S", "15"))

stats = {}
latencies = []
bad = []
lock = threading.Lock()
stop = time.monotonic() + seconds


def tile_path():
    import math
    z = random.choice([10, 12, 14])
    lon = random.uniform(b[0], b[2])
    lat = random.uniform(b[1], b[3])
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return f"/tiles/{random.choice(['pipes', 'outfalls', 'clusters', 'problems'])}/{z}/{x}/{y}.mvt"


def worker(seed):
    rng = random.Random(seed)
    etags = {}
    while time.monotonic() < stop:
        kind = rng.choice(KINDS)
        ok = {200}
        if kind == "items":
            r = call(f"/collections/{rng.choice(['pipes', 'problems', 'enterprises'])}/items?limit={rng.choice([10, 100, 1000])}&offset={rng.randrange(0, 500)}")
        elif kind == "bbox":
            x, y = rng.uniform(b[0], b[2]), rng.uniform(b[1], b[3])
            r = call(f"/collections/pipes/items?bbox={x},{y},{x + 0.05},{y + 0.05}&limit=500")
        elif kind == "tile":
            p = tile_path()
            r = call(p, etag=etags.get(p))
            ok = {200, 304}
            if r[2]:
                etags[p] = r[2]
        elif kind == "trace":
            r = call(f"/api/outfalls/{rng.choice(outfalls)}/trace")
        elif kind == "readiness":
            r = call(f"/api/clusters/{rng.choice(clusters)}/readiness")
        elif kind == "ledger_read":
            r = call(f"/api/ledger/problems?cluster={rng.choice(clusters)}", auth=True)
        else:
            entries = json.loads(call(f"/api/ledger/problems?cluster={rng.choice(clusters)}", auth=True)[1])
            if not entries:
                continue
            e = rng.choice(entries)
            change = {"version": e["version"], "status": rng.choice(["open", "in_progress", "awaiting_review"]),
                      "measure": rng.choice(["封堵混接点", "新建污水管", "清淤"])}
            r = call(f"/api/ledger/problems/{e['problem_id']}", "POST", json.dumps(change).encode(), auth=True)
            ok = {200, 409}
        with lock:
            stats[(kind, r[0])] = stats.get((kind, r[0]), 0) + 1
            latencies.append(r[3])
            if r[0] not in ok:
                bad.append((kind, r[0], r[1][:200]))


def reloader():
    while RELOAD_S > 0 and time.monotonic() < stop:
        time.sleep(RELOAD_S)
        r = call("/api/reload", "POST")
        with lock:
            stats[("reload", r[0])] = stats.get(("reload", r[0]), 0) + 1
            if r[0] not in (202, 409):
                bad.append(("reload", r[0], r[1][:200]))


samples = []


def sampler():
    t0 = time.monotonic()
    while time.monotonic() < stop:
        with open(f"/proc/{server.pid}/status") as f:
            kib = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
        samples.append((time.monotonic() - t0, kib))
        time.sleep(1)


threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
threads += [threading.Thread(target=reloader), threading.Thread(target=sampler)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if os.environ.get("SOAK_SMAPS"):
    # Where the memory is, for finding what grows.
    with open(f"/proc/{server.pid}/smaps_rollup") as f:
        sys.stderr.write(f.read())
    maps = []
    cur = None
    with open(f"/proc/{server.pid}/smaps") as f:
        for line in f:
            if line[0] in "0123456789abcdef" and "-" in line.split()[0]:
                cur = line.strip()
            elif line.startswith("Rss:"):
                maps.append((int(line.split()[1]), cur))
    for kib, m in sorted(maps, reverse=True)[:12]:
        sys.stderr.write(f"{kib:>8} kB  {m}\n")
server.terminate()
server.wait()

def slope_mib_min(points):
    """Least-squares slope of (seconds, KiB) points, in MiB a minute."""
    n = len(points)
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    return sum((p[0] - mx) * (p[1] - my) for p in points) / sum((p[0] - mx) ** 2 for p in points) * 60 / 1024


warm = [s for s in samples if s[0] >= seconds / 5]
# A reload builds the next snapshot beside the one serving, so memory rises by a snapshot
# for a moment every reload and falls back when the old one is freed: samples that catch
# those peaks make the slope of every sample noisy (±4 MiB/min over 5 minutes). A leak
# raises the floor, so the pass is judged on the floor: the least memory in each reload
# period (at least 15 s), its slope after the warm-up.
window = max(RELOAD_S, 15.0)
floors = {}
for t, kib in warm:
    w = int(t // window)
    floors[w] = min(floors.get(w, (t, kib)), (t, kib), key=lambda p: p[1])
floor = sorted(floors.values())
slope_all = slope_mib_min(warm)
slope = slope_mib_min(floor)
latencies.sort()
total = sum(v for v in stats.values())
print(f"soak: {seconds} s, {clients} clients, {total} requests ({total / seconds:.0f}/s), reload every {RELOAD_S:.0f} s")
for (kind, status), count in sorted(stats.items()):
    print(f"  {kind:<13} {status}: {count}")
print(f"  latency p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms")
print(f"  RSS: start {samples[0][1] / 1024:.0f} MiB, after warm-up {warm[0][1] / 1024:.0f} MiB, end {samples[-1][1] / 1024:.0f} MiB, "
      f"max {max(s[1] for s in samples) / 1024:.0f} MiB")
print(f"  slope after warm-up: floor (least per {window:.0f} s) {slope:+.3f} MiB/min, every sample {slope_all:+.3f} MiB/min; "
      f"floor {floor[0][1] / 1024:.0f} → {floor[-1][1] / 1024:.0f} MiB")
ok = not bad and slope < 1.0
if bad:
    print(f"  {len(bad)} unexpected statuses, e.g. {bad[:3]}")
print("soak: PASS" if ok else "soak: FAIL")
sys.exit(0 if ok else 1)
