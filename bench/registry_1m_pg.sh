#!/usr/bin/env bash
# bench/registry_1m.sh on PostgreSQL: a throwaway server (tests/pg/pgtmp.py:
# a fresh data directory, fsync off, Unix socket only) seeded with the
# demo declarations by `hoshi serve --demo`, then the same requests.
# Usage: bench/registry_1m_pg.sh [DURATION_SECONDS]  (the same variables)
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 tests/pg/pgtmp.py run -- bash -c 'HOSHI_BENCH_DB="$HOSHI_TEST_PG" exec bench/registry_1m.sh "$@"' \
  registry_1m_pg "$@"
