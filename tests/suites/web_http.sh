#!/usr/bin/env bash
# HTTP integration and security tests of `hoshi serve` (tests/http/test_*.py,
# sharing tests/http/harness.py), against the sanitizer build in $HOSHI.
# Prints ok/FAIL lines; the exit status is non-zero when any file failed.
cd "$(dirname "$0")/../.." || exit 1
HOSHI=${HOSHI:-build/san/hoshi}
rc=0
for t in tests/http/test_*.py; do
    python3 "$t" "$HOSHI" || rc=1
done
exit $rc
