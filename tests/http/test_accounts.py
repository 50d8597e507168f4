#!/usr/bin/env python3
"""Accounts (issue 11 part 3), through `hoshi serve --mail-dir`: the mails
are read back from the spool folder and their links followed.

Checks: the header's log-out form (POST with the CSRF token) for a
signed-in visitor only, public pages never cached with it; log-in returns
to the page asked for, and only to a local path; password reset (same
answer for known and unknown addresses, one mail for the known one, in
the request's language, a link that works once, other sessions ended,
throttled); members (invitation mail, joining, roles: a member prepares
but may not declare, withdraw or manage members; revoke; hand-over;
removal); password change (current password needed, the sign-up rules,
other sessions ended, this one kept); e-mail change (link to the NEW
address, notice to the old); account deletion (what is kept and why
stated, password needed, the owner of an organisation with members must
hand over first, a declaration stays on the registry); the migration
making existing accounts owners.
Prints 'ok NAME' / 'FAIL NAME'.
"""
import email, email.policy, glob, os, re, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import Client, check, complete_profile, start

PW = "correct horse battery"
NEW_PW = "purple elephant umbrella"


class Mailbox:
    def __init__(self, folder):
        self.folder, self.seen = folder, set()

    def wait(self, kind, to, seconds=20):
        """The next unseen message of kind to `to` (its parsed form), or None."""
        end = time.time() + seconds
        while time.time() < end:
            for f in sorted(glob.glob(os.path.join(self.folder, f"*-{kind}.eml"))):
                if f in self.seen:
                    continue
                with open(f, "rb") as fh:
                    msg = email.message_from_bytes(fh.read(), policy=email.policy.default)
                if msg["To"] == to:
                    self.seen.add(f)
                    return msg
            time.sleep(0.2)
        return None

    def count(self, kind):
        return len(glob.glob(os.path.join(self.folder, f"*-{kind}.eml")))


def link(msg):
    m = re.search(r"https?://[^/\s]+(/\S+)", msg.get_content() if msg else "")
    return m.group(1) if m else ""


def login(c, addr, pw=PW, extra=None):
    form = {"email": addr, "password": pw}
    form.update(extra or {})
    return c.post("/login", form, token_from="/login")


def logged_in(c):
    return c.get("/dashboard").status == 200


def signup(port, addr, org):
    c = Client(port)
    c.post("/signup", {"email": addr, "password": PW, "org": org})
    login(c, addr)
    c.org_name = org
    return c


def header_and_next(port):
    a = signup(port, "alice@example.jp", "ほしぞら商店")
    r = a.get("/dashboard")
    header = r.body.split("</header>")[0]
    check("header: log-out form with the CSRF token when signed in",
          re.search(r'<form method="post" action="/logout"[^>]*>\s*<input type="hidden" name="csrf" value="[0-9a-f]{64}">',
                    header) is not None and "/account" in header, header[-600:])
    anon = Client(port)
    r = anon.get("/")
    check("header: no log-out form for a visitor", 'action="/logout"' not in r.body.split("</header>")[0])
    r = a.get("/registry")
    check("public page shows a signed-in visitor's log-out form", 'action="/logout"' in r.body)
    r = anon.get("/registry")
    check("public page from the cache never carries it", 'action="/logout"' not in r.body and a.cookies.get("hoshi_sid", "x")[:8] not in r.body)
    r = anon.get("/policy")
    check("asked-for page: log-in redirect names it", r.status == 303 and r.getheader("Location") == "/login?next=/policy",
          r.getheader("Location"))
    r = anon.get("/login?next=/policy")
    check("log-in form carries next", 'name="next" value="/policy"' in r.body)
    r = login(anon, "alice@example.jp", extra={"next": "/policy"})
    check("log-in returns to the page asked for", r.status == 303 and r.getheader("Location") == "/policy", r.getheader("Location"))
    for bad in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "/../etc", "policy", "/a b", "/x?y=1"):
        c = Client(port)
        r = login(c, "alice@example.jp", extra={"next": bad})
        check(f"next {bad!r} refused: dashboard", r.status == 303 and r.getheader("Location") == "/dashboard",
              r.getheader("Location"))
    r = a.post("/logout", {}, token_from="/dashboard")
    check("header log-out: POST ends the session", r.status == 303 and not logged_in(a))
    r = anon.request("POST", "/logout", form={"csrf": "0" * 64})
    check("log-out without the right CSRF token refused", r.status == 403 and logged_in(anon))


