#!/usr/bin/env bash
# zdz beside the tools a bureau would otherwise use, on the same workspace, same rules,
# same metric CRS: generate a workspace, run each, check that every peer's problems and
# cluster deadlines equal zdz's exactly (exit 1 if not), and print medians.
#
#   bench/run.sh SCALE [REPEATS]
#     SCALE: district (2 copies of the demo plan, 44 clusters, ~2,900 pipes),
#            province (70 copies: 1,540 clusters, ~102,000 pipes), or a number of copies.
#
# Peers (bench/peers/): GeoPandas/Shapely (PyPI, in a venv under the work folder).
# Compared: OUTFALL_UNMATCHED, OUTFALL_SEWAGE_DIRECT, STORM_CROSS_CONNECTION,
# ENTERPRISE_UNCOVERED and every cluster's deadline (issue 6's list of rules).
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-district}"
repeats="${2:-3}"
case "$scale" in
  district) copies=2 ;;
  province) copies=70 ;;
  *) copies="$scale" ;;
esac
work="${ZDZ_BENCH_DIR:-/tmp/zdz-bench}/$scale"
mkdir -p "$work"
venv="${ZDZ_BENCH_DIR:-/tmp/zdz-bench}/venv"
python="${PYTHON:-python3}"

dpkg -s gdal-bin >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gdal-bin; }
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import geopandas, scipy" 2>/dev/null; then
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q geopandas shapely pyogrio pyproj scipy
fi

cargo build --release --locked -q
zdz=target/release/zdz

echo "generating $copies copies of the demo plan ..." >&2
"$zdz" demo --out "$work/src" --scale "$copies" --force 2>/dev/null
ws="$work/workspace.gpkg"
rm -f "$ws"
# One canonical GeoPackage for everyone: the contract's field names, as a bureau's
# cleaned-up data would be.
add() { ogr2ogr -f GPKG "$ws" "$work/src/$1.geojson" -nln "$1" -nlt "${3:-PROMOTE_TO_MULTI}" -sql "$2" ${append:-}; append="-append"; }
append=""
add parks 'SELECT park_id, name, level, district FROM parks'
add clusters 'SELECT "组团编号" AS cluster_id, "园区编号" AS park_id, "组团名称" AS name, "示范" AS demo FROM clusters'
add enterprises 'SELECT "企业编号" AS enterprise_id, "企业名称" AS name, "纳管" AS connected, "废水量" AS wastewater_tpd FROM enterprises' GEOMETRY
add pipes 'SELECT pipe_id, kind, diameter_mm, defect_grade FROM pipes' LINESTRING
add outfalls 'SELECT outfall_id, name, kind, receiving_water, plant_id FROM outfalls' POINT
add plants 'SELECT "污水厂编号" AS plant_id, "名称" AS name, "设计规模" AS capacity_tpd, "实际处理量" AS inflow_tpd FROM plants' POINT
add rivers 'SELECT name, name_zh FROM rivers'

# One timed run: wall seconds and peak KiB from /usr/bin/time, stdout kept.
timed() { local out="$1"; shift; /usr/bin/time -f "%e %M" -o "$out.time" "$@" > "$out"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for r in $(seq 1 "$repeats"); do
  rm -rf "$work/zdz-out"
  timed "$work/zdz.$r.log" "$zdz" analyze "$ws" --out "$work/zdz-out" --no-maps
  cp "$work/zdz-out/summary.json" "$work/zdz.$r.summary.json"
  epsg=$("$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["working_crs"].split(":")[1])' "$work/zdz-out/summary.json")
  timed "$work/geopandas.$r.json" "$venv/bin/python" bench/peers/geopandas_peer.py "$ws" "$epsg"
done

# The answers must agree exactly.
"$venv/bin/python" - "$work" <<'PY'
import json, sys
work = sys.argv[1]
codes = {"OUTFALL_UNMATCHED", "OUTFALL_SEWAGE_DIRECT", "STORM_CROSS_CONNECTION", "ENTERPRISE_UNCOVERED"}
problems = json.load(open(f"{work}/zdz-out/problems.geojson"))["features"]
zdz_problems = sorted([p["properties"]["code"], p["properties"]["feature_id"]] for p in problems if p["properties"]["code"] in codes)
clusters = json.load(open(f"{work}/zdz-out/clusters.geojson"))["features"]
zdz_deadlines = {c["properties"]["cluster_id"]: c["properties"]["deadline"] for c in clusters}
peer = json.load(open(f"{work}/geopandas.1.json"))
bad = False
for name, a, b in [("problems", zdz_problems, peer["problems"]), ("deadlines", zdz_deadlines, peer["deadlines"])]:
    if a != b:
        bad = True
        if name == "problems":
            sa, sb = set(map(tuple, a)), set(map(tuple, b))
            print(f"MISMATCH {name}: only zdz {sorted(sa - sb)[:10]}, only geopandas {sorted(sb - sa)[:10]}", file=sys.stderr)
        else:
            diff = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
            print(f"MISMATCH {name}: {dict(list(diff.items())[:10])}", file=sys.stderr)
print(f"answers: {len(zdz_problems)} problems and {len(zdz_deadlines)} deadlines "
      + ("DIFFER" if bad else "identical in zdz and GeoPandas"))
sys.exit(1 if bad else 0)
PY

# The table.
"$venv/bin/python" - "$work" "$repeats" "$scale" <<'PY'
import json, statistics, sys
work, repeats, scale = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def run(tool, r):
    wall, kib = open(f"{work}/{tool}.{r}.{'log' if tool == 'zdz' else 'json'}.time").read().split()[-2:]
    if tool == "zdz":
        t = json.load(open(f"{work}/zdz.{r}.summary.json"))["timings_ms"]
        return t["load_ms"] / 1000, t["analyze_ms"] / 1000, float(wall), int(kib) / 1024
    p = json.load(open(f"{work}/{tool}.{r}.json"))
    return p["load_s"], p["analysis_s"], float(wall), int(kib) / 1024
rows = {tool: [run(tool, r) for r in range(1, repeats + 1)] for tool in ["zdz", "geopandas"]}
med = {tool: [statistics.median(x[i] for x in rs) for i in range(4)] for tool, rs in rows.items()}
s = json.load(open(f"{work}/zdz.1.summary.json"))
counts = {l["layer"]: l["features_used"] for l in s["layers"]}
print(f"\n{scale}: {counts.get('clusters')} clusters, {counts.get('pipes')} pipes, {counts.get('outfalls')} outfalls, {counts.get('enterprises')} enterprises; median of {repeats}")
print("| tool | load s | analysis s | total s (wall) | peak MiB | analysis ÷ zdz | total ÷ zdz |")
print("|---|---|---|---|---|---|---|")
z = med["zdz"]
for tool, m in med.items():
    print(f"| {tool} | {m[0]:.3f} | {m[1]:.3f} | {m[2]:.2f} | {m[3]:.0f} | {m[1] / max(z[1], 1e-6):.1f}× | {m[2] / z[2]:.1f}× |")
print("\nzdz's total includes writing every output file (GeoJSON, GeoPackage, project, workbook); the peer writes none.")
PY
