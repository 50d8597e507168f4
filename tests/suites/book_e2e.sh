#!/usr/bin/env bash
# Table books end to end on the shipped 2018 questionnaire: a survey made
# with `hoshi survey create`, answered through the store (the driver mode of
# the unit test test_survey_export, as survey_cli.sh does), exported with
# the "shown" columns (`hoshi survey export --shown`), its default book
# written by `hoshi book init --form` and run by `hoshi book run` into every
# output: the routed table of Q14 is exactly the routed table survey_cli.sh
# pins, the HTML report is well-formed and accessible (headings, captions,
# th scope, alt texts, every contents link resolves), the workbook has a
# contents sheet linking to a sheet per table.  Prints ok/FAIL lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/hoshi}
drv=${HOSHI_UNIT:-$(dirname "$bin")/tests}/test_survey_export
exp=$here/tests/data/expected/survey_cli
tmp=${KEEP:-$(mktemp -d)}; [ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fi; }
same() { cmp -s "$1" "$2" || { diff "$1" "$2" | head -20 | sed 's/^/  /' >&2; false; }; }
[ -x "$drv" ] || { echo "FAIL book_e2e: no driver at $drv"; exit 1; }

db=$tmp/db
: >"$db"
"$bin" survey list --db "$db" >/dev/null
python3 "$here/tests/data/registry/seed.py" "$db"
"$bin" survey create --db "$db" --def "$here/data/surveys/sa2018" >/dev/null
"$bin" survey invite --db "$db" --survey 1 --out "$tmp/links.csv" 2>/dev/null
tok() { tail -n +2 "$tmp/links.csv" | tr -d '\r' | sed 's|.*/s/||' | sed -n "${1}p"; }
# the answers of survey_cli.sh: Q14 is shown to those who chose 4 in Q13
"$drv" submit "$db" "$(tok 1)" 'Q13=4&Q14=1&Q1=7&Q2=3' >/dev/null
"$drv" submit "$db" "$(tok 2)" 'Q13=2&Q13=4&Q14=2&Q1=5&Q2=1' >/dev/null
"$drv" submit "$db" "$(tok 3)" 'Q13=1&Q1=12&Q2=4' >/dev/null
"$drv" submit "$db" "$(tok 4)" 'Q13=4&Q14=1&Q1=5&Q2=2' >/dev/null

"$bin" survey export --db "$db" --survey 1 --out "$tmp/plain"
check "survey export without --shown: no R__ columns" '[ -s "$tmp/plain/codebook.csv" ] && ! grep -q "^R__" "$tmp/plain/codebook.csv"'
"$bin" survey export --db "$db" --survey 1 --shown --out "$tmp/ex" 2>"$tmp/err"
check "survey export --shown: an R__QID column per question" \
  '[ ! -s "$tmp/err" ] && grep -q "^R__Q14,SA,1," "$tmp/ex/codebook.csv" && head -1 "$tmp/ex/data.csv" | grep -q ",R__Q14,"'

"$bin" book init --form "$here/data/surveys/sa2018" --out "$tmp/ex/book.ini" 2>"$tmp/err"
check "book init --form: exit 0, Q14 routed" \
  '[ ! -s "$tmp/err" ] && grep -q "^where = R__Q14=1$" "$tmp/ex/book.ini"'
n=$(grep -c '^\[table ' "$tmp/ex/book.ini")
"$bin" book run "$tmp/ex/book.ini" --csv-dir "$tmp/csv" --html "$tmp/r.html" --xlsx "$tmp/r.xlsx" 2>"$tmp/err"
check "book run: exit 0, one CSV per table" '[ $? = 0 ] && [ ! -s "$tmp/err" ] && [ "$(ls "$tmp/csv" | wc -l)" = "$n" ]'
check "book run: the routed Q14 is the routed table of hoshi tab --where Q13=4" 'same "$tmp/csv/Q14.csv" "$exp/tab-q14-routed.csv"'
"$bin" tab --codebook "$tmp/ex/codebook.csv" --data "$tmp/ex/data.csv" --head Q12 >"$tmp/q12.csv"
check "book run: the GRID Q12 as hoshi tab --head Q12" 'same "$tmp/csv/Q12.csv" "$tmp/q12.csv"'
check "book run: the HTML report gives Q14's base in words" 'grep -q "<p class=\"base\">基数: R__Q14 = 表示された (n = 3)</p>" "$tmp/r.html"'

python3 - "$tmp/r.html" "$n" >"$tmp/html.out" 2>&1 <<'PY'
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "img", "input", "link", "hr"}
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.stack = []; s.ids = []; s.hrefs = []; s.errors = []
        s.tables = s.captions = s.h1 = s.sections = 0; s.lang = None
    def handle_starttag(s, tag, attrs):
        a = dict(attrs)
        if tag not in VOID: s.stack.append(tag)
        if "id" in a: s.ids.append(a["id"])
        if tag == "a" and a.get("href", "").startswith("#"): s.hrefs.append(a["href"][1:])
        if tag == "html": s.lang = a.get("lang")
        if tag == "th" and a.get("scope") not in ("col", "row"): s.errors.append("th without scope")
        if tag == "img" and not a.get("alt"): s.errors.append("img without alt")
        if tag == "table": s.tables += 1
        if tag == "caption":
            s.captions += 1
            if s.stack[-2:-1] != ["table"]: s.errors.append("caption not first in table")
        if tag == "h1": s.h1 += 1
        if tag == "section": s.sections += 1
    def handle_endtag(s, tag):
        if tag in VOID: return
        if not s.stack or s.stack[-1] != tag: s.errors.append(f"</{tag}> closes {s.stack[-1:]}")
        else: s.stack.pop()
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
e = p.errors
if p.stack: e.append(f"unclosed {p.stack}")
if len(set(p.ids)) != len(p.ids): e.append("duplicate ids")
e += [f"link to missing #{h}" for h in p.hrefs if h not in p.ids]
if p.lang != "ja": e.append("no lang")
if p.h1 != 1: e.append("not one h1")
if p.tables != p.captions or p.tables < int(sys.argv[2]): e.append("tables without captions")
if len(p.hrefs) != p.sections: e.append("contents do not list every section")
print("\n".join(e) if e else "fine")
PY
check "book run: the HTML report is well-formed and accessible" '[ "$(cat "$tmp/html.out")" = fine ] || { cat "$tmp/html.out" >&2; false; }'
unzip_p() { python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$1" "$2"; }
sheets=$(unzip_p "$tmp/r.xlsx" xl/workbook.xml | grep -o '<sheet ' | wc -l)
links=$(unzip_p "$tmp/r.xlsx" xl/worksheets/sheet1.xml | grep -o '<hyperlink ' | wc -l)
check "book run: the workbook has the contents sheet first, linking to every other sheet" \
  'unzip_p "$tmp/r.xlsx" xl/workbook.xml | grep -q "<sheet name=\"目次\" sheetId=\"1\"" && [ "$links" = $((sheets - 1)) ] && [ "$sheets" -gt "$n" ]'