def reset(port, box, db):
    other = Client(port)
    login(other, "alice@example.jp")
    c = Client(port)
    r1 = c.post("/password/forgot", {"email": "nobody@example.jp"})
    r2 = c.post("/password/forgot", {"email": "Alice@Example.jp "})
    check("forgot: same answer whether or not the address exists",
          r1.status == r2.status == 303 and r1.getheader("Location") == r2.getheader("Location") == "/password/forgot?sent=1")
    msg = box.wait("password_reset", "alice@example.jp")
    check("reset mail to the known address, none to the unknown",
          msg is not None and box.count("password_reset") == 1 and "/password/reset/" in link(msg))
    check("reset mail in Japanese (the request's language)", msg is not None and "パスワード" in str(msg["Subject"]))
    con = harness.connect(db)
    row = con.execute("SELECT digest, expires - unixepoch() FROM account_tokens WHERE kind = 2").fetchone()
    con.close()
    url = link(msg)
    token = url.rsplit("/", 1)[1] if url else ""
    check("token stored hashed, expiring in an hour", row is not None and token not in row[0] and 3500 <= row[1] <= 3600, row)
    r = c.get(url)
    check("reset link opens the form", r.status == 200 and 'name="password"' in r.body)
    r = c.post(url, {"password": "short"})
    check("reset: the sign-up password rules", r.status == 422 and "field-error" in r.body)
    r = c.post(url, {"password": NEW_PW})
    check("reset: password set, back to log-in", r.status == 303 and r.getheader("Location") == "/login?reset=1")
    check("reset: other sessions logged out", not logged_in(other))
    check("reset: old password refused", login(Client(port), "alice@example.jp").getheader("Location") is None)
    a = Client(port)
    check("reset: new password works", login(a, "alice@example.jp", NEW_PW).status == 303 and logged_in(a))
    r = c.get(url)
    check("reset link works once", r.status == 404)
    for bad in ("/password/reset/x", "/password/reset/" + "A" * 42 + "!", "/password/reset/" + "A" * 43):
        check(f"bad reset link {bad[16:24]}… is 404", c.get(bad).status == 404)
    c.get("/?lang=en")
    c.post("/password/forgot", {"email": "alice@example.jp"})
    msg = box.wait("password_reset", "alice@example.jp")
    check("reset mail in English when asked in English", msg is not None and "password" in str(msg["Subject"]).lower()
          and "パスワード" not in str(msg["Subject"]))
    con = harness.connect(db)
    con.execute("UPDATE account_tokens SET expires = unixepoch() - 1 WHERE kind = 2")
    con.commit()
    con.close()
    check("expired reset link is 404", c.get(link(msg)).status == 404)
    return a


