# serve.bash -- sourced by the suites that run `hoshi serve` themselves
# and check it over HTTP (backup_restore.sh, backup_restore_pg.sh):
# ok/FAIL lines, starting a server on a free port, stopping it cleanly.
# The suite sets bin (the hoshi to run), tmp (its temporary directory)
# and pids=() (the servers the suite's exit trap kills) before using them.

# check NAME EXPR: "ok   NAME" when EXPR (evaluated) holds, else "FAIL NAME".
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fi; }

# start NAME DB [ARGS...]: `hoshi serve --db DB ARGS` on a free port, its
# output in $tmp/NAME.out and log in $tmp/NAME.log; sets port and pid.
# A server that does not start is a FAIL line and the end of the suite.
start() {
  local name=$1 db=$2
  shift 2
  : >"$tmp/$name.out"
  "$bin" serve --listen 127.0.0.1:0 --db "$db" --threads 2 "$@" >"$tmp/$name.out" 2>"$tmp/$name.log" &
  pid=$!
  pids+=("$pid")
  port=
  for _ in $(seq 600); do
    port=$(sed -n 's|^hoshi serve: listening on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$tmp/$name.out")
    [ -n "$port" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "FAIL $name: server did not start: $(tail -c 2000 "$tmp/$name.log")"
  exit 1
}

# stop NAME PID: SIGTERM, a clean exit and no sanitizer report.
stop() {
  local name=$1 rc
  kill -TERM "$2"
  wait "$2"
  rc=$?
  check "$name: stopped cleanly (exit 0)" '[ $rc = 0 ]'
  check "$name: no sanitizer report" '! grep -q "Sanitizer\|runtime error" "$tmp/$name.log"'
}
