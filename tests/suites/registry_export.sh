#!/usr/bin/env bash
# `hoshi registry export` on a seeded registry (tests/data/registry/seed.py:
# every case of the dataset) and `hoshi tab` on what it wrote, both
# compared byte for byte with tests/data/expected/registry/; CP932 and
# English output; bad --out and --db leave nothing behind.  The CLI test
# format cannot seed a database, hence a suite.  Prints ok/FAIL lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/hoshi}
exp=$here/tests/data/expected/registry
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fi; }
same() { cmp -s "$1" "$2" || { diff "$1" "$2" | head -20 | sed 's/^/  /' >&2; false; }; }
hoshi() { "$bin" "$@" --data-dir "$here/data"; }

# hoshi makes the schema (an empty file is an empty database), the seeder fills it
: >"$tmp/db"
hoshi registry export --db "$tmp/db" --out "$tmp/empty" 2>"$tmp/err"
check "export of a registry with no declarations: exit 0, header only, stderr empty" \
  '[ $? = 0 ] && [ ! -s "$tmp/err" ] && same "$tmp/empty/data.csv" "$exp/empty-data.csv"'
python3 "$here/tests/data/registry/seed.py" "$tmp/db"

hoshi registry export --db "$tmp/db" --out "$tmp/out" >"$tmp/stdout" 2>"$tmp/err"
rc=$?
check "export: exit 0, nothing on stdout or stderr" '[ $rc = 0 ] && [ ! -s "$tmp/stdout" ] && [ ! -s "$tmp/err" ]'
check "export: codebook.csv exactly" 'same "$tmp/out/codebook.csv" "$exp/codebook.csv"'
check "export: data.csv exactly (declared organisations only, latest declaration and diagnosis)" \
  'same "$tmp/out/data.csv" "$exp/data.csv"'
check "export: no staging files left in --out" '[ "$(ls -A "$tmp/out" | tr "\n" " ")" = "codebook.csv data.csv " ]'

# hoshi tab reads the pair as it is; each table exactly
t=0
while IFS='|' read -r name args; do
  [ -z "$name" ] && continue
  t=$((t + 1))
  eval "\"\$bin\" tab --codebook \"\$tmp/out/codebook.csv\" --data \"\$tmp/out/data.csv\" $args" \
    >"$tmp/tab$t.csv" 2>"$tmp/tab$t.err"
  check "tab on the export: $name" '[ ! -s "$tmp/tab$t.err" ] && same "$tmp/tab$t.csv" "$exp/tab-$t.csv"'
done <<'CASES'
declarations in force by prefecture and level|--side DPREF --head DLEVEL --where DSTATUS=1
score bands by size|--side DSIZE --head DIAG:band
by month: level, all five ★ items, all 25 items|--side DMONTH --head DLEVEL,DIAG:star1,DIAG:star2
the step-up funnel by level|--side DLEVEL --head DSTEP
per-item implementation among the diagnosed|--head DIAG --where DIAG:star1=1,2
score by industry (NUM head)|--side DINDUSTRY --head DSCORE
CASES

hoshi registry export --db "$tmp/db" --out "$tmp/sjis" --encoding cp932 2>"$tmp/err"
check "export --encoding cp932: the same files in CP932" \
  '[ $? = 0 ] && iconv -f CP932 -t UTF-8 "$tmp/sjis/codebook.csv" | cmp -s - "$exp/codebook.csv" && cmp -s "$tmp/sjis/data.csv" "$exp/data.csv"'
"$bin" tab --codebook "$tmp/sjis/codebook.csv" --data "$tmp/sjis/data.csv" --side DLEVEL --head DSTEP >"$tmp/sjis.csv" 2>&1
check "tab reads the CP932 export: the same table" 'same "$tmp/sjis.csv" "$exp/tab-4.csv"'
hoshi registry export --db "$tmp/db" --out "$tmp/en" --lang en 2>"$tmp/err"
check "export --lang en: English codebook, same data" \
  '[ $? = 0 ] && same "$tmp/en/codebook.csv" "$exp/codebook-en.csv" && cmp -s "$tmp/en/data.csv" "$exp/data.csv"'

# bad --out: a clear message, exit 2, nothing written
: >"$tmp/plain"
hoshi registry export --db "$tmp/db" --out "$tmp/plain" >"$tmp/stdout" 2>"$tmp/err"
rc=$?
check "--out a file: exit 2, message, file untouched" \
  '[ $rc = 2 ] && [ "$(cat "$tmp/err")" = "hoshi registry: --out $tmp/plain is not a directory" ] && [ ! -s "$tmp/plain" ] && [ ! -s "$tmp/stdout" ]'
hoshi registry export --db "$tmp/db" --out "$tmp/plain/sub" 2>"$tmp/err"
rc=$?
check "--out under a file: exit 2, cannot make directory" \
  '[ $rc = 2 ] && [ "$(cat "$tmp/err")" = "hoshi registry: cannot make directory $tmp/plain/sub: Not a directory" ]'
hoshi registry export --db "$tmp/db" --out /proc/self 2>"$tmp/err"
rc=$?
check "--out unwritable (/proc/self): exit 2, names the directory, nothing written" \
  '[ $rc = 2 ] && grep -q "^hoshi registry: cannot write to /proc/self: " "$tmp/err" && [ ! -e /proc/self/codebook.csv ]'
mkdir "$tmp/keep" && printf 'old\n' >"$tmp/keep/codebook.csv"
hoshi registry export --db "$tmp/nodb" --out "$tmp/keep" 2>"$tmp/err"
rc=$?
check "--db missing: exit 2, message, nothing created, old files kept" \
  '[ $rc = 2 ] && [ "$(cat "$tmp/err")" = "hoshi registry: no database at $tmp/nodb" ] && [ ! -e "$tmp/nodb" ] && [ "$(cat "$tmp/keep/codebook.csv")" = old ] && [ ! -e "$tmp/keep/data.csv" ]'
hoshi registry export --db "$tmp/db" --out "$tmp/new/" 2>"$tmp/err"
check "--out missing: made, with both files" '[ $? = 0 ] && same "$tmp/new/data.csv" "$exp/data.csv"'
