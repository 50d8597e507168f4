#!/usr/bin/env bash
# The store's unit tests against PostgreSQL (issue 12 part 3): the same
# programs that test SQLite (tests/unit/test_store*.c and the other tests
# that open a store through hi_test_store_open, tests/unit/pgtest.h), run
# again with HOSHI_TEST_PG naming a throwaway server that
# tests/pg/pgtmp.py starts in a temporary directory and stops afterwards.
# Prints each program's ok/FAIL lines, prefixed "pg ", and a FAIL line for
# a program that exits non-zero without one.
cd "$(dirname "$0")/../.." || exit 1
bin=build/san/tests
tests="test_store test_store_audit test_store_suppliers test_store_cache test_store_member test_store_policy test_store_search
       test_store_survey test_store_throttle test_nta test_mail test_registry_data test_survey_export"
for t in $tests; do
    if [ ! -x "$bin/$t" ]; then
        echo "FAIL pg $t: $bin/$t is not built (make san)"
        continue
    fi
done
# One server for all of them: each test makes databases of its own.
exec timeout 1800 python3 tests/pg/pgtmp.py run -- bash -c '
rc=0
for t in '"$(echo $tests)"'; do
    [ -x "'"$bin"'/$t" ] || continue
    bash tests/pg/prefixed.sh "$t" "'"$bin"'/$t" || rc=1
done
exit $rc'
