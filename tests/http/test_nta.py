#!/usr/bin/env python3
"""The 法人番号 against the National Tax Agency's register, disputes and the
history of a declared organisation (issue 11 parts 1 and 2).

Starts $HOSHI (or argv[1]) with the demo operator, imports the sample of
the agency's bulk file (tests/data/nta/sample.csv, synthetic companies)
with `hoshi nta import` (and a bad file, refused as FILE:LINE with nothing
imported), then: a matching number and name declare and the verification
page says "verified against the register (data of …)"; a closed number,
an unknown one and a name that differs are refused; a second claim on a
declared number becomes a dispute the operator sees and resolves (reject,
then uphold), the claimant told it is pending; renaming a declared
organisation needs the owner's re-confirmation and the register's name,
and the verification page lists the dated changes.  Prints 'ok NAME' /
'FAIL NAME'.
"""
import os, re, shutil, subprocess, sys, tempfile, zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import HOSHI, Client, check, signup, start

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "tests", "data", "nta", "sample.csv")
SAKURA, MIDORI, TSUBAME, UNKNOWN = "8999900000001", "7999900000002", "6999900000003", "1999900000008"


def nta(db, path):
    return subprocess.run([HOSHI, "nta", "import", "--db", harness.db_arg(db), path], capture_output=True, text=True, timeout=60)


def profile(c, name, corpnum, pref="13", **extra):
    form = {"name": name, "corpnum": corpnum, "prefecture": pref, "industry": "G", "employees": "2",
            "contact": "星野"}
    form.update(extra)
    return c.post("/profile", form)


def ready(port, email, name, corpnum):
    """A signed-in organisation with its profile and the five basics done."""
    c = Client(port)
    signup(c, email, name)
    profile(c, name, corpnum)
    c.post("/star1", {"p1": "done", "p2": "done", "p3": "done", "p4": "done", "p5": "done", "commit": "1"})
    return c


def active_id(c):
    m = re.search(r'/verify/([0-9A-Z-]+)"', c.get("/declare").body)
    return m.group(1) if m else None


def imports(db, tmp):
    p = nta(db, SAMPLE)
    check("import: sample file read", p.returncode == 0 and "imported 7 records" in p.stdout
          and "6 kept, 1 older states left out" in p.stdout and "data of 2024-04-01" in p.stdout, p.stdout + p.stderr)
    p = nta(db, SAMPLE)
    check("import: again changes nothing", p.returncode == 0, p.stderr)
    con = harness.connect(db)
    rows = con.execute("SELECT corpnum, name, close_date FROM nta_corps ORDER BY corpnum").fetchall()
    check("import: one row per number, the latest state", len(rows) == 6
          and ("4999900000005", "株式会社ひかり製作所", "") in rows and (TSUBAME, "合同会社つばめ工房", "2023-03-31") in rows, rows)
    lines = open(SAMPLE, encoding="utf-8").read().splitlines()
    bad = os.path.join(tmp, "bad.csv")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("\n".join(lines[:2] + [lines[2].replace('"21"', '"20"')]) + "\n")
    p = nta(db, bad)
    check("import: a bad line is FILE:LINE and exit 2", p.returncode == 2
          and f"{bad}:3: column 3 (process): not a process code" in p.stderr, p.stderr)
    check("import: nothing of a bad file imported", con.execute("SELECT count(*) FROM nta_imports").fetchone()[0] == 2)
    con.close()
    zipped = os.path.join(tmp, "z.zip")
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(SAMPLE, "00_zenkoku_all_20240401.csv")
    p = nta(db, zipped)
    check("import: the .zip as published", p.returncode == 0 and "imported 7 records" in p.stdout, p.stderr)
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("a.csv", "")
        z.writestr("b.csv", "")
    p = nta(db, zipped)
    check("import: a zip of two .csv refused", p.returncode == 2 and "more than one .csv" in p.stderr, p.stderr)
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("readme.txt", "")
    p = nta(db, zipped)
    check("import: a zip without a .csv refused", p.returncode == 2 and "holds no .csv" in p.stderr, p.stderr)
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("x.csv", "\n".join(lines[:4] + [lines[4][:40]]) + "\n")
    p = nta(db, zipped)
    check("import: a bad line in a zip is FILE:LINE", p.returncode == 2
          and f"{zipped}:5: " in p.stderr and "nothing imported" in p.stderr, p.stderr)
    with open(zipped, "wb") as f:
        f.write(b"PK\x03\x04rest")
    p = nta(db, zipped)
    check("import: a damaged zip refused", p.returncode == 2 and "not a readable zip archive" in p.stderr, p.stderr)
    longline = os.path.join(tmp, "long.csv")
    with open(longline, "w", encoding="utf-8") as f:
        f.write(lines[0] + "\n" + "x" * 9000 + "\n")
    p = nta(db, longline)
    check("import: an over-long line refused", p.returncode == 2
          and f"{longline}:2: line longer than 8192 bytes" in p.stderr, p.stderr)
    if harness.on_pg():
        # nta() would make the path a database of its own: name one that
        # is not there (PostgreSQL makes none on connecting).
        p = subprocess.run([HOSHI, "nta", "import", "--db", harness.pgtmp.db_url(harness.PG_URL, "no_such_db"),
                            SAMPLE], capture_output=True, text=True, timeout=60)
        check("import: a missing database is refused", p.returncode == 2
              and 'database "no_such_db" does not exist' in p.stderr, p.stderr)
    else:
        p = nta(os.path.join(tmp, "missing.db"), SAMPLE)
        check("import: a missing database is refused", p.returncode == 2 and "no database" in p.stderr, p.stderr)
    p = nta(db, os.path.join(tmp, "missing.csv"))
    check("import: a missing file is refused", p.returncode == 2 and "cannot read" in p.stderr, p.stderr)


