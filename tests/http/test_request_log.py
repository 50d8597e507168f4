#!/usr/bin/env python3
"""The request log of `hoshi serve` (issue 12 part 5; docs/deploy.md, "The
request log"): one logfmt line per request, with its method, path, status,
duration and size, and none of the secrets a request carries.

Drives every route whose path is a credential (a password reset, a
member's invitation, an e-mail change's confirmation, a survey link: GET
and POST, good and unknown tokens, and a method the server refuses), plus
passwords in form bodies, the session and CSRF cookies, an Authorization
header and a query string, and the requests refused before routing (405,
411, 413).  Each request made is checked against its own log line, in
order: method, path (with the token replaced by "(token)"), status, and a
duration and size that are numbers; and the whole log is searched for
every secret used.  Prints 'ok NAME' / 'FAIL NAME'.
"""
import email, email.policy, glob, os, re, socket, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import Client, check, start
import survey_seed as seed

PW = "correct horse battery"
NEW_PW = "purple elephant umbrella"
BOB_PW = "quiet maple river"
AUTH = "Bearer sekrit-authorization-4f1d2c"
QUERY_SECRET = "sekrit-query-9a8b7c"

# What the log shows instead of a secret link (src/server/log_redact.c).
SECRET_PREFIXES = ("/s/", "/password/reset/", "/invite/", "/email/confirm/", "/suppliers/invite/")

LINE = re.compile(r'^ts=\S+Z level=(info|warn|error) event=request ip=(\S+) method=(\S+) path=(\S+) '
                  r'status=(\d{3}) ms=(\d+\.\d{3}) bytes=(\d+)$')


def logged_path(path):
    """The path as the log must show it: no query, a token replaced."""
    path = path.split("?", 1)[0]
    if path == "/s/thanks":
        return path
    for pre in SECRET_PREFIXES:
        if path.startswith(pre) and len(path) > len(pre):
            return pre + "(token)"
    return path


class Recorder(Client):
    """A client that notes every request it makes: (method, path, status)."""
    made = []

    def request(self, method, path, form=None, headers=None, body=None):
        r = super().request(method, path, form=form, headers=headers, body=body)
        Recorder.made.append((method, logged_path(path), r.status))
        return r


