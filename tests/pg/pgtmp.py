#!/usr/bin/env python3
"""pgtmp -- a throwaway PostgreSQL server for hoshi's tests.

    python3 tests/pg/pgtmp.py run -- CMD ARGS...

starts a PostgreSQL server in a fresh temporary directory, runs CMD with
HOSHI_TEST_PG set to the server's URL

    postgresql://hoshi@/postgres?host=SOCKETDIR&port=PORT

(libpq and psql both take it; it names the database `postgres`) and
PGTMP_DATA to the server's data directory, then stops the server and
removes the directory whatever CMD did, and exits with CMD's status (128+N
when a signal N ended it; 125 when the server could not be started, with
what failed and the tail of initdb's or the server's log on stderr).

The server listens on a Unix socket in its own directory only (no TCP),
trusts every local connection, runs with fsync off, and its databases are
UTF8 with the C locale.  Its shared_buffers is 32MB, small for many
servers at once; PGTMP_SHARED_BUFFERS (such as 1GB) sets another for a
benchmark's one server.  initdb and pg_ctl come from the highest version
under /usr/lib/postgresql/*/bin (PGTMP_BINDIR overrides).  initdb refuses
to run as root, so as root the server runs as the system user hoshi-test
(created with useradd --system when missing; `nobody` if that fails),
which owns the temporary directory.

From Python tests:

    import pgtmp
    with pgtmp.server() as url:               # or HOSHI_TEST_PG when run under `pgtmp.py run`
        db = pgtmp.new_database(url, "test_x")   # a fresh database, one per test
"""
import contextlib, glob, os, pwd, re, shutil, signal, socket, subprocess, sys, tempfile, time
import urllib.parse

USER = "hoshi"            # the server's superuser (a database role, not an OS user)
OS_USER = "hoshi-test"    # who runs the server when we are root
START_FAILED = 125


def _shared_buffers():
    """PGTMP_SHARED_BUFFERS when it is a size PostgreSQL takes (digits and
    kB, MB or GB), else 32MB."""
    v = os.environ.get("PGTMP_SHARED_BUFFERS", "")
    if not v:
        return "32MB"
    if not re.fullmatch(r"[1-9][0-9]{0,6}(kB|MB|GB)", v):
        raise PgTmpError(f"PGTMP_SHARED_BUFFERS: '{v}' is not a size such as 512MB or 1GB")
    return v


class PgTmpError(Exception):
    """The server could not be started or stopped; the message says why."""


def bindir():
    """The directory of initdb and pg_ctl: PGTMP_BINDIR, or the highest
    PostgreSQL version under /usr/lib/postgresql."""
    env = os.environ.get("PGTMP_BINDIR")
    if env:
        if not os.access(os.path.join(env, "initdb"), os.X_OK):
            raise PgTmpError(f"PGTMP_BINDIR={env}: no initdb there")
        return env
    found = []
    for d in glob.glob("/usr/lib/postgresql/*/bin"):
        v = os.path.basename(os.path.dirname(d))
        if re.fullmatch(r"\d+(\.\d+)?", v) and all(os.access(os.path.join(d, p), os.X_OK)
                                                  for p in ("initdb", "pg_ctl", "postgres")):
            found.append((tuple(int(x) for x in v.split(".")), d))
    if not found:
        raise PgTmpError("no PostgreSQL server under /usr/lib/postgresql/*/bin "
                         "(install the Debian package postgresql: make deps)")
    return max(found)[1]


