#!/usr/bin/env python3
"""E-mail from `hoshi serve` (issue 11 part 4), delivered to a real SMTP
server (aiosmtpd, started here on a free loopback port).

Checks: the operator's invite step mails each organisation with an
address its link (MIME: UTF-8 encoded-word subject, base64 body, Date,
Message-ID); without --smtp or --mail-dir the message waits in the
outbox; kill -9 with a queued message, then a start against an SMTP
server that is down (the failure recorded, nothing marked sent), then
kill -9 again and a start against a server that refuses once and then
accepts: the message arrives exactly once, marked sent only then; the
12-month reminder is queued once however often the daily scan runs;
the spool folder mode writes .eml files; a name or subject carrying
CR LF never makes a header, an address carrying one is never mailed;
bad mail options are usage errors (exit 2).
Prints 'ok NAME' / 'FAIL NAME'.
"""
import base64, email, email.header, email.policy, glob, os, re, socket, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import HOSHI, Client, check, start

try:
    from aiosmtpd.controller import Controller
except ImportError:
    # Debian's python3-aiosmtpd is for Debian's python3: run under it when
    # another python3 comes first on PATH.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise

OP = {"email": "operator@example.jp", "password": "hoshi-demo-2026"}
DEMO = ["--demo", "--demo-count", "3"]


class Handler:
    """Keeps every accepted message; refuses the next `refuse` DATA commands."""

    def __init__(self):
        self.got = []
        self.refuse = 0
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            self.refused += 1
            return "451 4.3.0 try again later"
        self.got.append(envelope)
        return "250 2.0.0 OK"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def outbox(db):
    con = harness.connect(db)
    rows = con.execute("SELECT id, kind, rcpt, subject, attempts, sent, last_error, dedup FROM outbox ORDER BY id").fetchall()
    con.close()
    return rows


def wait_for(cond, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.2)
    return False


def kill9(server):
    server.p.kill()
    server.p.wait()


def invite(port, mail=True):
    """Logs in the operator, makes a survey and issues its invitations."""
    o = Client(port)
    o.post("/login", OP)
    r = o.post("/operator/surveys", {"shipped": "sa2018"}, token_from="/dashboard")
    m = re.search(r"/operator/surveys/(\d+)$", r.getheader("Location") or "")
    base = "/operator/surveys/" + (m.group(1) if m else "2")
    form = {"mail": "1"} if mail else {}
    r = o.post(base + "/invite", form, token_from=base)
    return r


def parse(raw_bytes):
    return email.message_from_bytes(raw_bytes, policy=email.policy.default)


