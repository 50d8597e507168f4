#!/usr/bin/env python3
"""Log-in, sign-up and connection protection of `hoshi serve` (issue 7,
findings 2-6 and the MHD part of 13), attacked over loopback.

The server sees source addresses 127.0.0.x as different clients, so one
test process plays the owner, the attacker and bystanders.  Limits as
documented in docs/web.md: 5 free failed log-ins per account and 20 per
address, then a wait of 2, 4, 8 ... seconds after the last failure (at
most 15 minutes); 5 sign-ups per address per hour; 2 hashing threads and
16 waiting jobs; 32 connections per address; 10 s to send the headers.
Prints 'ok NAME' / 'FAIL NAME' lines for tests/run.py.
"""
import hashlib, os, random, re, resource, socket, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import Client, check, start

DEMO_PW = "hoshi-demo-2026"
FREE_ACCOUNT, FREE_ADDRESS = 5, 20
PASSWORDS = []   # every password this test sends; none may reach the log


def pw(p):
    PASSWORDS.append(p)
    return p


def parallel(fns):
    """Runs the callables at once; returns their results in order."""
    out = [None] * len(fns)
    go = threading.Barrier(len(fns))

    def run(i):
        go.wait()
        try:
            out[i] = fns[i]()
        except Exception as e:   # noqa: BLE001 - a failed request is a result too
            out[i] = e
    ts = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def login(c, email, password):
    return c.post("/login", {"email": email, "password": password})


def allowed_after(free, elapsed):
    """Attempts a counter lets through in `elapsed` seconds from zero: the
    free ones, then one after each wait of 2, 4, 8 ... seconds."""
    n, waited, k = free, 0, 1
    while waited + 2 ** k <= elapsed + 0.5:
        waited += 2 ** k
        n += 1
        k += 1
    return n


def parallel_guesses(port):
    """Finding 2: 40 parallel wrong guesses at one account get at most the
    limit through (the attempt is counted before the slow hash)."""
    clients = [Client(port, source=f"127.0.0.{20 + i % 4}") for i in range(40)]
    tokens = [c.token("/login") for c in clients]
    t0 = time.time()
    res = parallel([lambda c=c, t=tok: c.request("POST", "/login", form={
        "email": "demo@example.jp", "password": pw("not the demo password"), "csrf": t}) for c, tok in zip(clients, tokens)])
    elapsed = time.time() - t0
    statuses = [r.status if not isinstance(r, Exception) else repr(r) for r in res]
    through = statuses.count(401)
    limit = allowed_after(FREE_ACCOUNT, elapsed)
    check(f"40 parallel wrong guesses: at most {limit} get through (got {through})",
          0 < through <= limit and statuses.count(429) == 40 - through, statuses)
    r429 = [r for r in res if not isinstance(r, Exception) and r.status == 429]
    check("every 429 carries Retry-After", r429 and all((r.getheader("Retry-After") or "").isdigit() for r in r429))


def address_not_reset(port):
    """Finding 2: a log-in to the attacker's own account from the same
    address does not clear the address's failures."""
    att = Client(port, source="127.0.0.2")
    jobs = [lambda i=i: login(Client(port, source="127.0.0.2"), f"nobody{i}@example.jp", pw(f"guess number {i}"))
            for i in range(FREE_ADDRESS - 1)]
    fails = parallel(jobs[:8]) + parallel(jobs[8:16]) + parallel(jobs[16:])
    check(f"{FREE_ADDRESS - 1} failed log-ins at other addresses answered 401",
          all(not isinstance(r, Exception) and r.status == 401 for r in fails),
          [getattr(r, "status", r) for r in fails])
    r = login(att, "operator@example.jp", DEMO_PW)
    check("the attacker logs in to their own account", r.status == 303, r.status)
    r = login(Client(port, source="127.0.0.2"), "nobody-else@example.jp", pw("one more guess"))
    check("one more failure is still free", r.status == 401, r.status)
    r = login(Client(port, source="127.0.0.2"), "nobody-more@example.jp", pw("and yet another"))
    check("then the address is throttled: the own log-in did not reset it",
          r.status == 429 and (r.getheader("Retry-After") or "").isdigit(), r.status)


def old_slot(email):
    """Where the code before issue 7 kept an account's counter: djb2 of
    'm:' + BLAKE2b-128 of the address, in a table of 1,024 slots."""
    key = "m:" + hashlib.blake2b(email.lower().encode(), digest_size=16).hexdigest()
    h = 5381
    for ch in key.encode():
        h = (h * 33 + ch) & 0xFFFFFFFFFFFFFFFF
    return h % 1024