def refusals(port):
    b = ready(port, "closed@example.jp", "つばめ工房", TSUBAME)
    r = b.post("/declare", {"level": "1"})
    check("closed number refused", r.status == 422 and "閉鎖" in r.body, r.status)
    c = ready(port, "differs@example.jp", "みどり商事", MIDORI)
    r = c.post("/declare", {"level": "1"})
    check("name that differs refused", r.status == 422 and "名称と一致しません" in r.body, r.status)
    profile(c, "みどり商事", UNKNOWN)
    r = c.post("/declare", {"level": "1"})
    check("number not in the register refused", r.status == 422 and "見つかりません" in r.body, r.status)
    profile(c, "みどり商店（有）", MIDORI)
    r = c.post("/declare", {"level": "1"})
    check("name matches after folding the legal form", r.status == 303, r.status)


def disputes(port, db):
    a = ready(port, "holder@example.jp", "㈱さくら技研", SAKURA)
    r = a.post("/declare", {"level": "1"})
    check("matching number and name declare", r.status == 303 and "issued" in r.getheader("Location", ""))
    held = active_id(a)
    body = a.get(f"/verify/{held}").body
    check("verification page: verified against the register, with its date",
          re.search(r'<dd class="nta verified">[^<]*2024[^<]*照合済み', body) is not None, body[:3000])
    d = ready(port, "claimant@example.jp", "さくら技研株式会社", SAKURA)
    r = d.post("/declare", {"level": "1"})
    check("second claim: no declaration, pending", r.status == 303 and "pending" in r.getheader("Location", ""))
    body = d.get("/declare").body
    check("claimant told it is pending", "運営者へ確認を依頼しました" in body and SAKURA in body)
    check("claimant has no declaration", active_id(d) is None)
    r = d.post("/declare", {"level": "1"})
    check("claiming again while pending issues nothing", r.status == 303 and active_id(d) is None)
    check("the disputes page is 404 for an owner", d.get("/operator/disputes").status == 404)
    r = d.post("/operator/disputes", {"id": "1", "action": "uphold"}, token_from="/dashboard")
    check("an owner cannot resolve", r.status == 404 and active_id(a) == held)
    o = Client(port)
    o.post("/login", {"email": "operator@example.jp", "password": "hoshi-demo-2026"})
    body = o.get("/operator/disputes").body
    check("operator sees the dispute", "さくら技研株式会社" in body and "㈱さくら技研" in body and held in body
          and body.count('name="action" value="uphold"') == 1, body[-3000:])
    check("operator page links to disputes", 'href="/operator/disputes"' in o.get("/operator").body)
    dispute = re.search(r'name="id" value="(\d+)"', body).group(1)
    r = o.post("/operator/disputes", {"id": dispute, "action": "maybe"}, token_from="/operator/disputes")
    check("an unknown action is refused", r.status == 400)
    r = o.post("/operator/disputes", {"id": dispute, "action": "reject"}, token_from="/operator/disputes")
    check("operator rejects", r.status == 303)
    check("rejected: the holder keeps its declaration", active_id(a) == held)
    check("rejected: in the operator's audit log (issue 11 part 6)", "確認依頼を退けた" in o.get("/operator/audit").body)
    r = o.post("/operator/disputes", {"id": dispute, "action": "reject"}, token_from="/dashboard")
    check("a resolved dispute cannot be resolved again", r.status == 404, r.status)
    d.post("/declare", {"level": "1"})
    body = o.get("/operator/disputes").body
    dispute = re.search(r'name="id" value="(\d+)"', body).group(1)
    r = o.post("/operator/disputes", {"id": dispute, "action": "uphold"}, token_from="/operator/disputes")
    check("operator upholds", r.status == 303)
    check("upheld: the holder's declaration withdrawn", active_id(a) is None
          and "制度運営者により取り下げられました" in a.get(f"/verify/{held}").body
          and "法人番号をめぐる申し立て" in a.get(f"/verify/{held}").body)
    con = harness.connect(db)
    mails = con.execute("SELECT rcpt, body FROM outbox WHERE kind = 'withdrawal_notice'").fetchall()
    con.close()
    check("upheld: the holder is mailed the withdrawal notice, once", len(mails) == 1
          and mails[0][0] == "holder@example.jp" and held in mails[0][1], mails)
    audit = o.get(f"/operator/audit?decl={held}").body
    check("upheld: the audit row names the holder's declaration", "確認依頼を認めた" in audit,
          audit[-2000:])
    r = d.post("/declare", {"level": "1"})
    check("upheld: the claimant declares", r.status == 303 and active_id(d) is not None)
    return d


