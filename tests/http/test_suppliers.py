#!/usr/bin/env python3
"""The supply chain at /suppliers (issue 13 part 5), through `hoshi serve
--mail-dir` (mails read back from the spool folder, links followed).

Checks: the page needs a log-in; one supplier added by 法人番号 (typed
full-width with hyphens) or declaration ID, every kind of bad entry
refused with its field marked and nothing written; a CSV upload with good
and bad rows refused whole with every bad line's number, then a CP932 file
added; the size cap (413), no file; the board's status of each kind (none,
★, ★★, withdrawn, re-check overdue) with the counts; another organisation
neither sees the list nor removes from it (404); CSRF on every POST;
invitation links as a CSV for the undeclared only, e-mailed to the
addresses given, the link page, signing up through it recorded, a bad link
404, no token in the log; the operator's figures; consent granted and
revoked by the supplier's owner and what the client's board shows then; a
withdrawal shown on the board and mailed to the client once across
restarts.  Runs on SQLite and (web_http_pg.sh) PostgreSQL.
Prints 'ok NAME' / 'FAIL NAME'.
"""
import datetime, email, email.policy, glob, os, re, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import Client, check, start

PW = "correct horse battery"
DAMM = [[0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3], [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
        [1, 7, 5, 0, 9, 8, 3, 4, 2, 6], [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
        [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7], [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
        [2, 5, 8, 1, 4, 3, 6, 7, 9, 0]]


def decl_id(base):
    """A declaration ID: ten digits and their Damm check digit."""
    s = str(base)
    i = 0
    for ch in s:
        i = DAMM[i][int(ch)]
    return s + str(i)


def corpnum(base12):
    """A 法人番号: the check digit of the twelve base digits, then them."""
    digits = [int(c) for c in base12]
    total = sum(d * (1 if n % 2 else 2) for n, d in enumerate(reversed(digits), start=1))
    return str(9 - total % 9) + base12


def login(c, addr):
    return c.post("/login", {"email": addr, "password": PW}, token_from="/login")


def account(port, addr, org):
    c = Client(port)
    c.post("/signup", {"email": addr, "password": PW, "org": org})
    login(c, addr)
    return c


def q(db, sql, params=()):
    con = harness.connect(db)
    try:
        rows = con.execute(sql, params).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def org_of(db, addr):
    return q(db, "SELECT org_id FROM users WHERE email = ?", (addr,))[0][0]


def declare(db, org, level, on, ident, withdrawn_on=""):
    q(db, "INSERT INTO declarations(id, org_id, level, declared_on, status, withdrawn_on) VALUES (?, ?, ?, ?, ?, ?)",
      (ident, org, level, on, 0 if withdrawn_on else 1, withdrawn_on))


def entries(db, client):
    return q(db, "SELECT corpnum, decl_id, name, email FROM suppliers WHERE client_org = ? ORDER BY id", (client,))


def multipart(c, path, data, filename="suppliers.csv", token_from="/suppliers", with_csrf=True):
    boundary = "----hoshiTestBoundary7MA4YWxkTrZu0gW"
    parts = []
    if with_csrf:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{c.token(token_from)}\r\n'
                     .encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: text/csv\r\n\r\n".encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return c.request("POST", path, body=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})


def row_of(body, name):
    """The board's table row whose supplier cell shows name."""
    for m in re.finditer(r'<tr id="supplier-\d+">(.*?)</tr>', body, re.S):
        if name in m.group(1):
            return m.group(1)
    return ""


class Mailbox:
    def __init__(self, folder):
        self.folder = folder

    def all(self, kind):
        out = []
        for f in sorted(glob.glob(os.path.join(self.folder, f"*-{kind}.eml"))):
            with open(f, "rb") as fh:
                out.append(email.message_from_bytes(fh.read(), policy=email.policy.default))
        return out

    def wait(self, kind, n, seconds=20):
        end = time.time() + seconds
        while time.time() < end and len(self.all(kind)) < n:
            time.sleep(0.2)
        return self.all(kind)


TODAY = datetime.date.today()
LINK = [""]
C1, C2, C3, C4, C5 = (corpnum(b) for b in ("000012050011", "000012050022", "000012050033", "000012050044",
                                           "000012050055"))
ID2 = decl_id(5123456780)
ID4 = decl_id(5123456781)


def setup_registry(port, db):
    """Five suppliers: ★ (C1), ★★ (ID2), ★ two years old (C3, overdue),
    ★ to be withdrawn (C4), and one that never declared (C5)."""
    for i, (addr, name, cn) in enumerate([("s1@example.jp", "甲工業", C1), ("s2@example.jp", "乙製作所", ""),
                                          ("s3@example.jp", "丙運輸", C3), ("s4@example.jp", "丁商事", C4)]):
        account(port, addr, name)
        q(db, "UPDATE orgs SET corpnum = ? WHERE id = ?", (cn, org_of(db, addr)))
    declare(db, org_of(db, "s1@example.jp"), 1, str(TODAY - datetime.timedelta(days=30)), decl_id(5123456782))
    declare(db, org_of(db, "s2@example.jp"), 2, str(TODAY - datetime.timedelta(days=10)), ID2)
    q(db, "INSERT INTO diagnoses(org_id, answers, score, taken_on) VALUES (?, ?, ?, ?)",
      (org_of(db, "s2@example.jp"), "1111111111111111111111112", 98, str(TODAY - datetime.timedelta(days=12))))
    declare(db, org_of(db, "s3@example.jp"), 1, str(TODAY - datetime.timedelta(days=800)), decl_id(5123456783))
    declare(db, org_of(db, "s4@example.jp"), 1, str(TODAY - datetime.timedelta(days=100)), ID4)


def add_one(port, db, a, client):
    r = Client(port).get("/suppliers")
    check("suppliers: log-in required", r.status == 303 and r.getheader("Location") == "/login?next=/suppliers",
          r.getheader("Location"))
    r = a.get("/suppliers")
    check("suppliers: empty board", r.status == 200 and "まだ取引先が登録されていません" in r.body, r.status)
    # 法人番号 typed full-width with hyphens
    typed = "".join(chr(ord(ch) + 0xFEE0) for ch in C1)
    typed = typed[:1] + "‐" + typed[1:5] + "-" + typed[5:]
    r = a.post("/suppliers/add", {"number": typed, "name": "甲工業（主要外注先）", "email": ""})
    check("add: by 法人番号 typed full-width", r.status == 303 and r.getheader("Location") == "/suppliers?done=added",
          r.status)
    check("add: stored as its digits", entries(db, client) == [(C1, "", "甲工業（主要外注先）", "")],
          entries(db, client))
    bad = [
        ({"number": C1[:-1] + str((int(C1[-1]) + 1) % 10), "name": "誤り", "email": ""}, "number", "正しくありません"),
        ({"number": "", "name": "空", "email": ""}, "number", "入力してください"),
        ({"number": ID2[:-1] + str((int(ID2[-1]) + 1) % 10), "name": "誤りID", "email": ""}, "number",
         "正しくありません"),
        ({"number": ID2, "name": "", "email": ""}, "name", "会社名"),
        ({"number": ID2, "name": "a\u202eb", "email": ""}, "name", "U+202E"),
        ({"number": ID2, "name": "長" * 101, "email": ""}, "name", "100"),
        ({"number": ID2, "name": "乙", "email": "not an address"}, "email", "メールアドレスの形"),
        ({"number": C1, "name": "重複", "email": ""}, "number", "すでに一覧にあります"),
    ]
    for form, field, words in bad:
        r = a.post("/suppliers/add", form)
        check(f"add refused: {field} {form[field][:20]!r} (422, field marked)",
              r.status == 422 and f'id="{field}"' in r.body and 'aria-invalid="true"' in r.body
              and (words in r.body or field == "name"), f"{r.status} {words}")
    check("add refused: nothing written", len(entries(db, client)) == 1, entries(db, client))
    r = a.post("/suppliers/add", {"number": ID2, "name": "乙製作所", "email": "Otsu@Example.jp "})
    check("add: by declaration ID with an address", r.status == 303, r.status)
    check("add: address stored plain", entries(db, client)[1] == ("", ID2, "乙製作所", "otsu@example.jp"),
          entries(db, client))


def upload(port, db, a, b, client):
    before = entries(db, client)
    bad_csv = ("法人番号,取引先名,メールアドレス\n"
               f"{C3},丙運輸,\n"                       # 2 good
               f"{C3[:-1]}9,誤り,\n"                   # 3 bad check digit
               "\n"                                   # 4 empty: skipped
               f"{C4},丁商事,not-mail\n"               # 5 bad address
               f"{C3},丙運輸 again,\n"                 # 6 repeats line 2
               f"{C1},甲 again,\n"                     # 7 already listed
               "12345\n"                              # 8 one column
               f"{C5},,\n").encode()                  # 9 no name
    r = multipart(a, "/suppliers/upload", bad_csv)
    lines = re.findall(r"<strong>(\d+)行目：</strong>", r.body)
    check("upload: refused whole with every bad line numbered", r.status == 422 and lines == ["3", "5", "6", "7", "8", "9"],
          f"{r.status} {lines}")
    check("upload: the count of problems", "誤りが 6 件" in r.body, r.body[:300])
    check("upload: repeated line names the first", "2行目と同じ番号" in r.body)
    check("upload: nothing written", entries(db, client) == before, entries(db, client))
    good = (f"{C3},丙運輸,\r\n{C4},丁商事,tei@example.jp\r\n\"{C5}\",\"未宣言社, 本店\",none@example.jp\r\n")
    r = multipart(a, "/suppliers/upload", good.encode("cp932"))
    check("upload: a CP932 file added", r.status == 303 and r.getheader("Location") == "/suppliers?done=uploaded",
          f"{r.status} {r.body[:500]}")
    got = entries(db, client)
    check("upload: rows stored (quoted comma kept)", got[2:] == [(C3, "", "丙運輸", ""), (C4, "", "丁商事", "tei@example.jp"),
                                                                 (C5, "", "未宣言社, 本店", "none@example.jp")], got)
    r = multipart(a, "/suppliers/upload", b"\x82\xa0\xff\xfe,\x00x\n")
    check("upload: unreadable bytes refused", r.status == 422 and "CSV として読めませんでした" in r.body, r.status)
    r = multipart(a, "/suppliers/upload", b"")
    check("upload: no file refused", r.status == 422 and "ファイルを選んでください" in r.body, r.status)
    r = multipart(a, "/suppliers/upload", b"x" * (300 * 1024))
    check("upload: over the cap is 413", r.status == 413, r.status)
    r = multipart(a, "/suppliers/upload", f"{C5},again\n".encode(), with_csrf=False)
    check("upload: no CSRF token is 403", r.status == 403, r.status)
    r = multipart(b, "/suppliers/upload", f"{C5},x\n{C5},y\n".encode())
    check("upload: another client's list is its own (repeat refused in its file)", r.status == 422
          and re.findall(r"<strong>(\d+)行目：</strong>", r.body) == ["2"], f"{r.status} {re.findall(r'<li>.*?</li>', r.body)}")
    check("upload: nothing for the other client", entries(db, org_of(db, "b@example.jp")) == [])


def board(port, db, a, b, client):
    r = a.get("/suppliers")
    body = r.body
    want = {"甲工業（主要外注先）": "★ 宣言中", "乙製作所": "★★ 宣言中", "丙運輸": "見直し時期を過ぎています",
            "丁商事": "★ 宣言中", "未宣言社, 本店": "宣言なし"}
    for name, status in want.items():
        row = row_of(body, name)
        check(f"board: {name} shows {status}", f">{status}</span>" in row, row[:400])
    check("board: overdue names its last check", "最後の確認" in row_of(body, "丙運輸"))
    check("board: declared rows link the verification page", f'href="/verify/{ID2}"' in row_of(body, "乙製作所"))
    check("board: counts by status", re.search(r"宣言なし <strong>1</strong>", body) and
          re.search(r"★ 宣言中 <strong>2</strong>", body) and re.search(r"見直し時期を過ぎています <strong>1</strong>", body),
          re.findall(r'supplier-status [a-z0-9]+">([^<]*) <strong>(\d+)', body))
    check("board: scores not shown without consent", "共有されていません" in row_of(body, "乙製作所")
          and "点数" not in row_of(body, "乙製作所"))
    # another organisation
    rb = b.get("/suppliers")
    check("board: another organisation sees none of it", rb.status == 200 and "乙製作所" not in rb.body
          and "まだ取引先が登録されていません" in rb.body)
    first = q(db, "SELECT id FROM suppliers WHERE client_org = ? ORDER BY id", (client,))[0][0]
    r = b.post("/suppliers/remove", {"id": str(first)}, token_from="/suppliers")
    check("remove: another organisation's entry is 404", r.status == 404, r.status)
    check("remove: nothing removed", len(entries(db, client)) == 5)
    for path, form in [("/suppliers/add", {"number": C5, "name": "x"}), ("/suppliers/remove", {"id": str(first)}),
                       ("/suppliers/invite", {"mail": "1"}), ("/account/clients", {"client": str(client), "action": "grant"})]:
        r = a.request("POST", path, form=form)
        check(f"csrf: {path} without a token is 403", r.status == 403, r.status)
        r = a.request("POST", path, form=dict(form, csrf="0" * 64))
        check(f"csrf: {path} with a wrong token is 403", r.status == 403, r.status)
    check("csrf: nothing changed", len(entries(db, client)) == 5)
    r = a.post("/suppliers/remove", {"id": "abc"}, token_from="/suppliers")
    check("remove: a malformed id is 404", r.status == 404, r.status)


def invitations(port, db, a, server, mail, client):
    r = a.post("/suppliers/invite", {"mail": "1"}, token_from="/suppliers")
    check("invite: a CSV download", r.status == 200 and r.getheader("Content-Type", "").startswith("text/csv")
          and "attachment" in (r.getheader("Content-Disposition") or ""), r.status)
    rows = [l.split(",") for l in r.body.lstrip("\ufeff").strip().split("\r\n")]
    check("invite: only the undeclared", rows[0] == ["number", "name", "email", "url"] and len(rows) == 2
          and rows[1][0] == C5, rows)
    link = re.search(r"(/suppliers/invite/[A-Za-z0-9_-]{43})$", r.body.strip())
    path = link.group(1) if link else ""
    LINK[0] = path
    check("invite: invited_at recorded", q(db, "SELECT count(*) FROM suppliers WHERE invited_at > 0")[0][0] == 1)
    msgs = mail.wait("supplier_invite", 1)
    check("invite: mailed to the address given", len(msgs) == 1 and msgs[0]["To"] == "none@example.jp"
          and path in msgs[0].get_content(), [m["To"] for m in msgs])
    v = Client(port)
    r = v.get(path)
    check("link: names the client and offers sign-up", r.status == 200 and "発注元株式会社" in r.body
          and f'href="/signup?via={path.rsplit("/", 1)[1]}"' in r.body, r.status)
    r = v.get("/suppliers/invite/" + "A" * 43)
    check("link: an unknown link is 404", r.status == 404, r.status)
    r = v.get("/signup?via=" + path.rsplit("/", 1)[1])
    check("signup: the link rides in the form", f'name="via" value="{path.rsplit("/", 1)[1]}"' in r.body)
    form = {"email": "none@example.jp", "password": PW, "org": "未宣言社", "via": path.rsplit("/", 1)[1]}
    r = v.post("/signup", form, token_from="/signup")
    check("signup: through the link", r.status == 303, r.status)
    joined = q(db, "SELECT joined_org FROM suppliers WHERE corpnum = ?", (C5,))[0][0]
    check("signup: recorded as invited through a client", joined == org_of(db, "none@example.jp"), joined)
    log = server.log()
    check("log: the link's token never logged", path.rsplit("/", 1)[1] not in log and "/suppliers/invite/(token)" in log)
    login(v, "none@example.jp")
    r = v.get(path)
    check("link: once joined, says so", "受け付け済み" in r.body, r.body[:300])
    r = a.get(path)
    check("link: the client's own link is not accepted", "ご自身の取引先一覧" in r.body)
    r = a.post(path, {}, token_from=path)
    check("link: the client accepting its own link is 409", r.status == 409, r.status)
    r = a.get("/suppliers")
    check("board: shows the signed-up supplier as joined", "招待から登録済み" in row_of(r.body, "未宣言社, 本店"))
    r = a.post("/suppliers/invite", {"mail": "1"}, token_from="/suppliers")
    check("invite again: nobody new, the sent link kept", r.status == 303
          and r.getheader("Location") == "/suppliers?done=none_to_invite"
          and Client(port).get(path).status == 200, r.status)
    r = a.post("/suppliers/invite", {"again": "1"}, token_from="/suppliers")
    fresh = re.search(r"(/suppliers/invite/[A-Za-z0-9_-]{43})$", r.body.strip())
    check("invite again, asked: a new link replaces the old", r.status == 200 and fresh is not None
          and fresh.group(1) != path and Client(port).get(path).status == 404, r.status)
    check("invite again, unticked mail: nothing mailed", len(mail.all("supplier_invite")) == 1)
    path = fresh.group(1) if fresh else path
    r = a.post("/suppliers/invite", {"again": "1", "mail": "1"}, token_from="/suppliers")
    fresh = re.search(r"(/suppliers/invite/[A-Za-z0-9_-]{43})$", r.body.strip())
    check("invite again with mail within the week: a new link, but no second mail", r.status == 200
          and fresh is not None and len(mail.all("supplier_invite")) == 1, (r.status, len(mail.all("supplier_invite"))))
    path = fresh.group(1) if fresh else path
    LINK[0] = path
    # operator's figures
    q(db, "UPDATE users SET operator = 1 WHERE email = ?", ("b@example.jp",))
    return v


def operator_line(port, b, want):
    r = b.get("/operator")
    got = [re.search(rf"{label}</th><td class=\"num\">(\d+)</td>", r.body) for label in
           ("発注元から招待された取引先（件）", "招待リンクから登録・受付した事業者", "招待された取引先のうち宣言中")]
    check(f"operator: invited/joined/declared {want}", [int(m.group(1)) if m else None for m in got] == want,
          [m.group(1) if m else None for m in got])


def consent(port, db, a, b, v, client):
    sup = org_of(db, "none@example.jp")
    q(db, "INSERT INTO diagnoses(org_id, answers, score, taken_on) VALUES (?, ?, ?, ?)",
      (sup, "1111122222111111111133334", 69, str(TODAY)))
    r = v.get("/account/clients")
    check("clients: lists the client that asked", r.status == 200 and "発注元株式会社" in r.body and "共有していません" in r.body)
    check("clients: the other organisation is not listed", "別の発注元" not in r.body)
    r = v.post("/account/clients", {"client": str(org_of(db, "b@example.jp")), "action": "grant"}, token_from="/account/clients")
    check("consent: to a client that does not list us is 404", r.status == 404, r.status)
    r = v.post("/account/clients", {"client": str(client), "action": "revoke"}, token_from="/account/clients")
    check("consent: revoking what was never granted is 404", r.status == 404, r.status)
    r = v.post("/account/clients", {"client": str(client), "action": "grant"}, token_from="/account/clients")
    check("consent: granted", r.status == 303 and r.getheader("Location") == "/account/clients?done=granted", r.status)
    row = row_of(a.get("/suppliers").body, "未宣言社, 本店")
    check("consent: the client sees the band and total", "<strong>50~69点</strong> (69 点" in row, row[:500])
    check("consent: part scores shown", "基本的対策 20 / 20</li>" in row and "42 / 52</li>" in row
          and "7 / 28</li>" in row, row[:600])
    rb = b.get("/suppliers")
    check("consent: another client sees nothing of it", "69 点" not in rb.body)
    r = v.get("/account/clients")
    check("clients: says since when", "から共有しています" in r.body)
    r = v.post("/account/clients", {"client": str(client), "action": "revoke"}, token_from="/account/clients")
    check("consent: revoked", r.status == 303 and r.getheader("Location") == "/account/clients?done=revoked", r.status)
    row = row_of(a.get("/suppliers").body, "未宣言社, 本店")
    check("consent: hidden from the client once revoked", "共有されていません" in row and "/ 52" not in row, row[:500])
    r = v.get("/account/clients")
    check("clients: the record says when it stopped", "に共有をやめました" in r.body)
    rec = q(db, "SELECT granted_at > 0, revoked_at > 0 FROM supplier_consents WHERE supplier_org = ?", (sup,))
    check("consent: the record kept", [tuple(bool(x) for x in t) for t in rec] == [(True, True)], rec)


def every_text(a, v, link):
    """Every text of the pages exists in both languages."""
    for lang in ("en", "ja"):
        for c, path in [(a, "/suppliers"), (v, "/account/clients"), (Client(a.port), link), (a, link)]:
            r = c.get(f"{path}?lang={lang}")
            check(f"texts: {path.split('/')[1]}… in {lang} has every text", r.status == 200
                  and "[missing text]" not in r.body, r.status)
    r = a.post("/suppliers/add", {"number": "1", "name": "", "email": "x"})
    check("texts: the add form's errors have every text", r.status == 422 and "[missing text]" not in r.body)


def owner_withdraws(port, mail):
    """The owner's own withdrawal tells the clients at once."""
    s1 = Client(port)
    login(s1, "s1@example.jp")
    r = s1.post("/declare/withdraw", {}, token_from="/declare")
    check("withdrawn by its owner", r.status == 303, r.status)
    msgs = mail.wait("supplier_withdrawn", 1)
    check("withdrawn by its owner: the client told at once", len(msgs) == 1 and msgs[0]["To"] == "a@example.jp"
          and "甲工業（主要外注先）" in msgs[0].get_content(), [m["To"] for m in msgs])


def withdrawal(tmp, db, mdir, client):
    org4 = org_of(db, "s4@example.jp")
    q(db, "UPDATE declarations SET status = 0, withdrawn_on = ? WHERE org_id = ?", (str(TODAY), org4))
    server, port = start(db, ["--mail-dir", mdir])
    try:
        a = Client(port)
        login(a, "a@example.jp")
        r = a.get("/suppliers")
        row = row_of(r.body, "丁商事")
        check("withdrawn: shown on the board", ">取り下げ</span>" in row and "に取り下げ" in row, row[:400])
        check("withdrawn: the board's notice names it", "宣言が取り下げられ" in r.body and ID4 in r.body)
        mail = Mailbox(mdir)
        msgs = [m for m in mail.wait("supplier_withdrawn", 2) if ID4 in m.get_content()]
        check("withdrawn: the daily scan mails the client once", len(msgs) == 1 and msgs[0]["To"] == "a@example.jp"
              and "丁商事" in msgs[0].get_content(), [m["To"] for m in msgs])
    finally:
        server.stop_checked("withdrawal server")
    server, port = start(db, ["--mail-dir", mdir])
    try:
        time.sleep(2)
        check("withdrawn: not mailed again after a restart", len(Mailbox(mdir).all("supplier_withdrawn")) == 2)
    finally:
        server.stop_checked("restarted server")


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-suppliers-")
    db = os.path.join(tmp, "s.db")
    mdir = os.path.join(tmp, "mail")
    os.mkdir(mdir)
    server, port = start(db, ["--mail-dir", mdir, "--signup-limit", "100"])
    try:
        a = account(port, "a@example.jp", "発注元株式会社")
        b = account(port, "b@example.jp", "別の発注元")
        client = org_of(db, "a@example.jp")
        setup_registry(port, db)
        add_one(port, db, a, client)
        upload(port, db, a, b, client)
        board(port, db, a, b, client)
        v = invitations(port, db, a, server, Mailbox(mdir), client)
        login(b, "b@example.jp")  # the operator flag is read at log-in
        operator_line(port, b, [1, 1, 0])
        consent(port, db, a, b, v, client)
        every_text(a, v, LINK[0])
        owner_withdraws(port, Mailbox(mdir))
    finally:
        server.stop_checked()
    withdrawal(tmp, db, mdir, client)
    return 1 if harness.failures else 0


if __name__ == "__main__":
    sys.exit(main())
