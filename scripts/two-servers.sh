#!/usr/bin/env bash
# Scale-out check: two `mujun serve` processes on one PostgreSQL database.
#
#   scripts/two-servers.sh [ENTERPRISES] [SECONDS]      (defaults: 100000 20)
#
# Seeds a fresh PostgreSQL database through server A (`serve --demo`), starts server B on the
# same database (same audit key: one audit chain), then checks what must hold across servers:
#   1. a session signed in on A is accepted by B, and ended on A is refused by B at once;
#   2. a run started on B (a background job) is computed and seen as a draft from A;
#   3. a change on A (an enterprise renamed) is listed by B within the cache's stated 30 s;
# and finally loads both at once with wrk (Debian package `wrk`): 16 connections on each, 32
# in all (round-robin by construction), on the enterprise list, a deep page and a name search,
# printing each server's latency distribution and any non-2xx answer or socket error.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
secs=${2:-20}
pa=18301
pb=18302
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
[ -n "${MUJUN_BENCH_NO_BUILD:-}" ] || cargo build --release -q -p mujun
dir=target/two-servers
rm -rf "$dir" && mkdir -p "$dir"
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS mujun_two WITH (FORCE)"
psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE mujun_two"
db="postgres://postgres@127.0.0.1:5432/mujun_two"
# One configuration for both: one audit key (one chain), and the demo's accounts have no second
# factor (a plain `serve` would require one of the city administrator).
export MUJUN_AUDIT_KEY_FILE="$dir/audit.key"
export MUJUN_REQUIRE_TOTP=false
serve() { # name port [--demo …]
  local name=$1 port=$2
  shift 2
  MUJUN_AUDIT_ANCHOR_FILE="$dir/anchors-$name.log" target/release/mujun serve "$@" --database "$db" \
    --bind "127.0.0.1:$port" >"$dir/serve-$name.log" 2>&1 &
  echo $!
}
wait_ready() { # name pid
  until grep -q "服务已启动" "$dir/serve-$1.log"; do
    sleep 1
    kill -0 "$2" 2>/dev/null || { cat "$dir/serve-$1.log"; exit 1; }
  done
}
start=$(date +%s)
a=$(serve a $pa --demo --demo-enterprises "$n")
trap 'kill $a ${b:-} 2>/dev/null || true' EXIT
wait_ready a "$a"
echo "A seeded $n enterprises and serves after $(( $(date +%s) - start )) s"
b=$(serve b $pb)
wait_ready b "$b"
echo "B serves on the same database"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

fail=0
check() { # description condition-result
  if [ "$2" = ok ]; then echo "  ✓ $1"; else echo "  ✗ $1 ($2)"; fail=1; fi
}
csrf_of() { sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1; }
login() { # port jar
  local csrf
  csrf=$(curl -s -c "$2" "http://127.0.0.1:$1/login" | csrf_of)
  curl -s -b "$2" -c "$2" -o /dev/null -H "Origin: http://127.0.0.1:$1" --data-urlencode "username=city" \
    --data-urlencode "password=Mujun@2024demo" --data-urlencode "_csrf=$csrf" --data-urlencode "next=/" \
    "http://127.0.0.1:$1/login"
}
status() { curl -s -o /dev/null -w '%{http_code}' -b "$1" "$2"; }
# poll SECONDS URL TEXT: until the page holds TEXT; sets r (ok or why not) and waited (seconds).
poll() {
  local t0
  t0=$(date +%s.%N)
  r="not seen after $1 s"
  for _ in $(seq $(($1 * 10))); do
    if curl -s -b "$jar" "$2" | grep -q "$3"; then
      r=ok
      break
    fi
    sleep 0.1
  done
  waited=$(echo "$(date +%s.%N) - $t0" | bc | cut -c1-5)
}