def members(port, box, a):
    r = a.post("/members/invite", {"email": "bob@example.jp"}, token_from="/members")
    check("owner invites", r.status == 303 and r.getheader("Location") == "/members?done=invited")
    msg = box.wait("member_invite", "bob@example.jp")
    check("invitation mail names the organisation", msg is not None and "ほしぞら商店" in msg.get_content()
          and "/invite/" in link(msg))
    r = a.get("/members")
    check("members page: owner and the pending invitation", r.status == 200 and "alice@example.jp" in r.body
          and "bob@example.jp" in r.body and "/members/revoke" in r.body)
    for bad, why in (("not-an-address", "err_email"), ("alice@example.jp", "taken")):
        r = a.post("/members/invite", {"email": bad}, token_from="/members")
        check(f"invite {bad} refused", r.status == 422 and "field-error" in r.body and 'aria-invalid="true"' in r.body)
    b = Client(port)
    url = link(msg)
    r = b.get(url)
    check("invitation link opens the join form", r.status == 200 and "ほしぞら商店" in r.body and "bob@example.jp" in r.body)
    r = b.post(url, {"password": "bob@example.jp x"})
    check("join: password rules", r.status == 422)
    r = b.post(url, {"password": "quiet maple river"})
    check("join: member logged in", r.status == 303 and r.getheader("Location") == "/dashboard" and logged_in(b))
    check("invitation works once", Client(port).get(url).status == 404)
    r = b.get("/members")
    check("member sees the list, no invitation form", r.status == 200 and "bob@example.jp" in r.body
          and "/members/invite" not in r.body and "/members/remove" not in r.body)
    b.org_name = "ほしぞら商店"
    check("member edits the profile", complete_profile(b).status == 200)
    for path, form in (("/declare", {"level": "1"}), ("/declare/withdraw", {}), ("/members/invite", {"email": "x@example.jp"}),
                       ("/members/remove", {"user": "1"}), ("/members/owner", {"user": "1"}), ("/members/revoke", {"invite": "1"})):
        r = b.post(path, form, token_from="/dashboard")
        check(f"member may not POST {path}", r.status == 403, r.status)
    for action in ("publish", "review"):
        r = b.post("/policy", {"action": action, "representative": "x", "established": "2026-01-01", "contact": "x",
                               "body": "x", "review_on": "2027-01-01"}, token_from="/policy")
        check(f"member may not {action} the policy", r.status == 403, r.status)
    r = b.get("/declare")
    check("declare page tells a member the owner declares, buttons off",
          r.status == 200 and "オーナーが行います" in r.body and r.body.count("disabled>") >= 2, r.body[-1500:])
    # revoke
    a.post("/members/invite", {"email": "carol@example.jp"}, token_from="/members")
    cmsg = box.wait("member_invite", "carol@example.jp")
    r = a.get("/members")
    m = re.search(r'name="invite" value="(\d+)"', r.body)
    r = a.post("/members/revoke", {"invite": m.group(1) if m else "0"}, token_from="/members")
    check("owner revokes an invitation", r.status == 303 and Client(port).get(link(cmsg)).status == 404)
    r = a.post("/members/revoke", {"invite": "99999"}, token_from="/members")
    check("revoking an unknown invitation is 404", r.status == 404)
    # ★ by the owner, so deletion can show what stays
    a.org_name = "ほしぞら商店"
    a.post("/star1", {"p1": "done", "p2": "done", "p3": "done", "p4": "done", "p5": "done", "commit": "1"})
    r = a.post("/declare", {"level": "1"})
    check("owner declares", r.status == 303, r.status)
    m = re.search(r'class="declid">(\d{11})<', a.get("/declare").body)
    decl = m.group(1) if m else ""
    body = b.get("/declare").body
    check("a member sees the declaration, its withdraw button off",
          decl in body and re.search(r'class="danger" disabled>', body) is not None
          and "オーナーが行います" in body)
    check("the owner's withdraw button is on", re.search(r'class="danger">', a.get("/declare").body) is not None)
    # hand-over
    r = a.get("/members")
    m = re.search(r'action="/members/owner".*?name="user" value="(\d+)"', r.body, re.S)
    bob_id = m.group(1) if m else "0"
    r = a.post("/members/owner", {"user": bob_id}, token_from="/members")
    check("owner hands over", r.status == 303)
    r = a.post("/members/invite", {"email": "dan@example.jp"}, token_from="/members")
    check("former owner may no longer invite", r.status == 403)
    r = b.get("/members")
    check("new owner manages members", "/members/remove" in r.body)
    return b, decl


