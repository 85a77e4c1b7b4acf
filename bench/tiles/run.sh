#!/usr/bin/env bash
# zdz's vector tiles beside martin (the Rust tile server, from crates.io, on the same
# PostGIS the other benchmarks use), side by side in one run (issue 13):
#   1. a fixed list of tile addresses at z10, z12 and z14 (those holding the workspace's
#      outfalls, a deterministic sample), for the pipes, outfalls and clusters layers;
#   2. both servers must return the same features per tile (by stable id) before any
#      timing is reported (compare.py; zdz's low-zoom thinning is reported, not hidden);
#   3. cold tiles (martin's cache off; zdz has none) under wrk, 2 threads, 8 connections,
#      SECONDS each, cycling through the list: requests/s, p50 and p99;
#   4. the largest tile zdz served per zoom.
#   bench/tiles/run.sh SCALE [SECONDS] [TILES_PER_ZOOM]
# Needs martin on PATH or in $MARTIN (cargo install martin --version 1.14.0 --locked --no-default-features --features postgres).
# Targets: zdz ≥ 3× martin's throughput on cold tiles, p99 < 20 ms at national scale,
# every tile ≤ 500 KB. Everything on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."
scale="${1:-province}"
seconds="${2:-10}"
per_zoom="${3:-200}"
case "$scale" in
  district) copies=3 ;;
  province) copies=60 ;;
  national) copies=1191 ;;
  *) copies="$scale" ;;
esac
martin="${MARTIN:-$(command -v martin || true)}"
[ -x "$martin" ] || { echo "martin not found: cargo install martin --version 1.14.0 --locked --no-default-features --features postgres" >&2; exit 1; }
work="${ZDZ_BENCH_DIR:-/tmp/zdz-bench}/$scale"
venv="${ZDZ_BENCH_DIR:-/tmp/zdz-bench}/venv"
mkdir -p "$work"
for p in gdal-bin postgresql-15-postgis-3 wrk; do
  dpkg -s "$p" >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p"; }
done
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import mapbox_vector_tile" 2>/dev/null || "$venv/bin/pip" install -q mapbox-vector-tile==2.2.0
# shellcheck source=../../scripts/private-postgis.sh
. scripts/private-postgis.sh
pgport=$((20000 + RANDOM % 20000))
start_postgis "$pgport" tiles
cargo build --release --locked -q
zdz=target/release/zdz
# shellcheck source=../workspace.sh
. bench/workspace.sh
make_workspace "$copies" "$work"
ws="$work/workspace.gpkg"

# The same layers in PostGIS, as a bureau would load them (WGS84, GiST indexes).
for layer in pipes outfalls clusters; do
  ogr2ogr -f PostgreSQL "$PG_CONN" "$ws" "$layer" -nln "$layer" -t_srs EPSG:4326 -lco GEOMETRY_NAME=geom -lco FID=fid -overwrite
done
psql "${PG_PSQL[@]}" -c "ANALYZE" >/dev/null

zport=$((40000 + RANDOM % 10000)); mport=$((zport + 1))
"$zdz" serve "$ws" --addr "127.0.0.1:$zport" 2>"$work/tiles-zdz.log" &
zpid=$!
pgurl="postgres://postgres@127.0.0.1:$pgport/tiles"
"$martin" --listen-addresses "127.0.0.1:$mport" --cache-size 0 --workers 2 "$pgurl" >"$work/tiles-martin.log" 2>&1 &
mpid=$!
trap 'kill $zpid $mpid 2>/dev/null || true; stop_postgis' EXIT
until grep -q "serving" "$work/tiles-zdz.log"; do sleep 1; kill -0 "$zpid"; done
until curl -sf "http://127.0.0.1:$mport/catalog" >/dev/null; do sleep 1; kill -0 "$mpid"; done

"$venv/bin/python" bench/tiles/compare.py "http://127.0.0.1:$zport" "http://127.0.0.1:$mport" "$ws" "$per_zoom" "$work/tiles"

echo
echo "| layer | zoom | server | req/s | p50 ms | p99 ms | zdz ÷ martin |"
echo "|---|---|---|---|---|---|---|"
for layer in pipes outfalls clusters; do
  for z in 10 12 14; do
    list="$work/tiles/$layer-$z.txt"
    declare -A rps=()
    for server in zdz martin; do
      if [ "$server" = zdz ]; then base="http://127.0.0.1:$zport/tiles/$layer"; suffix=".mvt"; else base="http://127.0.0.1:$mport/$layer"; suffix=""; fi
      out=$(PATHS="$list" SUFFIX="$suffix" wrk -t2 -c8 -d"${seconds}s" --latency -s bench/tiles/paths.lua "$base" 2>&1)
      r=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
      p50=$(awk '$1=="50%" {print $2}' <<<"$out")
      p99=$(awk '$1=="99%" {print $2}' <<<"$out")
      rps[$server]=$r
      ratio=""
      [ "$server" = martin ] && ratio=$(awk -v a="${rps[zdz]}" -v b="$r" 'BEGIN {printf "%.1f×", a / b}')
      echo "| $layer | $z | $server | $r | $p50 | $p99 | $ratio |"
    done
  done
done
echo
echo "largest zdz tile per zoom (bytes): $(cat "$work/tiles/largest.txt")"
