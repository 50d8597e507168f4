#!/usr/bin/env bash
# prefixed.sh NAME CMD [ARGS...] -- runs one test program of a suite run
# against PostgreSQL (tests/suites/store_pg.sh, web_http_pg.sh) and prints
# its ok/FAIL lines as "ok pg NAME: ..." / "FAIL pg NAME: ...", and a FAIL
# line with the tail of its output when it exits non-zero without one.
# Exits with CMD's status.
name=$1
shift
out=$("$@" 2>&1); status=$?
printf "%s\n" "$out" | sed -n "s/^\(ok\|FAIL\) /\1 pg $name: /p"
if [ $status -ne 0 ] && ! printf "%s\n" "$out" | grep -q "^FAIL "; then
    echo "FAIL pg $name: exited with status $status"
    printf "%s\n" "$out" | tail -5
fi
exit $status
