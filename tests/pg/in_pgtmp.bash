# in_pgtmp.bash -- sourced first by a suite that needs a PostgreSQL server
# (backup_restore_pg.sh, pg_stream.sh), with `here` set to the source
# tree: unless HOSHI_TEST_PG already names one, the suite runs again, with
# its arguments, under tests/pg/pgtmp.py, which starts a throwaway server,
# sets HOSHI_TEST_PG and removes the server afterwards (at most 15 minutes).
if [ -z "${HOSHI_TEST_PG:-}" ]; then
  exec timeout 900 python3 "$here/tests/pg/pgtmp.py" run -- bash "$0" "$@"
fi
