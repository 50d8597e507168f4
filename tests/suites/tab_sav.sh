#!/usr/bin/env bash
# SPSS .sav round trips (issue 10, part 6): a codebook and CSV data written
# as .sav by `hoshi import --out F.sav` must give byte-identical tables when
# `hoshi tab --data F.sav` reads it back without a codebook — every question
# type (SA, MA, NUM, FA, GRID, DIAG and its derived variables), every human
# format, banners and filters — and so must the same file read with the
# codebook given, a .sav made again from the .sav, and a .hsd made from
# the .sav.  The shared fixtures (../shared/fixtures) go through .sav too.
# Long labels: titles longer than a document line come back whole; labels
# longer than SPSS keeps come back cut at a character boundary.
# Prints ok/FAIL lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/hoshi}
d=$here/tests/data/tab
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fi; }

# same NAME CB DATA SAV ARGS...: the tables of ARGS from the CSV pair and
# from SAV are the same bytes (and neither run fails).
same() {
    local name=$1 cb=$2 data=$3 sav=$4
    shift 4
    if ! "$bin" tab --codebook "$cb" --data "$data" "$@" >"$tmp/want" 2>"$tmp/err"; then
        echo "FAIL $name: the CSV run failed: $(head -c 300 "$tmp/err")"
        return
    fi
    if ! "$bin" tab --data "$sav" "$@" >"$tmp/got" 2>"$tmp/err"; then
        echo "FAIL $name: the .sav run failed: $(head -c 300 "$tmp/err")"
        return
    fi
    if cmp -s "$tmp/want" "$tmp/got"; then
        echo "ok   $name"
    else
        echo "FAIL $name"
        diff "$tmp/want" "$tmp/got" | head -10 | sed 's/^/  /'
    fi
}

# roundtrip TAG CB DATA SIDE HEADS: every way of reading the .sav back.
roundtrip() {
    local tag=$1 cb=$2 data=$3 side=$4 heads=$5
    local sav=$tmp/$tag.sav
    if ! "$bin" import --codebook "$cb" --data "$data" --out "$sav" 2>"$tmp/err"; then
        echo "FAIL sav $tag: import failed: $(head -c 300 "$tmp/err")"
        return
    fi
    check "sav $tag: the file starts with \$FL2" '[ "$(head -c 4 "$sav")" = "\$FL2" ]'
    local h fmt
    for h in ${heads//,/ }; do
        same "sav $tag: simple table of $h" "$cb" "$data" "$sav" --head "$h"
        same "sav $tag: $h by $side" "$cb" "$data" "$sav" --side "$side" --head "$h"
    done
    for fmt in csv md json html tsv; do
        same "sav $tag: banner of every question, $fmt" "$cb" "$data" "$sav" --side "$side" --head ALL --format "$fmt"
    done
    # the codebook given overrides the labels of the file: the same tables
    "$bin" tab --codebook "$cb" --data "$sav" --side "$side" --head ALL >"$tmp/over" 2>"$tmp/err"
    "$bin" tab --codebook "$cb" --data "$data" --side "$side" --head ALL >"$tmp/want"
    check "sav $tag: --codebook with a .sav gives the same banner" 'cmp -s "$tmp/over" "$tmp/want"'
    # .sav -> .sav (ids kept) and .sav -> .hsd
    "$bin" import --data "$sav" --out "$tmp/$tag.2.sav" 2>"$tmp/err"
    same "sav $tag: a .sav made from the .sav" "$cb" "$data" "$tmp/$tag.2.sav" --side "$side" --head ALL
    "$bin" import --data "$sav" --out "$tmp/$tag.hsd" 2>"$tmp/err"
    same "sav $tag: a .hsd made from the .sav" "$cb" "$data" "$tmp/$tag.hsd" --side "$side" --head ALL
}

roundtrip basic "$d/cb.csv" "$d/data.csv" Q1 Q1,Q2,Q3,Q5,Q5_1
roundtrip cp932 "$d/cb_sjis.csv" "$d/data_sjis.csv" Q1 Q1,Q2
roundtrip diag "$d/diag_cb.csv" "$d/diag.csv" Q1 Q80,Q80_3,Q80:score,Q80:band,Q80:star1,Q80:star2
rich_heads=$(awk -F, 'NR > 1 && $3 == "" && $2 != "FA" { printf "%s%s", sep, $1; sep = "," }' "$d/rich_cb.csv")
roundtrip rich "$d/rich_cb.csv" "$d/rich.csv" Q1 "$rich_heads"
same "sav rich: a filter on an MA and a net" "$d/rich_cb.csv" "$d/rich.csv" "$tmp/rich.sav" \
    --side Q1 --head ALL --where 'Q1!=1' --net 'Q1:A=2,3'

# the ids of the data file, numeric or not, survive .sav -> .sav
printf 'id,Q1,Q2_1,Q2_2,Q2_3,Q3,Q4,Q5_1,Q5_2\nA-7,1,1,0,0,3,x,1,\n"B,9",2,,,,,,,\n' >"$tmp/ids.csv"
"$bin" import --codebook "$d/cb.csv" --data "$tmp/ids.csv" --out "$tmp/ids.sav"
"$bin" import --data "$tmp/ids.sav" --out "$tmp/ids2.sav"
check "sav: string ids are written as they are" 'grep -q "A-7" "$tmp/ids2.sav" && grep -q "B,9" "$tmp/ids2.sav"'

# long labels: a 100-character MA title needs five document lines; SPSS
# keeps 255 bytes of a variable label and 120 of a value label, and the
# document the whole of them, which the reader takes while the file's
# label is still its cut start
long_t=$(printf '情%.0s' $(seq 1 100))
long_v=$(printf '報%.0s' $(seq 1 50))
long_s=$(printf '題%.0s' $(seq 1 100))
{
    echo "qid,type,code,label"
    echo "S,SA,,$long_s"
    echo "S,SA,1,$long_v"
    echo "S,SA,2,two"
    echo "M,MA,,$long_t"
    echo "M,MA,1,a"
    echo "M,MA,2,b"
} >"$tmp/long_cb.csv"
printf 'id,S,M_1,M_2\n1,1,1,0\n2,2,1,1\n' >"$tmp/long.csv"
"$bin" import --codebook "$tmp/long_cb.csv" --data "$tmp/long.csv" --out "$tmp/long.sav"
same "sav: long titles and labels come back whole" "$tmp/long_cb.csv" "$tmp/long.csv" "$tmp/long.sav" --side S --head ALL --format json
check "sav: SPSS keeps 85 characters of the title" 'grep -q "$(printf "題%.0s" $(seq 1 85))" "$tmp/long.sav" && ! grep -q "$(printf "題%.0s" $(seq 1 86))" "$tmp/long.sav"'

# the shared fixtures of the 2018 report, from .sav
fx=$here/../shared/fixtures
if [ -d "$fx" ]; then
    for f in "$fx"/*/; do
        f=${f%/}
        [ -f "$f/args" ] || continue
        n=$(basename "$f")
        "$bin" import --codebook "$f/codebook.csv" --data "$f/data.csv" --out "$tmp/$n.sav"
        # shellcheck disable=SC2046
        same "sav fixture $n" "$f/codebook.csv" "$f/data.csv" "$tmp/$n.sav" $(cat "$f/args")
    done
fi
