#!/usr/bin/env bash
# The PostgreSQL driver (issue 12 part 1) against a real server: a
# throwaway cluster made with initdb in a temporary directory, owned by an
# unprivileged user when run as root (PostgreSQL refuses to run as root),
# listening only on a Unix socket in that directory, stopped and removed
# however the suite ends.  Runs build/san/pgtests/test_pg_driver with
# HOSHI_TEST_PG naming it.  Prints ok/FAIL lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
test_bin=${HOSHI_PG_DRIVER_TEST:-$here/build/san/pgtests/test_pg_driver}
pgbin=${HOSHI_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
user=hoshi-test

if [ ! -x "$test_bin" ]; then
    echo "FAIL pg_driver: $test_bin is not built (make san)"
    exit 0
fi
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
    echo "FAIL pg_driver: no initdb in /usr/lib/postgresql/*/bin (Debian package postgresql)"
    exit 0
fi

tmp=$(mktemp -d)
as_owner() { "$@"; }
if [ "$(id -u)" = 0 ]; then
    if ! id "$user" >/dev/null 2>&1 &&
       ! useradd --system --no-create-home --shell /usr/sbin/nologin "$user"; then
        echo "FAIL pg_driver: could not create the user $user to run the server"
        rm -rf "$tmp"
        exit 0
    fi
    chown "$user" "$tmp"
    as_owner() { runuser -u "$user" -- "$@"; }
fi
stop() {
    as_owner "$pgbin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$tmp"
}
trap stop EXIT

# The socket lives in $tmp, so the port only has to be free of other
# servers' sockets there; one free on TCP too keeps the log unambiguous.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if ! (cd "$tmp" && as_owner "$pgbin/initdb" -D "$tmp/data" -U hoshi -A trust -E UTF8 --no-locale \
        >"$tmp/initdb.log" 2>&1); then
    echo "FAIL pg_driver: initdb failed"
    sed 's/^/  /' "$tmp/initdb.log" | tail -20
    exit 0
fi
if ! (cd "$tmp" && as_owner "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
        -o "-k $tmp -p $port -c listen_addresses='' -c fsync=off" start >/dev/null 2>&1); then
    echo "FAIL pg_driver: the server did not start"
    sed 's/^/  /' "$tmp/server.log" | tail -20
    exit 0
fi
echo "ok   pg_driver: a PostgreSQL server on $tmp port $port"

HOSHI_TEST_PG="host=$tmp port=$port user=hoshi dbname=postgres" timeout 600 "$test_bin"
rc=$?
if [ $rc -ne 0 ]; then
    echo "FAIL pg_driver: test_pg_driver exited with status $rc"
fi
exit 0
