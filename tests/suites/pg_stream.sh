#!/usr/bin/env bash
# Streamed reads on PostgreSQL (issue 12; the driver's single-row mode,
# hi_stream): the driver's unit program build/san/pgtests/test_pg_stream,
# then `hoshi registry export` (which streams) over a few thousand
# organisations on PostgreSQL, byte for byte the same as its export of the
# same rows on SQLite.  Runs on a throwaway server (tests/pg/pgtmp.py; the
# suite starts one itself when HOSHI_TEST_PG is not set).  Prints ok/FAIL
# lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/tests/pg/in_pgtmp.bash"
bin=${HOSHI:-$here/build/san/hoshi}
[ "${bin#/}" = "$bin" ] && bin=$here/$bin
unit=$here/build/san/pgtests/test_pg_stream
n=3000
. "$here/tests/suites/lib/serve.bash"
command -v sqlite3 >/dev/null || { echo "FAIL pg_stream: no sqlite3 command (Debian package sqlite3)"; exit 1; }

if [ -x "$unit" ]; then
  bash "$here/tests/pg/prefixed.sh" test_pg_stream "$unit"
else
  echo "FAIL pg_stream: $unit is not built (make san)"
fi
[ -x "$bin" ] || { echo "FAIL pg_stream: $bin is not built (make san)"; exit 1; }

# One registry in both databases: hoshi makes each schema (an export of
# nothing), fill_registry.sh the same rows into both.
pg=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import pgtmp; print(pgtmp.new_database(sys.argv[2], "stream_export"))' \
       "$here/tests/pg" "$HOSHI_TEST_PG")
: >"$tmp/lite.db"
"$bin" registry export --db "$tmp/lite.db" --out "$tmp/lite-empty" 2>"$tmp/err" &&
  "$bin" registry export --db "$pg" --out "$tmp/pg-empty" 2>>"$tmp/err"
check "export of an empty registry: the same on both" \
  '[ ! -s "$tmp/err" ] && same "$tmp/lite-empty/data.csv" "$tmp/pg-empty/data.csv"'
bash "$here/tests/pg/fill_registry.sh" $n >"$tmp/fill.sql"
sqlite3 -bail "$tmp/lite.db" <"$tmp/fill.sql" 2>"$tmp/fill-lite.err"
rc_lite=$?
psql -X -q -v ON_ERROR_STOP=1 -d "$pg" -f "$tmp/fill.sql" 2>"$tmp/fill-pg.err"
rc_pg=$?
check "the same $n organisations written into SQLite and PostgreSQL" \
  '[ $rc_lite = 0 ] && [ $rc_pg = 0 ] && [ ! -s "$tmp/fill-lite.err" ] && [ ! -s "$tmp/fill-pg.err" ]'
sed 's/^/  /' "$tmp/fill-lite.err" "$tmp/fill-pg.err" | head -10

"$bin" registry export --db "$tmp/lite.db" --out "$tmp/lite" 2>"$tmp/lite.err"
rc_lite=$?
"$bin" registry export --db "$pg" --out "$tmp/pg" 2>"$tmp/pg.err"
rc_pg=$?
declared=$(sqlite3 "$tmp/lite.db" "SELECT count(DISTINCT org_id) FROM declarations")
check "export on both: exit 0, silent" \
  '[ $rc_lite = 0 ] && [ $rc_pg = 0 ] && [ ! -s "$tmp/lite.err" ] && [ ! -s "$tmp/pg.err" ]'
sed 's/^/  /' "$tmp/lite.err" "$tmp/pg.err" | head -10
check "export: one row per declared organisation ($declared, of $n)" \
  '[ "$declared" -gt 2000 ] && [ "$(($(wc -l <"$tmp/lite/data.csv") - 1))" = "$declared" ]'
check "export: every column varies (levels, statuses, step-ups, scores, answers)" \
  '[ "$(cut -d, -f1 "$tmp/lite/data.csv" | sort -u | wc -l)" -ge 3 ] && [ "$(cut -d, -f6 "$tmp/lite/data.csv" | sort -u | wc -l)" -ge 3 ] &&
   [ "$(sed 1d "$tmp/lite/data.csv" | sort -u | wc -l)" -gt 500 ]'
check "export on PostgreSQL (streamed) = export on SQLite: data.csv byte for byte" \
  'same "$tmp/lite/data.csv" "$tmp/pg/data.csv"'
check "export on PostgreSQL = export on SQLite: codebook.csv byte for byte" \
  'same "$tmp/lite/codebook.csv" "$tmp/pg/codebook.csv"'
