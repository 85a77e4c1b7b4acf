#!/usr/bin/env bash
# Throughput and latency of `zdz serve` beside pygeoapi, on loopback, in one run, on the
# same features: pygeoapi serves them from a GeoJSON file and from PostgreSQL/PostGIS
# (its OGC reference setup, under gunicorn with 2 workers for this 2-core machine).
#
#   bench/serve/run.sh [DURATION_S] [REPEATS]      (defaults: 5 s, 3 runs; medians reported)
#
# Needs: wrk, postgresql-15-postgis-3, gdal-bin (Debian), Python 3.12 (pyenv), and PyPI's
# pygeoapi, gunicorn, psycopg2-binary, sqlalchemy, geoalchemy2, pygeofilter, which it
# installs into a venv under the work folder. Before timing, it checks that every server
# returns the same feature ids for every request, and stops if not.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-5}"
repeats="${2:-3}"
work="${ZDZ_BENCH_DIR:-/tmp/zdz-bench-serve}"
mkdir -p "$work"
python312="${PYTHON312:-/root/.pyenv/versions/3.12.1/bin/python}"

for p in wrk postgresql-15-postgis-3 gdal-bin; do
  dpkg -s "$p" >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p"; }
done
if [ ! -x "$work/venv/bin/gunicorn" ]; then
  "$python312" -m venv "$work/venv"
  "$work/venv/bin/pip" install -q pygeoapi gunicorn psycopg2-binary sqlalchemy geoalchemy2 pygeofilter
fi

cargo build --release --locked -q
zdz=target/release/zdz
zport=18180; gport=18181; pgport=18182
pids=()
# shellcheck source=../../scripts/private-postgis.sh
. scripts/private-postgis.sh

