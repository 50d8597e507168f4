"""Shared harness of the HTTP tests (tests/http/test_*.py): a tiny cookie-
keeping client, starting `hoshi serve` on a free loopback port with its
stderr (the structured log) captured in a file, raw sockets, and the
'ok NAME' / 'FAIL NAME' lines tests/run.py counts.
"""
import http.client, json, os, re, signal, socket, sqlite3, subprocess, sys, tempfile, time, urllib.parse

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
        self.p = subprocess.Popen([HOSHI, "serve", "--listen", "127.0.0.1:0", "--db", db, "--threads", "3", *extra],
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
    fail (SQLITE_BUSY after its busy timeout) as on a locked or full disk."""
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