def settings(port, box, b):
    other = Client(port)
    login(other, "bob@example.jp", "quiet maple river")
    r = b.post("/account/password", {"current": "wrong password here", "new_password": NEW_PW}, token_from="/account")
    check("password change: wrong current password", r.status == 422 and "field-error" in r.body)
    r = b.post("/account/password", {"current": "quiet maple river", "new_password": "aaaaaaaaaaaaaaaa"}, token_from="/account")
    check("password change: sign-up rules", r.status == 422)
    r = b.post("/account/password", {"current": "quiet maple river", "new_password": NEW_PW}, token_from="/account")
    check("password change done", r.status == 303 and r.getheader("Location") == "/account?done=password_changed")
    check("password change: this session kept, the others ended", logged_in(b) and not logged_in(other))
    r = b.post("/account/email", {"new_email": "nope", "current": NEW_PW}, token_from="/account")
    check("e-mail change: bad address", r.status == 422)
    r = b.post("/account/email", {"new_email": "bob@example.jp", "current": NEW_PW}, token_from="/account")
    check("e-mail change: same address", r.status == 422)
    r = b.post("/account/email", {"new_email": "robert@example.jp", "current": "wrong password here"}, token_from="/account")
    check("e-mail change: wrong password", r.status == 422)
    r = b.post("/account/email", {"new_email": "Robert@example.jp", "current": NEW_PW}, token_from="/account")
    check("e-mail change requested", r.status == 303)
    msg = box.wait("email_change", "robert@example.jp")
    check("confirmation sent to the NEW address", msg is not None and "/email/confirm/" in link(msg))
    url = link(msg)
    r = Client(port).get(url)
    check("confirmation page asks", r.status == 200 and "robert@example.jp" in r.body)
    r = Client(port).post(url, {})
    check("confirmed", r.status == 200, r.status)
    note = box.wait("email_changed_notice", "bob@example.jp")
    check("notice to the old address", note is not None and "robert@example.jp" in note.get_content())
    check("log-in with the new address", login(Client(port), "robert@example.jp", NEW_PW).status == 303)
    check("old address no longer logs in", login(Client(port), "bob@example.jp", NEW_PW).getheader("Location") is None)
    check("confirmation link works once", Client(port).get(url).status == 404)


def deletion(port, db, b, decl):
    a = Client(port)
    login(a, "alice@example.jp", NEW_PW)
    r = b.get("/account/delete")
    check("deletion page states what is kept and why", r.status == 200 and "登録簿に残ります" in r.body
          and "監査" in r.body and "ログイン情報" in r.body)
    check("deletion page: owner with members must hand over", "先にオーナーの役割を引き継いでください" in r.body)
    r = b.post("/account/delete", {"password": NEW_PW})
    check("owner with members cannot delete", r.status == 409 and logged_in(b))
    r = a.post("/account/delete", {"password": "wrong password here"})
    check("deletion needs the password", r.status == 422 and logged_in(a))
    r = a.post("/account/delete", {"password": NEW_PW})
    check("member deletes their account", r.status == 200 and not logged_in(a))
    check("deleted account cannot log in", login(Client(port), "alice@example.jp", NEW_PW).getheader("Location") is None)
    r = b.post("/account/delete", {"password": NEW_PW})
    check("last member (owner) deletes", r.status == 200 and not logged_in(b))
    con = harness.connect(db)
    users = con.execute("SELECT count(*) FROM users WHERE email LIKE '%example.jp' AND email <> 'demo@example.jp'"
                        " AND email <> 'operator@example.jp'").fetchone()[0]
    toks = con.execute("SELECT count(*) FROM account_tokens WHERE user_id IS NOT NULL").fetchone()[0]
    con.close()
    check("login, address and tokens erased", users == 0 and toks == 0, (users, toks))
    r = Client(port).get(f"/verify/{decl}")
    check("the published declaration stays on the registry", decl != "" and r.status == 200 and "ほしぞら商店" in r.body)


