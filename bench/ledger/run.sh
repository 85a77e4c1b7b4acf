#!/usr/bin/env bash
# The ledger under load (issue 12), on SQLite and on PostgreSQL, side by side in one run:
#   1. reconciling a workspace's problems into an empty ledger (its first run) and into a
#      populated one (its second run, every problem already an entry), timed by the
#      ledger step zdz reports (`phases_ms`: "ledger: record and reconcile"), median of
#      REPEATS;
#   2. POST status transitions under 8 concurrent clients against `zdz serve --ledger`
#      (each client owns its own entries and follows their versions), p50 and p99.
#
#   bench/ledger/run.sh SCALE [REPEATS] [SECONDS]
#     SCALE as for bench/run.sh (district, province, national or a number of copies).
# Targets: reconcile ≤ 3 s on SQLite and ≤ 6 s on PostgreSQL at national scale;
# transitions p99 < 20 ms. Everything on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."
scale="${1:-province}"
repeats="${2:-3}"
seconds="${3:-10}"
case "$scale" in
  district) copies=3 ;;
  province) copies=60 ;;
  national) copies=1191 ;;
  *) copies="$scale" ;;
esac
work="${ZDZ_BENCH_DIR:-/tmp/zdz-bench}/$scale"
mkdir -p "$work"
for p in gdal-bin postgresql-15-postgis-3; do
  dpkg -s "$p" >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p"; }
done
# shellcheck source=../../scripts/private-postgis.sh
. scripts/private-postgis.sh
port=$((20000 + RANDOM % 20000))
start_postgis "$port" ledgerbench
cargo build --release --locked -q
zdz=target/release/zdz
# shellcheck source=../workspace.sh
. bench/workspace.sh
make_workspace "$copies" "$work"
ws="$work/workspace.gpkg"

reconcile_ms() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["phases_ms"]["ledger: record and reconcile"])' "$1"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "| engine | problems | reconcile into an empty ledger ms | into a populated ledger ms |"
echo "|---|---|---|---|"
for engine in sqlite postgresql; do
  empty=(); populated=()
  for r in $(seq 1 "$repeats"); do
    if [ "$engine" = sqlite ]; then
      ledger="$work/ledger-bench.db"; rm -f "$ledger" "$ledger-wal" "$ledger-shm"
    else
      db="ledger_$r"
      psql "${PG_PSQL[@]}" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
      ledger="postgres://postgres@127.0.0.1:$port/$db"
    fi
    rm -rf "$work/ledger-out"
    "$zdz" analyze "$ws" --out "$work/ledger-out" --no-maps --ledger "$ledger" 2>/dev/null
    empty+=("$(reconcile_ms "$work/ledger-out/summary.json")")
    "$zdz" analyze "$ws" --out "$work/ledger-out" --no-maps --force --ledger "$ledger" 2>/dev/null
    populated+=("$(reconcile_ms "$work/ledger-out/summary.json")")
  done
  problems=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"]["problems"])' "$work/ledger-out/summary.json")
  echo "| $engine | $problems | $(printf '%s\n' "${empty[@]}" | median) | $(printf '%s\n' "${populated[@]}" | median) |"
done

echo
echo "| engine | clients | seconds | transitions | p50 ms | p99 ms | conflicts | errors |"
echo "|---|---|---|---|---|---|---|---|"
for engine in sqlite postgresql; do
  if [ "$engine" = sqlite ]; then ledger="$work/ledger-bench.db"; else ledger="postgres://postgres@127.0.0.1:$port/ledger_1"; fi
  token=$("$zdz" ledger user add --ledger "$ledger" "bench-$RANDOM" --role city 2>/dev/null | tail -1)
  log="$work/serve-ledger.log"
  "$zdz" serve "$ws" --addr 127.0.0.1:0 --ledger "$ledger" 2>"$log" &
  pid=$!
  until grep -q "serving" "$log"; do sleep 0.5; kill -0 "$pid"; done
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1)
  python3 bench/ledger/transitions.py "$url" "$token" 8 "$seconds" "$engine"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
