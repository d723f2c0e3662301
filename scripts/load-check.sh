#!/usr/bin/env bash
# Rerunnable load check of the enterprise list with 100,000 enterprises.
#
#   scripts/load-check.sh [sqlite|postgres] [ENTERPRISES] [SECONDS]   (defaults: sqlite 100000 20)
#
# Builds the release binary, seeds a fresh database with the demo generator (N enterprises,
# three years of figures), starts `mujun serve`, signs in as the city administrator, and runs
# wrk (Debian package `wrk`) with 32 connections on 127.0.0.1 against three list pages:
# the first page, a deep page sorted by name, and a name search. Prints requests/s and the
# latency distribution (p50 … p99). wrk and the server share the machine's cores.
# MUJUN_BENCH_NO_BUILD=1 uses the release binary as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
n=${2:-100000}
secs=${3:-20}
port=18181
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
[ -n "${MUJUN_BENCH_NO_BUILD:-}" ] || cargo build --release -q -p mujun
dir=target/loadcheck
rm -rf "$dir" && mkdir -p "$dir"
case "$backend" in
  sqlite) db="sqlite://$dir/mujun.db" ;;
  postgres)
    psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS mujun_load WITH (FORCE)"
    psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE mujun_load"
    db="postgres://postgres@127.0.0.1:5432/mujun_load" ;;
  *) echo "backend: sqlite or postgres"; exit 2 ;;
esac
echo "seeding $n enterprises into $backend (one-off, takes a while) …"
start=$(date +%s)
target/release/mujun serve --demo --demo-enterprises "$n" --database "$db" --bind "127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until grep -q "服务已启动" "$dir/serve.log"; do
  sleep 1
  kill -0 $server 2>/dev/null || { cat "$dir/serve.log"; exit 1; }
done
echo "seeded and serving after $(( $(date +%s) - start )) s"
jar="$dir/cookies"
csrf=$(curl -s -c "$jar" "http://127.0.0.1:$port/login" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=city" --data-urlencode "password=Mujun@2024demo" \
  --data-urlencode "_csrf=$csrf" --data-urlencode "next=/" "http://127.0.0.1:$port/login"
session=$(awk '$6 == "mujun_session" {print $7}' "$jar")
[ -n "$session" ] || { echo "login failed"; exit 1; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for path in "/enterprises" "/enterprises?sort=name&page=1000" "/enterprises?q=%E6%9C%BA%E6%A2%B0"; do
  echo
  echo "== GET $path ($backend, $n enterprises, 32 connections, ${secs}s)"
  wrk -t2 -c32 -d"${secs}s" --latency -H "Cookie: mujun_session=$session" "http://127.0.0.1:$port$path" |
    grep -E "Requests/sec|50%|75%|90%|99%|Non-2xx|Socket errors"
done
