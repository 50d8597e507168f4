#!/usr/bin/env python3
"""HTTP tests of the registry search that finds Japanese names (issue 11,
part 8): サクラ, ｻｸﾗ and さくら find each other, (株) finds 株式会社, a
法人番号 or a declaration ID (hyphens, spaces, full-width digits) goes
straight to its verification page, on the page and in the JSON API; a
search that finds nothing says so; hostile input is refused or harmless.
Prints 'ok NAME' / 'FAIL NAME' lines.
"""
import json, os, re, shutil, subprocess, sys, tempfile, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import Client, check, signup, start, HOSTILE

ORGS = [  # name, 法人番号, prefecture
    ("株式会社サクラ精工", "7000012050002", "13"),
    ("ｻｸﾗ運輸(株)", "1000011000005", "27"),
    ("さくら商店", "", "13"),
    ("有限会社 山田製作所", "", "1"),
]



def corpnum(base12):
    """The 法人番号 of 12 base digits (its check digit first)."""
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base12), 1))
    return f"{9 - total % 9}{base12}"


UNKNOWN = corpnum("000012010024")  # valid, and nobody declared with it


def declare(port, i, name, corpnum, pref):
    """Signs up an organisation (from its own address) and declares ★;
    returns its declaration ID."""
    c = Client(port, source=f"127.0.0.{20 + i}")
    r = signup(c, f"search{i}@example.jp", name)
    check(f"sign-up {name}", r.status == 303, r.status)
    form = {"name": name, "corpnum": corpnum, "prefecture": pref, "industry": "G", "employees": "5",
            "contact": "担当"}
    r = c.post("/profile", form if corpnum else form | {"sole": "1"})
    check(f"profile {name}", r.status == 200, r.status)
    c.post("/star1", {f"p{k}": "done" for k in range(1, 6)} | {"commit": "1"})
    r = c.post("/declare", {"level": "1"})
    check(f"declared {name}", r.status == 303, r.status)
    m = re.search(r'class="declid">(\d{11})<', c.get("/declare").body)
    return m.group(1) if m else "0"


def q(s, **more):
    return "/registry?" + urllib.parse.urlencode({"q": s} | more)


def count(body):
    m = re.search(r'<p class="count">(\d+) 件', body)
    return int(m.group(1)) if m else -1


def names_find_each_other(c, ids):
    for s in ["サクラ", "ｻｸﾗ", "さくら", "ｻ ｸ ﾗ", "サ・ク・ラ", "（株）さくら", "㈱ｻｸﾗ"]:
        r = c.get(q(s))
        check(f"{s} finds the three さくら", r.status == 200 and count(r.body) == 3
              and all(f"/verify/{ids[k]}" in r.body for k in range(3)), (r.status, count(r.body)))
    for s in ["(株)", "㈱", "株式会社", "（株）", "ｶﾌﾞｼｷｶﾞｲｼｬ"]:
        r = c.get(q(s))
        check(f"{s} finds both 株式会社", count(r.body) == 2 and f"/verify/{ids[0]}" in r.body
              and f"/verify/{ids[1]}" in r.body, count(r.body))
    r = c.get(q("ｻｸﾗ", prefecture="13"))
    check("with a prefecture: the two in Tokyo", count(r.body) == 2 and f"/verify/{ids[1]}" not in r.body)
    r = c.get(q("㈲やまだ"))
    check("㈲やまだ finds nothing: kana do not become kanji", count(r.body) == 0)
    r = c.get(q("(有)山田"))
    check("(有)山田 finds 有限会社 山田製作所", count(r.body) == 1 and f"/verify/{ids[3]}" in r.body)
    r = c.get(q("さくら") + "&page=2")
    check("page 2 of a one-page search is empty", r.status == 200 and "/verify/" not in r.body)


def numbers_go_straight(c, ids):
    for s in ["7000012050002", "7-0000-1205-0002", " 7000 0120 50002 ", "７０００－０１２０－５０００２",
              "７０００ー０１２０ー５０００２"]:
        r = c.get(q(s, prefecture="47"))
        check(f"法人番号 {s!r} goes to its declaration",
              r.status == 303 and r.getheader("Location") == f"/verify/{ids[0]}", (r.status, r.getheader("Location")))
    d = ids[1]
    for s in [d, f"{d[:4]}-{d[4:8]}-{d[8:]}", d.translate(str.maketrans("0123456789", "０１２３４５６７８９"))]:
        r = c.get(q(s))
        check(f"declaration ID {s!r} goes to its page",
              r.status == 303 and r.getheader("Location") == f"/verify/{d}", (r.status, r.getheader("Location")))
    r = c.get(f"/verify/{d}")
    check("and the page is there", r.status == 200 and "ｻｸﾗ運輸" in r.body, r.status)
    # A valid number nobody declared with: the page says so.
    r = c.get(q(UNKNOWN))
    unknown_ok = r.status == 200 and count(r.body) == 0
    check("an unknown 法人番号: no declaration, said plainly",
          unknown_ok and "この番号の宣言は見つかりませんでした" in r.body, (r.status, count(r.body)))
    # A wrong check digit is searched as text, and finds nothing.
    r = c.get(q("8000012050002"))
    check("a 法人番号 with a wrong check digit finds nothing", r.status == 200 and count(r.body) == 0)