echo
echo "== sessions"
jar="$dir/jar"
login $pa "$jar"
[ "$(status "$jar" "http://127.0.0.1:$pb/enterprises")" = 200 ] && r=ok || r="B answered $(status "$jar" "http://127.0.0.1:$pb/enterprises")"
check "a session signed in on A is accepted by B" "$r"
csrf=$(curl -s -b "$jar" "http://127.0.0.1:$pa/enterprises" | csrf_of)
curl -s -o /dev/null -b "$jar" -H "Origin: http://127.0.0.1:$pa" --data-urlencode "_csrf=$csrf" "http://127.0.0.1:$pa/logout"
[ "$(status "$jar" "http://127.0.0.1:$pb/enterprises")" = 303 ] && r=ok || r="B answered $(status "$jar" "http://127.0.0.1:$pb/enterprises")"
check "the session ended on A is refused by B at once (303 to the login page)" "$r"

echo
echo "== jobs"
login $pb "$jar"
# The demo's draft run #1 of the latest year, re-run: the new run is #2.
run_page=$(curl -s -b "$jar" "http://127.0.0.1:$pb/runs/1")
hidden() { echo "$run_page" | sed -n "s/.*name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" | head -1; }
curl -s -o /dev/null -b "$jar" -H "Origin: http://127.0.0.1:$pb" --data-urlencode "_csrf=$(hidden _csrf)" \
  --data-urlencode "year=$(hidden year)" --data-urlencode "method=$(hidden method)" --data-urlencode "title=两服务器检查" \
  "http://127.0.0.1:$pb/runs/1/rerun"
poll 60 "http://127.0.0.1:$pa/runs/2" "草稿"
check "a re-run started on B is computed and seen as a draft from A ($waited s)" "$r"

echo
echo "== changes and caches"
id=$(psql -h 127.0.0.1 -U postgres -d mujun_two -tAc "SELECT id FROM enterprises WHERE status <> 'closed' ORDER BY id LIMIT 1")
edit=$(curl -s -b "$jar" "http://127.0.0.1:$pa/enterprises/$id/edit")
new_name="两服务器检查有限公司$(date +%s)"
# Every field of the form as it stands (inputs' values, selects' chosen options), the name changed.
form=$(echo "$edit" | NEW_NAME="$new_name" python3 -c '
import html.parser, os, sys, urllib.parse
class Form(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.fields = {}; self.select = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") != "checkbox":
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value") or ""
    def handle_endtag(self, tag):
        if tag == "select": self.select = None
f = Form(); f.feed(sys.stdin.read())
f.fields["name"] = os.environ["NEW_NAME"]
print(urllib.parse.urlencode(f.fields))')
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -H "Origin: http://127.0.0.1:$pa" --data "$form" \
  "http://127.0.0.1:$pa/enterprises/$id/edit")
# 35 s: the cache's 30 s and a margin.
poll 35 "http://127.0.0.1:$pb/enterprises?q=%E4%B8%A4%E6%9C%8D%E5%8A%A1%E5%99%A8" "$new_name"
[ "$code" = 303 ] || r="A answered $code; $r"
check "an enterprise renamed on A is found by B's name search ($waited s)" "$r"

echo
session=$(awk '$6 == "mujun_session" {print $7}' "$jar")
for path in "/enterprises" "/enterprises?sort=name&page=1000" "/enterprises?q=%E6%9C%BA%E6%A2%B0"; do
  echo "== GET $path on A and B at once (postgres, $n enterprises, 16 + 16 connections, ${secs}s)"
  pids=()
  for port in $pa $pb; do
    wrk -t1 -c16 -d"${secs}s" --latency -H "Cookie: mujun_session=$session" "http://127.0.0.1:$port$path" \
      >"$dir/wrk-$port.txt" &
    pids+=($!)
  done
  wait "${pids[@]}"
  for port in $pa $pb; do
    server=$([ $port = $pa ] && echo A || echo B)
    echo "  server $server: $(grep -E 'Requests/sec' "$dir/wrk-$port.txt" | xargs)"
    grep -E "50%|90%|99%|Non-2xx|Socket errors" "$dir/wrk-$port.txt" | sed 's/^/    /'
  done
done
exit $fail
