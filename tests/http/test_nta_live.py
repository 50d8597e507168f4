#!/usr/bin/env python3
"""The 法人番号 register while the server runs (issue 11 parts 1 and 2,
leftovers): the name check folds as the registry search does (a
half-width katakana name, a katakana one, (株) for 株式会社), and a register
imported by `hoshi nta import` — another process — shows on pages the
server had already cached.

Starts $HOSHI (or argv[1]) with no register imported; an organisation
named in half-width kana declares (nothing to check against yet); its
verification page and its API record are read twice (cached); the sample
register is imported with the CLI; the same pages now say "verified
against the register".  Then a katakana name declares against the
register's hiragana one, and a name that differs is still refused.
Prints 'ok NAME' / 'FAIL NAME'.
"""
import os, re, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import HOSHI, Client, check, signup, start

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "tests", "data", "nta", "sample.csv")
SAKURA, MIDORI, HOSHI_KYOKAI = "8999900000001", "7999900000002", "3999900000006"
VERIFIED = 'class="nta verified"'


def ready(port, email, name, corpnum):
    """A signed-in organisation with its profile and the five basics done."""
    c = Client(port)
    signup(c, email, name)
    r = c.post("/profile", {"name": name, "corpnum": corpnum, "prefecture": "13", "industry": "G",
                            "employees": "2", "contact": "星野"})
    check(f"profile of {name} saved", r.status == 200, r.status)
    c.post("/star1", {"p1": "done", "p2": "done", "p3": "done", "p4": "done", "p5": "done", "commit": "1"})
    return c


def active_id(c):
    m = re.search(r'/verify/([0-9A-Z-]+)"', c.get("/declare").body)
    return m.group(1) if m else None


def run(*args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([HOSHI, *args], capture_output=True, text=True, timeout=60, env=e)


def data_dir(db, tmp):
    """Commands that open the database read the data directory as serve
    does: --data-dir, else HOSHI_DATA_DIR (its legal forms, before the
    store opens, as a migration keys names with them)."""
    missing = os.path.join(tmp, "no-data")
    data = os.path.join(ROOT, "data")
    p = run("nta", "import", "--db", harness.db_arg(db), "--data-dir", missing, SAMPLE)
    check("nta import --data-dir: a directory without legal forms is refused, named", p.returncode == 1
          and os.path.join(missing, "registry", "legal_forms.ini") in p.stderr, p.stderr)
    p = run("nta", "import", "--db", harness.db_arg(db), SAMPLE, env={"HOSHI_DATA_DIR": missing})
    check("nta import: HOSHI_DATA_DIR is read too", p.returncode == 1 and missing in p.stderr, p.stderr)
    p = run("nta", "import", "--db", harness.db_arg(db), "--data-dir", data, SAMPLE)
    check("nta import --data-dir DIR", p.returncode == 0 and "imported 7 records" in p.stdout, p.stderr)
    for sub in (["survey", "list"], ["registry", "export", "--out", os.path.join(tmp, "reg")]):
        p = run(*sub, "--db", harness.db_arg(db), "--data-dir", missing)
        check(f"{' '.join(sub)} --data-dir: a directory without its data is refused", p.returncode == 1
              and missing in p.stderr, p.stderr)
        p = run(*sub, "--db", harness.db_arg(db), "--data-dir", data)
        check(f"{' '.join(sub)} --data-dir DIR", p.returncode == 0, p.stderr)
    p = run("survey", "close", "--db", harness.db_arg(db), "--survey", "999", "--data-dir", data)
    check("survey close takes --data-dir (an unknown survey then)", p.returncode != 0
          and "not one of" not in p.stderr and "999" in p.stderr, p.stderr)
    p = run("nta", "import", "--db", harness.db_arg(db), "--data-dir")
    check("nta import --data-dir needs a value", p.returncode == 2 and "needs a value" in p.stderr, p.stderr)


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-nta-live-")
    db = os.path.join(tmp, "t.db")
    server, port = start(db, ["--demo", "--demo-count", "2"])
    try:
        a = ready(port, "kana@example.jp", "ｻｸﾗ技研", SAKURA)
        r = a.post("/declare", {"level": "1"})
        check("no register yet: the half-width name declares", r.status == 303, r.status)
        did = active_id(a)
        check("declared", did is not None)
        pub = Client(port)
        for _ in range(2):
            body = pub.get(f"/verify/{did}").body
            check("before the import: nothing said of the register", VERIFIED not in body and 'class="nta' not in body)
        p = subprocess.run([HOSHI, "nta", "import", "--db", harness.db_arg(db), SAMPLE], capture_output=True, text=True, timeout=60)
        check("CLI import while the server runs", p.returncode == 0, p.stdout + p.stderr)
        body = pub.get(f"/verify/{did}").body
        check("after the import: the cached page is made again, verified (ｻｸﾗ技研 = 株式会社さくら技研)",
              VERIFIED in body and "2024" in body, body[-2000:])
        check("and stays so", VERIFIED in pub.get(f"/verify/{did}").body)

        b = ready(port, "katakana@example.jp", "ミドリ商店", MIDORI)
        r = b.post("/declare", {"level": "1"})
        check("katakana ミドリ商店 matches the register's 有限会社みどり商店", r.status == 303, r.status)
        check("its page verified", VERIFIED in pub.get(f"/verify/{active_id(b)}").body)
        c = ready(port, "form@example.jp", "(一社)ホシ協会", HOSHI_KYOKAI)
        r = c.post("/declare", {"level": "1"})
        check("(一社)ホシ協会 matches 一般社団法人ほし協会", r.status == 303, r.status)
        d = ready(port, "other@example.jp", "ホシ商会", "5999900000004")
        r = d.post("/declare", {"level": "1"})
        check("a name that differs is still refused", r.status == 422 and "名称と一致しません" in r.body, r.status)
        data_dir(db, tmp)
    finally:
        server.stop_checked()
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if harness.failures else 0)


if __name__ == "__main__":
    main()
