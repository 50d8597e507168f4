"""Shared harness of the HTTP tests (tests/http/test_*.py): a tiny cookie-
keeping client, starting `hoshi serve` on a free loopback port with its
stderr (the structured log) captured in a file, raw sockets, and the
'ok NAME' / 'FAIL NAME' lines tests/run.py counts.

With HOSHI_TEST_PG set (tests/suites/web_http_pg.sh runs the tests under
tests/pg/pgtmp.py), every database a test names by an SQLite path runs on
a PostgreSQL database of its own instead (db_arg()), and connect() and
locked() reach into it through psql with the subset of sqlite3 the tests
use, so the same tests check both backends.
"""
import http.client, json, os, re, signal, socket, sqlite3, subprocess, sys, tempfile, time, urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pg"))
import pgtmp  # noqa: E402  (tests/pg, for new_database and psql)

PG_URL = os.environ.get("HOSHI_TEST_PG") or None

HOSHI = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("HOSHI", "build/san/hoshi")
failures = 0


def check(name, cond, detail=""):
    global failures
    if cond:
        print(f"ok {name}")
    else:
        failures += 1
        print(f"FAIL {name}" + (f": {detail}" if detail else ""))


class Client:
    """A tiny browser: keeps cookies, never follows redirects.  source is
    the local address to connect from (127.0.0.x: another client as the
    server sees it)."""

    def __init__(self, port, source=None):
        self.port, self.cookies, self.source = port, {}, source

    def connection(self):
        """A new connection to the server (a subclass may reach it otherwise)."""
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60,
                                          source_address=(self.source, 0) if self.source else None)

    def request(self, method, path, form=None, headers=None, body=None):
        c = self.connection()
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urllib.parse.urlencode(form)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, val = v.split(";", 1)[0].split("=", 1)
                if "Max-Age=0" in v:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = val
        c.close()
        r.body = data
        return r

    def get(self, path):
        return self.request("GET", path)

    def token(self, path):
        r = self.get(path)
        m = re.search(r'name="csrf" value="([0-9a-f]{64})"', r.body)
        return m.group(1) if m else ""

    def post(self, path, form, token_from=None):
        form = dict(form)
        form.setdefault("csrf", self.token(token_from or path))
        return self.request("POST", path, form=form)


class Server:
    """A running `hoshi serve`; its stderr goes to a file (the log can be
    long, and a full pipe would stall the server)."""

    def __init__(self, db, extra=()):
        self.errfile = tempfile.NamedTemporaryFile(prefix="hoshi-serve-", suffix=".log", delete=False)
        self.p = subprocess.Popen([HOSHI, "serve", "--listen", "127.0.0.1:0", *db_args(db, extra), "--threads", "3",
                                   *extra],
                                  stdout=subprocess.PIPE, stderr=self.errfile, text=True)
        line = self.p.stdout.readline()
        m = re.search(r":(\d+)/", line)
        if not m:
            self.p.kill()
            self.p.wait()
            print(f"FAIL server start: {line!r} {self.log()[:2000]}")
            sys.exit(1)
        self.port = int(m.group(1))

    def log(self):
        """Everything the server has written to stderr so far."""
        with open(self.errfile.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM):
        """Stops the server; returns its exit status (-9 when it had to be killed)."""
        self.p.send_signal(sig)
        try:
            rc = self.p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            rc = -9
        return rc

    def stop_checked(self, what="server"):
        """Stops the server and checks a clean exit without sanitizer reports."""
        rc = self.stop()
        err = self.log()
        check(f"{what}: graceful shutdown on SIGTERM", rc == 0, f"exit {rc}")
        check(f"{what}: no sanitizer report", "Sanitizer" not in err and "runtime error" not in err, err[-3000:])
        os.unlink(self.errfile.name)
        return rc


def start(db, extra=()):
    """Starts a server; returns (Server, port)."""
    s = Server(db, extra)
    return s, s.port


HOSTILE = '<script>alert("x")</script>&\'"山田'


def locked(db):
    """Holds the database's write lock until closed, so the server's writes
    fail (SQLITE_BUSY after its busy timeout; on PostgreSQL its 5 s lock
    timeout) as on a locked or full disk."""
    if PG_URL:
        return PgLock(db_arg(db))
    con = sqlite3.connect(db, timeout=10, isolation_level=None)
    con.execute("BEGIN EXCLUSIVE")
    return con


def signup(c, email, org, password="correct horse battery"):
    """Signs up and, since sign-up no longer logs in (issue 7, finding 6),
    logs in; returns the sign-up's response."""
    r = c.post("/signup", {"email": email, "password": password, "org": org})
    if r.status == 303:
        c.post("/login", {"email": email, "password": password})
    return r


def complete_profile(c):
    return c.post("/profile", {"name": c.org_name, "corpnum": "7000012050002", "prefecture": "13",
                               "industry": "G", "employees": "2", "contact": "星野"})


