#!/usr/bin/env bash
# Rerunnable comparison of `mujun evaluate` with a peer implementation of henan-2019 in Python
# with polars (scripts/evaluate_polars.py) on the same synthetic Zhumadian data.
#
#   scripts/bench-evaluate-polars.sh [ENTERPRISES] [RUNS]     (defaults: 1000000 rows, 3 runs)
#
# Creates a venv with polars from PyPI under target/bench/polars-venv (once), builds the release
# binary, generates the input once (deterministic, seed 7, the same file as
# scripts/bench-evaluate.sh), then runs CSV in → CSV out RUNS times for each, alternately,
# printing wall time and peak memory (GNU time) and each program's own phase timings
# (read, evaluate, write), the medians and the ratio polars / mujun; finally checks that both
# give every enterprise the same class, rank and total (within 1e-6).
# MUJUN_BENCH_NO_BUILD=1 skips the cargo build (use the binary as it is).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
runs=${2:-3}
dir=target/bench
mkdir -p "$dir"

venv=$dir/polars-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import polars" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q polars
fi
py=$venv/bin/python

if [ -z "${MUJUN_BENCH_NO_BUILD:-}" ]; then
  cargo build --release -q -p mujun
fi
bin=target/release/mujun
input="$dir/enterprises-$n.csv"
if [ ! -f "$input" ]; then
  "$bin" demo-data --enterprises "$n" --seed 7 --year 2024 --out "$input"
fi
mujun_out="$dir/result-henan-2019.csv"
polars_out="$dir/result-polars-henan-2019.csv"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), input $(du -h "$input" | cut -f1) ($n enterprises)"
echo "polars $("$py" -c 'import polars; print(polars.__version__)'), $("$py" --version)"

have_time=
if [ -x /usr/bin/time ]; then have_time=1; else echo "(/usr/bin/time absent: wall time from bash, peak memory unavailable)"; fi
log=$(mktemp)
measure=$(mktemp)
trap 'rm -f "$log" "$measure"' EXIT

# Runs a command; prints "  wall W s, peak RSS M KB" and the phase line its stderr matches;
# appends W to the named array.
run() {
  local pattern=$1 var=$2
  shift 2
  local wall rss=unavailable
  if [ -n "$have_time" ]; then
    /usr/bin/time -f "%e %M" -o "$measure" "$@" >"$log" 2>&1 || { cat "$log"; exit 1; }
    read -r wall rss <"$measure"
    rss="$rss KB"
  else
    local t0 t1
    t0=$(date +%s%N)
    "$@" >"$log" 2>&1 || { cat "$log"; exit 1; }
    t1=$(date +%s%N)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
  fi
  echo "  wall $wall s, peak RSS $rss; $(grep -E "$pattern" "$log" | xargs)"
  eval "$var+=(\"$wall\")"
}

median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

mujun_walls=()
polars_walls=()
for i in $(seq "$runs"); do
  echo "run $i: mujun evaluate"
  run "用时" mujun_walls "$bin" evaluate --method henan-2019 --year 2024 --input "$input" --output "$mujun_out"
  echo "run $i: polars"
  run "time:" polars_walls "$py" scripts/evaluate_polars.py "$input" "$polars_out"
done
m=$(median "${mujun_walls[@]}")
p=$(median "${polars_walls[@]}")
echo "median wall: mujun $m s, polars $p s, polars / mujun = $(awk -v p="$p" -v m="$m" 'BEGIN { printf "%.2f", p / m }')"

status=0
"$py" scripts/evaluate_polars.py "$input" "$polars_out" --check "$mujun_out" >"$log" 2>&1 || status=$?
grep -vE "^polars |^  time:" "$log"
exit "$status"
