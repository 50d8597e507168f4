#!/usr/bin/env bash
# ThreadSanitizer: the library, the CLI and the unit programs that drive
# the engine's threads, built with -fsanitize=thread into build/tsan/
# (`make tsan`), run where hoshi uses threads:
#   - the reader's two threads (CSV over 32 MiB) and the banner's two
#     threads (500,000 respondents or more), from CSV and from a .hsd cache;
#   - the web server: every HTTP test (tests/http/test_*.py) and
#     tests/tsan/http_load.py (concurrent log-ins, searches and writes).
# Each TSan report is a FAIL line naming both accesses (tests/tsan/reports.py),
# with the report below it.  Prints ok/FAIL lines.
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$PWD
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
H=$root/build/tsan/hoshi
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s tsan >"$tmp/build.log" 2>&1; then
    echo "FAIL tsan: build"
    tail -n 40 "$tmp/build.log" | sed 's/^/  /'
    exit 1
fi
# Reports go to files (one per process), not to the programs' stderr, so
# the HTTP tests' own checks still read a clean log; exitcode=0 for the
# same reason: a report is counted once, here.
tsan_opts() {
    echo "halt_on_error=0 exitcode=0 history_size=4 second_deadlock_stack=1 log_path=$1/tsan suppressions=$root/tests/tsan/suppressions.txt"
}
n=0
# step NAME COMMAND...: runs COMMAND under TSan: a FAIL line per report, one
# more when it exits non-zero or prints FAIL lines of its own, else ok.
step() {
    local name=$1
    shift
    n=$((n + 1))
    local logs=$tmp/logs.$n out=$tmp/out.$n
    mkdir -p "$logs"
    TSAN_OPTIONS=$(tsan_opts "$logs") "$@" >"$out" 2>&1
    local rc=$?
    python3 tests/tsan/reports.py "$logs" >"$tmp/rep.$n"
    local line
    while IFS= read -r line; do
        case $line in
        "  "*) echo "$line" ;;
        *) echo "FAIL tsan: $name: $line" ;;
        esac
    done <"$tmp/rep.$n"
    if [ $rc -ne 0 ] || grep -q '^FAIL' "$out"; then
        echo "FAIL tsan: $name: failed under TSan (exit status $rc)"
        grep '^FAIL' "$out" | head -n 10 | sed 's/^/  /'
        # what a dead server said (a crash under TSan is no race report)
        # and where the test stood, which the tail alone may not show
        grep -n -m 3 -A 25 -E 'ThreadSanitizer|DEADLYSIGNAL|SEGV' "$out" | head -n 80 | sed 's/^/  /'
        grep -n -E '^ +File ".*tests/http/test_' "$out" | tail -n 3 | sed 's/^/  /'
        tail -n 15 "$out" | sed 's/^/  /'
    elif [ ! -s "$tmp/rep.$n" ]; then
        echo "ok   tsan: $name"
    fi
}

step "unit test_tab: two reader threads, two banner threads" build/tsan/tests/test_tab
step "unit test_tab_hsd" build/tsan/tests/test_tab_hsd

d=$tmp/survey
mkdir -p "$d"
if python3 tests/tsan/gen_survey.py "$d"; then
    cb=$d/codebook.csv
    step "tab: banner from a 35 MB CSV (reader and banner threads)" \
        "$H" tab --codebook "$cb" --data "$d/data.csv" --side Q1 --head ALL --format json --out "$d/t.json"
    step "import: 520,000 respondents to .hsd" \
        "$H" import --codebook "$cb" --data "$d/data.csv" --out "$d/s.hsd"
    step "tab: banner from .hsd with --where, --net, --recode, --bands" \
        "$H" tab --data "$d/s.hsd" --side Q3 --bands 'small=1..49;large=50..' --head Q1,Q2,Q5,Q5_1 \
        --where 'Q5_2!=4' --net 'Q1:retail=2,3' --recode 'Q5_1:done=1,2' --format svg --out "$d/t.svg"
    step "tab: one .hsd column in both banner threads (--head Q1,Q1)" \
        "$H" tab --data "$d/s.hsd" --head Q1,Q1 --out "$d/q.csv"
    printf '[book]\ndata = s.hsd\nside = Q1\n[table a]\nhead = Q2\n[table b]\nhead = Q1,Q5\nwhere = Q5_2!=4\n[table c]\nhead = Q2\nside = Q5_1\n[table d]\nhead = ALL\n' >"$d/book.ini"
    step "book run: the book's two table threads on one .hsd (and banner threads inside)" \
        "$H" book run "$d/book.ini" --xlsx "$d/b.xlsx" --html "$d/b.html" --csv-dir "$d/csv"
else
    echo "FAIL tsan: cannot generate the survey"
fi

for t in tests/http/test_*.py; do
    step "web: $(basename "$t")" python3 "$t" "$H"
done
step "web: concurrent clients (tests/tsan/http_load.py)" python3 tests/tsan/http_load.py "$H"
exit 0
