#!/usr/bin/env bash
# HTTP integration and security tests of `hoshi serve` (tests/http/),
# against the sanitizer build in $HOSHI.  Prints ok/FAIL lines.
cd "$(dirname "$0")/../.." || exit 1
HOSHI=${HOSHI:-build/san/hoshi}
exec python3 tests/http/test_web.py "$HOSHI"
