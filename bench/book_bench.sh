#!/usr/bin/env bash
# The table-book benchmark (issue 10): a book of 200 tables (bench/book_tables.py:
# sides S1..S5 by heads S6..S20 and M1..M10, half of them on a filtered base,
# some with a net) on the synthetic survey of bench/gen_survey.c, written to
# one workbook with a contents sheet by `hoshi book run`, from the .hsd cache
# and from the CSV (end to end: parse, 200 tables, xlsx); and in the same run
# pandas (Debian python3-pandas, /usr/bin/python3) reading the CSV, building
# the same 200 tables and writing them with its Excel writer (XlsxWriter,
# Debian python3-xlsxwriter; without it pandas writes CSVs and the row says
# so).  Wall time, CPU time (user + system: what the run costs when the two
# cores are shared with other work) and peak RSS from /usr/bin/time; the
# load average is printed with each run.  Writes a Markdown table to
# bench/results-book.md.
#   usage: bench/book_bench.sh [ROWS]   env: BENCH_DIR (default bench/data), HOSHI
set -eu
cd "$(dirname "$0")/.."
n=${1:-1000000}
data=${BENCH_DIR:-bench/data}
hoshi=${HOSHI:-build/hoshi}
out=bench/results-book.md
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
dir=$data/$n; mkdir -p "$dir"
cc -O2 -o bench/gen_survey bench/gen_survey.c
[ -s "$dir/data.csv" ] || bench/gen_survey "$n" "$dir"
cat "$dir/data.csv" >/dev/null  # warm page cache for every tool alike
"$hoshi" import --codebook "$dir/codebook.csv" --data "$dir/data.csv" --out "$dir/s.hsd"
python3 bench/book_tables.py "$(realpath "$dir/codebook.csv")" "$(realpath "$dir/data.csv")" "$tmp/csv.ini"
python3 bench/book_tables.py "$(realpath "$dir/codebook.csv")" "$(realpath "$dir/s.hsd")" "$tmp/hsd.ini"

run() {  # NAME CMD...: wall and CPU seconds, peak MB into $tmp/NAME.{s,cpu,mb}
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/$name.time" "$@" >"$tmp/$name.out"
  read -r s u sy kb <"$tmp/$name.time"
  echo "$s" >"$tmp/$name.s"; echo $((kb / 1024)) >"$tmp/$name.mb"
  awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.2f", u + s }' >"$tmp/$name.cpu"
  echo "$name: load average $(cut -d' ' -f1 /proc/loadavg)" >&2
}
{
echo "| rows | tool | task | wall (s) | CPU (s) | peak RSS (MB) |"
echo "|---:|---|---|---:|---:|---:|"
} >"$out"
row() { echo "| $1 | $2 | $3 | $4 | $5 | $6 |" | tee -a "$out"; }
for i in 1 2 3; do
  run hsd$i "$hoshi" book run "$tmp/hsd.ini" --xlsx "$tmp/hsd.xlsx"
  row "$n" hoshi "book of 200 tables, .hsd -> xlsx (run $i)" "$(cat "$tmp/hsd$i.s")" "$(cat "$tmp/hsd$i.cpu")" "$(cat "$tmp/hsd$i.mb")"
done
for i in 1 2 3; do
  run csv$i "$hoshi" book run "$tmp/csv.ini" --xlsx "$tmp/csv.xlsx"
  row "$n" hoshi "book of 200 tables, CSV -> xlsx (run $i)" "$(cat "$tmp/csv$i.s")" "$(cat "$tmp/csv$i.cpu")" "$(cat "$tmp/csv$i.mb")"
done
sheets=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("xl/workbook.xml").count(b"<sheet "))' "$tmp/csv.xlsx")
echo "workbook: $sheets sheets (contents + 200 tables)"
run pd /usr/bin/python3 bench/book_pandas.py "$dir/data.csv" "$tmp/pandas.xlsx"
val() { awk -v k="$1" '$1 == k {print $2}' "$tmp/pd.out"; }
w=$(val writer)
row "$n" pandas "read_csv" "$(val load)" "" ""
row "$n" pandas "200 tables in memory" "$(val tables)" "" ""
row "$n" pandas "write ($w)" "$(val write)" "" ""
row "$n" pandas "CSV -> 200 tables -> $w, end to end" "$(cat "$tmp/pd.s")" "$(cat "$tmp/pd.cpu")" "$(cat "$tmp/pd.mb")"
