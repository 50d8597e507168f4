#!/usr/bin/env bash
# The registry at a million declarations (issue 12 part 4): seeds
# 1,000,000 demo declarations once (bench/data/registry_1m.db, not in git;
# reused while it exists, so delete it to time seeding again), starts
# `hoshi serve --no-cache` on it so every request goes to the database,
# and measures each kind of registry search and the verification page with
# wrk on loopback: requests/s, p50 and p99.  Each kind draws from a few
# variants (demo family names, prefectures, industries) at random.
# Usage: bench/registry_1m.sh [DURATION_SECONDS]
#   HOSHI (build/hoshi), HOSHI_BENCH_COUNT (1000000), HOSHI_BENCH_CONN (8),
#   HOSHI_BENCH_THREADS (2), HOSHI_BENCH_DB (bench/data/registry_1m.db, or a
#   postgresql:// URL: bench/registry_1m_pg.sh runs this on a throwaway
#   PostgreSQL server), HOSHI_BENCH_CACHE (0: --no-cache, every request
#   goes to the database; 1: the page cache on, as served by default),
#   HOSHI_BENCH_WARM (0: each kind is first run this many seconds
#   unmeasured, so the p99 is a warm server's, not the first reads of the
#   file or of PostgreSQL's buffers after the start)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-10}
COUNT=${HOSHI_BENCH_COUNT:-1000000}
CONN=${HOSHI_BENCH_CONN:-8}
THREADS=${HOSHI_BENCH_THREADS:-2}
WARM=${HOSHI_BENCH_WARM:-0}
HOSHI=${HOSHI:-build/hoshi}
DB=${HOSHI_BENCH_DB:-bench/data/registry_1m.db}
tmp=$(mktemp -d /tmp/hoshi-registry-XXXXXX)
backend=SQLite
keys=()
case $DB in
postgresql://*)
  backend=PostgreSQL
  keys=(--key-file "$tmp/keys.json") ;; # made at the first start
*) mkdir -p "$(dirname "$DB")" ;;
esac
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

start_server() { # extra options...
  "$HOSHI" serve --listen 127.0.0.1:0 --db "$DB" "${keys[@]}" --demo --demo-count "$COUNT" --threads "$THREADS" "$@" \
    >"$tmp/out" 2>&1 &
  pid=$!
  for _ in $(seq 36000); do grep -q listening "$tmp/out" && return; kill -0 "$pid" || break; sleep 0.05; done
  cat "$tmp/out" >&2
  exit 1
}
# CPU time of the server and, on PostgreSQL, of the database server's
# processes too (the postmaster's children: hoshi's pooled connections
# stay open, so their backends live through the run).
cpu_ms() {
  local pids=$1
  if [ "$backend" = PostgreSQL ] && [ -n "${PGTMP_DATA:-}" ] && [ -r "$PGTMP_DATA/postmaster.pid" ]; then
    pm=$(head -1 "$PGTMP_DATA/postmaster.pid")
    pids="$pids $pm $(pgrep -P "$pm" | tr '\n' ' ' || true)"
  fi
  for p in $pids; do cat "/proc/$p/stat" 2>/dev/null || true; done |
    awk -v t="$(getconf CLK_TCK)" '{ s += $14 + $15 } END { printf "%d", s * 1000 / t }'
}

fresh=no
if [ "$backend" = PostgreSQL ] || [ ! -f "$DB" ]; then fresh=yes; fi
t0=$(date +%s%N)
cache_opt=--no-cache
[ "${HOSHI_BENCH_CACHE:-0}" = 1 ] && cache_opt=
true
start_server $cache_opt
t1=$(date +%s%N)
base=$(grep -o 'http://[0-9.:]*' "$tmp/out" | head -1)
echo "date $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$fresh" = yes ]; then
  echo "seeded $COUNT demo declarations and ready in $(( (t1 - t0) / 1000000 )) ms ($(cpu_ms "$pid") ms CPU)"
else
  echo "reused $DB, ready in $(( (t1 - t0) / 1000000 )) ms"
fi

# PostgreSQL: what autovacuum does to a registry in service, done now —
# the visibility map, without which a covering index is not read alone.
if [ "$backend" = PostgreSQL ]; then
  v0=$(date +%s%N)
  psql=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | tail -1)
  "$psql" -q "$DB" -c "VACUUM (ANALYZE)"
  echo "VACUUM (ANALYZE) after seeding: $(( ($(date +%s%N) - v0) / 1000000 )) ms"
fi

# IDs for the verification page, straight from the API.
python3 bench/registry_ids.py "$base" "$tmp/ids.lua"