def api(c, ids):
    def get(s):
        r = c.get("/api/v1/declarations?" + urllib.parse.urlencode({"q": s}))
        return r.status, json.loads(r.body) if r.status in (200, 400) else {}
    st, j = get("ｻｸﾗ")
    check("API: ｻｸﾗ finds three", st == 200 and j.get("total") == 3 and len(j.get("items", [])) == 3, j)
    st, j = get("(株)")
    check("API: (株) finds two", st == 200 and j.get("total") == 2, j)
    st, j = get("７０００－０１２０－５０００２")
    check("API: 法人番号 finds its declaration", st == 200 and j.get("total") == 1
          and j["items"][0]["id"] == ids[0] and j["items"][0]["corporate_number"] == "7000012050002", j)
    st, j = get(ids[2])
    check("API: declaration ID finds it", st == 200 and j.get("total") == 1 and j["items"][0]["id"] == ids[2], j)
    st, j = get(UNKNOWN)
    check("API: unknown 法人番号, empty", st == 200 and j.get("total") == 0 and j.get("items") == [], j)
    st, j = get("\u202eさくら")
    check("API: a bidi control is refused", st == 400 and j["error"]["code"] == "bad_query", (st, j))


def nothing_found(c):
    r = c.get(q("存在しない会社"))
    check("no result: 200, zero, and a hint", r.status == 200 and count(r.body) == 0
          and "見つかりませんでした" in r.body and "（株）と株式会社" in r.body, r.status)
    r = c.get(q("存在しない会社") + "&lang=en")
    check("no result, in English", r.status == 200 and "Nothing found" in r.body, r.status)
    c.cookies.pop("hoshi_lang", None)
    r = c.get("/registry")
    check("no query: no hint", r.status == 200 and "見つかりませんでした" not in r.body)


def hostile(c):
    r = c.get(q(HOSTILE))
    check("hostile query: escaped, found nothing", r.status == 200 and "<script>alert" not in r.body
          and count(r.body) == 0, r.status)
    for s in ["%", "_", "%%", "\\", "' OR 1=1 --", "・・・", "！？", "★"]:
        r = c.get(q(s))
        check(f"{s!r}: nothing, not everything", r.status == 200 and count(r.body) == 0, (r.status, count(r.body)))
    r = c.get("/registry?q=%FF%FE")
    check("invalid UTF-8: 400", r.status == 400, r.status)
    r = c.get(q("さ" * 101))
    check("101 characters: 400", r.status == 400, r.status)
    r = c.get(q("さ\u200bくら"))
    check("an invisible character: 400", r.status == 400, r.status)
    r = c.get(q("\ufdfa" * 100))
    check("100 characters that NFKC lengthens 18-fold: searched, nothing", r.status == 200 and count(r.body) == 0,
          r.status)
    r = c.get(q("㈱" * 100))
    check("100 ㈱ (a 400-character key): searched, nothing", r.status == 200 and count(r.body) == 0,
          (r.status, count(r.body)))
    r = c.get(q("1" * 13))
    check("13 ones: text, nothing", r.status == 200 and count(r.body) == 0, r.status)


def own_legal_forms(tmp):
    """--data-dir's legal forms are the ones used; a broken file stops the
    start and names its line."""
    data = os.path.join(tmp, "data")
    shutil.copytree(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data"), data)
    forms = os.path.join(data, "registry", "legal_forms.ini")
    with open(forms, "w", encoding="utf-8") as f:
        f.write("[forms]\nform = 株式会社 KK\n")
    db = os.path.join(tmp, "own.db")
    server, port = start(db, ["--data-dir", data])
    try:
        declare(port, 9, "さくらKK", "", "13")
        c = Client(port)
        r = c.get(q("株式会社さくら"))
        check("--data-dir: the operator's own form folds", r.status == 200 and count(r.body) == 1, count(r.body))
        r = c.get(q("(株)さくら"))
        check("--data-dir: a form not in the file is text", r.status == 200 and count(r.body) == 0, count(r.body))
    finally:
        server.stop_checked("own forms")
    with open(forms, "w", encoding="utf-8") as f:
        f.write("[forms]\nform = 株式会社 (株)\nform = ・・\n")
    p = subprocess.run([harness.HOSHI, "serve", *harness.db_args(db), "--listen", "127.0.0.1:0", "--data-dir", data],
                       capture_output=True, text=True, timeout=60)
    check("a broken legal_forms.ini stops the start, naming the line",
          p.returncode != 0 and "legal_forms.ini: form 2" in p.stderr, (p.returncode, p.stderr[-300:]))


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-search-http-")
    db = os.path.join(tmp, "search.db")
    server, port = start(db)
    try:
        ids = [declare(port, i, *o) for i, o in enumerate(ORGS)]
        c = Client(port)
        names_find_each_other(c, ids)
        numbers_go_straight(c, ids)
        api(c, ids)
        nothing_found(c)
        hostile(c)
    finally:
        server.stop_checked()
    own_legal_forms(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if harness.failures else 0


if __name__ == "__main__":
    sys.exit(main())
