#!/usr/bin/env python3
"""Log-in and sign-up limits shared by two `hoshi serve` on one database
(issue 12 part 2): failures counted on server A delay attempts on server B
for the account, the client address and the device cookie, a device cookie
issued by A is honoured by B, sign-ups per address count across both, and
both servers name one account by the same digest in their logs.

Limits as in docs/web.md (and tests/http/test_auth.py): 5 free failed
log-ins per account and per device, 20 per address, 5 sign-ups per
address per hour.  The database is SQLite unless HOSHI_TEST_DB names
another (the lead runs the same test on PostgreSQL).
Prints 'ok NAME' / 'FAIL NAME' lines for tests/run.py.
"""
import os, re, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import Client, check, start

FREE_ACCOUNT, FREE_DEVICE, FREE_ADDRESS, SIGNUPS = 5, 5, 20, 5


def login(c, email, password):
    return c.post("/login", {"email": email, "password": password})


def retry_after(r):
    return r.status == 429 and (r.getheader("Retry-After") or "").isdigit()


def account_across(pa, pb):
    """Failures at one account alternate between the servers: together
    they get the free attempts of one server, no more."""
    email, secret = "shared-victim@example.jp", "the victim's own passphrase"
    r = harness.signup(Client(pa, source="127.0.0.3"), email, "共有被害商店", secret)
    check("victim signs up on A", r.status == 303, r.status)
    statuses = []
    for i in range(FREE_ACCOUNT):
        port = pa if i % 2 == 0 else pb
        statuses.append(login(Client(port, source=f"127.0.0.{40 + i}"), email, f"wrong guess {i}").status)
    check(f"{FREE_ACCOUNT} failures split over A and B answered 401", statuses == [401] * FREE_ACCOUNT, statuses)
    r = login(Client(pb, source="127.0.0.50"), email, "one guess too many")
    check("the next attempt on B waits (account counted on both)", retry_after(r), r.status)
    r = login(Client(pa, source="127.0.0.51"), email, secret)
    check("... and on A, even with the right password", retry_after(r), r.status)


def address_across(pa, pb, a, b):
    """Failures from one address at different e-mails alternate between
    the servers; the address's 21st attempt waits on either."""
    src = "127.0.0.60"
    statuses = [login(Client(pa if i % 2 else pb, source=src), f"nobody{i}@example.jp", f"guess number {i}").status
                for i in range(FREE_ADDRESS)]
    check(f"{FREE_ADDRESS} failures from one address over A and B answered 401", statuses == [401] * FREE_ADDRESS,
          statuses)
    r = login(Client(pa, source=src), "nobody-more@example.jp", "and another guess")
    check("the address's next attempt on A waits", retry_after(r), r.status)
    r = login(Client(pb, source=src), "nobody-else@example.jp", "and yet another guess")
    check("... and on B", retry_after(r), r.status)
    r = login(Client(pb, source="127.0.0.61"), "nobody-else@example.jp", "from elsewhere")
    check("another address is not held up", r.status == 401, r.status)
    for name, server in (("A", a), ("B", b)):
        check(f"{name} logs the refusal as scope=address",
              re.search(r"event=login_throttled ip=\S*127\.0\.0\.60\S* scope=\"?address", server.log()) is not None)


