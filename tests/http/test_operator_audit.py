#!/usr/bin/env python3
"""The operator's power, accountable (issue 11 part 6), and the outbox's
dead letters (part 4 leftovers), against a running `hoshi serve`.

Checks: the withdrawal form offers the fixed reasons; a withdrawal without
a reason, with an unknown one, without a note (or only blanks) or with a
note over 1000 characters is refused (400, the errors marked, nothing
changed, nothing logged in the audit log); the confirmation step changes
nothing; a non-operator is refused (404) at every step; the confirmed
withdrawal is written with its audit row (who, when, what, reason, note),
the verification page and the JSON API show it as the programme's with
the reason's public label and never the note, while the owner's own
withdrawal stays the owner's; the audit page lists it newest first,
filtered by declaration; the schema refuses to change the log; the owner
is mailed (.eml in --mail-dir) with the ID and the reason's label, not
the note, also over SMTP to a real server (aiosmtpd).  Mail: a message to a closed SMTP port is given up after
--mail-attempts, shown on /operator/outbox with its error, queued again
by the retry button; --mail-dir missing or not a folder stops the start
with a clear message.
Prints 'ok NAME' / 'FAIL NAME'.
"""
import glob, json, os, re, socket, subprocess, sys, tempfile, time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import HOSHI, Client, check, signup, start

OP = {"email": "operator@example.jp", "password": "hoshi-demo-2026"}
DEMO = ["--demo", "--demo-count", "3"]
PROFILE = {"corpnum": "", "sole": "1", "prefecture": "13", "industry": "G", "employees": "2",
           "contact": "星野", "reconfirm": "1"}
REASONS = ["false_declaration", "org_closed", "owner_request", "dispute", "other"]
LABEL_JA = "宣言の内容が事実と異なることが確認されたため"
NOTE = "苦情受付番号 C-2026-001：登記を確認"


def declare(port, email, name):
    """A new owner with a ★ declaration; returns (client, declaration ID)."""
    a = Client(port)
    signup(a, email, name)
    a.post("/profile", dict(PROFILE, name=name))
    a.post("/star1", {f"p{i}": "done" for i in range(1, 6)} | {"commit": "1"})
    a.post("/declare", {"level": "1"})
    m = re.search(r'class="declid"[^>]*>([0-9A-Z-]+)<', a.get("/declare").body)
    return a, (m.group(1) if m else "")


def operator(port):
    o = Client(port)
    r = o.post("/login", OP)
    check("operator logs in", r.status == 303, r.status)
    return o


def query(db, sql):
    con = harness.connect(db)
    rows = con.execute(sql).fetchall()
    con.close()
    return rows


def audit_rows(db):
    return query(db, "SELECT operator_email, action, decl_id, org_id, reason, note FROM audit_log ORDER BY id")


def wait_for(pred, seconds=15):
    end = time.time() + seconds
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.2)
    return pred()


