#!/usr/bin/env bash
# `zdz report` timings (issue 14): every report of the demo workspace (22 clusters: 20
# cluster reports in PDF and HTML, the overview, 1 signboard per outfall), and the city's
# overview at a scale (one cluster's report with it), with wall time and peak memory from
# GNU time. Medians of RUNS runs.
#   bench/report/run.sh [SCALE] [RUNS]      SCALE: district, province, national (default)
# Targets: the demo's reports ≤ 10 s; the national overview ≤ 60 s and ≤ 4 GiB.
set -euo pipefail
cd "$(dirname "$0")/../.."
scale="${1:-national}"
runs="${2:-3}"
case "$scale" in
  district) copies=3 ;;
  province) copies=60 ;;
  national) copies=1191 ;;
  *) copies="$scale" ;;
esac
dpkg -s time >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time; }
cargo build --release --locked -q
zdz="$PWD/target/release/zdz"
work="${ZDZ_BENCH_DIR:-/tmp/zdz-bench}/$scale"
# shellcheck source=../workspace.sh
. bench/workspace.sh
make_workspace "$copies" "$work"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# One timed run: prints "seconds peak_kib".
timed() {
  /usr/bin/time -f "%e %M" -o "$out/time" "$@" >/dev/null 2>&1
  cat "$out/time"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

run_case() {
  local label="$1"; shift
  : > "$out/s"; : > "$out/m"
  for _ in $(seq "$runs"); do
    rm -rf "$out/r"
    read -r s m < <(timed "$@" --out "$out/r")
    echo "$s" >> "$out/s"; echo "$m" >> "$out/m"
  done
  printf '%-44s median %6.2f s   peak %6.0f MiB   (%s runs)\n' "$label" \
    "$(median < "$out/s")" "$(( $(median < "$out/m" | cut -d. -f1) / 1024 ))" "$runs"
}

run_case "demo: every report (pdf, html)" "$zdz" report data
first=$(ogrinfo -q -sql "SELECT cluster_id FROM clusters LIMIT 1" "$work/workspace.gpkg" | sed -n 's/.*cluster_id (String) = //p')
run_case "$scale: overview + cluster $first (pdf, html)" "$zdz" report "$work/workspace.gpkg" --cluster "$first"
