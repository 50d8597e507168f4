#!/usr/bin/env python3
"""Concurrent clients against `hoshi serve`, for the ThreadSanitizer build
(tests/suites/tsan.sh).  The HTTP tests walk the site one request at a
time; this makes the server's threads share its state at once: log-ins of
one account from several clients, sessions, the response cache (registry,
verification pages, badges), the rate limiter and store writes.

Checks only what must hold under any interleaving: no answer is a 5xx
(a 429 is allowed: several clients share one address) and every client's
log-in works.  Races themselves are reported by TSan, into the files
TSAN_OPTIONS log_path names, which tsan.sh reads.
usage: http_load.py HOSHI
"""
import os, re, sys, tempfile, threading, urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "http"))
import harness
from harness import Client, check, start

PASSWORD = "tsan-Load-7f3q-kite-river"
CLIENTS, ROUNDS = 4, 6


def client_loop(port, n, ids, problems):
    c = Client(port)
    anon = Client(port)
    def note(what, r):
        if r.status >= 500:
            problems.append(f"client {n}: {what}: {r.status}")
        return r
    for k in range(ROUNDS):
        if k % 3 == 0:
            r = note("log-in", c.post("/login", {"email": "demo@example.jp", "password": PASSWORD}))
            if r.status not in (303, 429):
                problems.append(f"client {n}: log-in answered {r.status}")
        note("dashboard", c.get("/dashboard"))
        note("history", c.get("/history"))
        note("autosave", c.post("/diagnosis/autosave", {f"a{i}": str(1 + (i + k + n) % 4) for i in range(6, 12)},
                                token_from="/diagnosis/part/2"))
        note("registry", anon.get("/registry?q=" + urllib.parse.quote("デモ") + f"&page={1 + (k + n) % 3}"))
        note("registry en", anon.get(f"/registry?lang=en&prefecture={1 + (k * n) % 47}"))
        note("api", anon.get(f"/api/v1/declarations?page={1 + k % 2}"))
        for i in ids[(n + k) % len(ids):][:3] if ids else []:
            note("verify", anon.get(f"/verify/{i}"))
            note("badge", anon.get(f"/badge/{i}.svg"))
        note("healthz", anon.get("/healthz"))
        if k % 3 == 2:
            note("log-out", c.post("/logout", {}, token_from="/dashboard"))


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-tsan-")
    server, port = start(os.path.join(tmp, "load.db"),
                         ["--demo", "--demo-count", "60", "--demo-password", PASSWORD])
    problems = []
    try:
        r = Client(port).get("/api/v1/declarations?page=1")
        ids = re.findall(r'"id":\s*"([^"]+)"', r.body)
        check("tsan load: demo declarations listed", len(ids) > 0, r.body[:200])
        threads = [threading.Thread(target=client_loop, args=(port, n, ids, problems)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(f"tsan load: {CLIENTS} concurrent clients, no 5xx and every log-in works",
              not problems, "; ".join(problems[:10]))
    except Exception as e:  # a dead server shows as a connection error
        check("tsan load: server answered every request", False, repr(e))
    finally:
        rc = server.stop()
        check("tsan load: server exits cleanly", rc == 0, f"exit {rc}: {server.log()[-2000:]}")
        os.unlink(server.errfile.name)
    return 1 if harness.failures else 0


if __name__ == "__main__":
    sys.exit(main())
