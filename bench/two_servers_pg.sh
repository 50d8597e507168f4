#!/usr/bin/env bash
# Two `hoshi serve` on one PostgreSQL against one (issue 12 part 2): a
# throwaway PostgreSQL (tests/pg/pgtmp.py) seeded with demo declarations,
# server A alone, then A and B together (the same database and key file),
# each with the page cache on as deployed; wrk's connections split between
# the servers.  Each workload is a random mix of its variants: the
# verification page of 1,000 IDs, and registry searches (names, prefectures,
# levels, pages).  Both servers share this machine's CPUs, so the second
# server adds no CPU: what the run shows is what sharing one database
# costs (the cache's generation read per request, the pool's connections).
# Usage: bench/two_servers_pg.sh [DURATION_SECONDS]
#   HOSHI (build/hoshi), HOSHI_BENCH_COUNT (100000), HOSHI_BENCH_CONN (8),
#   HOSHI_BENCH_THREADS (2: each server's)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${HOSHI_TEST_PG:-}" ]; then
  exec python3 tests/pg/pgtmp.py run -- bash "$0" "$@"
fi
DUR=${1:-10}
COUNT=${HOSHI_BENCH_COUNT:-100000}
CONN=${HOSHI_BENCH_CONN:-8}
THREADS=${HOSHI_BENCH_THREADS:-2}
HOSHI=${HOSHI:-build/hoshi}
tmp=$(mktemp -d /tmp/hoshi-two-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT

start() { # name, extra options...; sets url
  local name=$1; shift
  "$HOSHI" serve --listen 127.0.0.1:0 --db "$HOSHI_TEST_PG" --key-file "$tmp/keys.json" --threads "$THREADS" "$@" \
    >"$tmp/$name.out" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 36000); do
    grep -q listening "$tmp/$name.out" && break
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/$name.out" >&2; exit 1; }
    sleep 0.05
  done
  url=$(grep -o 'http://[0-9.:]*' "$tmp/$name.out" | head -1)
}
t0=$(date +%s%N)
start a --demo --demo-count "$COUNT"
a=$url
t1=$(date +%s%N)
echo "date $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "seeded $COUNT demo declarations on PostgreSQL in $(( (t1 - t0) / 1000000 )) ms wall"
python3 bench/registry_ids.py "$a" "$tmp/ids.lua"
start b
b=$url
cat >"$tmp/verify.lua" <<LUA
dofile("$tmp/ids.lua")
math.randomseed(7)
request = function() return wrk.format("GET", "/verify/" .. ids[math.random(#ids)]) end
LUA
cat >"$tmp/search.lua" <<'LUA'
math.randomseed(42)
fam = {"%E5%B1%B1%E7%94%B0", "%E4%B8%AD%E6%9D%91", "%E6%9D%BE%E6%9C%AC", "%E9%AB%98%E6%A9%8B", "%E6%A1%9C%E4%BA%95"}
request = function()
  local k = math.random(4)
  if k == 1 then return wrk.format("GET", "/registry?q=" .. fam[math.random(#fam)] .. "&page=" .. math.random(20)) end
  if k == 2 then return wrk.format("GET", "/registry?prefecture=" .. math.random(47)) end
  if k == 3 then return wrk.format("GET", "/registry?level=" .. math.random(2) .. "&page=" .. math.random(50)) end
  return wrk.format("GET", "/api/v1/declarations?q=" .. fam[math.random(#fam)] .. "&page=" .. math.random(50))
end
LUA
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.1f", n }'; }
rps() { awk '/Requests\/sec/ {printf "%d", $2}' "$1"; }
p99() { ms "$(awk '$1 == "99%" {print $2}' "$1")"; }
errs() { local e; e=$(cat "$@" | grep -E "Non-2xx|Socket errors" | tr '\n' ' ' || true); echo "${e:-none}"; }
echo "wrk -t2 on loopback, ${DUR}s, each server --threads $THREADS with the page cache"
echo "| workload | servers | connections | req/s | p99 ms | errors |"
echo "|---|---|---:|---:|---:|---|"
for w in verify search; do
  wrk -t2 -c"$CONN" -d"${DUR}s" --latency -s "$tmp/$w.lua" "$a/" >"$tmp/one.txt"
  echo "| $w | one (A) | $CONN | $(rps "$tmp/one.txt") | $(p99 "$tmp/one.txt") | $(errs "$tmp/one.txt") |"
  half=$((CONN / 2))
  wrk -t1 -c"$half" -d"${DUR}s" --latency -s "$tmp/$w.lua" "$a/" >"$tmp/a.txt" &
  wa=$!
  wrk -t1 -c"$half" -d"${DUR}s" --latency -s "$tmp/$w.lua" "$b/" >"$tmp/b.txt"
  wait "$wa"
  total=$(( $(rps "$tmp/a.txt") + $(rps "$tmp/b.txt") ))
  echo "| $w | two (A + B) | $half + $half | $total ($(rps "$tmp/a.txt") + $(rps "$tmp/b.txt")) | $(p99 "$tmp/a.txt") / $(p99 "$tmp/b.txt") | $(errs "$tmp/a.txt" "$tmp/b.txt") |"
done
