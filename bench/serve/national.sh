#!/usr/bin/env bash
# `zdz serve` at national scale: how soon it answers, how much memory it holds, what five
# reloads do to that memory, and the latency of a fixed mix of requests, against issue 32's
# targets (ready ≤ 12 s; resident ≤ 3 GiB once ready; a reload's peak ≤ resident + 3 GiB;
# resident after 5 reloads within 10 % of after the first; tiles p99 < 20 ms).
#
#   bench/serve/national.sh [COPIES] [DURATION_S]   (defaults: 1191 copies = the national
#                                                    workspace of bench/run.sh, 5 s a request)
#   RELOADS=n (default 5) reloads, each waited for.
#
# Needs wrk (Debian; installed when missing). The workspace is bench/run.sh's, made by
# bench/workspace.sh (reused when it is already there). Only 127.0.0.1 is used.
set -euo pipefail
cd "$(dirname "$0")/../.."
copies="${1:-1191}"
duration="${2:-5}"
reloads="${RELOADS:-5}"
work="${ZDZ_BENCH_DIR:-/tmp/zdz-bench}/serve-$copies"
mkdir -p "$work"
for p in wrk gdal-bin curl; do
  dpkg -s "$p" >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p"; }
done
cargo build --release --locked -q
zdz=target/release/zdz
# shellcheck source=../workspace.sh
. bench/workspace.sh
make_workspace "$copies" "$work"
ws="$work/workspace.gpkg"

port=18190
base="http://127.0.0.1:$port"
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$pid/status"; }
gib() { awk -v k="$1" 'BEGIN {printf "%.2f", k / 1048576}'; }
now_ms() { date +%s%3N; }

start=$(now_ms)
"$zdz" serve "$ws" --addr "127.0.0.1:$port" 2>"$work/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -sf -o /dev/null "$base/healthz"; do
  kill -0 $pid 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
ready_ms=$(( $(now_ms) - start ))
sleep 2
rss_ready=$(kib VmRSS)
peak_start=$(kib VmHWM)

# Five reloads, each waited for; the peak (VmHWM) and the resident memory after each.
version() { curl -sf "$base/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])'; }
reload_peaks=(); reload_rss=(); reload_s=()
for n in $(seq 1 "$reloads"); do
  before=$(version)
  # The peak of this reload alone: reset the high-water mark (Linux ≥ 4.0).
  echo 5 > "/proc/$pid/clear_refs"
  t0=$(now_ms)
  curl -sf -X POST -o /dev/null "$base/api/reload"
  until [ "$(version)" != "$before" ]; do sleep 0.2; done
  reload_s+=("$(awk -v ms=$(( $(now_ms) - t0 )) 'BEGIN {printf "%.1f", ms / 1000}')")
  sleep 3
  reload_peaks+=("$(kib VmHWM)")
  reload_rss+=("$(kib VmRSS)")
done

met() { if awk "BEGIN {exit !($1)}"; then echo "met"; else echo "NOT met"; fi; }
first_rss=${reload_rss[0]}; last_rss=${reload_rss[$((reloads - 1))]}
max_peak=0; for p in "${reload_peaks[@]}"; do [ "$p" -gt "$max_peak" ] && max_peak=$p; done
echo
echo "## zdz serve, $copies copies ($(du -h "$ws" | cut -f1) GeoPackage), $(date -u +%Y-%m-%d)"
echo
echo "| measure | value | target | |"
echo "|---|---|---|---|"
echo "| ready after start | $(awk -v ms="$ready_ms" 'BEGIN {printf "%.1f s", ms / 1000}') | ≤ 12 s | $(met "$ready_ms <= 12000") |"
echo "| resident once ready (VmRSS) | $(gib "$rss_ready") GiB | ≤ 3 GiB | $(met "$rss_ready <= 3 * 1048576") |"
echo "| peak while starting (VmHWM) | $(gib "$peak_start") GiB | | |"
echo "| highest reload peak (VmHWM) | $(gib "$max_peak") GiB | ≤ resident + 3 GiB = $(gib $((rss_ready + 3 * 1048576))) GiB | $(met "$max_peak <= $rss_ready + 3 * 1048576") |"
echo "| resident after reload 1 / $reloads | $(gib "$first_rss") / $(gib "$last_rss") GiB | within 10 % | $(met "$last_rss <= 1.1 * $first_rss") |"
echo "| reload times | ${reload_s[*]} s | | |"
echo
echo "Reload peaks (GiB): $(for p in "${reload_peaks[@]}"; do printf '%s ' "$(gib "$p")"; done)"
echo "Resident after each reload (GiB): $(for p in "${reload_rss[@]}"; do printf '%s ' "$(gib "$p")"; done)"

# A fixed mix of requests, each for $duration s with 4 connections: p50 and p99 (ms).
cluster=$(curl -sf "$base/collections/clusters/items?limit=1" | python3 -c 'import json,sys; f=json.load(sys.stdin)["features"][0]; print(f["id"])')
read -r lon lat < <(curl -sf "$base/collections/clusters/items/$cluster" | python3 -c '
import json,sys
g=json.load(sys.stdin)["geometry"]["coordinates"]
while isinstance(g[0], list): g=g[0]
print(g[0], g[1])')
tile() { python3 -c "
import math,sys
z,lon,lat=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3])
n=2**z; x=int((lon+180)/360*n); y=int((1-math.asinh(math.tan(math.radians(lat)))/math.pi)/2*n)
print(f'{z}/{x}/{y}')" "$1" "$lon" "$lat"; }
pipe=$(curl -sf "$base/collections/pipes/items?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["features"][0]["id"])')
bbox=$(python3 -c "print(f'{$lon-0.05},{$lat-0.05},{$lon+0.05},{$lat+0.05}')")
requests=(
  "pipes items?limit=100|/collections/pipes/items?limit=100"
  "pipes items?bbox=…|/collections/pipes/items?limit=100&bbox=$bbox"
  "a pipe by id|/collections/pipes/items/$pipe"
  "clusters due 2025 (a page)|/api/clusters?deadline=2025-12-31"
  "a cluster's readiness|/api/clusters/$cluster/readiness"
  "tile z10 pipes|/tiles/pipes/$(tile 10).mvt"
  "tile z12 pipes|/tiles/pipes/$(tile 12).mvt"
  "tile z14 pipes|/tiles/pipes/$(tile 14).mvt"
  "tile z10 outfalls|/tiles/outfalls/$(tile 10).mvt"
)
ms() { awk '{v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'; }
rows=()
tile_p99_max=0
for r in "${requests[@]}"; do
  IFS='|' read -r name path <<<"$r"
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base$path")
  [ "$code" = 200 ] || { echo "HTTP $code for $path (service alive: $(kill -0 $pid 2>/dev/null && echo yes || echo no))" >&2; exit 1; }
  out=$(wrk -t2 -c4 -d"${duration}s" --latency "$base$path")
  p50=$(grep -E '^ +50%' <<<"$out" | ms)
  p99=$(grep -E '^ +99%' <<<"$out" | ms)
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  rows+=("| $name | $rps | $p50 | $p99 |")
  case "$name" in tile*) tile_p99_max=$(awk -v a="$tile_p99_max" -v b="$p99" 'BEGIN {print (b > a) ? b : a}') ;; esac
done
rss_end=$(kib VmRSS)

echo
echo "| resident after the request mix | $(gib "$rss_end") GiB |"
echo "| slowest tile p99 | $tile_p99_max ms | < 20 ms | $(met "$tile_p99_max < 20") |"
echo
echo "| request (wrk -t2 -c4, ${duration} s) | req/s | p50 ms | p99 ms |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