def withdrawal(tmp):
    db = os.path.join(tmp, "w.db")
    mdir = os.path.join(tmp, "mail")
    os.mkdir(mdir)
    server, port = start(db, DEMO + ["--mail-dir", mdir, "--mail-from", "office@example.jp"])
    a, did = declare(port, "owner@example.jp", "監査テスト商店")
    check("the owner has a declaration", bool(did), did)
    o = operator(port)
    anon = Client(port)
    form = {"id": did, "reason": "false_declaration", "note": NOTE, "confirm": "1"}

    listing = o.get("/operator?q=" + urllib.parse.quote("監査テスト")).body
    check("the operator page links to the withdrawal form",
          re.search(rf'action="/operator/withdraw".*?name="id" value="{did}"', listing, re.S) is not None)
    check("the operator page links the audit log and the outbox",
          'href="/operator/audit"' in listing and 'href="/operator/outbox"' in listing)

    # not an operator: refused at every step
    for who, c in (("the owner", a), ("a visitor", anon)):
        r = c.get(f"/operator/withdraw?id={did}")
        check(f"{who}: the withdrawal form is 404", r.status == 404, r.status)
        r = c.post("/operator/withdraw", form, token_from="/dashboard" if c is a else "/login")
        check(f"{who}: the withdrawal is refused", r.status in (403, 404), r.status)
        r = c.get("/operator/audit")
        check(f"{who}: the audit log is 404", r.status == 404, r.status)
        r = c.get("/operator/outbox")
        check(f"{who}: the outbox is 404", r.status == 404, r.status)
    check("after the refusals the declaration is in force", "verdict active" in anon.get(f"/verify/{did}").body)

    r = o.get(f"/operator/withdraw?id={did}")
    check("the form: every listed reason, a note", r.status == 200
          and all(f'name="reason" value="{k}"' in r.body for k in REASONS)
          and '<textarea id="note" name="note"' in r.body and LABEL_JA in r.body, r.status)
    r = o.get("/operator/withdraw?id=XXXX")
    check("the form for a malformed ID is 404", r.status == 404, r.status)
    r = o.get("/operator/withdraw")
    check("the form without an ID is 404", r.status == 404, r.status)

    # refused input: 400, the error shown, nothing changed or logged
    bad = [("no reason", {"reason": ""}, "理由を一覧から選んでください"),
           ("an unknown reason", {"reason": "bogus"}, "理由を一覧から選んでください"),
           ("no note", {"note": ""}, "メモを書いてください"),
           ("a note of blanks", {"note": " \u3000 \n "}, "メモを書いてください"),
           ("a note too long", {"note": "あ" * 1001}, "1000"),
           ("a note with a control character", {"note": "a\x07b"}, "メモ")]
    for what, change, text in bad:
        r = o.post("/operator/withdraw", form | change, token_from="/dashboard")
        check(f"withdrawal with {what}: 400 with the error", r.status == 400 and text in r.body
              and 'class="error-summary"' in r.body and 'aria-invalid="true"' in r.body, (r.status, r.body[-600:]))
    r = o.post("/operator/withdraw", {"id": did, "confirm": "1"}, token_from="/dashboard")
    check("withdrawal with neither: both errors", r.status == 400 and "理由を一覧から" in r.body
          and "メモを書いて" in r.body, r.status)
    check("after the refused withdrawals: in force, nothing in the audit log",
          "verdict active" in anon.get(f"/verify/{did}").body and audit_rows(db) == [])

    # the confirmation step shows what will happen, and changes nothing
    r = o.post("/operator/withdraw", {k: v for k, v in form.items() if k != "confirm"}, token_from="/dashboard")
    check("the confirmation page: the reason's label, the note, a confirm button",
          r.status == 200 and LABEL_JA in r.body and NOTE in r.body and 'name="confirm" value="1"' in r.body,
          r.status)
    check("after the confirmation page: still in force", "verdict active" in anon.get(f"/verify/{did}").body)

    # withdrawn, with its record
    r = o.post("/operator/withdraw", form, token_from="/dashboard")
    check("the confirmed withdrawal redirects to the operator page", r.status == 303
          and r.getheader("Location") == "/operator?done=1", r.status)
    rows = audit_rows(db)
    check("one audit row: operator, action, declaration, reason, note",
          len(rows) == 1 and rows[0][0] == "operator@example.jp" and rows[0][1] == "withdraw"
          and rows[0][2] == did and rows[0][3] > 0 and rows[0][4] == "false_declaration" and rows[0][5] == NOTE, rows)
    v = anon.get(f"/verify/{did}").body
    check("verify page: withdrawn by the programme, the reason's label, not the note",
          "制度運営者により取り下げられました" in v and LABEL_JA in v and NOTE not in v and "C-2026" not in v)
    v_en = Client(port).get(f"/verify/{did}?lang=en").body
    check("verify page in English: withdrawn by the programme",
          "withdrawn by the programme" in v_en and "found not to match the facts" in v_en)
    j = json.loads(anon.get(f"/api/v1/declarations/{did}").body)
    d = j.get("declaration", j)
    check("JSON: withdrawn by the programme, with the reason's code and label",
          d.get("status") == "withdrawn" and d.get("withdrawn_by") == "programme"
          and d.get("withdrawn_reason", {}).get("code") == "false_declaration"
          and d.get("withdrawn_reason", {}).get("label") and NOTE not in json.dumps(d, ensure_ascii=False)
          and d.get("signed"), d)
    r = o.post("/operator/withdraw", form, token_from="/dashboard")
    check("withdrawing it again is 404 and logs nothing more", r.status == 404 and len(audit_rows(db)) == 1,
          r.status)
    check("log: the withdrawal with who, which, why",
          re.search(rf"event=operator_withdraw .*operator=\d+ declaration={did} result=withdrawn "
                    r"reason=false_declaration", server.log()) is not None)
    check("log: the refused attempts", re.search(rf"event=operator_withdraw .*declaration={did} result=refused",
                                                 server.log()) is not None)
    check("the note never reaches the server log", NOTE not in server.log())

    # the owner's own withdrawal stays the owner's
    b, did2 = declare(port, "self@example.jp", "自主取下商店")
    b.post("/declare/withdraw", {}, token_from="/declare")
    j = json.loads(anon.get(f"/api/v1/declarations/{did2}").body)
    d = j.get("declaration", j)
    check("JSON: the owner's withdrawal is the owner's", d.get("status") == "withdrawn"
          and d.get("withdrawn_by") == "owner" and d.get("withdrawn_reason", 0) is None, d)
    v = anon.get(f"/verify/{did2}").body
    check("verify page: the owner's withdrawal is not the programme's",
          "verdict withdrawn" in v and "制度運営者" not in v)

    # the audit page
    r = o.get("/operator/audit")
    check("audit page: the withdrawal with operator, reason and note", r.status == 200 and did in r.body
          and "operator@example.jp" in r.body and LABEL_JA in r.body and NOTE in r.body, r.status)
    r = o.get(f"/operator/audit?decl={did}")
    check("audit page filtered by the declaration", r.status == 200 and NOTE in r.body)
    r = o.get(f"/operator/audit?decl={did2}")
    check("audit page filtered by another declaration: nothing", r.status == 200 and NOTE not in r.body
          and "記録はありません" in r.body)
    r = o.get("/operator/audit?decl=%3Cscript%3E")
    check("audit page with a malformed declaration number: 400, escaped",
          r.status == 400 and "<script>" not in r.body and "宣言番号の形" in r.body, r.status)
    for q in ("page=-1", "page=x", "page=99999999"):
        r = o.get("/operator/audit?" + q)
        check(f"audit page with {q}: 404", r.status == 404, r.status)
    r = o.get("/operator/audit?page=1")
    check("audit page past the end: empty, not an error", r.status == 200 and "記録はありません" in r.body)

    # append-only in the schema
    con = harness.connect(db)
    for sql in ("UPDATE audit_log SET note = 'x'", "DELETE FROM audit_log"):
        try:
            con.execute(sql)
            con.commit()
            refused = False
        except harness.DatabaseError as e:
            refused = "append-only" in str(e)
        check(f"the schema refuses: {sql}", refused)
    con.close()
    check("the audit row is unchanged", audit_rows(db)[0][5] == NOTE)

    # the owner's notice
    ok = wait_for(lambda: len(glob.glob(os.path.join(mdir, "*-withdrawal_notice.eml"))) == 1)
    files = glob.glob(os.path.join(mdir, "*-withdrawal_notice.eml"))
    check("the owner's notice is written to the spool folder", ok, os.listdir(mdir))
    if files:
        import email, email.policy
        with open(files[0], "rb") as f:
            msg = email.message_from_bytes(f.read(), policy=email.policy.default)
        body = msg.get_content()
        check("notice: to the owner's address, from --mail-from", msg["To"] == "owner@example.jp"
              and msg["From"] == "office@example.jp", (msg["To"], msg["From"]))
        check("notice: the ID, the reason's label, the verify link, whom to contact, not the note",
              did in body and LABEL_JA in body and f"/verify/{did}" in body and "office@example.jp" in body
              and NOTE not in body and "監査テスト商店" in str(msg["Subject"]), body)
    server.stop_checked("withdrawal server")


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def outbox_row(db):
    rows = query(db, "SELECT id, attempts, sent, failed, last_error FROM outbox WHERE kind = 'withdrawal_notice'")
    return rows[0] if rows else None


