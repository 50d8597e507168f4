#!/usr/bin/env python3
"""HTTP tests of what the store keeps: a policy's draft apart from its
published version (issue 7, finding 7), names of four-byte characters
read back whole (finding 8), and no start on a database the server cannot
write (finding 11).  Prints 'ok NAME' / 'FAIL NAME' lines.
"""
import datetime, html, os, re, sqlite3, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import locked, Client, check, complete_profile, signup, start

REP = "代表取締役 星野花子"


def policy_form(text, action):
    return {"representative": REP, "established": "2026-04-01", "contact": "", "body": text, "action": action}


def ja_date(d):
    return f"{d.year}年{d.month}月{d.day}日"


def published_policy_stays_until_published_again(port, db):
    a = Client(port)
    anon = Client(port)
    r = signup(a, "policy@example.jp", "方針テスト商店")
    check("sign-up", r.status == 303, r.status)
    a.org_name = "方針テスト商店"
    check("profile saved", complete_profile(a).status == 200)
    a.post("/star1", {f"p{i}": "done" for i in range(1, 6)} | {"commit": "1"})
    r = a.post("/declare", {"level": "1"})
    check("★ declared", r.status == 303, r.status)
    r = a.get("/declare")
    m = re.search(r'class="declid">(\d{11})<', r.body)
    decl = m.group(1) if m else "0"

    r = a.post("/policy", policy_form("第一版の本文です。", "save"))
    check("a saved draft says it is not public", r.status == 200 and "下書きを保存しました" in r.body, r.status)
    check("nothing public before publishing", anon.get("/policies/1").status == 404)
    r = a.post("/policy", policy_form("第一版の本文です。", "publish"))
    m = re.search(r'href="/policies/(\d+)"', r.body)
    org_id = m.group(1) if m else "0"
    check("first version published", r.status == 200 and m is not None, r.status)
    # Date the publication in the past, as if it had been published then
    # (before anything could have cached the public page).
    con = harness.connect(db)
    con.execute("UPDATE policies SET published_on = '2020-01-02' WHERE org_id = ?", (int(org_id),))
    con.commit()
    con.close()
    old_date = ja_date(datetime.date(2020, 1, 2))
    r = anon.get(f"/policies/{org_id}")
    check("public page: first version under its date", r.status == 200 and "第一版の本文" in r.body
          and old_date in r.body, r.status)

    # The owner edits and saves: nothing public changes.
    r = a.post("/policy", policy_form("第二版の本文です。", "save"))
    check("saved edit shown in the editor", r.status == 200 and "第二版の本文" in html.unescape(r.body), r.status)
    check("editor says the changes are not public yet",
          "公開していない変更があります" in r.body and old_date in r.body, r.status)
    r = a.get("/policy")
    check("editor keeps saying so", "公開していない変更があります" in r.body)
    r = anon.get(f"/policies/{org_id}")
    check("public page still shows the published version and its date",
          r.status == 200 and "第一版の本文" in r.body and "第二版" not in r.body and old_date in r.body)
    r = anon.get(f"/verify/{decl}")
    check("verification page still shows the published version",
          r.status == 200 and "第一版の本文" in r.body and "第二版" not in r.body)
    r = a.get("/policy?lang=en")
    check("editor says it in English too", "not public yet" in r.body and "2 January 2020" in r.body)
    a.cookies.pop("hoshi_lang", None)

    # Publishing makes the edit public, dated today.
    before = datetime.date.today()
    r = a.post("/policy", policy_form("第二版の本文です。", "publish"))
    after = datetime.date.today()
    check("second version published", r.status == 200 and "基本方針を公開しました" in r.body
          and "公開していない変更" not in r.body, r.status)
    r = anon.get(f"/policies/{org_id}")
    check("public page: the new version under today's date",
          r.status == 200 and "第二版の本文" in r.body and "第一版" not in r.body
          and (ja_date(before) in r.body or ja_date(after) in r.body) and old_date not in r.body)
    r = anon.get(f"/verify/{decl}")
    check("verification page: the new version", "第二版の本文" in r.body and "第一版" not in r.body)