def no_eviction(port):
    """Finding 2: counters cannot be pushed out of the table by spraying
    other e-mail addresses from other client addresses, including ones
    aimed at the victim's slot in the old fixed table."""
    victim = "victim@example.jp"
    r = harness.signup(Client(port, source="127.0.0.3"), victim, "被害者商店", pw("a long passphrase of the owner"))
    check("victim signed up", r.status == 303, r.status)
    att = lambda: Client(port, source="127.0.0.4")  # noqa: E731
    statuses = []
    for i in range(12):
        statuses.append(login(att(), victim, pw(f"victim guess {i}")).status)
        if statuses[-1] == 429:
            break
    check("the victim's account gets throttled", statuses[-1] == 429, statuses)
    target = old_slot(victim)
    aimed = []
    i = 0
    while len(aimed) < 16:
        e = f"spray{i}@example.jp"
        if old_slot(e) == target:
            aimed.append(e)
        i += 1
    spray = aimed + [f"random{random.randrange(10**9)}@example.net" for _ in range(84)]
    jobs = [lambda e=e, k=k: login(Client(port, source=f"127.0.0.{10 + k % 10}"), e, pw(f"spray {k}"))
            for k, e in enumerate(spray)]
    out = []
    for k in range(0, len(jobs), 8):
        out += parallel(jobs[k:k + 8])
    codes = [getattr(r, "status", r) for r in out]
    check(f"spray of {len(spray)} e-mails from 10 addresses answered 401", codes.count(401) >= len(spray) - 8, codes)
    # The victim's counter is still there: past its free attempts, two
    # quick guesses (from an address with no failures of its own) cannot
    # both go through.
    fresh = lambda: Client(port, source="127.0.0.30")  # noqa: E731
    a = login(fresh(), victim, pw("victim guess after"))
    b = login(fresh(), victim, pw("victim guess after 2"))
    check("the victim's counter survived the spray", 429 in (a.status, b.status), (a.status, b.status))


def device_cookie(port):
    """Finding 3: an attacker cannot keep the owner out.  The owner's
    browser holds a device cookie from an earlier log-in; past the
    throttle it still logs in, while a browser without it is told when to
    try again, in its language."""
    email, secret = "owner3@example.jp", pw("owner three passphrase")
    harness.signup(Client(port, source="127.0.0.5"), email, "持ち主商店", secret)
    owner = Client(port)
    r = login(owner, email, secret)
    check("owner's log-in sets a device cookie (HttpOnly)", r.status == 303 and "hoshi_device" in owner.cookies
          and "HttpOnly" in ";".join(v for k, v in r.getheaders() if k.lower() == "set-cookie"), r.status)
    owner.post("/logout", {}, token_from="/dashboard")
    att = lambda: Client(port, source="127.0.0.6")  # noqa: E731
    statuses = []
    for i in range(FREE_ACCOUNT + 1):
        statuses.append(login(att(), email, pw(f"owner guess {i}")).status)
    # Two more failures, each after its wait, push the next wait to 8 s.
    for i in range(2):
        r = login(att(), email, pw("owner guess wait"))
        time.sleep(int(r.getheader("Retry-After") or "0") + 0.2)
        statuses.append(login(att(), email, pw(f"owner guess late {i}")).status)
    check("the attacker throttled the account", statuses[:FREE_ACCOUNT] == [401] * FREE_ACCOUNT
          and statuses[FREE_ACCOUNT] == 429 and statuses[-1] == 401, statuses)
    stranger = Client(port, source="127.0.0.7")
    stranger.cookies["hoshi_lang"] = "en"
    r = login(stranger, email, secret)
    wait = r.getheader("Retry-After") or ""
    check("without the device cookie the right password gets 429 with Retry-After",
          r.status == 429 and wait.isdigit() and 1 <= int(wait) <= 900, (r.status, wait))
    check("... and a page saying when, in English", "try again in" in r.body and
          re.search(r"\d+ seconds?|\d+ minutes?", r.body) is not None, r.body[-800:])
    ja = Client(port, source="127.0.0.7")
    r = login(ja, email, secret)
    check("... and in Japanese", r.status == 429 and re.search(r"\d+(秒|分)後にもう一度", r.body) is not None)
    r = login(owner, email, secret)
    check("the owner with the device cookie logs in despite the attack",
          r.status == 303 and r.getheader("Location") == "/dashboard", r.status)
    forged = Client(port, source="127.0.0.6")
    dev = owner.cookies.get("hoshi_device", "0")
    forged.cookies["hoshi_device"] = dev[:-1] + ("0" if dev[-1] != "0" else "1")
    r = login(forged, email, secret)
    check("a tampered device cookie does not pass the throttle", r.status == 429, r.status)


