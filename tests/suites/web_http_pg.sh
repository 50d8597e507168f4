#!/usr/bin/env bash
# The HTTP tests of tests/suites/web_http.sh against PostgreSQL (issue 12
# part 3): every tests/http/test_*.py against the sanitizer build in
# $HOSHI, under one throwaway server that tests/pg/pgtmp.py starts in a
# temporary directory and stops afterwards.  With HOSHI_TEST_PG set,
# tests/http/harness.py gives every database a test names by an SQLite
# path a PostgreSQL database of its own.  Prints ok/FAIL lines (prefixed
# "pg "); the exit status is non-zero when any file failed.
cd "$(dirname "$0")/../.." || exit 1
HOSHI=${HOSHI:-build/san/hoshi}
if [ ! -x "$HOSHI" ]; then
    echo "FAIL pg web_http: $HOSHI is not built (make san)"
    exit 1
fi
export HOSHI
exec timeout 1700 python3 tests/pg/pgtmp.py run -- bash -c '
rc=0
for t in tests/http/test_*.py; do
    bash tests/pg/prefixed.sh "$(basename "$t" .py)" python3 "$t" "$HOSHI" || rc=1
done
exit $rc'
