#!/usr/bin/env python3
"""HTTP tests of the owner's year (issue 11 part 7) and the policy fixes of
part 9: the published policy rendered with h1/h2 structure, no underline
characters and the representative once; the contact person never
published (the draft's default is a desk, a contact or text naming the
person is refused, the name appears on neither the policy page nor the
verification page); policy versions with review dates and history; the
policy review and 12-month reminders mailed once and shown on the
dashboard; the step-up notice and the superseded ★ ID; the badge with the
organisation's name.  Prints 'ok NAME' / 'FAIL NAME' lines.
"""
import datetime, email, email.policy, glob, html, os, re, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import Client, check, complete_profile, signup, start

REP = "代表取締役 山田太郎"
PERSON = "星野"  # the profile's contact person (harness.complete_profile)


def ja_date(d):
    return f"{d.year}年{d.month}月{d.day}日"


def textarea(body):
    m = re.search(r'<textarea id="body" name="body" rows="18">(.*?)</textarea>', body, re.S)
    return html.unescape(m.group(1)) if m else ""


def field_value(body, name):
    m = re.search(r'name="%s" type="[a-z]+" (?:maxlength="\d+" )?value="([^"]*)"' % name, body)
    return html.unescape(m.group(1)) if m else None


def main_part(body):
    i = body.find("<main")
    return body[i:body.find("</main>")] if i >= 0 else ""


def owner(port, email_addr, org, sole=False, source=None):
    """A signed-up organisation with its profile (contact person 星野); a
    sole proprietor has no 法人番号, so it claims none another holds."""
    c = Client(port, source=source)
    signup(c, email_addr, org)
    c.org_name = org
    if sole:
        r = c.post("/profile", {"name": org, "corpnum": "", "sole": "1", "prefecture": "13", "industry": "G",
                                "employees": "2", "contact": PERSON})
    else:
        r = complete_profile(c)
    check(f"{org}: profile saved", r.status == 200, r.status)
    return c


def form(contact, body, action, review=""):
    return {"representative": REP, "established": "2026-04-01", "contact": contact, "body": body,
            "action": action, "review": review}


def publish_generated(c):
    """Drafts the policy as a browser would (the fields as the editor
    shows them), then publishes it with the browser's CRLF line ends."""
    r = c.get("/policy")
    contact = field_value(r.body, "contact")
    r = c.post("/policy", form(contact, "", "generate"))
    text = textarea(r.body)
    r = c.post("/policy", form(contact, text.replace("\n", "\r\n"), "publish"))
    m = re.search(r'href="/policies/(\d+)"', r.body)
    return r, contact, text, (m.group(1) if m else "0")