def policy_text_rules(port, db):
    """The policy editor applies the rule for typed text (NFC, no invisible
    or bidi controls) and shows a store failure as an error, never 'saved'."""
    a = Client(port)
    signup(a, "policytext@example.jp", "本文規則商店")
    a.org_name = "本文規則商店"
    complete_profile(a)
    r = a.post("/policy", policy_form("一行目\n二行目に\u202e逆向き", "save"))
    check("policy body with a bidi override refused, and where it is said",
          r.status == 422 and "U+202E" in r.body and "field-error" in r.body, r.status)
    r = a.post("/policy", {**policy_form("本文です。", "save"), "representative": "代表\u200b"})
    check("representative with an invisible character refused", r.status == 422 and "U+200B" in r.body, r.status)
    nfd = "代表取締役 か\u3099んは\u309aる"  # が and ぱ typed as base + combining mark
    r = a.post("/policy", {**policy_form("本文です。\n二行目。", "publish"), "representative": nfd})
    m = re.search(r'href="/policies/(\d+)"', r.body)
    check("policy with an NFD representative published", r.status == 200 and m is not None, r.status)
    org_id = m.group(1) if m else "0"
    con = harness.connect(db)
    rep = con.execute("SELECT representative FROM policies WHERE org_id = ?", (int(org_id),)).fetchone()
    con.close()
    check("representative stored NFC", rep is not None and rep[0] == "代表取締役 がんぱる", rep)
    lock = locked(db)
    try:
        r = a.post("/policy", policy_form("保存できないはずの本文。", "publish"))
        check("policy publish while the store fails: an error, not 'published'",
              r.status == 503 and "保存できませんでした" in r.body and "公開しました" not in r.body, r.status)
    finally:
        lock.rollback()
        lock.close()
    r = Client(port).get(f"/policies/{org_id}")
    check("after the failure the public policy is unchanged",
          r.status == 200 and "本文です。" in r.body and "保存できないはず" not in r.body, r.status)


def four_byte_names_read_back_whole(port):
    a = Client(port)
    name = "\U0001F600" * 100
    r = signup(a, "emoji@example.jp", name)
    check("100 four-byte characters accepted as a name", r.status == 303, r.status)
    r = a.get("/dashboard")
    check("the dashboard shows the whole name, valid UTF-8",
          r.status == 200 and name in r.body and "\ufffd" not in r.body, r.status)


def as_nobody():
    """Runs a child as nobody when the tests run as root, for whom file
    permissions do not stop writes."""
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)


def refuses_read_only_database(tmp):
    d = os.path.join(tmp, "ro")
    os.mkdir(d)
    os.chmod(tmp, 0o755)
    os.chmod(d, 0o777)
    db = os.path.join(d, "ro.db")
    # About an SQLite file's permissions: runs on SQLite under both suites.
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 0")
    con.close()
    os.chmod(db, 0o444)
    p = subprocess.run([harness.HOSHI, "serve", "--db", db, "--listen", "127.0.0.1:0"], capture_output=True,
                       text=True, timeout=30, preexec_fn=as_nobody)
    check("no start on a read-only database, and says why",
          p.returncode == 1 and "is read-only" in p.stderr and db in p.stderr, f"{p.returncode} {p.stderr[:300]}")


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-store-http-")
    refuses_read_only_database(tmp)
    db = os.path.join(tmp, "store.db")
    server, port = start(db)
    try:
        published_policy_stays_until_published_again(port, db)
        four_byte_names_read_back_whole(port)
        policy_text_rules(port, db)
    finally:
        server.stop_checked()
    return 1 if harness.failures else 0


if __name__ == "__main__":
    sys.exit(main())