wait_http() { for _ in $(seq 1 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1" >&2; exit 1; }

# zdz serving the demo.
"$zdz" serve data --addr "127.0.0.1:$zport" 2>"$work/zdz.log" & pids+=($!)
wait_http "http://127.0.0.1:$zport/healthz"

# The same features for pygeoapi: exported from zdz, as a file and as PostGIS tables.
for c in pipes clusters; do
  curl -sf "http://127.0.0.1:$zport/collections/$c/items?limit=10000" > "$work/$c.geojson"
done
start_postgis "$pgport" bench
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; stop_postgis' EXIT
for c in pipes clusters; do
  ogr2ogr -f PostgreSQL "$PG_CONN" "$work/$c.geojson" \
    -nln "$c" -lco GEOMETRY_NAME=geom -lco FID=gid -overwrite
done

cat > "$work/pygeoapi.yml" <<YAML
server:
  bind: {host: 127.0.0.1, port: $gport}
  url: http://127.0.0.1:$gport
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  language: en-US
  cors: false
  pretty_print: false
  limits: {default_items: 100, max_items: 10000}
  map: {url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png', attribution: OSM}
logging: {level: ERROR}
metadata:
  identification: {title: bench, description: bench, keywords: [bench], keywords_type: theme, terms_of_service: none, url: http://127.0.0.1}
  license: {name: none, url: http://127.0.0.1}
  provider: {name: bench, url: http://127.0.0.1}
  contact: {name: bench}
resources:
YAML
for c in pipes clusters; do
  id_field=$([ "$c" = pipes ] && echo pipe_id || echo cluster_id)
  cat >> "$work/pygeoapi.yml" <<YAML
  ${c}_file:
    type: collection
    title: $c from a GeoJSON file
    description: $c
    keywords: [$c]
    extents: {spatial: {bbox: [105, 28, 111, 32], crs: http://www.opengis.net/def/crs/OGC/1.3/CRS84}}
    providers:
      - {type: feature, name: GeoJSON, data: $work/$c.geojson, id_field: $id_field}
  ${c}_pg:
    type: collection
    title: $c from PostGIS
    description: $c
    keywords: [$c]
    extents: {spatial: {bbox: [105, 28, 111, 32], crs: http://www.opengis.net/def/crs/OGC/1.3/CRS84}}
    providers:
      - type: feature
        name: PostgreSQL
        data: {host: 127.0.0.1, port: $pgport, dbname: bench, user: postgres, search_path: [public]}
        id_field: $id_field
        table: $c
        geom_field: geom
YAML
done
export PYGEOAPI_CONFIG="$work/pygeoapi.yml" PYGEOAPI_OPENAPI="$work/pygeoapi-openapi.yml"
"$work/venv/bin/pygeoapi" openapi generate "$PYGEOAPI_CONFIG" --output-file "$PYGEOAPI_OPENAPI" >/dev/null 2>&1
"$work/venv/bin/gunicorn" -w 2 -b "127.0.0.1:$gport" --log-level error pygeoapi.flask_app:APP 2>"$work/pygeoapi.log" & pids+=($!)
wait_http "http://127.0.0.1:$gport/conformance?f=json"

bbox="106.65,29.50,106.80,29.62"
# name | zdz path | pygeoapi path (collection suffix _file or _pg appended below)
requests=(
  "items?limit=100|/collections/pipes/items?limit=100|/collections/pipes_@/items?limit=100&f=json"
  "items?bbox=…|/collections/pipes/items?limit=100&bbox=$bbox|/collections/pipes_@/items?limit=100&bbox=$bbox&f=json"
  "clusters due 2025|/api/clusters?deadline=2025|/collections/clusters_@/items?deadline=2025-12-31&limit=100&f=json"
)

ids() { "$work/venv/bin/python" -c 'import json,sys; d=json.load(sys.stdin); print(d.get("numberReturned", len(d["features"])), sorted(str(f["id"]) for f in d["features"]))'; }

# Servers page in different orders (PostGIS by id, the others in file order), so the check
# compares whole answers: the same query with every feature on one page.
echo "checking that every server gives the same answer ..."
for r in "${requests[@]}"; do
  IFS='|' read -r name zpath gpath <<<"$r"
  zpath="${zpath/limit=100/limit=10000}"; gpath="${gpath/limit=100/limit=10000}"
  z=$(curl -sf "http://127.0.0.1:$zport$zpath" | ids)
  for kind in file pg; do
    g=$(curl -sf "http://127.0.0.1:$gport${gpath/@/$kind}" | ids)
    if [ "$z" != "$g" ]; then
      echo "MISMATCH on '$name' (pygeoapi $kind):" >&2; echo " zdz:      ${z:0:300}" >&2; echo " pygeoapi: ${g:0:300}" >&2; exit 1
    fi
  done
  echo "  $name: same ${z%% *} features from zdz, pygeoapi+file, pygeoapi+PostGIS"
done

# One wrk run: requests/s, p50 ms, p99 ms.
measure() {
  wrk -t2 -c8 -d"${duration}s" --latency "$1" | "$work/venv/bin/python" -c '
import re, sys
t = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
def ms(p):
    v, unit = re.search(p + r"%\s+([\d.]+)(us|ms|s)\b", t).groups()
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
if bad: sys.exit("non-2xx responses: " + bad.group(1))
print(rps, ms("50"), ms("99"))'
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '\n| request | server | req/s | p50 ms | p99 ms | zdz ÷ this |\n|---|---|---|---|---|---|\n'
for r in "${requests[@]}"; do
  IFS='|' read -r name zpath gpath <<<"$r"
  declare -A rps=()
  for server in zdz pygeoapi+file pygeoapi+PostGIS; do
    case "$server" in
      zdz) url="http://127.0.0.1:$zport$zpath" ;;
      pygeoapi+file) url="http://127.0.0.1:$gport${gpath/@/file}" ;;
      *) url="http://127.0.0.1:$gport${gpath/@/pg}" ;;
    esac
    runs=$(for _ in $(seq 1 "$repeats"); do measure "$url"; done)
    q=$(echo "$runs" | awk '{print $1}' | median)
    p50=$(echo "$runs" | awk '{print $2}' | median)
    p99=$(echo "$runs" | awk '{print $3}' | median)
    rps[$server]=$q
    ratio=$(awk -v a="${rps[zdz]}" -v b="$q" 'BEGIN {printf "%.0f×", a / b}')
    printf '| %s | %s | %.0f | %.2f | %.2f | %s |\n' "$name" "$server" "$q" "$p50" "$p99" "$ratio"
  done
done
echo
echo "wrk -t2 -c8 -d${duration}s, median of $repeats runs; $(nproc) cores; demo workspace (1,459 pipes, 22 clusters)."