def signup_rules(port):
    """Finding 6: weak passwords refused with a message saying why; limits
    in characters; the answer is the same whether or not the address is
    registered."""
    c = Client(port, source="127.0.0.8")
    c.cookies["hoshi_lang"] = "en"
    cases = [(" " * 10, "at least 12 characters"), (" " * 14, "too simple"), ("1234567890", "at least 12 characters"),
             ("123456789012", "dictionary word"), ("password12", "at least 12 characters"),
             ("password1234", "dictionary word"), ("Password2026!!", "dictionary word"),
             ("weak@example.jp", "e-mail address"), ("weak@example.jp-2026", "e-mail address"),
             ("my-weak-name-is-long", "e-mail address"), ("kaeweak 12345 zz", "e-mail address"),
             ("ああああああああああああ", "too simple"), ("漢" * 129, "at most 128"), ("a\x01" * 8, "cannot accept")]
    for p, why in cases:
        r = c.post("/signup", {"email": "weak@example.jp", "password": pw(p), "org": "弱い商店"})
        errors = re.findall(r'field-error[^>]*>([^<]*)', r.body)
        check(f"password {p[:20]!r} refused: {why}", r.status == 422 and len(errors) == 1 and why in errors[0],
              (r.status, errors))
    kanji = "春眠不覚暁処処聞啼鳥夜来風雨声花落知多少" * 7
    r = c.post("/signup", {"email": "kanji@example.jp", "password": pw(kanji[:43]), "org": "漢字商店"})
    check("43 kanji are a valid password (characters, not bytes)", r.status == 303, r.status)
    r = login(Client(port, source="127.0.0.9"), "kanji@example.jp", kanji[:43])
    check("... and log in", r.status == 303, r.status)
    r = c.post("/signup", {"email": "kanji128@example.jp", "password": pw(kanji[:128]), "org": "漢字商店"})
    check("128 kanji accepted", r.status == 303, r.status)

    # The same answer for a new and a taken address.
    def timed(email):
        t = time.time()
        x = Client(port, source="127.0.0.11")
        resp = x.post("/signup", {"email": email, "password": pw("a new long passphrase"), "org": "同じ答え"})
        return resp, time.time() - t
    new, t_new = timed("fresh@example.jp")
    taken, t_taken = timed("FRESH@example.jp")
    same = (new.status, new.getheader("Location"), new.body) == (taken.status, taken.getheader("Location"), taken.body)
    cookies = lambda r: sorted(v.split("=")[0] for k, v in r.getheaders() if k.lower() == "set-cookie")  # noqa: E731
    check("sign-up of a new and a taken address: same status, page and cookies",
          same and new.status == 303 and cookies(new) == cookies(taken), (new.status, taken.status, cookies(new), cookies(taken)))
    check("... and the taken one costs a hash too (no quick answer)", t_taken > 0.3 * t_new, (t_new, t_taken))
    r = Client(port).get(new.getheader("Location") or "/")
    check("the page after sign-up covers both cases", "notice" in r.body and "ログイン" in r.body)
    r = login(Client(port, source="127.0.0.11"), "fresh@example.jp", "a new long passphrase")
    check("a new account logs in after sign-up", r.status == 303, r.status)

    # At most 5 sign-ups per address per hour.
    s = Client(port, source="127.0.0.12")
    statuses = [s.post("/signup", {"email": f"many{i}@example.jp", "password": pw("many sign ups phrase"),
                                   "org": f"多い商店{i}"}).status for i in range(6)]
    r = s.post("/signup", {"email": "many9@example.jp", "password": pw("many sign ups phrase"), "org": "多い"})
    check("sign-up throttled per address: 5 pass, then 429 with Retry-After",
          statuses == [303] * 5 + [429] and r.status == 429 and (r.getheader("Retry-After") or "").isdigit()
          and 'id="error-summary"' in r.body, statuses)
    r = Client(port, source="127.0.0.13").post("/signup", {"email": "other-net@example.jp",
                                                         "password": pw("other network phrase"), "org": "別"})
    check("another address may still sign up", r.status == 303, r.status)


