#!/usr/bin/env python3
"""Two `hoshi serve` processes on one database (issue 12 part 2): what a
registry served by several machines must get right.  Both servers open the
same database — one SQLite file here, one PostgreSQL database when the
suite runs against PostgreSQL (tests/suites/web_http_pg.sh; the harness maps
the path).  Checked: a log-in on A is valid on B; a log-out on A ends the
session on B; a declaration made on A is in B's registry at once, though B
had the page cached; a withdrawal on A is not served stale by B, neither
the verification page nor the API; and a message queued by one is mailed
once although both run a mailer on the same outbox.
"""
import os, re, sys, tempfile, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Client, check, signup, start  # noqa: E402


def logged_in(c):
    r = c.get("/dashboard")
    return r.status == 200 and 'action="/logout"' in r.body


def registry_count(c, name):
    r = c.get("/registry?" + urllib.parse.urlencode({"q": name}))
    m = re.search(r'<p class="count">(\d+) 件', r.body)
    return int(m.group(1)) if m else -1


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-two-")
    db = os.path.join(tmp, "shared.db")
    spool = os.path.join(tmp, "mail")
    os.mkdir(spool)
    extra = ("--mail-dir", spool)
    a_srv, pa = start(db, extra)
    b_srv, pb = start(db, extra)
    try:
        run(pa, pb, spool)
    finally:
        a_srv.stop_checked("server A")
        b_srv.stop_checked("server B")


def run(pa, pb, spool):
    name = "二台目テスト商事"
    a = Client(pa)
    r = signup(a, "two@example.jp", name)
    check("sign-up on A", r.status == 303, r.status)
    check("logged in on A", logged_in(a))
    # The same browser (its cookies) reaches B: a load balancer's next pick.
    b = Client(pb)
    b.cookies = dict(a.cookies)
    check("a log-in on A is valid on B", logged_in(b))

    # B caches the registry search and the page before A declares.
    anon_b = Client(pb)
    check("B's registry has no such organisation yet", registry_count(anon_b, name) == 0)
    r = a.post("/profile", {"name": name, "corpnum": "", "sole": "1", "prefecture": "13", "industry": "G",
                            "employees": "3", "contact": "担当"})
    check("profile saved on A", r.status == 200, r.status)
    a.post("/star1", {f"p{k}": "done" for k in range(1, 6)} | {"commit": "1"})
    r = a.post("/declare", {"level": "1"})
    check("★ declared on A", r.status == 303, r.status)
    m = re.search(r'class="declid">(\d{11})<', a.get("/declare").body)
    decl = m.group(1) if m else "0"
    check("a declaration made on A is in B's registry at once", registry_count(anon_b, name) == 1)
    r = anon_b.get(f"/verify/{decl}")
    check("B's verification page: active", r.status == 200 and "verdict active" in r.body, r.status)
    r = anon_b.get(f"/api/v1/declarations/{decl}")
    check("B's API: active", r.status == 200 and '"status":"active"' in r.body.replace(" ", ""), r.body[:200])

    # The owner withdraws on A; B had both pages cached.
    r = a.post("/declare/withdraw", {}, token_from="/declare")
    check("withdrawn on A", r.status == 303, r.status)
    r = anon_b.get(f"/verify/{decl}")
    check("a withdrawal on A is not served stale by B", r.status == 200 and "verdict withdrawn" in r.body,
          re.findall(r'verdict \w+', r.body))
    r = anon_b.get(f"/api/v1/declarations/{decl}")
    check("nor by B's API", '"status":"withdrawn"' in r.body.replace(" ", ""), r.body[:200])
    check("B's registry no longer lists it", registry_count(anon_b, name) == 0)

    # A member invitation is mailed once, though two mailers share the outbox.
    r = a.post("/members/invite", {"email": "member@example.jp"}, token_from="/members")
    check("member invited on A", r.status in (200, 303), r.status)
    deadline = time.time() + 20
    sent = []
    while time.time() < deadline:
        sent = [f for f in os.listdir(spool) if not f.startswith(".")]
        if sent:
            time.sleep(2)  # give the other mailer its chance to send it again
            sent = [f for f in os.listdir(spool) if not f.startswith(".")]
            break
        time.sleep(0.2)
    check("the invitation is mailed exactly once by the two servers", len(sent) == 1, sent)

    # Log-out on A ends the session on B.
    r = a.post("/logout", {}, token_from="/dashboard")
    check("logged out on A", r.status == 303, r.status)
    check("a log-out on A ends the session on B", not logged_in(b))


if __name__ == "__main__":
    main()
