#!/usr/bin/env python3
"""`hoshi serve --trust-proxy ADDR` (issue 12 part 5; docs/deploy.md): behind
a reverse proxy, a request whose peer is ADDR counts as coming from the
last address of its X-Forwarded-For header, for the log and the per-address
limits; from anyone else, or without a plain address there, the header is
ignored.

Checks: without the option the header never counts (the log shows the
peer, and the sign-up limit is shared whatever the header says); with it,
the log shows the forwarded address (IPv6 normalized), the sign-up limit
counts per forwarded address, only the last entry of a list counts (a
client's own entries before it do not), a malformed or missing header
falls back to the proxy's address, and a peer that is not the proxy
cannot forge it; a bad --trust-proxy is a usage error.
Prints 'ok NAME' / 'FAIL NAME'.
"""
import os, re, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import Client, check, start


def with_xff(c, method, path, xff, form=None):
    return c.request(method, path, form=form, headers={} if xff is None else {"X-Forwarded-For": xff})


def signup(port, n, xff):
    """A sign-up whose requests carry xff; its status (303 done, 429 limited)."""
    c = Client(port)
    r = with_xff(c, "GET", "/signup", xff)
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', r.body)
    form = {"email": f"proxy{n}@example.jp", "password": "correct horse battery", "org": f"代理商店{n}",
            "csrf": m.group(1) if m else ""}
    return with_xff(c, "POST", "/signup", xff, form).status


def logged_ip(server, path):
    m = re.search(r" event=request ip=(\S+) method=GET path=%s " % re.escape(path), server.log())
    return m.group(1) if m else None


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-proxy-")

    # --- without --trust-proxy: the header is the client's word, never counted
    server, port = start(os.path.join(tmp, "a.db"), ["--signup-limit", "2"])
    got = [signup(port, i, f"203.0.113.{i}") for i in range(3)]
    check("no --trust-proxy: sign-ups with different X-Forwarded-For share one limit", got == [303, 303, 429], got)
    with_xff(Client(port), "GET", "/plain-peer", "203.0.113.77")
    check("no --trust-proxy: the log shows the peer", logged_ip(server, "/plain-peer") == "127.0.0.1",
          logged_ip(server, "/plain-peer"))
    check("no --trust-proxy: the forwarded address is nowhere in the log", "203.0.113" not in server.log())
    server.stop_checked("no proxy")

    # --- with --trust-proxy 127.0.0.1
    server, port = start(os.path.join(tmp, "b.db"), ["--signup-limit", "2", "--trust-proxy", "127.0.0.1"])
    got = [signup(port, 10 + i, "203.0.113.7") for i in range(3)]
    check("trusted: the sign-up limit counts the forwarded address", got == [303, 303, 429], got)
    check("trusted: another forwarded address has its own allowance", signup(port, 20, "203.0.113.8") == 303)
    # a client's own entry before the proxy's is not believed: the last one counts
    got = [signup(port, 30, "203.0.113.7, 203.0.113.9"), signup(port, 31, "203.0.113.9"),
           signup(port, 32, "203.0.113.9")]
    check("trusted: only the last X-Forwarded-For entry counts", got == [303, 303, 429], got)
    cases = [("/fwd-v4", "198.51.100.4", "198.51.100.4"),
             ("/fwd-list", "10.0.0.1,198.51.100.5", "198.51.100.5"),
             ("/fwd-blanks", "  198.51.100.6 \t", "198.51.100.6"),
             ("/fwd-v6", "2001:DB8:0:0::0001", "2001:db8::1"),
             ("/fwd-port", "198.51.100.7:4430", "127.0.0.1"),
             ("/fwd-bracket", "[2001:db8::2]", "127.0.0.1"),
             ("/fwd-word", "unknown", "127.0.0.1"),
             ("/fwd-two", "198.51.100.8 198.51.100.9", "127.0.0.1"),
             ("/fwd-empty", "", "127.0.0.1"),
             ("/fwd-trailing-comma", "198.51.100.10,", "127.0.0.1"),
             ("/fwd-long", "1" * 80, "127.0.0.1"),
             ("/fwd-none", None, "127.0.0.1")]
    for path, xff, _ in cases:
        with_xff(Client(port), "GET", path, xff)
    for path, xff, want in cases:
        check(f"trusted: X-Forwarded-For {xff!r} logged as {want}", logged_ip(server, path) == want,
              logged_ip(server, path))
    other = Client(port, source="127.0.0.2")
    with_xff(other, "GET", "/fwd-untrusted", "198.51.100.11")
    check("trusted: a peer that is not the proxy cannot forge its address",
          logged_ip(server, "/fwd-untrusted") == "127.0.0.2", logged_ip(server, "/fwd-untrusted"))
    server.stop_checked("trusted proxy")

    # --- bad values
    for bad in ("proxy.example.jp", "127.0.0.1:80", "999.0.0.1", ""):
        p = subprocess.run([harness.HOSHI, "serve", "--db", os.path.join(tmp, "c.db"), "--trust-proxy", bad],
                           capture_output=True, text=True, timeout=30)
        check(f"--trust-proxy {bad!r}: exit 2 and the message", p.returncode == 2 and p.stderr ==
              f"hoshi serve: --trust-proxy needs an IPv4 or IPv6 address, got '{bad}'\n(see 'hoshi serve --help')\n",
              (p.returncode, p.stderr))
    check("bad --trust-proxy: no database made", not os.path.exists(os.path.join(tmp, "c.db")))
    return 1 if harness.failures else 0


if __name__ == "__main__":
    sys.exit(main())
