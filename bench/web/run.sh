#!/usr/bin/env bash
# Web benchmark: wrk on loopback against `hoshi serve` (release build)
# with 100,000 demo declarations — the verification page and a registry
# search, each once for one URL repeated (served from the response cache)
# and once spread over many distinct URLs (mostly database work).
# Usage: bench/web/run.sh [DURATION_SECONDS]   (run by `make bench-web`)
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR=${1:-15}
COUNT=${HOSHI_BENCH_COUNT:-100000}
CONN=${HOSHI_BENCH_CONN:-64}
THREADS=${HOSHI_BENCH_THREADS:-2}
HOSHI=${HOSHI:-build/hoshi}
tmp=$(mktemp -d /tmp/hoshi-bench-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

start_server() { # extra options...
  "$HOSHI" serve --listen 127.0.0.1:0 --db "$tmp/bench.db" --demo --demo-count "$COUNT" \
    --threads "$THREADS" "$@" >"$tmp/out" 2>&1 &
  pid=$!
  for _ in $(seq 1200); do grep -q listening "$tmp/out" && break; sleep 0.1; done
  base=$(grep -o 'http://[0-9.:]*' "$tmp/out" | head -1)
}
stop_server() { kill "$pid"; wait "$pid" || true; pid=; }

t0=$(date +%s%N)
start_server
t1=$(date +%s%N)
echo "server $base ($THREADS threads), $COUNT demo declarations seeded and ready in $(( (t1 - t0) / 1000000 )) ms"

# IDs for the spread run, straight from the API.
python3 - "$base" "$tmp/ids.lua" <<'PY'
import json, sys, urllib.request
base, out = sys.argv[1], sys.argv[2]
ids = []
for page in range(1, 5001, 20):
    with urllib.request.urlopen(f"{base}/api/v1/declarations?page={page}") as r:
        ids += [i["id"] for i in json.load(r)["items"]]
with open(out, "w") as f:
    f.write("ids = {" + ",".join(f'"{i}"' for i in ids) + "}\n")
with open(out + ".first", "w") as f:
    f.write(f"{ids[0]} {len(ids)}\n")
PY
read -r one_id nids <"$tmp/ids.lua.first"

printf 'dofile("%s")\nmath.randomseed(42)\nrequest = function() return wrk.format("GET", "/verify/" .. ids[math.random(#ids)]) end\n' \
  "$tmp/ids.lua" >"$tmp/verify.lua"
# Distinct searches: a name fragment, a prefecture and a page (8 x 47 x 3).
cat >"$tmp/search.lua" <<'LUA'
local names = {"%E5%B1%B1%E7%94%B0", "%E4%B8%AD%E6%9D%91", "%E6%9D%BE%E6%9C%AC", "%E9%AB%98%E6%A9%8B",
               "%E6%A1%9C%E4%BA%95", "%E5%B7%A5%E5%8B%99%E5%BA%97", "%E5%95%86%E5%BA%97", "%E8%A3%BD%E4%BD%9C%E6%89%80"}
math.randomseed(7)
request = function()
  local q = names[math.random(#names)]
  return wrk.format("GET", "/registry?q=" .. q .. "&prefecture=" .. math.random(47) .. "&page=" .. math.random(3))
end
LUA

run() { # name, url, [script]
  local name=$1 url=$2 script=${3:-}
  local args=(-t2 -c"$CONN" -d"${DUR}s" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  wrk "${args[@]}" "$url" >"$tmp/run.txt"
  local rps p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/run.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$tmp/run.txt")
  errs=$(grep -E "Non-2xx|Socket errors" "$tmp/run.txt" | tr '\n' ' ' || true)
  printf '| %-40s | %10s | %8s | %s\n' "$name" "$rps" "$p99" "${errs:-none}"
}
echo "wrk -t2 -c$CONN -d${DUR}s on loopback, $(nproc) CPUs"
echo "| run                                      | requests/s | p99      | errors"
echo "|------------------------------------------|-----------:|---------:|-------"
run "verification page, one ID (cache)" "$base/verify/$one_id"
run "verification page, $nids IDs at random" "$base/" "$tmp/verify.lua"
run "registry search, one query (cache)" "$base/registry?q=%E5%B1%B1%E7%94%B0&prefecture=13"
run "registry search, 1,128 distinct queries" "$base/" "$tmp/search.lua"
# The same two spread runs once more, now that every page has been seen:
# the steady state of a server that has been up for a while.
run "verification page, $nids IDs (warm)" "$base/" "$tmp/verify.lua"
run "registry search, 1,128 distinct (warm)" "$base/" "$tmp/search.lua"
stop_server
start_server --no-cache
echo "| (same server, response cache off: every request renders from the database)"
run "verification page, $nids IDs, no cache" "$base/" "$tmp/verify.lua"
run "registry search, 1,128 distinct, no cache" "$base/" "$tmp/search.lua"
run "registry name-only search, no cache" "$base/registry?q=%E5%B1%B1%E7%94%B0"