def _run_as():
    """(uid, gid) to run the server as: ourselves unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        p = pwd.getpwnam(OS_USER)
    except KeyError:
        r = subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                            OS_USER], capture_output=True, text=True)
        try:
            p = pwd.getpwnam(OS_USER)
        except KeyError:
            print(f"pgtmp: useradd {OS_USER} failed ({r.stderr.strip()}); running the server as nobody",
                  file=sys.stderr)
            p = pwd.getpwnam("nobody")
    return (p.pw_uid, p.pw_gid)


def _free_port():
    # Only names the socket file in our own directory, but a port nothing
    # else listens on keeps psql's and the logs' "port N" unambiguous.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path, lines=25):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def _sh(args, ids, cwd, what, log=None):
    kw = dict(cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
              env=dict(os.environ, LC_ALL="C", LANG="C"))
    if ids:
        kw.update(user=ids[0], group=ids[1], extra_groups=[])
    try:
        r = subprocess.run(args, timeout=120, **kw)
    except (OSError, subprocess.SubprocessError) as e:
        raise PgTmpError(f"{what}: {e}")
    if r.returncode != 0:
        detail = (r.stdout + r.stderr).strip()
        if log:
            detail += "\n--- the last lines of its log\n" + _tail(log)
        raise PgTmpError(f"{what} failed (exit {r.returncode}):\n{detail}")
    return r


class Server:
    """A running throwaway server: .url, .dir (removed by stop()), .data,
    .port, .socket_dir."""

    def __init__(self):
        self.bin = bindir()
        self.ids = _run_as()
        base = tempfile.gettempdir()
        if len(base) > 40:   # a Unix socket's path is limited to ~107 bytes
            base = "/tmp"
        self.dir = tempfile.mkdtemp(prefix="pgtmp-", dir=base)
        self.data = os.path.join(self.dir, "data")
        self.socket_dir = os.path.join(self.dir, "sock")
        self.log = os.path.join(self.dir, "server.log")
        self.port = _free_port()
        self.started = False
        self.url = (f"postgresql://{USER}@/postgres?host={urllib.parse.quote(self.socket_dir, safe='/')}"
                    f"&port={self.port}")

    def start(self):
        try:
            os.mkdir(self.socket_dir, 0o700)
            if self.ids:
                for p in (self.dir, self.socket_dir):
                    os.chown(p, *self.ids)
            _sh([os.path.join(self.bin, "initdb"), "-D", self.data, "--auth=trust", f"--username={USER}",
                 "--encoding=UTF8", "--locale=C", "--no-sync"], self.ids, self.dir, "initdb")
            with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
                f.write(f"\n# pgtmp\nlisten_addresses = ''\nport = {self.port}\n"
                        f"unix_socket_directories = '{self.socket_dir}'\n"
                        "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                        f"shared_buffers = {_shared_buffers()}\nmax_connections = 200\n")
            _sh([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-l", self.log, "-w", "-t", "60", "start"],
                self.ids, self.dir, "pg_ctl start", log=self.log)
            self.started = True
        except BaseException:
            self.stop()
            raise
        return self

    def _postmaster_pid(self):
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                return int(f.readline())
        except (OSError, ValueError):
            return None

    def stop(self):
        """Stops the server (immediately: nothing in it is kept) and
        removes its directory."""
        pid = self._postmaster_pid()
        if pid is not None:
            try:
                _sh([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "-t", "30",
                     "stop"], self.ids, self.dir, "pg_ctl stop")
            except PgTmpError as e:
                print(f"pgtmp: {e}; killing the server", file=sys.stderr)
            for i in range(100):
                try:
                    os.kill(pid, signal.SIGKILL if i >= 50 else 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.started = False


@contextlib.contextmanager
def server():
    """A throwaway server for the with-block; yields its URL."""
    s = Server().start()
    try:
        yield s.url
    finally:
        s.stop()


def db_url(base_url, name):
    """base_url with its database replaced by name."""
    u = urllib.parse.urlsplit(base_url)
    return urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + name, u.query, u.fragment))


def psql_path():
    try:
        p = os.path.join(bindir(), "psql")
        if os.access(p, os.X_OK):
            return p
    except PgTmpError:
        pass
    return shutil.which("psql") or "psql"


def new_database(base_url, name):
    """Creates a fresh database name on the server of base_url (dropping
    an old one of that name) and returns its URL.  name: [a-z_][a-z0-9_]*,
    at most 63 characters."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"database name {name!r}: use [a-z_][a-z0-9_]*, at most 63 characters")
    r = subprocess.run([psql_path(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", base_url,
                        "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                        "-c", f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise PgTmpError(f"creating database {name}: {r.stderr.strip()}")
    return db_url(base_url, name)


def run(cmd):
    """Runs cmd with a throwaway server; returns its exit status."""
    try:
        s = Server()
    except PgTmpError as e:
        print(f"pgtmp: {e}", file=sys.stderr)
        return START_FAILED
    child = None

    def forward(sig, _frame):
        if child is not None and child.poll() is None:
            child.send_signal(sig)
        else:
            raise KeyboardInterrupt
    old = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    try:
        try:
            s.start()
        except PgTmpError as e:
            print(f"pgtmp: the PostgreSQL server did not start: {e}", file=sys.stderr)
            return START_FAILED
        env = dict(os.environ, HOSHI_TEST_PG=s.url, PGTMP_DATA=s.data)
        try:
            child = subprocess.Popen(cmd, env=env)
        except OSError as e:
            print(f"pgtmp: cannot run {cmd[0]}: {e}", file=sys.stderr)
            return 127
        rc = child.wait()
        return rc if rc >= 0 else 128 - rc
    except KeyboardInterrupt:
        return 130
    finally:
        for sig, h in old.items():
            signal.signal(sig, h)
        s.stop()


def main(argv):
    if len(argv) >= 3 and argv[0] == "run" and argv[1] == "--":
        return run(argv[2:])
    print("usage: pgtmp.py run -- CMD [ARGS...]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