def crash_and_retry(tmp):
    db = os.path.join(tmp, "a.db")
    server, port = start(db, DEMO)
    r = invite(port)
    rows = [l.split(",") for l in r.body.lstrip("\ufeff").strip().split("\r\n")[1:]]
    demo = [x for x in rows if x[1] == "ほしぞら製作所株式会社"] or rows[:1]
    token = demo[0][2].rsplit("/s/", 1)[1] if demo else ""
    ob = outbox(db)
    check("invite with mail: one message queued, for the demo organisation's address",
          len(ob) == 1 and ob[0][1] == "survey_invite" and ob[0][2] == "demo@example.jp" and ob[0][5] is None, ob)
    time.sleep(1.5)
    check("without --smtp or --mail-dir the message waits (not sent, not tried)",
          [(x[4], x[5]) for x in outbox(db)] == [(0, None)], outbox(db))
    check("server says mail is off", "event=mail_off" in server.log())
    kill9(server)

    down = free_port()
    server, port = start(db, ["--smtp", f"smtp://127.0.0.1:{down}", "--mail-from", "registry@example.jp",
                              "--mail-retry", "1"])
    tried = wait_for(lambda: outbox(db)[0][4] >= 1)
    ob = outbox(db)
    check("SMTP server down: the attempt is counted with its error, nothing sent",
          tried and ob[0][5] is None and ob[0][6] != "", ob)
    check("the failure is logged without the message", "event=mail_failed" in server.log()
          and token not in server.log())
    kill9(server)

    h = Handler()
    h.refuse = 1
    port_smtp = free_port()
    ctl = Controller(h, hostname="127.0.0.1", port=port_smtp)
    ctl.start()
    try:
        before = outbox(db)[0][4]
        server, port = start(db, ["--smtp", f"smtp://127.0.0.1:{port_smtp}", "--mail-from", "registry@example.jp",
                                  "--mail-retry", "1"])
        sent = wait_for(lambda: outbox(db)[0][5] is not None, 40)
        ob = outbox(db)
        check("after kill -9 and restart the queued message is delivered", sent and len(h.got) == 1, (ob, len(h.got)))
        check("the server refused once, then accepted: retried, delivered once",
              h.refused == 1 and ob[0][4] == before + 2 and ob[0][6] == "", (h.refused, ob))
        check("the refusal was recorded as a failure before the success", "451" in server.log(), server.log()[-1500:])
        if h.got:
            env = h.got[0]
            msg = parse(env.original_content)
            check("envelope: from --mail-from to the organisation only",
                  env.mail_from == "registry@example.jp" and env.rcpt_tos == ["demo@example.jp"], (env.mail_from, env.rcpt_tos))
            rawh = env.original_content.split(b"\r\n\r\n", 1)[0].decode("ascii")
            check("headers are ASCII with an encoded-word subject",
                  re.search(r"^Subject: =\?UTF-8\?B\?", rawh, re.M) is not None, rawh)
            check("subject decodes to the Japanese template with the organisation",
                  "アンケート" in str(msg["Subject"]) and "ほしぞら製作所" in str(msg["Subject"]), str(msg["Subject"]))
            check("Date, Message-ID and MIME headers",
                  msg["Date"] is not None and re.fullmatch(r"<hoshi\.\d+\.\d+@example\.jp>", str(msg["Message-ID"]))
                  and msg["MIME-Version"] == "1.0" and msg.get_content_type() == "text/plain"
                  and msg.get_content_charset() == "utf-8" and msg["Content-Transfer-Encoding"] == "base64", rawh)
            body = msg.get_content()
            check("body carries the answering link of the CSV", token != "" and ("/s/" + token) in body, body[:400])
        server.stop_checked("mail server (smtp)")
        server, port = start(db, ["--smtp", f"smtp://127.0.0.1:{port_smtp}", "--mail-from", "registry@example.jp"])
        time.sleep(2)
        check("a sent message is not sent again after a restart", len(h.got) == 1 and len(outbox(db)) == 1)
        server.stop_checked("mail server (restart)")
    finally:
        ctl.stop()


def reminders(tmp):
    db = os.path.join(tmp, "r.db")
    server, port = start(db, DEMO)
    server.stop_checked("reminder setup")
    con = harness.connect(db)
    con.execute("UPDATE declarations SET declared_on = '2020-04-01' WHERE status = 1 AND org_id ="
                " (SELECT org_id FROM users WHERE email = 'demo@example.jp')")
    # A name with a line break and a header after it (written past the
    # input rules, as old or hostile data would be).
    con.execute("UPDATE orgs SET name = 'Evil\r\nBcc: victim@example.com' WHERE id ="
                " (SELECT org_id FROM users WHERE email = 'demo@example.jp')")
    # An organisation whose only address carries a header: never mailed.
    con.execute("INSERT INTO orgs(name) VALUES ('Bad Address Ltd')")
    oid = con.execute("SELECT max(id) FROM orgs").fetchone()[0]
    con.execute("INSERT INTO users(org_id, email, pwhash) VALUES (?, ?, 'x')", (oid, "a@example.jp\r\nBcc: v@example.com"))
    con.execute("INSERT INTO declarations(id, org_id, level, declared_on) VALUES ('99999999999', ?, 1, '2020-01-01')", (oid,))
    con.commit()
    con.close()
    h = Handler()
    port_smtp = free_port()
    ctl = Controller(h, hostname="127.0.0.1", port=port_smtp)
    ctl.start()
    try:
        opts = ["--smtp", f"smtp://127.0.0.1:{port_smtp}", "--mail-from", "registry@example.jp"]
        server, port = start(db, opts)
        got = wait_for(lambda: len(h.got) >= 1)
        time.sleep(1)
        ob = outbox(db)
        check("12-month reminder: queued once for the old declaration, delivered",
              got and len(ob) == 1 and ob[0][1] == "rediag" and ob[0][7].startswith("rediag:") and len(h.got) == 1, ob)
        check("an address carrying CR LF is never queued or mailed",
              all("v@example.com" not in x[2] for x in ob) and all("v@example.com" not in e.rcpt_tos for e in h.got))
        if h.got:
            env = h.got[0]
            rawh = env.original_content.split(b"\r\n\r\n", 1)[0].decode("ascii")
            msg = parse(env.original_content)
            check("a name with CR LF makes no header: no Bcc, one recipient",
                  env.rcpt_tos == ["demo@example.jp"] and "Bcc" not in rawh and msg["Bcc"] is None, rawh)
            check("the name's line break became a space in the encoded subject",
                  "Evil  Bcc: victim@example.com" in str(msg["Subject"]), str(msg["Subject"]))
            check("reminder body: the declaration and the diagnosis link",
                  "1年" in msg.get_content() and "/diagnosis" in msg.get_content())
        server.stop_checked("reminder server")
        server, port = start(db, opts)
        time.sleep(2)
        check("the scan after a restart queues nothing again (idempotent)", len(outbox(db)) == 1 and len(h.got) == 1)
        server.stop_checked("reminder server again")
    finally:
        ctl.stop()