def pool_and_liveness(port, server):
    """Finding 5: hashing runs on a small pool with back-pressure: while
    log-ins and sign-ups flood in, /healthz stays quick, the memory stays
    bounded, and a full queue answers 503 with Retry-After at once."""
    pid = server.p.pid
    stop = threading.Event()
    probes, rss, results = [], [], []
    lock = threading.Lock()

    def flood(k):
        c = Client(port, source=f"127.0.1.{k}")
        i = 0
        while not stop.is_set():
            i += 1
            try:
                if i % 5 == 0:
                    r = c.post("/signup", {"email": f"flood{k}-{i}@example.jp", "password": pw("flood sign up phrase"),
                                           "org": "洪水"})
                else:
                    r = login(c, f"flood{k}-{i}@example.jp", pw("flood guess phrase"))
                with lock:
                    results.append((r.status, r.getheader("Retry-After")))
            except OSError as e:
                with lock:
                    results.append((repr(e), None))

    def probe():
        while not stop.is_set():
            t = time.time()
            try:
                r = Client(port, source="127.0.2.1").get("/healthz")
                probes.append((r.status, time.time() - t))
            except OSError as e:
                probes.append((repr(e), time.time() - t))
            time.sleep(0.2)

    def sample():
        while not stop.is_set():
            try:
                with open(f"/proc/{pid}/status") as f:
                    m = re.search(r"VmRSS:\s+(\d+) kB", f.read())
                    rss.append(int(m.group(1)) // 1024)
            except OSError:
                pass
            time.sleep(0.1)
    threads = [threading.Thread(target=flood, args=(k,)) for k in range(1, 49)]
    threads += [threading.Thread(target=probe), threading.Thread(target=sample)]
    for t in threads:
        t.start()
    time.sleep(12)
    stop.set()
    for t in threads:
        t.join()
    worst = max((d for _, d in probes), default=99)
    check(f"/healthz answers while hashing saturates (worst {worst:.2f}s of {len(probes)} probes, bound 2s)",
          probes and all(s == 200 for s, _ in probes) and worst < 2.0, probes[:20])
    peak = max(rss, default=0)
    check(f"server memory stays bounded under the flood (peak RSS {peak} MB, bound 320 MB)", 0 < peak < 320, peak)
    busy = [ra for s, ra in results if s == 503]
    check(f"a full queue answers 503 with Retry-After at once ({len(busy)} of {len(results)})",
          busy and all(ra and ra.isdigit() for ra in busy), sorted(set(s for s, _ in results), key=str))
    check("no request failed outright", all(isinstance(s, int) and s < 500 or s == 503 for s, _ in results),
          [s for s, _ in results if not isinstance(s, int)][:5])
    check("back-pressure is logged", "event=pool_busy" in server.log())


def connections(port):
    """Finding 4: one address holding more sockets than its limit (here
    4,050, past the old limit of 4,000 in all) does not stop another
    address being served."""
    socks = []
    try:
        for _ in range(4050):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.settimeout(5)
            try:
                s.connect(("127.0.0.1", port))
                socks.append(s)
            except OSError:
                s.close()
        time.sleep(1)
        t = time.time()
        try:
            r = Client(port, source="127.0.0.2").get("/healthz")
            ok = r.status == 200
        except OSError as e:
            ok, r = False, e
        took = time.time() - t
        check(f"4,050 idle sockets from 127.0.0.1 do not stop 127.0.0.2 (served in {took:.2f}s)", ok and took < 5,
              getattr(r, "status", r))
    finally:
        for s in socks:
            s.close()


def trickle(port, server):
    """Finding 4: headers trickling in a line a second are cut off after
    the total header time (--header-timeout 3 here), not kept alive by
    each line."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    t0 = time.time()
    closed_at = None
    while time.time() - t0 < 15:
        time.sleep(0.5)
        try:
            s.sendall(b"X-Slow: 1\r\n")
            s.settimeout(0.01)
            try:
                if s.recv(1) == b"":
                    closed_at = time.time() - t0
                    break
            except socket.timeout:
                pass
        except OSError:
            closed_at = time.time() - t0
            break
    s.close()
    check("a connection trickling header lines is cut off after the total header timeout",
          closed_at is not None and 2.0 <= closed_at <= 7.0, closed_at)
    r = Client(port).get("/healthz")
    check("other clients are served meanwhile", r.status == 200)
    check("the cut is logged", "event=header_timeout" in server.log())


def raw(port, data):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        try:
            s.sendall(data)
        except OSError:
            pass   # the server may answer and close before it has read it all
        out = b""
        s.settimeout(3)
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                out += b
        except (socket.timeout, ConnectionResetError):
            pass
        return out
    finally:
        s.close()


def mhd_errors(port):
    """Finding 13 (part): malformed requests.  Those that reach our code
    first get our security headers; those libmicrohttpd refuses itself
    before any callback (docs/web.md lists them) are answered and closed."""
    out = raw(port, b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
    head = out.split(b"\r\n\r\n")[0].decode("latin-1")
    check("a chunked body is refused by us (411) with security headers",
          head.startswith("HTTP/1.1 411") and "Content-Security-Policy:" in head and "X-Content-Type-Options: nosniff" in head
          and "X-Frame-Options: DENY" in head, head)
    out = raw(port, b"POST /signup HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
    check("any Transfer-Encoding is refused the same way", out.startswith(b"HTTP/1.1 411") and b"nosniff" in out, out[:200])
    out = raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n")
    check("a huge Content-Length is refused (413 from MHD, listed in docs/web.md)", out.startswith(b"HTTP/1.1 413"), out[:100])
    for data, code in ((b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", b"400"),
                       (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", b"505"),
                       (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n", b"431")):
        out = raw(port, data)
        check(f"malformed request answered {code.decode()} by MHD (documented exception)", out[9:12] == code, out[:80])
    r = Client(port).get("/healthz")
    check("the server still serves after malformed requests", r.status == 200)


def log_checks(server):
    log = server.log()
    for ev in ("login_failed", "login_throttled", "signup_taken", "signup_throttled", "login"):
        check(f"log has event={ev}", f"event={ev} " in log)
    leaked = [p for p in set(PASSWORDS) if len(p.strip()) >= 8 and p in log]
    check("no password in the log", not leaked, leaked[:3])
    sec = [l for l in log.splitlines() if re.search(r"event=(login_failed|login_throttled|signup_taken) ", l)]
    check("security events name accounts by digest, never by e-mail",
          sec and all("@" not in l and re.search(r"account=[0-9a-f]{32}", l) for l in sec), sec[:3])
    check("no cookie or token values in the log", "hoshi_sid" not in log and "hoshi_device" not in log
          and "csrf" not in log)


def usage_errors(tmp):
    db = os.path.join(tmp, "u.db")
    for opt, bad in (("--header-timeout", "0"), ("--conn-per-ip", "x"), ("--hash-workers", "17"),
                     ("--hash-queue", "-1"), ("--signup-limit", "0"), ("--max-connections", "1")):
        p = subprocess.run([harness.HOSHI, "serve", "--db", db, opt, bad], capture_output=True, text=True, timeout=30)
        check(f"usage error: {opt} {bad}", p.returncode == 2 and opt in p.stderr, f"{p.returncode} {p.stderr[:200]}")


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 20000), hard))
    tmp = tempfile.mkdtemp(prefix="hoshi-auth-")
    usage_errors(tmp)
    server, port = start(os.path.join(tmp, "auth.db"), ["--demo"])
    try:
        parallel_guesses(port)
        address_not_reset(port)
        no_eviction(port)
        device_cookie(port)
        signup_rules(port)
        mhd_errors(port)
        log_checks(server)
    finally:
        server.stop_checked("auth server")
    # ASan keeps freed memory in a quarantine (256 MB by default) that would
    # hide what the server itself holds; a small one keeps RSS meaningful.
    asan = os.environ.get("ASAN_OPTIONS")
    os.environ["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "quarantine_size_mb=16"
    server, port = start(os.path.join(tmp, "flood.db"), ["--threads", "8"])
    if asan is None:
        del os.environ["ASAN_OPTIONS"]
    else:
        os.environ["ASAN_OPTIONS"] = asan
    try:
        pool_and_liveness(port, server)
    finally:
        server.stop_checked("flooded server")
    server, port = start(os.path.join(tmp, "conn.db"))
    try:
        connections(port)
    finally:
        server.stop_checked("connection server")
    server, port = start(os.path.join(tmp, "slow.db"), ["--header-timeout", "3"])
    try:
        trickle(port, server)
    finally:
        server.stop_checked("header-timeout server")
    return 1 if harness.failures else 0


if __name__ == "__main__":
    sys.exit(main())
