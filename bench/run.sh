#!/usr/bin/env bash
# The tabulation benchmark: generates surveys (id, S1..S20, M1_1..M10_10) of
# 1,000,000 and 10,000,000 respondents and times, in the same run, hoshi,
# pandas (Debian python3-pandas via /usr/bin/python3) and DuckDB (npm
# @duckdb/node-api, installed into bench/node_modules) on: CSV ingest, CSV ->
# one cross tab S1 x M1, cross tab from hoshi's .hsd cache, and the banner
# S1 x all 29 other questions.  Peak memory from /usr/bin/time.  Writes a
# Markdown table to bench/results-latest.md (copied by hand into RESULTS.md).
#   usage: bench/run.sh [ROWS ...]      env: BENCH_DIR (default bench/data),
#          PANDAS_MAX_ROWS (default 1000000: pandas needs ~10 GB at 10M)
set -eu
cd "$(dirname "$0")/.."
rows=("$@"); [ ${#rows[@]} -gt 0 ] || rows=(1000000 10000000)
data=${BENCH_DIR:-bench/data}
pandas_max=${PANDAS_MAX_ROWS:-1000000}
libs=${LIBS:--lm -lxlsxwriter -lmicrohttpd -lsqlite3 -lsodium -lqrencode -lpthread}
hoshi=build/hoshi
out=bench/results-latest.md
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

cc -O2 -o bench/gen_survey bench/gen_survey.c
# shellcheck disable=SC2086
cc -O2 -Iinclude bench/tabbench.c build/libhoshi.a $libs -o bench/tabbench
duckdb=yes
if ! (cd bench && npm install --no-audit --no-fund --silent >/dev/null 2>&1); then
  echo "bench: npm install of @duckdb/node-api failed; DuckDB rows skipped" >&2; duckdb=no
fi

# run NAME CMD...: wall seconds and peak RSS (MB) into $tmp/NAME.{s,mb}, stdout to $tmp/NAME.out
run() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$tmp/$name.time" "$@" >"$tmp/$name.out"
  read -r s kb <"$tmp/$name.time"
  echo "$s" >"$tmp/$name.s"; echo $((kb / 1024)) >"$tmp/$name.mb"
}
val() { awk -v k="$2" '$1 == k {print $2}' "$tmp/$1.out"; }
mbs() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / 1e6 / s }'; }

{
echo "| rows | tool | task | time (s) | throughput | ns/respondent | peak RSS (MB) |"
echo "|---:|---|---|---:|---:|---:|---:|"
} >"$out"
row() { echo "| $1 | $2 | $3 | $4 | $5 | $6 | $7 |" | tee -a "$out"; }

for n in "${rows[@]}"; do
  dir=$data/$n; mkdir -p "$dir"
  [ -s "$dir/data.csv" ] || bench/gen_survey "$n" "$dir"
  bytes=$(stat -c %s "$dir/data.csv")
  cat "$dir/data.csv" >/dev/null  # warm page cache for every tool alike
  run import $hoshi import --codebook "$dir/codebook.csv" --data "$dir/data.csv" --out "$dir/s.hsd"
  row "$n" hoshi "ingest (validate + write .hsd)" "$(cat $tmp/import.s)" "$(mbs "$bytes" "$(cat $tmp/import.s)") MB/s" "" "$(cat $tmp/import.mb)"
  run csvx $hoshi tab --codebook "$dir/codebook.csv" --data "$dir/data.csv" --side S1 --head M1
  row "$n" hoshi "CSV -> cross tab S1 x M1" "$(cat $tmp/csvx.s)" "$(mbs "$bytes" "$(cat $tmp/csvx.s)") MB/s" "" "$(cat $tmp/csvx.mb)"
  run tb bench/tabbench "$dir/s.hsd" 5
  row "$n" hoshi "cross tab from cache (in-process, best of 5)" "" "" "$(val tb crosstab_ns_per_resp)" ""
  run banner $hoshi tab --data "$dir/s.hsd" --side S1 --head ALL --out "$dir/banner.csv"
  row "$n" hoshi "banner S1 x 29 from cache (end to end)" "$(cat $tmp/banner.s)" "" "$(awk -v s="$(cat $tmp/banner.s)" -v n="$n" 'BEGIN{printf "%.1f", s/n*1e9}')" "$(cat $tmp/banner.mb)"
  if [ "$n" -le "$pandas_max" ]; then
    run pd /usr/bin/python3 bench/pandas_bench.py "$dir/data.csv"
    row "$n" pandas "ingest (read_csv)" "$(val pd load)" "$(mbs "$bytes" "$(val pd load)") MB/s" "" "$(cat $tmp/pd.mb)"
    row "$n" pandas "CSV -> cross tab S1 x M1" "$(val pd csv_to_crosstab)" "" "" "$(cat $tmp/pd.mb)"
    row "$n" pandas "cross tab in memory" "$(val pd crosstab)" "" "$(awk -v s="$(val pd crosstab)" -v n="$n" 'BEGIN{printf "%.1f", s/n*1e9}')" ""
    row "$n" pandas "banner S1 x 29 in memory" "$(val pd banner)" "" "" ""
  fi
  if [ $duckdb = yes ]; then
    run dk node bench/duckdb_bench.mjs "$dir/data.csv"
    row "$n" DuckDB "ingest (read_csv into a table)" "$(val dk load)" "$(mbs "$bytes" "$(val dk load)") MB/s" "" "$(cat $tmp/dk.mb)"
    row "$n" DuckDB "CSV -> cross tab S1 x M1" "$(val dk csv_to_crosstab)" "" "" "$(cat $tmp/dk.mb)"
    row "$n" DuckDB "cross tab in memory" "$(val dk crosstab)" "" "$(awk -v s="$(val dk crosstab)" -v n="$n" 'BEGIN{printf "%.1f", s/n*1e9}')" ""
    row "$n" DuckDB "banner S1 x 29 in memory" "$(val dk banner)" "" "" ""
  fi
done
echo "bench: results in $out"