# One Lua script per kind: each request a random one of its variants.
kind() { # file, lua expression building the path
  printf 'dofile("%s/common.lua")\nrequest = function() return wrk.format("GET", %s) end\n' "$tmp" "$2" >"$tmp/$1.lua"
}
cat >"$tmp/common.lua" <<'LUA'
math.randomseed(42)
-- demo family names (each in 1 of 20 names), trade words (1 in 20),
-- a family and trade together (1 in 400), single characters
fam = {"%E5%B1%B1%E7%94%B0", "%E4%B8%AD%E6%9D%91", "%E6%9D%BE%E6%9C%AC", "%E9%AB%98%E6%A9%8B", "%E6%A1%9C%E4%BA%95"}
trade = {"%E5%B7%A5%E5%8B%99%E5%BA%97", "%E5%95%86%E5%BA%97", "%E8%A3%BD%E4%BD%9C%E6%89%80", "%E6%AD%AF%E7%A7%91%E5%8C%BB%E9%99%A2"}
one = {"%E5%B1%B1", "%E5%BA%97", "%E6%9D%91", "%E7%A4%BE"}
ind = {"A", "D", "E", "G", "I", "L"}
function pick(t) return t[math.random(#t)] end
function pref() return math.random(47) end
LUA
dofile_ids="dofile(\"$tmp/ids.lua\")"
kind all '"/registry"'
kind name2 '"/registry?q=" .. pick(fam)'
kind name_rare '"/registry?q=" .. pick(fam) .. pick(trade)'
kind name1 '"/registry?q=" .. pick(one)'
kind pref '"/registry?prefecture=" .. pref()'
kind industry '"/registry?industry=" .. pick(ind)'
kind level '"/registry?level=" .. math.random(2)'
kind combined '"/registry?q=" .. pick(fam) .. "&prefecture=" .. pref() .. "&level=" .. math.random(2)'
kind combined2 '"/registry?prefecture=" .. pref() .. "&industry=" .. pick(ind) .. "&level=" .. math.random(2)'
kind last_capped '"/registry?q=" .. pick(fam) .. "&page=50"'
kind last_exact '"/registry?q=" .. pick(fam) .. pick(trade) .. "&page=125"'
kind api '"/api/v1/declarations?q=" .. pick(fam) .. "&page=" .. math.random(50)'
printf '%s\nmath.randomseed(7)\nrequest = function() return wrk.format("GET", "/verify/" .. ids[math.random(#ids)]) end\n' \
  "$dofile_ids" >"$tmp/verify.lua"

ms() { # wrk's latency (850.00us, 1.20ms, 2.01s) in ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.1f", n }'
}
run() { # name, script
  local c0 c1 reqs cpu rps p50 p99 errs
  if [ "$WARM" != 0 ]; then
    wrk -t2 -c"$CONN" -d"${WARM}s" -s "$tmp/$2.lua" "$base/" >/dev/null
  fi
  c0=$(cpu_ms "$pid")
  wrk -t2 -c"$CONN" -d"${DUR}s" --latency -s "$tmp/$2.lua" "$base/" >"$tmp/run.txt"
  c1=$(cpu_ms "$pid")
  # the server's CPU time per request: what a loaded machine cannot inflate
  reqs=$(awk '/requests in/ {print $1}' "$tmp/run.txt")
  cpu=$(awk -v c=$((c1 - c0)) -v n="${reqs:-0}" 'BEGIN { printf "%.1f", (n > 0 ? c / n : 0) }')
  rps=$(awk '/Requests\/sec/ {printf "%d", $2}' "$tmp/run.txt")
  p50=$(ms "$(awk '$1 == "50%" {print $2}' "$tmp/run.txt")")
  p99=$(ms "$(awk '$1 == "99%" {print $2}' "$tmp/run.txt")")
  errs=$(grep -E "Non-2xx|Socket errors" "$tmp/run.txt" | tr '\n' ' ' || true)
  printf '| %-52s | %8s | %7s | %7s | %9s | %s\n' "$1" "$rps" "$p50" "$p99" "$cpu" "${errs:-none}"
}
table() { # the requests, with the latencies as the clients see them
  echo "wrk -t2 -c$CONN -d${DUR}s on loopback (after ${WARM} s unmeasured), server --threads $THREADS ${cache_opt:-(page cache on)} ($backend)"
  echo "| query (each request a random variant)               |    req/s | p50 ms  | p99 ms  | CPU ms/req | errors"
  echo "|------------------------------------------------------|---------:|--------:|--------:|----------:|-------"
  run "no filter (every declaration: capped count)" all
  run "name, a family name (1 in 20: capped)" name2
  run "name, family + trade (1 in 400: ~2,500, exact)" name_rare
  run "name, one character (capped)" name1
  run "prefecture (~21,000: capped)" pref
  run "industry (capped)" industry
  run "level (capped)" level
  run "name + prefecture + level (~700, exact)" combined
  run "prefecture + industry + level (exact)" combined2
  run "last page, capped (name, page 50)" last_capped
  run "last page, exact (family + trade, page 125 of 125)" last_exact
  run "API, a family name, pages 1-50" api
  run "verification page, 1,000 IDs at random" verify
}
table
if [ "${HOSHI_BENCH_CACHE:-0}" = both ]; then
  # the same database again, now through the page cache
  kill "$pid" && wait "$pid" 2>/dev/null || true
  cache_opt=
  start_server
  base=$(grep -o 'http://[0-9.:]*' "$tmp/out" | head -1)
  table
fi
