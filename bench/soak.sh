#!/usr/bin/env bash
# The soak of issue 15 (not a test): `zdz serve` (release) under mixed traffic on
# loopback for SECONDS (default 600) with CLIENTS (default 8), a reload every 15 s, memory
# sampled every second; see bench/soak.py for what passes.
#   bench/soak.sh [SECONDS] [CLIENTS] [WORKSPACE]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q
exec python3 bench/soak.py "$PWD/target/release/zdz" "${3:-$PWD/data}" "${1:-600}" "${2:-8}"
