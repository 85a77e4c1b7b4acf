"""POST status transitions against `zdz serve --ledger` from N concurrent clients for a
few seconds, each client owning its own entries and following their versions; prints one
Markdown row: transitions, p50 and p99 latency, conflicts and errors. Standard library
only (http.client keeps one connection per client)."""
import http.client, json, sys, threading, time, urllib.parse

url, token, clients, seconds, engine = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
u = urllib.parse.urlparse(url)
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

def conn():
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30)

c = conn()
c.request("GET", "/api/ledger/problems", headers=headers)
entries = json.loads(c.getresponse().read())
entries = [e for e in entries if e["status"] in ("open", "in_progress", "awaiting_review")]
if len(entries) < clients:
    sys.exit(f"only {len(entries)} entries to change")
owned = [entries[i::clients] for i in range(clients)]
latencies, conflicts, errors = [], [0], [0]
lock = threading.Lock()
stop = time.time() + seconds
cycle = {"open": "in_progress", "in_progress": "awaiting_review", "awaiting_review": "in_progress"}

def client(mine):
    c = conn()
    k = 0
    while time.time() < stop:
        e = mine[k % len(mine)]
        k += 1
        to = cycle[e["status"]]
        body = json.dumps({"version": e["version"], "status": to})
        t0 = time.perf_counter()
        c.request("POST", f"/api/ledger/problems/{e['problem_id']}", body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        dt = (time.perf_counter() - t0) * 1000
        with lock:
            if r.status == 200:
                latencies.append(dt)
                new = json.loads(data)
                e["version"], e["status"] = new["version"], new["status"]
            elif r.status == 409:
                conflicts[0] += 1
                e.update(json.loads(data)["current"])
            else:
                errors[0] += 1

threads = [threading.Thread(target=client, args=(m,)) for m in owned]
for t in threads: t.start()
for t in threads: t.join()
latencies.sort()
pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")
print(f"| {engine} | {clients} | {seconds:g} | {len(latencies)} | {pct(0.5):.2f} | {pct(0.99):.2f} | {conflicts[0]} | {errors[0]} |")