def raw(port, data, read=True, wait=5.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(data)
        if read:
            s.settimeout(wait)
            try:
                return s.recv(4096)
            except (socket.timeout, ConnectionResetError):
                return b""
    except (BrokenPipeError, ConnectionResetError):
        return b""
    finally:
        s.close()
    return b""


# --- both backends -------------------------------------------------------

_pg_databases = {}   # the SQLite path a test made up -> its PostgreSQL URL


def on_pg():
    """Whether the tests run against PostgreSQL (HOSHI_TEST_PG is set)."""
    return PG_URL is not None


def db_arg(db):
    """What to pass as --db for the database a test names by the SQLite
    path db: db itself, or on PostgreSQL the URL of a database of its own,
    made fresh at the first use of that path in this process and the same
    at later ones (tests restart servers on one database)."""
    if not PG_URL:
        return db
    key = os.path.abspath(db)
    if key not in _pg_databases:
        stem = re.sub(r"[^a-z0-9_]", "_", os.path.splitext(os.path.basename(sys.argv[0]))[0].lower())[:30]
        name = f"h{os.getpid()}_{len(_pg_databases)}_{stem}"
        _pg_databases[key] = pgtmp.new_database(PG_URL, name)
    return _pg_databases[key]


def db_args(db, extra=()):
    """The --db option of hoshi serve (and hoshi keys) for db; on
    PostgreSQL with --key-file db.keys too (where SQLite keeps the keys),
    unless extra names a key file already."""
    if not PG_URL:
        return ["--db", db]
    args = ["--db", db_arg(db)]
    if "--key-file" not in extra:
        args += ["--key-file", db + ".keys"]
    return args


class PgError(sqlite3.DatabaseError):
    """A statement psql ran failed; caught like sqlite3's errors."""


DatabaseError = sqlite3.DatabaseError


def _literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "'\\x" + bytes(v).hex() + "'::bytea"
    if isinstance(v, str):
        if "\0" in v:
            raise ValueError("a NUL in a text parameter")
        return "'" + v.replace("'", "''") + "'"
    raise TypeError(f"parameter of type {type(v).__name__}")


def _substitute(sql, params):
    """sql with each ? outside quotes replaced by the next parameter as a
    quoted literal."""
    out, it, quote = [], iter(params), None
    for ch in sql:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            try:
                out.append(_literal(next(it)))
            except StopIteration:
                raise PgError("too few parameters") from None
            continue
        out.append(ch)
    if next(it, _literal) is not _literal:
        raise PgError("too many parameters")
    return "".join(out)


def _psql(url, sql):
    p = subprocess.run([pgtmp.psql_path(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url],
                       input=sql, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise PgError(p.stderr.strip())
    return p.stdout


def _sqlite_typed(v):
    # As sqlite3 gives them: booleans are integers there.
    return int(v) if isinstance(v, bool) else v


class PgCursor:
    def __init__(self, rows):
        self.rows = rows

    def fetchone(self):
        return self.rows.pop(0) if self.rows else None

    def fetchall(self):
        rows, self.rows = self.rows, []
        return rows

    def __iter__(self):
        return iter(self.fetchall())


class PgConnection:
    """The part of sqlite3.Connection the tests use, on a PostgreSQL
    database through psql: each statement commits by itself (the tests'
    commit() calls mark nothing more), rows come back as tuples typed as
    sqlite3 would type them (int, str, None; bytea as its \\x text)."""

    def __init__(self, url):
        self.url = url

    def execute(self, sql, params=()):
        sql = _substitute(sql.strip().rstrip(";"), params)
        head = sql.lstrip("( \n").split(None, 1)[0].upper() if sql.strip() else ""
        if head in ("SELECT", "WITH", "VALUES") or " RETURNING " in sql.upper():
            if head in ("SELECT", "WITH", "VALUES"):
                wrapped = f"SELECT coalesce(json_agg(t), '[]') FROM ({sql}) t"
            else:
                wrapped = f"WITH t AS ({sql}) SELECT coalesce(json_agg(t), '[]') FROM t"
            out = _psql(self.url, wrapped + ";\n")
            # Pairs keep the columns' order and duplicate names (count(*) twice).
            rows = json.loads(out, object_pairs_hook=lambda pairs: tuple(_sqlite_typed(v) for _, v in pairs))
            return PgCursor(rows)
        _psql(self.url, sql + ";\n")
        return PgCursor([])

    def executescript(self, script):
        _psql(self.url, script)

    def commit(self):
        pass

    def rollback(self):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def connect(db, timeout=10):
    """A connection to the database of db (the SQLite path the test made
    up): sqlite3's own, or a PgConnection on PostgreSQL."""
    if PG_URL:
        return PgConnection(db_arg(db))
    return sqlite3.connect(db, timeout=timeout)


class PgLock:
    """A psql session holding every hoshi table in EXCLUSIVE mode (reads
    pass, writes wait past the server's 5 s lock timeout) until closed."""

    def __init__(self, url):
        self.p = subprocess.Popen([pgtmp.psql_path(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.p.stdin.write("BEGIN;\n"
                           "SELECT string_agg(format('%I', tablename), ', ') FROM pg_tables"
                           " WHERE schemaname = current_schema() \\gset t_\n"
                           "LOCK TABLE :t_string_agg IN EXCLUSIVE MODE;\n"
                           "\\echo locked\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if line.strip() != "locked":
            self.p.kill()
            raise PgError(f"locking the tables: {line!r} {self.p.stderr.read()}")

    def rollback(self):
        pass

    def close(self):
        if self.p.poll() is None:
            self.p.stdin.write("ROLLBACK;\n")
            self.p.stdin.close()
            try:
                self.p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