def dead_letters(tmp):
    db = os.path.join(tmp, "d.db")
    smtp = f"smtp://127.0.0.1:{closed_port()}"
    server, port = start(db, DEMO + ["--smtp", smtp, "--mail-from", "office@example.jp", "--mail-retry", "1",
                                     "--mail-attempts", "2"])
    a, did = declare(port, "dead@example.jp", "不達テスト商店")
    o = operator(port)
    r = o.post("/operator/withdraw", {"id": did, "reason": "other", "note": "不達の確認", "confirm": "1"},
               token_from="/dashboard")
    check("withdrawn (the notice queued)", r.status == 303, r.status)
    ok = wait_for(lambda: outbox_row(db) is not None and outbox_row(db)[3] is not None, 20)
    row = outbox_row(db)
    check("after --mail-attempts 2 the message is given up, kept, not sent",
          ok and row[1] == 2 and row[2] is None and row[4] != "", row)
    time.sleep(2.5)
    check("a given-up message is not tried again", outbox_row(db)[1] == 2, outbox_row(db))
    check("log: the message given up", re.search(r"level=error event=mail_given_up .*kind=withdrawal_notice "
                                                 r"attempt=2", server.log()) is not None)
    r = o.get("/operator/outbox")
    check("outbox page: one failed, with its error and a retry button",
          r.status == 200 and re.search(r'id="n_failed">1<', r.body) is not None
          and re.search(r'id="n_queued">0<', r.body) is not None and "dead@example.jp" in r.body
          and 'action="/operator/outbox"' in r.body and "Failed to connect" in row[4] and "Failed to connect" in r.body, r.body[-1500:])
    for bad in ("", "x", "0", "99999"):
        r = o.post("/operator/outbox", {"id": bad}, token_from="/operator/outbox")
        check(f"retry of message {bad!r}: refused", r.status in (400, 404), r.status)
    r = a.post("/operator/outbox", {"id": str(row[0])}, token_from="/dashboard")
    check("retry by a non-operator: 404, nothing queued", r.status == 404 and outbox_row(db)[3] is not None)
    r = o.post("/operator/outbox", {"id": str(row[0])}, token_from="/operator/outbox")
    check("retry by the operator: queued again", r.status == 303
          and r.getheader("Location") == "/operator/outbox?done=1", r.status)
    check("audit: the retry recorded", any(x[1] == "mail_retry" and x[5] == f"message {row[0]}"
                                           for x in audit_rows(db)), audit_rows(db))
    ok = wait_for(lambda: outbox_row(db)[3] is not None and outbox_row(db)[1] == 2, 20)
    check("the retried message is tried again (and given up again: the port is still closed)", ok, outbox_row(db))
    server.stop_checked("dead-letter server")