def history(d):
    did = active_id(d)
    r = profile(d, "株式会社さくら技研", SAKURA)
    check("rename of a declared organisation needs re-confirmation", r.status == 422 and "確認するチェック" in r.body)
    check("profile shows the re-confirmation box when declared", 'name="reconfirm"' in r.body)
    r = profile(d, "株式会社さくら商事", SAKURA, reconfirm="1")
    check("rename to a name the register does not hold refused", r.status == 422 and "名称と一致しません" in r.body)
    r = profile(d, "株式会社さくら技研", "7000012050002", reconfirm="1")
    check("corporate number fixed while declared", r.status == 422 and "法人番号を変えられません" in r.body)
    r = profile(d, "株式会社さくら技研", SAKURA, reconfirm="1")
    check("re-confirmed rename saved", r.status == 200)
    r = profile(d, "株式会社さくら技研", SAKURA, pref="27")
    check("move saved", r.status == 200)
    body = d.get(f"/verify/{did}").body
    hist = re.search(r'<section class="history">(.*?)</section>', body, re.S)
    items = re.findall(r"<li>(.*?)</li>", hist.group(1)) if hist else []
    check("verification page: two dated changes, newest first", len(items) == 2
          and "東京都から大阪府に変更" in items[0] and "「さくら技研株式会社」から「株式会社さくら技研」に変更（所有者が宣言を再確認）" in items[1]
          and all('<time datetime="' in i for i in items), items)
    check("verification page: still verified under the new name", 'class="nta verified"' in body)
    check("verification page: the new name", "株式会社さくら技研" in body)


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-nta-")
    db = os.path.join(tmp, "t.db")
    server, port = start(db, ["--demo", "--demo-count", "4"])
    try:
        c = Client(port)
        r = c.get("/")
        check("server up", r.status == 200)
        imports(db, tmp)
        refusals(port)
        d = disputes(port, db)
        history(d)
    finally:
        server.stop_checked()
        shutil.rmtree(tmp, ignore_errors=True)
    import harness
    sys.exit(1 if harness.failures else 0)


if __name__ == "__main__":
    main()