def spool(tmp):
    db = os.path.join(tmp, "s.db")
    mdir = os.path.join(tmp, "mail")
    os.mkdir(mdir)
    server, port = start(db, DEMO + ["--mail-dir", mdir])
    invite(port)
    ok = wait_for(lambda: len(glob.glob(os.path.join(mdir, "*.eml"))) == 1 and outbox(db)[0][5] is not None)
    files = glob.glob(os.path.join(mdir, "*.eml"))
    check("spool folder: one .eml file, the message marked sent", ok, (files, outbox(db)))
    if files:
        with open(files[0], "rb") as f:
            msg = parse(f.read())
        check("spool file is the whole message", msg["To"] == "demo@example.jp" and "/s/" in msg.get_content()
              and msg["From"] == "hoshi@localhost", str(msg)[:300])
        check("spool file named by id and kind", re.search(r"/\d{8}-survey_invite\.eml$", files[0]) is not None, files[0])
    r = invite(port, mail=False)
    time.sleep(1.5)
    check("invite without the mail box ticked queues nothing", r.status == 200 and len(outbox(db)) == 1)
    server.stop_checked("spool server")


def usage(tmp):
    db = os.path.join(tmp, "u.db")
    for args, what in ((["--smtp", "ftp://x"], "--smtp"), (["--smtp", "smtp://h:25"], "--mail-from"),
                       (["--mail-from", "a b@c"], "--mail-from"), (["--mail-retry", "0"], "--mail-retry"),
                       (["--smtp", "smtp://h", "--mail-from", "a@b.jp", "--smtp-user", "u"], "--smtp-user"),
                       (["--smtp", "smtp://h", "--mail-from", "a@b.jp", "--smtp-user", "u",
                         "--smtp-password-file", os.path.join(tmp, "none")], "--smtp-user")):
        env = dict(os.environ)
        env.pop("HOSHI_SMTP_PASSWORD", None)
        p = subprocess.run([HOSHI, "serve", "--db", db, *args], capture_output=True, text=True, timeout=30, env=env)
        check(f"usage error for {' '.join(args)}", p.returncode == 2 and what in p.stderr, (p.returncode, p.stderr))
    p = subprocess.run([HOSHI, "serve", "--help"], capture_output=True, text=True, timeout=30)
    check("help lists the mail options", all(o in p.stdout for o in ("--smtp URL", "--mail-from", "--mail-dir", "--mail-retry")))


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-mail-")
    usage(tmp)
    crash_and_retry(tmp)
    reminders(tmp)
    spool(tmp)
    sys.exit(1 if __import__("harness").failures else 0)


if __name__ == "__main__":
    main()