def throttle(port):
    c = Client(port)
    statuses = [c.post("/password/forgot", {"email": "victim@example.jp"}, token_from="/password/forgot").status
                for _ in range(15)]
    check("reset requests are throttled like log-ins", 429 in statuses and statuses[0] == 303, statuses)


def migration(tmp):
    # SQLite's migration 10 on a database of an older version.  The
    # PostgreSQL schema starts at SQLite's version 14 in one migration
    # (src/lib/store/pg_schema.c): there is no version 9 to go back to.
    if harness.on_pg():
        return
    db = os.path.join(tmp, "m.db")
    server, port = start(db)
    signup(port, "old@example.jp", "古い商店")
    server.stop()
    con = harness.connect(db)
    # Back to the schema before the accounts migration (10): the ones after
    # it are undone too, newest first (12, policy versions, replays as is;
    # 17 took org_grams and two indexes away: back they come; 18 the supply
    # chain).
    con.executescript("""
        DROP TABLE supplier_consents; DROP TABLE suppliers;
        DROP TRIGGER registry_decl_insert; DROP TRIGGER registry_decl_update;
        DROP TRIGGER registry_decl_delete; DROP TRIGGER registry_org_update;
        DROP TABLE registry_grams; DROP TABLE registry;
        CREATE TABLE org_grams(gram TEXT NOT NULL,
          org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          PRIMARY KEY (gram, org_id)) WITHOUT ROWID;
        CREATE TRIGGER orgs_grams_insert AFTER INSERT ON orgs BEGIN
          INSERT OR IGNORE INTO org_grams(gram, org_id)
          SELECT substr(NEW.name_key, n, 2), NEW.id FROM gram_pos WHERE n < length(NEW.name_key); END;
        CREATE TRIGGER orgs_grams_update AFTER UPDATE OF name_key ON orgs BEGIN
          DELETE FROM org_grams WHERE org_id = NEW.id;
          INSERT OR IGNORE INTO org_grams(gram, org_id)
          SELECT substr(NEW.name_key, n, 2), NEW.id FROM gram_pos WHERE n < length(NEW.name_key); END;
        CREATE INDEX orgs_pref_key ON orgs(prefecture, name_key);
        DROP TABLE throttle_meta; DROP TABLE throttle;
        DROP TABLE audit_log;
        ALTER TABLE declarations DROP COLUMN withdraw_reason;
        ALTER TABLE declarations DROP COLUMN withdrawn_by;
        ALTER TABLE outbox DROP COLUMN failed;
        DROP TRIGGER public_nta; DROP TRIGGER public_decl_insert; DROP TRIGGER public_decl_update;
        DROP TRIGGER public_decl_delete; DROP TRIGGER public_org_update; DROP TRIGGER public_org_delete;
        DROP TRIGGER public_policy_insert; DROP TRIGGER public_policy_update;
        DROP TRIGGER public_policy_delete; DROP TABLE public_version;
        DROP TABLE account_tokens;
        ALTER TABLE users DROP COLUMN role;
        PRAGMA user_version = 9;
    """)
    con.commit()
    con.close()
    server, port = start(db)
    con = harness.connect(db)
    role = con.execute("SELECT role FROM users WHERE email = 'old@example.jp'").fetchone()
    con.close()
    check("migration: an existing account becomes its organisation's owner", role == (1,), role)
    c = Client(port)
    login(c, "old@example.jp")
    check("migrated owner manages members", "/members/invite" in c.get("/members").body)
    server.stop_checked("migration server")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "acct.db")
        mdir = os.path.join(tmp, "mail")
        os.mkdir(mdir)
        box = Mailbox(mdir)
        server, port = start(db, ["--demo", "--demo-count", "2", "--mail-dir", mdir])
        header_and_next(port)
        a = reset(port, box, db)
        b, decl = members(port, box, a)
        settings(port, box, b)
        deletion(port, db, b, decl)
        throttle(port)
        server.stop_checked()
        migration(tmp)
    sys.exit(1 if harness.failures else 0)


if __name__ == "__main__":
    main()