class Keep:
    """An SMTP handler keeping every accepted message."""

    def __init__(self):
        self.got = []

    async def handle_DATA(self, server, session, envelope):
        self.got.append(envelope)
        return "250 2.0.0 OK"


def smtp_notice(tmp):
    """The notice over SMTP, to a real server (aiosmtpd), when installed."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        check("aiosmtpd for the SMTP notice (python3-aiosmtpd)", False, "not installed")
        return
    h = Keep()
    port_smtp = closed_port()
    ctl = Controller(h, hostname="127.0.0.1", port=port_smtp)
    ctl.start()
    try:
        db = os.path.join(tmp, "s.db")
        server, port = start(db, DEMO + ["--smtp", f"smtp://127.0.0.1:{port_smtp}", "--mail-from",
                                         "office@example.jp"])
        a, did = declare(port, "smtp@example.jp", "送信テスト商店")
        o = operator(port)
        r = o.post("/operator/withdraw", {"id": did, "reason": "org_closed", "note": "閉鎖を確認", "confirm": "1"},
                   token_from="/dashboard")
        check("withdrawn (SMTP)", r.status == 303, r.status)
        got = wait_for(lambda: len(h.got) >= 1, 20)
        check("the notice reaches the SMTP server, to the owner", got and h.got[0].rcpt_tos == ["smtp@example.jp"],
              [e.rcpt_tos for e in h.got])
        if got:
            import email, email.policy
            body = email.message_from_bytes(h.got[0].original_content, policy=email.policy.default).get_content()
            check("the SMTP notice: the ID and the reason's label, not the note",
                  did in body and "廃業・解散" in body and "閉鎖を確認" not in body, body)
        time.sleep(1)
        check("the notice is sent once", len(h.got) == 1, len(h.got))
        server.stop_checked("SMTP server")
    finally:
        ctl.stop()


def usage(tmp):
    db = os.path.join(tmp, "u.db")
    afile = os.path.join(tmp, "a-file")
    open(afile, "w").close()
    for args, text in ((["--mail-dir", os.path.join(tmp, "missing")], "no such folder"),
                       (["--mail-dir", afile], "not a folder")):
        p = subprocess.run([HOSHI, "serve", "--db", db, *args], capture_output=True, text=True, timeout=30)
        check(f"--mail-dir {text}: exit 1 with the reason", p.returncode == 1 and "--mail-dir" in p.stderr
              and text in p.stderr, (p.returncode, p.stderr))
    for v in ("0", "101", "x"):
        p = subprocess.run([HOSHI, "serve", "--db", db, "--mail-attempts", v], capture_output=True, text=True,
                           timeout=30)
        check(f"--mail-attempts {v}: usage error", p.returncode == 2 and "--mail-attempts" in p.stderr,
              (p.returncode, p.stderr))
    check("nothing was created by the refused starts", not os.path.exists(db))


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-audit-")
    usage(tmp)
    withdrawal(tmp)
    dead_letters(tmp)
    smtp_notice(tmp)
    sys.exit(1 if __import__("harness").failures else 0)


if __name__ == "__main__":
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        # Debian's python3-aiosmtpd is for Debian's python3 (as in test_mail.py).
        if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
            os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    main()