def device_across(pa, pb):
    """A device cookie issued by A passes the throttle on B, and failures
    with it on A delay it on B."""
    email, secret = "shared-owner@example.jp", "the owner's own passphrase"
    harness.signup(Client(pa, source="127.0.0.70"), email, "共有持ち主商店", secret)
    owner = Client(pa)
    r = login(owner, email, secret)
    check("owner logs in on A and gets a device cookie", r.status == 303 and "hoshi_device" in owner.cookies, r.status)
    owner.post("/logout", {}, token_from="/dashboard")
    statuses = [login(Client(pa, source="127.0.0.71"), email, f"attack {i}").status for i in range(FREE_ACCOUNT + 1)]
    check("an attacker throttles the account on A", statuses == [401] * FREE_ACCOUNT + [429], statuses)
    owner.port = pb
    r = login(owner, email, secret)
    check("the owner's cookie from A logs in on B despite the attack",
          r.status == 303 and r.getheader("Location") == "/dashboard", r.status)
    owner.post("/logout", {}, token_from="/dashboard")
    statuses = []
    for i in range(FREE_DEVICE):
        owner.port = pa if i % 2 == 0 else pb
        statuses.append(login(owner, email, f"the owner mistypes {i}").status)
    check(f"{FREE_DEVICE} failures with the cookie over A and B answered 401", statuses == [401] * FREE_DEVICE,
          statuses)
    owner.port = pb
    r = login(owner, email, secret)
    check("the device's next attempt on B waits", retry_after(r), r.status)
    owner.port = pa
    r = login(owner, email, secret)
    check("... and on A", retry_after(r), r.status)
    forged = Client(pb, source="127.0.0.71")
    dev = owner.cookies.get("hoshi_device", "0")
    forged.cookies["hoshi_device"] = dev[:-1] + ("0" if dev[-1] != "0" else "1")
    r = login(forged, email, secret)
    check("a tampered cookie does not pass the throttle on B", r.status == 429, r.status)


def signup_across(pa, pb):
    """Sign-ups from one address alternate between the servers: five in
    all, then both refuse."""
    src = "127.0.0.80"
    statuses = [Client(pa if i % 2 == 0 else pb, source=src).post(
        "/signup", {"email": f"many{i}@example.jp", "password": "many sign ups phrase", "org": f"多い商店{i}"}).status
        for i in range(SIGNUPS)]
    check(f"{SIGNUPS} sign-ups from one address over A and B pass", statuses == [303] * SIGNUPS, statuses)
    for name, port in (("B", pb), ("A", pa)):
        r = Client(port, source=src).post("/signup", {"email": f"over-{name}@example.jp",
                                                      "password": "many sign ups phrase", "org": "多すぎ"})
        check(f"the next sign-up on {name} is refused with Retry-After", retry_after(r), r.status)
    r = Client(pb, source="127.0.0.81").post("/signup", {"email": "other-net@example.jp",
                                                         "password": "other network phrase", "org": "別"})
    check("another address may still sign up on B", r.status == 303, r.status)


def same_digest(a, b):
    """Both servers key their digests with the database's secret: one
    account's failures carry one digest in both logs."""
    def digests(server):
        return set(re.findall(r"event=login_failed ip=\S+ account=\"?([0-9a-f]{32})", server.log()))
    da, db = digests(a), digests(b)
    check("the same account digest appears in both logs", da & db, (len(da), len(db)))
    check("no e-mail address in either log", "@example.jp" not in a.log() + b.log())


def fails_closed(pa, a, db):
    """While the database cannot be written, a log-in is refused with an
    error page (503), never let through unthrottled; afterwards it works."""
    c = Client(pa, source="127.0.0.90")
    token = c.token("/login")
    con = harness.locked(db)
    try:
        r = c.request("POST", "/login", form={"email": "demo@example.jp", "password": "any guess at all",
                                              "csrf": token})
    finally:
        con.rollback()
        con.close()
    check("a log-in while the database is locked gets 503, not a password check",
          r.status == 503 and "event=login_failed ip=\"127.0.0.90" not in a.log(), r.status)
    check("... logged as a store error of the throttle",
          re.search(r"event=store_error .*throttle_login", a.log()) is not None)
    r = login(Client(pa, source="127.0.0.90"), "demo@example.jp", "any guess at all")
    check("once the database is back the attempt is counted and checked", r.status == 401, r.status)


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-shared-")
    db = os.environ.get("HOSHI_TEST_DB") or os.path.join(tmp, "shared.db")
    a, pa = start(db, ["--demo"])
    b, pb = start(db)
    try:
        account_across(pa, pb)
        address_across(pa, pb, a, b)
        device_across(pa, pb)
        signup_across(pa, pb)
        same_digest(a, b)
        if "HOSHI_TEST_DB" not in os.environ:
            fails_closed(pa, a, db)
    finally:
        a.stop_checked("server A")
        b.stop_checked("server B")
    sys.exit(1 if harness.failures else 0)


if __name__ == "__main__":
    main()
