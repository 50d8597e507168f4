#!/usr/bin/env bash
# Checks of binary outputs the CLI test format cannot read: the xlsx
# workbook's sheets and cells, and CP932 CSV output.  Prints ok/FAIL lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/hoshi}
d=$here/tests/data/tab
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fi; }
# One member of a zip archive on stdout; python3 is on every machine that
# runs the tests, unzip is not.
unzip_p() { python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$1" "$2"; }
"$bin" tab --codebook "$d/cb.csv" --data "$d/data.csv" --side Q1 --head Q2,Q3,Q5 --format xlsx --out "$tmp/t.xlsx"
check "xlsx: one sheet per table" '[ "$(unzip_p "$tmp/t.xlsx" xl/workbook.xml | grep -o "<sheet " | wc -l)" = 4 ]'
check "xlsx: labels as shared strings" 'unzip_p "$tmp/t.xlsx" xl/sharedStrings.xml | grep -q "予算がない"'
check "xlsx: zero shown as a dash by format" 'unzip_p "$tmp/t.xlsx" xl/styles.xml | grep -q "&quot;—&quot;"'
check "xlsx: percentages are numbers" 'unzip_p "$tmp/t.xlsx" xl/worksheets/sheet1.xml | grep -q "<v>16.7</v>"'
"$bin" tab --codebook "$d/cb.csv" --data "$d/data.csv" --head Q1 --encoding-out cp932 --out "$tmp/t.csv"
check "csv: CP932 output decodes" 'iconv -f CP932 -t UTF-8 "$tmp/t.csv" | grep -q "卸売業,小売業"'
"$bin" tab --codebook "$d/cb.csv" --data "$d/data.csv" --head Q1 --bom --out "$tmp/b.csv"
check "csv: --bom writes EF BB BF" '[ "$(head -c 3 "$tmp/b.csv" | od -An -tx1 | tr -d " ")" = efbbbf ]'
"$bin" tab --codebook "$d/cb.csv" --data "$d/data.csv" --side Q1 --head ALL --format json --out "$tmp/t.json"
check "json: parses, one table per head and GRID item" 'python3 -c "import json,sys; t=json.load(open(sys.argv[1]))[\"tables\"]; sys.exit(0 if [x[\"id\"] for x in t]==[\"Q2\",\"Q3\",\"Q5_1\",\"Q5_2\"] else 1)" "$tmp/t.json"'
"$bin" tab --codebook "$d/cb.csv" --data "$d/data.csv" --side Q1 --head ALL --format svg --out "$tmp/t.svg"
check "svg: well-formed XML" 'python3 -c "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])" "$tmp/t.svg"'