def raw_status(port, data):
    """Sends bytes on a socket of its own and returns the status code."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(data)
        head = b""
        while b"\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                break
            head += chunk
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    return int(m.group(1)) if m else 0


def mail_link(folder, kind, to, seconds=20):
    """The path of the link in the first mail of kind to `to`."""
    end = time.time() + seconds
    while time.time() < end:
        for f in sorted(glob.glob(os.path.join(folder, f"*-{kind}.eml"))):
            with open(f, "rb") as fh:
                msg = email.message_from_bytes(fh.read(), policy=email.policy.default)
            if msg["To"] == to:
                m = re.search(r"https?://[^/\s]+(/\S+)", msg.get_content())
                return m.group(1) if m else ""
        time.sleep(0.2)
    return ""


def login(c, addr, pw):
    return c.post("/login", {"email": addr, "password": pw}, token_from="/login")


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-reqlog-")
    db, spool = os.path.join(tmp, "t.db"), os.path.join(tmp, "mail")
    os.mkdir(spool)
    server, port = start(db, ["--demo", "--demo-count", "5", "--demo-password", "hoshi-demo-2026",
                              "--mail-dir", spool])
    secrets = [PW, NEW_PW, BOB_PW, "hoshi-demo-2026", AUTH, "sekrit-authorization", QUERY_SECRET]

    # Headers and a query that carry secrets, on a public page
    a = Recorder(port)
    a.request("GET", "/registry?q=" + QUERY_SECRET, headers={"Authorization": AUTH})

    # Sign-up and log-in: passwords in form bodies, then a session cookie
    a.post("/signup", {"email": "alice@example.jp", "password": PW, "org": "ほしぞら商店"})
    r = login(a, "alice@example.jp", PW)
    check("log-in for the test", r.status == 303 and "hoshi_sid" in a.cookies, r.status)
    secrets += [a.cookies.get("hoshi_sid", "no-session"), a.token("/dashboard")]

    # A password reset: mail, link opened, new password posted
    anon = Recorder(port)
    anon.post("/password/forgot", {"email": "alice@example.jp"})
    reset = mail_link(spool, "password_reset", "alice@example.jp")
    check("reset link mailed", reset.startswith("/password/reset/"), reset)
    links = [reset.rsplit("/", 1)[-1] or "no-reset-token"]
    anon.get(reset)
    r = anon.post(reset, {"password": NEW_PW})
    check("reset: new password set", r.status == 303, r.status)
    anon.get(reset)                                   # used: 404, still not logged
    anon.get("/password/reset/" + "B" * 43)           # unknown token
    a = Recorder(port)
    login(a, "alice@example.jp", NEW_PW)
    secrets.append(a.cookies.get("hoshi_sid", "no-session"))

    # A member's invitation, opened and accepted
    a.post("/members/invite", {"email": "bob@example.jp"}, token_from="/members")
    invite = mail_link(spool, "member_invite", "bob@example.jp")
    check("invitation link mailed", invite.startswith("/invite/"), invite)
    links.append(invite.rsplit("/", 1)[-1] or "no-invite-token")
    b = Recorder(port)
    b.get(invite)
    r = b.post(invite, {"password": BOB_PW})
    check("invitation accepted", r.status == 303, r.status)

    # An e-mail change, confirmed through its link
    r = b.post("/account/email", {"new_email": "robert@example.jp", "current": BOB_PW}, token_from="/account")
    check("e-mail change requested", r.status == 303, r.status)
    confirm = mail_link(spool, "email_change", "robert@example.jp")
    check("confirmation link mailed", confirm.startswith("/email/confirm/"), confirm)
    links.append(confirm.rsplit("/", 1)[-1] or "no-confirm-token")
    c = Recorder(port)
    c.get(confirm)
    r = c.post(confirm, {})
    check("e-mail change confirmed", r.status == 200, r.status)

    # A survey link: opened, a page saved, an unknown one
    sid = seed.create(db)
    invs = seed.invite(db, sid)
    check("survey invitations made", len(invs) >= 1, invs)
    token = invs[0][1] if invs else "no-survey-token"
    links.append(token)
    s = Recorder(port)
    r = s.get("/s/" + token)
    check("survey link opens", r.status == 200, r.status)
    s.post("/s/" + token, {"page": "0", "nav": "next"}, token_from="/s/" + token)
    s.get("/s/" + "C" * 43)
    s.get("/s/thanks")

    # A supplier's invitation link (issue 13 part 5): opened, carried into
    # the sign-up form, an unknown one
    a.post("/suppliers/add", {"number": "1000011000005", "name": "月野商店", "email": ""}, token_from="/suppliers")
    r = a.post("/suppliers/invite", {}, token_from="/suppliers")
    m = re.search(r"/suppliers/invite/([A-Za-z0-9_-]{43})", r.body)
    check("supplier invitation link made", m is not None, r.status)
    links.append(m.group(1) if m else "no-supplier-token")
    v = Recorder(port)
    v.get("/suppliers/invite/" + links[-1])
    v.get("/signup?via=" + links[-1])
    v.get("/suppliers/invite/" + "D" * 43)

    # Refused before routing: a method, a chunked body, a body too large
    made = list(Recorder.made)
    st = raw_status(port, b"PUT /invite/" + token.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
    made.append(("PUT", "/invite/(token)", st))
    st = raw_status(port, b"POST /password/reset/" + token.encode() + b" HTTP/1.1\r\nHost: x\r\n"
                          b"Transfer-Encoding: chunked\r\n\r\n")
    made.append(("POST", "/password/reset/(token)", st))
    st = raw_status(port, b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n")
    made.append(("POST", "/login", st))
    check("refusals answered: 405, 411, 413", [m[2] for m in made[-3:]] == [405, 411, 413], made[-3:])

    rc = server.stop()
    log = server.log()
    check("server stopped cleanly", rc == 0, rc)
    lines = [l for l in log.splitlines() if " event=request " in l]
    check("one request line per request", len(lines) == len(made), f"{len(lines)} lines, {len(made)} requests")
    bad = []
    for (method, path, status), line in zip(made, lines):
        m = LINE.match(line)
        if not m or (m.group(3), m.group(4), int(m.group(5))) != (method, path, status) or m.group(2) != "127.0.0.1":
            bad.append((method, path, status, line))
    check("each line: ip, method, path (token replaced), status, ms, bytes", not bad and lines, bad[:3])
    levels = {m.group(1) for m in map(LINE.match, lines) if m}
    check("request lines are info below 500", levels == {"info"}, levels)
    check("tokens shown as (token) for every kind of secret link",
          all(f"path={p}(token) " in log for p in SECRET_PREFIXES), "")
    check("a query string is never logged", "?" not in "".join(lines) and "registry?q" not in log)
    leaked = [x for x in secrets + links if x and x in log]
    check("no password, token, cookie, CSRF token or header secret anywhere in the log", not leaked,
          [x[:12] + "…" for x in leaked])
    # A token's first half is as good as a hint: not even that.
    halves = [x[: len(x) // 2] for x in links]
    check("no half of a link's token in the log", len(halves) == 5 and not any(h in log for h in halves))
    check("no sanitizer report", "Sanitizer" not in log and "runtime error" not in log, log[-2000:])
    os.unlink(server.errfile.name)
    return 1 if harness.failures else 0


if __name__ == "__main__":
    sys.exit(main())
