#!/usr/bin/env bash
# Rerunnable benchmark of a "what-if" simulation (issue 15) on synthetic enterprises in memory.
#
#   scripts/bench-simulate.sh [ENTERPRISES] [RUNS]     (defaults: 100000 rows, 5 runs)
#
# Evaluates the same deterministic input (seed 15) under henan-2019 and under a draft with
# 10 points moved from 亩均利润 to 亩均税收 in the 规上 group, and compares the classes; prints
# median / min / max of RUNS such comparisons, one evaluation alone for reference, and one
# sensitivity sweep (every weight, quota share or cut moved by 5). First the engine alone on
# data in memory, then the server's use case on a stored run (below).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
cargo run --release -q -p mujun-engine --example simulate_bench -- "${1:-100000}" "${2:-5}"

# The same question as the server answers it: a stored run of N enterprises on SQLite and on
# PostgreSQL (when reachable, as in the tests), `App::simulate_run` from the request to the
# answer — the first simulation of a run reads its snapshot, later ones use the kept copy.
cargo run --release -q -p mujun-app --example simulate_server_bench -- "${1:-100000}" "${2:-5}"
