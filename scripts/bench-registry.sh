#!/usr/bin/env bash
# Rerunnable benchmark of the registry import (issue 11: 100,000 enterprises in ≤ 5 s).
#
#   scripts/bench-registry.sh [ENTERPRISES] [BACKENDS]   (defaults: 100000, "sqlite postgres";
#                                                          PostgreSQL from MUJUN_TEST_POSTGRES_URL)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
for backend in ${2:-sqlite postgres}; do
  cargo run --release -q -p mujun-app --example bench_registry -- "$backend" "$n" || echo "($backend failed)"
done
