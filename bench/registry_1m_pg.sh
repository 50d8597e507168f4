#!/usr/bin/env bash
# bench/registry_1m.sh on PostgreSQL: a throwaway server (tests/pg/pgtmp.py:
# a fresh data directory, fsync off, Unix socket only) seeded with the
# demo declarations by `hoshi serve --demo`, then the same requests.
# Its shared_buffers is 1 GB (HOSHI_BENCH_PG_BUFFERS), as a server for a
# registry this size would have (docs/deploy.md); the tests' 32 MB holds
# little of a million's search tables, and every miss is a read through
# the kernel.
# Usage: bench/registry_1m_pg.sh [DURATION_SECONDS]  (the same variables)
set -euo pipefail
cd "$(dirname "$0")/.."
export PGTMP_SHARED_BUFFERS=${HOSHI_BENCH_PG_BUFFERS:-1GB}
exec python3 tests/pg/pgtmp.py run -- bash -c 'HOSHI_BENCH_DB="$HOSHI_TEST_PG" exec bench/registry_1m.sh "$@"' \
  registry_1m_pg "$@"