def policy_page_and_privacy(port):
    a = owner(port, "year@example.jp", "山田商事株式会社")
    anon = Client(port)
    r = a.get("/policy")
    contact = field_value(r.body, "contact")
    check("editor: the contact line defaults to a desk, not the contact person",
          contact is not None and PERSON not in contact and "情報セキュリティ担当窓口" in contact, contact)
    check("editor says the contact person is not published", "担当者名は公開されません" in r.body)

    r, contact, text, org_id = publish_generated(a)
    check("generated draft names no contact person", PERSON not in text and contact in text, text[:200])
    check("published", r.status == 200 and org_id != "0", r.status)
    r = anon.get(f"/policies/{org_id}")
    main = main_part(r.body)
    check("public page: 200", r.status == 200, r.status)
    check("public page: the policy's title is the one h1",
          main.count("<h1") == 1 and "<h1>情報セキュリティ基本方針</h1>" in main, re.findall(r"<h1[^>]*>.*?</h1>", main))
    check("public page: five numbered sections and the contact as h2",
          len(re.findall(r"<h2>\d\. ", main)) == 5 and "<h2>お問い合わせ先</h2>" in main,
          re.findall(r"<h2[^>]*>.*?</h2>", main))
    check("public page: no underline characters", "===" not in main and "---" not in main)
    check("public page: list items as an ordered list", '<ol class="policy-items">' in main
          and "<li>情報を守るために必要な人員" in main)
    check("public page: the representative once", main.count(REP) == 1, main.count(REP))
    check("public page: no contact person's name", PERSON not in r.body)

    # The contact field naming the person is refused, and so is a text
    # naming them at publication; a draft may hold it while editing.
    r = a.post("/policy", form(f"担当 {PERSON}", text, "save"))
    check("contact naming the contact person refused (422, says whose name)",
          r.status == 422 and f"担当者のお名前（{PERSON}）" in r.body and "field-error" in r.body, r.status)
    named = text + f"\n担当者: {PERSON}\n"
    r = a.post("/policy", form(contact, named, "save"))
    check("a draft naming the person is saved (not public)",
          r.status == 200 and "公開していない変更があります" in r.body, r.status)
    r = a.post("/policy", form(contact, named, "publish"))
    check("publishing a text naming the person refused", r.status == 422 and "本文に担当者のお名前" in r.body,
          r.status)
    r = anon.get(f"/policies/{org_id}")
    check("the refused publication changed nothing public", PERSON not in r.body and "<h1>" in r.body)
    r = a.post("/policy?lang=en", form("Hoshino desk", "x", "save") | {"contact": f"{PERSON} desk"})
    check("refusal in English too", r.status == 422 and "names your contact person" in r.body, r.status)
    a.cookies.pop("hoshi_lang", None)

    # The verification page of the declaration never shows the name either.
    a.post("/star1", {f"p{i}": "done" for i in range(1, 6)} | {"commit": "1"})
    r = a.post("/declare", {"level": "1"})
    r = a.get("/declare")
    m = re.search(r'class="declid">(\d{11})<', r.body)
    decl = m.group(1) if m else "0"
    r = anon.get(f"/verify/{decl}")
    check("verification page: policy shown, structured, no contact person",
          r.status == 200 and "<h2>情報セキュリティ基本方針</h2>" in r.body and PERSON not in r.body
          and "===" not in main_part(r.body), r.status)

    # A name inside the organisation's own name or the representative is
    # public anyway: not refused.
    b = owner(port, "hoshino@example.jp", f"{PERSON}工業株式会社")
    r, contact, text, oid = publish_generated(b)
    check("organisation named like its contact person can publish", r.status == 200 and oid != "0", r.status)
    return a, org_id, decl


