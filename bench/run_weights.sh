#!/usr/bin/env bash
# The weighting benchmark (issue 10): on the survey of bench/gen_survey.c
# (ROWS respondents, default 10,000,000, as a .hsd cache) the banner S1 x all
# 29 other questions unweighted and weighted, in process (bench/weightbench.c,
# best of REPEATS); and raking RAKE_ROWS respondents (default 1,000,000) to two
# variables of 20 codes each, by hoshi and, on the same data in the same run,
# by R's survey::rake (bench/weights_peer.R).  Writes a Markdown table to
# bench/results-weights-latest.md (copied by hand into RESULTS.md).
#   usage: bench/run_weights.sh [ROWS [RAKE_ROWS [REPEATS]]]   env: BENCH_DIR
set -eu
cd "$(dirname "$0")/.."
rows=${1:-10000000}
rake_rows=${2:-1000000}
reps=${3:-3}
data=${BENCH_DIR:-bench/data}
libs=${LIBS:--lm -lxlsxwriter -lmicrohttpd -lsqlite3 -lsodium -lqrencode -lpthread}
out=bench/results-weights-latest.md
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

cc -O2 -o bench/gen_survey bench/gen_survey.c
# shellcheck disable=SC2086
cc -O2 -Iinclude bench/weightbench.c build/libhoshi.a $libs -o bench/weightbench
dir=$data/$rows; mkdir -p "$dir"
[ -s "$dir/s.hsd" ] || {
  [ -s "$dir/data.csv" ] || bench/gen_survey "$rows" "$dir"
  build/hoshi import --codebook "$dir/codebook.csv" --data "$dir/data.csv" --out "$dir/s.hsd"
}
bench/weightbench "$dir/s.hsd" "$rake_rows" "$tmp" "$reps" >"$tmp/h.out"
Rscript bench/weights_peer.R "$tmp" "$reps" >"$tmp/r.out"
val() { awk -v k="$2" '$1 == k {print $2}' "$1"; }
u=$(val "$tmp/h.out" banner_unweighted); w=$(val "$tmp/h.out" banner_weighted)
{
  echo "| rows | tool | task | time (s) |"
  echo "|---:|---|---|---:|"
  echo "| $rows | hoshi | banner S1 x 29, unweighted (in process, best of $reps) | $u |"
  echo "| $rows | hoshi | banner S1 x 29, weighted (in process, best of $reps) | $w |"
  echo "| | | weighted / unweighted | $(awk -v a="$w" -v b="$u" 'BEGIN{printf "%.2f", a/b}') |"
  echo "| $rake_rows | hoshi | rake to 2 x 20 margins ($(val "$tmp/h.out" rake_iterations) sweeps, margin error $(val "$tmp/h.out" rake_max_error)) | $(val "$tmp/h.out" rake_seconds) |"
  echo "| $rake_rows | R survey::rake | rake to 2 x 20 margins (svydesign + rake, epsilon 1e-9) | $(val "$tmp/r.out" r_rake_seconds) |"
} | tee "$out"
echo "bench: results in $out (load: $(cut -d' ' -f1-3 /proc/loadavg))"
