#!/usr/bin/env bash
# The PostgreSQL schema (src/lib/store/pg_schema.c) and the throwaway
# server the tests use (tests/pg/pgtmp.py).  A real server started by
# pgtmp.py gets hi_pg_migrations[] applied (build/san/pg_migrate) and is
# compared with a SQLite database hoshi made (tests/pg/check_schema.py:
# tables, columns, indexes, keys, every trigger's effect, the functions);
# test_pgtest checks a C test's database of its own; then pgtmp.py itself:
# the command's exit status, the server and its directory gone afterwards
# whatever the command did, and a clear message when the server cannot
# start.  Prints ok/FAIL lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/san/hoshi}
build=$(dirname "$bin")
pgtmp=$here/tests/pg/pgtmp.py
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"   # the server may run as hoshi-test and must reach the scripts below
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fi; }
gone() { # the server of the data directory $1, whose postmaster was $2, is stopped and removed
  [ -n "$1" ] && [ -n "$2" ] && [ ! -e "$1" ] && ! kill -0 "$2" 2>/dev/null
}

# hoshi makes the SQLite schema (an empty file is an empty database)
: >"$tmp/sqlite.db"
"$bin" registry export --db "$tmp/sqlite.db" --out "$tmp/export" --data-dir "$here/data" >/dev/null 2>&1
check "hoshi made a SQLite database to compare with" '[ -s "$tmp/sqlite.db" ]'

# one server for the schema checks and the C helper; the command notes
# where the server was, to look afterwards
python3 "$pgtmp" run -- bash -c '
  echo "$PGTMP_DATA" >"$1/data"; head -1 "$PGTMP_DATA/postmaster.pid" >"$1/pid"
  python3 "$2/tests/pg/check_schema.py" "$1/sqlite.db" "$3/pg_migrate"; a=$?
  "$3/tests/test_pgtest"; b=$?
  exit $((a + b))' bash "$tmp" "$here" "$build"
rc=$?
check "schema checks and test_pgtest passed under pgtmp.py run (exit $rc)" '[ $rc = 0 ]'
check "the server is stopped and its directory removed afterwards" 'gone "$(cat "$tmp/data")" "$(cat "$tmp/pid")"'

# pgtmp.py run: the command's status, whatever it is; cleanup either way
TMPDIR=$tmp/t
mkdir -m 755 "$TMPDIR"
export TMPDIR
python3 "$pgtmp" run -- bash -c 'echo "$PGTMP_DATA" >"$1/data2"; head -1 "$PGTMP_DATA/postmaster.pid" >"$1/pid2"
  psql -X -At -d "$HOSHI_TEST_PG" -c "SELECT 6 * 7" >"$1/answer"; exit 7' bash "$tmp"
rc=$?
check "pgtmp.py run: HOSHI_TEST_PG reaches the server with psql" '[ "$(cat "$tmp/answer")" = 42 ]'
check "pgtmp.py run: exits with the command's status (7)" '[ $rc = 7 ]'
check "pgtmp.py run: a failed command's server is stopped and removed too" \
  'gone "$(cat "$tmp/data2")" "$(cat "$tmp/pid2")" && [ -z "$(ls -A "$TMPDIR")" ]'
python3 "$pgtmp" run -- bash -c 'head -1 "$PGTMP_DATA/postmaster.pid" >"$1/pid3"; kill -TERM $$' bash "$tmp"
rc=$?
check "pgtmp.py run: a command ended by SIGTERM: exit 143, server gone" \
  '[ $rc = 143 ] && ! kill -0 "$(cat "$tmp/pid3")" 2>/dev/null && [ -z "$(ls -A "$TMPDIR")" ]'
python3 "$pgtmp" run -- "$tmp/no-such-command" 2>"$tmp/err"
rc=$?
check "pgtmp.py run: a command that does not exist: exit 127, said, server gone" \
  '[ $rc = 127 ] && grep -q "cannot run $tmp/no-such-command" "$tmp/err" && [ -z "$(ls -A "$TMPDIR")" ]'
python3 "$pgtmp" run 2>"$tmp/err"
rc=$?
check "pgtmp.py without a command: usage, exit 2" '[ $rc = 2 ] && grep -q "usage: pgtmp.py run -- CMD" "$tmp/err"'

# a server that cannot start: what failed and the log's last lines, exit 125, nothing left behind
real=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import pgtmp; print(pgtmp.bindir())' "$here/tests/pg")
PGTMP_BINDIR=$tmp/nowhere python3 "$pgtmp" run -- true 2>"$tmp/err"
rc=$?
check "PGTMP_BINDIR without initdb: exit 125, said" \
  '[ $rc = 125 ] && grep -q "PGTMP_BINDIR=$tmp/nowhere: no initdb there" "$tmp/err"'
mkdir -m 755 "$tmp/badinit" "$tmp/badstart"
printf '#!/bin/sh\necho "initdb: the disk is on fire" >&2\nexit 1\n' >"$tmp/badinit/initdb"
ln -s "$real/initdb" "$tmp/badstart/initdb"
printf '#!/bin/sh\nexec "%s/pg_ctl" "$@" -o "-c no_such_setting=1"\n' "$real" >"$tmp/badstart/pg_ctl"
chmod 755 "$tmp/badinit/initdb" "$tmp/badstart/pg_ctl"
PGTMP_BINDIR=$tmp/badinit python3 "$pgtmp" run -- touch "$tmp/ran" 2>"$tmp/err"
rc=$?
check "initdb failing: exit 125, 'initdb failed' with its message, the command not run, nothing left" \
  '[ $rc = 125 ] && grep -q "initdb failed (exit 1)" "$tmp/err" && grep -q "the disk is on fire" "$tmp/err" &&
   [ ! -e "$tmp/ran" ] && [ -z "$(ls -A "$TMPDIR")" ]'
PGTMP_BINDIR=$tmp/badstart python3 "$pgtmp" run -- touch "$tmp/ran" 2>"$tmp/err"
rc=$?
check "the server failing to start: exit 125, 'pg_ctl start failed' and the server log's reason, nothing left" \
  '[ $rc = 125 ] && grep -q "pg_ctl start failed" "$tmp/err" &&
   grep -q "unrecognized configuration parameter \"no_such_setting\"" "$tmp/err" &&
   [ ! -e "$tmp/ran" ] && [ -z "$(ls -A "$TMPDIR")" ]'

# new_database from Python: a fresh database per name, bad names refused
python3 "$pgtmp" run -- python3 - "$here/tests/pg" <<'EOF' >"$tmp/newdb" 2>&1
import os, subprocess, sys
sys.path.insert(0, sys.argv[1])
import pgtmp
base = os.environ["HOSHI_TEST_PG"]
url = pgtmp.new_database(base, "t_one")
q = lambda u, sql: subprocess.run(["psql", "-X", "-At", "-d", u, "-c", sql], capture_output=True, text=True).stdout.strip()
print("db", q(url, "SELECT current_database()"))
q(url, "CREATE TABLE x(i integer)")
url = pgtmp.new_database(base, "t_one")
print("fresh", q(url, "SELECT count(*) FROM pg_class WHERE relname = 'x'"))
for bad in ("T_one", "1x", "a-b", "x" * 64, ""):
    try:
        pgtmp.new_database(base, bad)
        print("accepted", repr(bad))
    except ValueError:
        print("refused")
EOF
check "pgtmp.new_database: the database asked for, empty again when asked again; bad names refused" \
  '[ "$(cat "$tmp/newdb")" = "$(printf "db t_one\nfresh 0\nrefused\nrefused\nrefused\nrefused\nrefused")" ]'