def versions(port, db, a, org_id):
    anon = Client(port)
    today = datetime.date.today()
    r = anon.get(f"/policies/{org_id}")
    year_later = today.replace(year=today.year + 1) if not (today.month == 2 and today.day == 29) else None
    check("version 1 with its dates and a review a year later",
          "<dt>版</dt><dd>1</dd>" in r.body and ja_date(today) in r.body
          and (year_later is None or ja_date(year_later) in r.body), main_part(r.body)[-800:])
    r = a.get("/policy")
    contact = field_value(r.body, "contact")
    text = textarea(r.body)
    check("the editor keeps the draft naming the person", f"担当者: {PERSON}" in text)
    text = text.replace(f"担当者: {PERSON}", "").replace("当社の経営者は", "当社の経営陣は")
    for bad, what in (("2020-01-01", "a past review date"), ("2026-02-30", "an impossible date"),
                      ("soon", "a word"), ("2027-1-1", "a short date")):
        r = a.post("/policy", form(contact, text, "publish", bad))
        check(f"publication with {what} refused", r.status == 422 and "見直し予定日は" in r.body, r.status)
    r = anon.get(f"/policies/{org_id}")
    check("refused publications left version 1 in force", "<dt>版</dt><dd>1</dd>" in r.body and "経営陣" not in r.body)
    review = (today + datetime.timedelta(days=200)).isoformat()
    r = a.post("/policy", form(contact, text, "publish", review))
    check("version 2 published with its review date", r.status == 200 and "第2版" in r.body, r.status)
    r = anon.get(f"/policies/{org_id}")
    d = datetime.date.fromisoformat(review)
    check("public page: version 2 in force, its review date, text",
          "<dt>版</dt><dd>2</dd>" in r.body and ja_date(d) in r.body and "経営陣" in r.body)
    check("public page: the history lists both, the older one linked",
          f'href="/policies/{org_id}?v=1"' in r.body and "第2版" in r.body and "（現在の版）" in r.body)
    r = anon.get(f"/policies/{org_id}?v=1")
    check("version 1 viewable, marked as not in force, linking to the current one",
          r.status == 200 and "経営者は" in r.body and "経営陣" not in r.body and "以前の版" in r.body
          and f'href="/policies/{org_id}"' in r.body, r.status)
    for q in ("?v=3", "?v=0", "?v=abc", "?v=-1", "?v=99999999999"):
        check(f"version {q} is a 404", anon.get(f"/policies/{org_id}{q}").status == 404)
    r = anon.get(f"/policies/{org_id}?v=2")
    check("?v= of the version in force shows it", r.status == 200 and "経営陣" in r.body, r.status)

    # The review date alone.
    later = (today + datetime.timedelta(days=100)).isoformat()
    r = a.post("/policy", {"action": "review", "review_only": later})
    check("review date changed on its own", r.status == 200 and "見直し予定日を変更しました" in r.body, r.status)
    r = anon.get(f"/policies/{org_id}")
    check("public page shows the new review date", ja_date(datetime.date.fromisoformat(later)) in r.body)
    for bad in ("", "2020-01-01", "x"):
        r = a.post("/policy", {"action": "review", "review_only": bad})
        err = re.search(r'id="review_only"[^>]*>\s*<p class="field-error"', r.body)
        check(f"review date {bad!r} refused, the message at its own field", r.status == 422 and err is not None,
              r.status)
    c = owner(port, "nopolicy@example.jp", "方針なし商店")
    r = c.post("/policy", {"action": "review", "review_only": later})
    check("review date without a published policy refused", r.status == 422 and "まだ公開した版がない" in r.body,
          r.status)
    con = harness.connect(db)
    n = con.execute("SELECT count(*) FROM policy_versions WHERE org_id = ?", (int(org_id),)).fetchone()[0]
    con.close()
    check("two versions stored", n == 2, n)


def reminders(tmp, db, org_id, decl):
    """The review date a week ahead and the declaration a year old: on the
    next start the scan queues the two mails, once; the dashboard shows
    both reminders."""
    con = harness.connect(db)
    soon = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    con.execute("UPDATE policy_versions SET review_on = ? WHERE org_id = ? AND number = 2", (soon, int(org_id)))
    con.execute("UPDATE declarations SET declared_on = '2020-04-01' WHERE id = ?", (decl,))
    con.commit()
    con.close()
    mdir = os.path.join(tmp, "mail")
    os.mkdir(mdir)
    server, port = start(db, ["--mail-dir", mdir])
    try:
        end = time.time() + 30
        def files_now():
            # The step-up notice queued earlier is delivered too.
            return sorted(f for f in glob.glob(os.path.join(mdir, "*.eml")) if "stepup_notice" not in f)
        while time.time() < end and len(files_now()) < 2:
            time.sleep(0.2)
        files = files_now()
        kinds = sorted(re.sub(r".*-(\w+)\.eml$", r"\1", f) for f in files)
        check("two reminders sent: policy review and 12-month", kinds == ["policy_review", "rediag"], files)
        for f in files:
            if f.endswith("policy_review.eml"):
                with open(f, "rb") as fh:
                    msg = email.message_from_binary_file(fh, policy=email.policy.default)
                body = msg.get_content()
                check("policy review mail: to the owner, version, review date, link",
                      msg["To"] == "year@example.jp" and "第2版" in body
                      and ja_date(datetime.date.fromisoformat(soon)) in body and "/policy" in body, body[:300])
                check("policy review mail: subject", "基本方針の見直し" in str(msg["Subject"]), str(msg["Subject"]))
        a = Client(port)
        a.post("/login", {"email": "year@example.jp", "password": "correct horse battery"})
        r = a.get("/dashboard")
        check("dashboard: the policy review reminder", "基本方針（第2版）の見直し予定日は" in r.body
              and 'href="/policy"' in r.body, r.status)
        check("dashboard: the 12-month reminder", "宣言から1年以上たっています" in r.body)
    finally:
        server.stop_checked("reminder server")
    server, port = start(db, ["--mail-dir", mdir])
    time.sleep(2)
    con = harness.connect(db)
    rows = con.execute("SELECT kind, dedup FROM outbox WHERE kind IN ('policy_review', 'rediag')").fetchall()
    con.close()
    check("after a restart nothing is queued again (one per version)",
          sorted(rows) == sorted([("policy_review", f"policy_review:{org_id}:2"), ("rediag", f"rediag:{decl}")]), rows)
    server.stop_checked("reminder server again")


