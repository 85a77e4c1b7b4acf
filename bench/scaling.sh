#!/usr/bin/env bash
# How zdz's time grows with the workspace: `zdz analyze --no-maps` on generated workspaces
# of increasing size (copies of the demo plan), median of REPEATS runs each, written to
# bench/scaling.csv and drawn log-log in bench/scaling.png.
#
#   bench/scaling.sh [REPEATS] [COPIES ...]      (defaults: 3; 3 10 60 250 1191)
# 1191 copies is national scale: about 2,000,000 pipes.
set -euo pipefail
cd "$(dirname "$0")/.."
repeats="${1:-3}"; shift || true
if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(3 10 60 250 1191); fi
base="${ZDZ_BENCH_DIR:-/tmp/zdz-bench}"
venv="$base/venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import matplotlib" 2>/dev/null || "$venv/bin/pip" install -q matplotlib
cargo build --release --locked -q
zdz=target/release/zdz
# shellcheck source=workspace.sh
. bench/workspace.sh

echo "copies,pipes,outfalls,enterprises,clusters,load_s,analysis_s,write_s,wall_s,peak_mib" > bench/scaling.csv
for copies in "${sizes[@]}"; do
  dir="$base/scale-$copies"
  make_workspace "$copies" "$dir"
  for r in $(seq 1 "$repeats"); do
    rm -rf "$dir/out"
    /usr/bin/time -f "%e %M" -o "$dir/time.$r" "$zdz" analyze "$dir/workspace.gpkg" --out "$dir/out" --no-maps >/dev/null 2>&1
    cp "$dir/out/summary.json" "$dir/summary.$r.json"
  done
  "$venv/bin/python" - "$dir" "$repeats" "$copies" >> bench/scaling.csv <<'PY'
import json, statistics, sys
d, n, copies = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = []
for r in range(1, n + 1):
    s = json.load(open(f"{d}/summary.{r}.json"))
    wall, kib = open(f"{d}/time.{r}").read().split()[-2:]
    t = s["timings_ms"]
    runs.append((t["load_ms"] / 1e3, t["analyze_ms"] / 1e3, t["write_ms"] / 1e3, float(wall), int(kib) / 1024))
c = {l["layer"]: l["features_used"] for l in s["layers"]}
med = [statistics.median(x[i] for x in runs) for i in range(5)]
print(",".join([copies, str(c["pipes"]), str(c["outfalls"]), str(c["enterprises"]), str(c["clusters"])] + [f"{v:.3f}" for v in med]))
PY
  tail -1 bench/scaling.csv
done

"$venv/bin/python" - <<'PY'
import csv
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows = list(csv.DictReader(open("bench/scaling.csv")))
pipes = [int(r["pipes"]) for r in rows]
fig, ax = plt.subplots(figsize=(7, 5))
for key, label in [("wall_s", "end to end (wall)"), ("load_s", "load"), ("analysis_s", "analysis"), ("write_s", "write outputs")]:
    ax.loglog(pipes, [float(r[key]) for r in rows], marker="o", label=label)
# A line of slope 1 through the largest run's end-to-end time: linear growth. (Small runs
# sit above it: their time is mostly fixed start-up cost.)
w0, p0 = float(rows[-1]["wall_s"]), pipes[-1]
ax.loglog(pipes, [w0 * p / p0 for p in pipes], "k--", linewidth=0.8, label="linear (slope 1)")
ax.axhline(20, color="grey", linestyle=":", linewidth=0.8, label="issue 6 target at 2M pipes: 20 s")
ax.set_xlabel("pipes in the workspace")
ax.set_ylabel("seconds (median)")
ax.set_title("zdz analyze --no-maps, 2 cores")
ax.grid(True, which="both", alpha=0.3)
ax.legend()
fig.tight_layout()
fig.savefig("bench/scaling.png", dpi=110)
PY
echo "bench/scaling.csv and bench/scaling.png written"
