# serve.bash -- sourced by the suites that run hoshi themselves and
# check what it does (backup_restore.sh, backup_restore_pg.sh,
# pg_stream.sh): a temporary directory, ok/FAIL lines, comparing files,
# starting `hoshi serve` on a free port, stopping it cleanly.
# The suite sets bin (the hoshi to run) before starting a server.

# A temporary directory for the suite, and the servers it starts: both
# gone when the suite exits, however it exits.
tmp=$(mktemp -d)
pids=()
serve_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap serve_cleanup EXIT

# check NAME EXPR: "ok   NAME" when EXPR (evaluated) holds, else "FAIL NAME".
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fi; }
# same A B: whether files A and B (- for standard input) are the same
# bytes; when not, the start of their diff, indented, for the log.
same() { cmp -s "$1" "$2" || { diff "$1" "$2" | head -20 | sed 's/^/  /'; false; }; }

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