def declared_id(c):
    r = c.get("/declare")
    m = re.search(r'class="declid">(\d{11})<', r.body)
    return m.group(1) if m else "0"


def step_up_and_badge(port, db, tmp):
    """★ then ★★: the owner is told (mail queued once, page notice), the
    old ID's verification page, badge and QR say superseded; the badge
    carries the organisation's name."""
    name = "株式会社とても長い名前の星空電子工業研究所"
    c = owner(port, "stepup@example.jp", name, sole=True)
    anon = Client(port)
    c.post("/star1", {f"p{i}": "done" for i in range(1, 6)} | {"commit": "1"})
    c.post("/declare", {"level": "1"})
    old = declared_id(c)
    r = c.get("/declare?issued=1")
    check("★ declared: no step-up notice", "stepup" not in r.body)
    r = anon.get(f"/badge/{old}.svg")
    svg = r.body
    check("badge: the organisation's name, abbreviated and cut to fit, full name in the title",
          "<title>" in svg and name in svg.split("</title>")[0] and "(株)とても長い名前の星…</text>" in svg, svg[:600])
    check("badge: Japanese font stack", "Noto Sans CJK JP" in svg and "Hiragino" in svg)
    answers = {f"a{i}": "1" for i in range(1, 26)}
    c.post("/diagnosis/part/1", {**{k: v for k, v in answers.items() if int(k[1:]) <= 5}, "nav": "next"})
    c.post("/diagnosis/autosave", {k: v for k, v in answers.items() if 6 <= int(k[1:]) <= 18},
           token_from="/diagnosis/part/2")
    r = c.post("/diagnosis/part/3", {**{k: v for k, v in answers.items() if int(k[1:]) >= 19}, "nav": "finish"})
    check("diagnosis done", r.status == 303, r.status)
    publish_generated(c)
    r = c.post("/declare", {"level": "2"})
    loc = r.getheader("Location") or ""
    check("step-up redirects with the old ID", r.status == 303 and loc == f"/declare?issued=1&from={old}", loc)
    new = declared_id(c)
    check("a new ★★ ID", new not in ("0", old))
    r = c.get(loc)
    check("page after stepping up: which old ID, where it points, what to do with badges and QR codes",
          f"これまでの★の宣言番号 {old}" in r.body and f"★★の宣言番号 {new}" in r.body
          and "貼り替えて" in r.body and "QR コード" in r.body and f'href="/verify/{old}"' in r.body, r.status)
    r = c.get(f"/declare?issued=1&from={new}")
    check("?from= of an ID not superseded shows no notice", "stepup" not in r.body)
    other = owner(port, "other@example.jp", "他社")
    r = other.get(f"/declare?issued=1&from={old}")
    check("?from= of another organisation's ID shows nothing of it", old not in r.body)
    r = anon.get(f"/verify/{old}")
    check("old ★ verification: superseded, not withdrawn, linking to the ★★ ID",
          'class="verdict superseded"' in r.body and "引き継がれた宣言です" in r.body
          and f'href="/verify/{new}"' in r.body and "取り下げられた宣言です" not in r.body, r.status)
    r = anon.get(f"/verify/{old}?lang=en")
    check("superseded in English", "Superseded: stepped up to ★★" in r.body)
    anon.cookies.pop("hoshi_lang", None)
    r = anon.get(f"/badge/{old}.svg")
    check("old ★ badge says superseded", "★★に引き継ぎ済み" in r.body and "#c53030" in r.body, r.body[-500:])
    r = anon.get(f"/qr/{old}.svg")
    check("old ★ QR code still resolves", r.status == 200 and "<path" in r.body)
    r = anon.get(f"/badge/{new}.svg")
    check("★★ badge in force: no status", "引き継ぎ済み" not in r.body and "取り下げ済み" not in r.body)
    # A withdrawal by the owner stays a withdrawal.
    c.post("/declare/withdraw", {}, token_from="/declare")
    r = anon.get(f"/verify/{new}")
    check("withdrawn ★★: withdrawn, not superseded", 'class="verdict withdrawn"' in r.body
          and "superseded" not in r.body.split("<main", 1)[-1], r.status)
    con = harness.connect(db)
    rows = con.execute("SELECT kind, rcpt, subject, body, dedup FROM outbox WHERE kind = 'stepup_notice'").fetchall()
    con.close()
    check("one step-up notice queued for the owner, keyed by the old ID",
          len(rows) == 1 and rows[0][1] == "stepup@example.jp" and rows[0][4] == f"stepup:{old}", rows)
    if rows:
        body = rows[0][3]
        check("step-up mail: old and new IDs, verification links, badges and QR codes",
              old in body and new in body and f"/verify/{old}" in body and f"/verify/{new}" in body
              and "QR コード" in body and "貼り替えて" in body, body)


