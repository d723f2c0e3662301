#!/usr/bin/env bash
# Rerunnable benchmark of `mujun evaluate` on synthetic Zhumadian data.
#
#   scripts/bench-evaluate.sh [ENTERPRISES] [RUNS]     (defaults: 1000000 rows, 3 runs)
#
# Builds the release binary, generates the input once (deterministic, seed 7) under
# target/bench/, then runs CSV in → CSV out RUNS times for each preset, printing wall time and
# peak memory (GNU time) and the command's own phase timings: 读取 = read+parse,
# 评价 = the engine alone on data in memory, 写出 = write.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
runs=${2:-3}
cargo build --release -q -p mujun
bin=target/release/mujun
dir=target/bench
mkdir -p "$dir"
input="$dir/enterprises-$n.csv"
if [ ! -f "$input" ]; then
  "$bin" demo-data --enterprises "$n" --seed 7 --year 2024 --out "$input"
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), input $(du -h "$input" | cut -f1)"
timer=()
if [ -x /usr/bin/time ]; then timer=(/usr/bin/time -f "  wall %e s, peak RSS %M KB"); fi
for method in henan-2019 zhejiang-quantile; do
  for i in $(seq "$runs"); do
    echo "$method run $i:"
    "${timer[@]}" "$bin" evaluate --method "$method" --year 2024 --input "$input" --output "$dir/result-$method.csv" 2>&1 \
      | grep -E "用时|wall"
  done
done
