#!/usr/bin/env bash
# The weighting benchmark (issue 10): on the survey of bench/gen_survey.c
# (ROWS respondents, default 10,000,000, as a .hsd cache) the banner S1 x all
# 29 other questions unweighted and weighted, in process (bench/weightbench.c,
# best of REPEATS, wall and CPU seconds): weights of 2,701 values, of the 400
# values of a 20 x 20 cell table, continuous, and the first again with the
# general kernels only (as before the fused pass); and raking RAKE_ROWS
# respondents (default 1,000,000) to two variables of 20 codes each, by hoshi
# and, on the same data in the same run, by R's survey::rake
# (bench/weights_peer.R; NO_R=1 leaves it out).  Writes a Markdown table to
# bench/results-weights-latest.md (copied by hand into RESULTS.md).
#   usage: bench/run_weights.sh [ROWS [RAKE_ROWS [REPEATS]]]   env: BENCH_DIR, NO_R
set -eu
cd "$(dirname "$0")/.."
rows=${1:-10000000}
rake_rows=${2:-1000000}
reps=${3:-3}
data=${BENCH_DIR:-bench/data}
libs=${LIBS:--lm -licuuc -lxlsxwriter -lreadstat -lmicrohttpd -lsqlite3 -lsodium -lqrencode -lpthread}
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
load0=$(cut -d' ' -f1-3 /proc/loadavg)
bench/weightbench "$dir/s.hsd" "$rake_rows" "$tmp" "$reps" >"$tmp/h.out"
if [ -z "${NO_R:-}" ]; then Rscript bench/weights_peer.R "$tmp" "$reps" >"$tmp/r.out"; else echo "r_rake_seconds -" >"$tmp/r.out"; fi
val() { awk -v k="$2" '$1 == k {print $2}' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
u=$(val "$tmp/h.out" banner_unweighted); uc=$(val "$tmp/h.out" banner_unweighted_cpu)
row() { # label key
  local w c; w=$(val "$tmp/h.out" "$2"); c=$(val "$tmp/h.out" "$2_cpu")
  echo "| $rows | hoshi | banner S1 x 29, $1 | $w | $c | $(ratio "$w" "$u") | $(ratio "$c" "$uc") |"
}
{
  echo "| rows | tool | task | wall (s) | CPU (s) | wall / unweighted | CPU / unweighted |"
  echo "|---:|---|---|---:|---:|---:|---:|"
  echo "| $rows | hoshi | banner S1 x 29, unweighted | $u | $uc | 1.00 | 1.00 |"
  row "weighted, 2,701 weight values" banner_weighted
  row "weighted, 400 weight values (20 x 20 cells)" banner_weighted_cells
  row "weighted, continuous weights" banner_weighted_continuous
  row "weighted, 2,701 values, general kernels only (before)" banner_weighted_general
  echo "| $rake_rows | hoshi | rake to 2 x 20 margins ($(val "$tmp/h.out" rake_iterations) sweeps, margin error $(val "$tmp/h.out" rake_max_error)) | $(val "$tmp/h.out" rake_seconds) | | | |"
  echo "| $rake_rows | R survey::rake | rake to 2 x 20 margins (svydesign + rake, epsilon 1e-9) | $(val "$tmp/r.out" r_rake_seconds) | | | |"
} | tee "$out"
echo "bench: results in $out (best of $reps in process; load average before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out"