def badge_names(port):
    """The name on the badge: escaped for SVG (the SVG stays well-formed
    XML), a short name whole, a long one cut between characters."""
    import xml.etree.ElementTree as ET
    anon = Client(port)
    cases = [(harness.HOSTILE, None), ("星空商店", "星空商店"),
             ("Hoshizora Electronics Research Laboratories", "Hoshizora Electronics …"),
             ("有限会社ほしぞら", "有限会社ほしぞら")]
    for i, (name, shown) in enumerate(cases):
        c = owner(port, f"badge{i}@example.jp", name, sole=True, source=f"127.0.0.{40 + i}")
        c.post("/star1", {f"p{k}": "done" for k in range(1, 6)} | {"commit": "1"})
        c.post("/declare", {"level": "1"})
        svg = anon.get(f"/badge/{declared_id(c)}.svg").body
        try:
            root = ET.fromstring(svg)
            texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
            title = root.find("{http://www.w3.org/2000/svg}title").text
        except ET.ParseError as e:
            texts, title = [str(e)], ""
        if shown is None:
            check("badge: a hostile name is escaped, the SVG well-formed",
                  "<script>" not in svg and "&lt;script&gt;" in svg and name in title
                  and any(t.startswith('<script>alert("x")') for t in texts), texts)
        else:
            check(f"badge: {name!r} shown as {shown!r}", shown in texts and name in title, texts)


def demo_policy(tmp):
    """The demo account's published policy names a desk, not its contact
    person (data/web/demo.ini account_contact)."""
    db = os.path.join(tmp, "demo.db")
    server, port = start(db, ["--demo", "--demo-count", "3"])
    try:
        con = harness.connect(db)
        oid = con.execute("SELECT org_id FROM users WHERE email = 'demo@example.jp'").fetchone()[0]
        con.close()
        r = Client(port).get(f"/policies/{oid}")
        check("demo policy: published, a desk as contact, no contact person",
              r.status == 200 and "総務部 情報セキュリティ窓口" in r.body and "総務部 星野" not in r.body, r.status)
    finally:
        server.stop_checked("demo server")


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-year-")
    db = os.path.join(tmp, "year.db")
    server, port = start(db)
    try:
        a, org_id, decl = policy_page_and_privacy(port)
        versions(port, db, a, org_id)
        step_up_and_badge(port, db, tmp)
        badge_names(port)
    finally:
        server.stop_checked()
    reminders(tmp, db, org_id, decl)
    demo_policy(tmp)
    return 1 if harness.failures else 0


if __name__ == "__main__":
    sys.exit(main())
