#!/usr/bin/env python3
"""Case studies (issue 13 part 3): /cases lists the stories of
data/cases/*.ini, filtered by employee band and JSIC division; /cases/<id>
tells one in the six parts of the 2018 report's visit survey; every page
says the firms are fictional; the dashboard shows the case closest to the
organisation (same industry and size, else industry, else size, else the
first); bad filter values are 400 with the field named; data values are
escaped; and a bad case file stops the server at start with its file and
line.  Prints 'ok NAME' / 'FAIL NAME' lines for tests/run.py.
"""
import os, re, shutil, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import HOSTILE, Client, check, signup, start
from content_data import DATA, data_copy, entries, esc, line_of as line_in, refuses as refuses_in, rewrite

CASES = entries("cases")
PARTS = ["started", "changed", "kept", "team", "hard", "declared"]
FICTIONAL = {"ja": "実在の企業ではありません", "en": "not real companies"}
FICTIONAL_STORY = {"ja": "実在の企業ではありません", "en": "not a real company"}


def listed(body):
    """The ids of the cases a list page shows, in order."""
    return re.findall(r'<li class="card case">\s*<h2><a href="/cases/([a-z0-9-]+)">', body)


def fact(case, key):
    return case["case"][key][0]


def listing(port):
    c = Client(port)
    check("at least 6 cases shipped, of several sizes and industries",
          len(CASES) >= 6 and len({fact(k, "size") for k in CASES.values()}) >= 4
          and len({fact(k, "industry") for k in CASES.values()}) >= 6, str(len(CASES)))
    for lang in ("ja", "en"):
        r = c.get(f"/cases?lang={lang}")
        check(f"/cases in {lang}: 200, every case by id, each title from its file",
              r.status == 200 and listed(r.body) == sorted(CASES)
              and all(esc(k[lang]["title"][0]) in r.body and esc(k[lang]["firm"][0]) in r.body
                      for k in CASES.values()), f"{r.status} {listed(r.body)}")
        check(f"/cases in {lang}: says the firms are fictional", FICTIONAL[lang] in r.body)
    for path in ("/", "/registry", "/cases", "/support", "/nope"):
        r = c.get(path)
        footer = re.search(r"<footer.*?</footer>", r.body, re.S)
        check(f"{path}: the footer links to the case studies and the support services",
              footer is not None and 'href="/cases"' in footer.group(0) and 'href="/support"' in footer.group(0))
    for size in range(1, 7):
        r = c.get(f"/cases?size={size}")
        want = [i for i, k in CASES.items() if fact(k, "size") == str(size)]
        check(f"/cases?size={size}: exactly the cases of that band", r.status == 200 and listed(r.body) == want,
              f"{listed(r.body)} != {want}")
        check(f"/cases?size={size}: the band stays chosen", f'<option value="{size}" selected>' in r.body)
    for letter in sorted({fact(k, "industry") for k in CASES.values()}) + ["A"]:
        r = c.get(f"/cases?industry={letter}")
        want = [i for i, k in CASES.items() if fact(k, "industry") == letter]
        check(f"/cases?industry={letter}: exactly the cases of that division",
              r.status == 200 and listed(r.body) == want, f"{listed(r.body)} != {want}")
    one = next(iter(CASES.values()))
    r = c.get(f"/cases?size={fact(one, 'size')}&industry={fact(one, 'industry')}")
    want = [i for i, k in CASES.items() if fact(k, "size") == fact(one, "size")
            and fact(k, "industry") == fact(one, "industry")]
    check("/cases with both filters: the cases matching both", listed(r.body) == want, str(listed(r.body)))
    r = c.get("/cases?size=6&industry=A&lang=en")
    check("/cases with no match: 200, none listed, says so", r.status == 200 and listed(r.body) == []
          and "No case study matches" in r.body, r.status)
    r = c.get("/cases?size=&industry=")
    check("/cases with empty filters: everything", r.status == 200 and listed(r.body) == sorted(CASES))
    for q, field in (("size=9", "size"), ("size=0", "size"), ("size=abc", "size"), ("size=-1", "size"),
                     ("size=2x", "size"), ("size=%2B2", "size"), ("size=00002", "size"), ("industry=Z", "industry"),
                     ("industry=e", "industry"), ("industry=AB", "industry"), ("industry=%3Cscript%3E", "industry")):
        r = c.get(f"/cases?{q}&lang=en")
        check(f"/cases?{q}: 400 naming the field, nothing listed",
              r.status == 400 and 'id="error-summary"' in r.body and f'href="#{field}"' in r.body
              and re.search(f'id="{field}"[^>]*aria-invalid="true"', r.body) is not None and listed(r.body) == []
              and "<script>" not in r.body, f"{r.status}")


def stories(port):
    c = Client(port)
    for cid, k in CASES.items():
        for lang in ("ja", "en"):
            r = c.get(f"/cases/{cid}?lang={lang}")
            heads = re.findall(r"<section>\n<h2>(.*?)</h2>", r.body)
            paras = all(esc(p) in r.body for part in PARTS for p in k[lang][part])
            check(f"/cases/{cid} in {lang}: the title as h1, six parts in order, every paragraph, fictional",
                  r.status == 200 and f"<h1>{esc(k[lang]['title'][0])}</h1>" in r.body and len(heads) == 6
                  and paras and FICTIONAL_STORY[lang] in r.body, f"{r.status} {heads}")
        r = c.get(f"/cases/{cid}?lang=en")
        stars = "★★" if fact(k, "level") == "2" else "★"
        check(f"/cases/{cid}: the level declared", f'<span class="stars">{stars}</span>' in r.body)
    r = c.get("/cases/accounting-office?lang=en")
    heads = re.findall(r"<section>\n<h2>(.*?)</h2>", r.body)
    check("a story's parts are the visit survey's", heads == ["What started it", "What it changed",
                                                             "What kept it going", "How the team was set up",
                                                             "What was hard", "How they declared"], str(heads))
    for path in ("/cases/no-such-case", "/cases/", "/cases/" + "a" * 60, "/cases/CAFE", "/cases/cafe/x",
                 "/cases/..%2Fsupport", "/cases/cafe.ini"):
        r = c.get(path)
        check(f"GET {path}: the 404 page", r.status == 404 and "<h1>" in r.body, str(r.status))
    r = c.post("/cases", {}, token_from="/login")
    check("POST /cases does not exist", r.status == 404, str(r.status))


def expected_match(size, industry):
    """The case the dashboard should show, by the rule, from the files."""
    tiers = []
    for cid, k in CASES.items():
        ind = industry != "" and fact(k, "industry") == industry
        sz = size != 0 and fact(k, "size") == str(size)
        tiers.append((0 if ind and sz else 1 if ind else 2 if sz else 3, cid))
    return min(tiers)[1]


def dashboard(port):
    c = Client(port)
    c.org_name = "事例確認の会社"
    signup(c, "cases@example.jp", c.org_name)
    r = c.get("/dashboard?lang=en")
    want = expected_match(0, "")
    check("dashboard before the profile: the first case, in its own block",
          r.status == 200 and 'class="card case-match"' in r.body and f'href="/cases/{want}"' in r.body
          and "not real companies" in r.body, want)
    for industry, size in (("G", 2), ("G", 6), ("A", 1), ("A", 6), ("E", 2), ("P", 5), ("I", 5)):
        c.post("/profile", {"name": c.org_name, "sole": "1", "prefecture": "13", "industry": industry,
                            "employees": str(size), "contact": "星野"})
        r = c.get("/dashboard?lang=ja")
        want = expected_match(size, industry)
        block = re.search(r'<section class="card case-match".*?</section>', r.body, re.S)
        shown = re.findall(r'href="/cases/([a-z0-9-]+)"', block.group(0)) if block else []
        check(f"dashboard of a {industry} firm of band {size}: the closest case ({want})",
              shown == [want] and esc(CASES[want]["ja"]["title"][0]) in block.group(0), str(shown))


def escaping(tmp):
    """Markup in a case file is shown as text, never run."""
    data = data_copy(tmp, "data-hostile")
    with open(os.path.join(data, "cases", "zz-hostile.ini"), "w", encoding="utf-8") as f:
        f.write("[case]\nsize = 1\nindustry = A\nlevel = 1\n")
        for lang in ("ja", "en"):
            f.write(f"[{lang}]\n" + "".join(f"{k} = {k} {HOSTILE}\n" for k in ["title", "firm"] + PARTS))
    srv, port = start(os.path.join(tmp, "hostile.db"), ["--data-dir", data])
    try:
        c = Client(port)
        for path in ("/cases?size=1&industry=A", "/cases/zz-hostile"):
            r = c.get(path)
            check(f"{path}: values from the file escaped",
                  r.status == 200 and "<script>" not in r.body and esc(f"title {HOSTILE}") in r.body, str(r.status))
        r = c.get("/cases/zz-hostile")
        check("every part of a story escaped", all(esc(f"{k} {HOSTILE}") in r.body for k in PARTS))
    finally:
        srv.stop_checked("hostile-data server")


def own_folder(tmp):
    """--cases-dir: the operator's folder in place of DATADIR/cases; an
    empty one lists nothing and the dashboard shows no case."""
    own = os.path.join(tmp, "own-cases")
    os.makedirs(own)
    shutil.copy(os.path.join(DATA, "cases", "cafe.ini"), os.path.join(own, "our-shop.ini"))
    with open(os.path.join(own, "notes.txt"), "w") as f:
        f.write("not a case: only .ini files are read\n")
    srv, port = start(os.path.join(tmp, "own.db"), ["--cases-dir", own])
    try:
        r = Client(port).get("/cases")
        check("--cases-dir: the operator's cases, and only those", r.status == 200 and listed(r.body) == ["our-shop"],
              str(listed(r.body)))
        r = Client(port).get("/cases/cafe")
        check("--cases-dir: a shipped case is not there", r.status == 404, str(r.status))
    finally:
        srv.stop_checked("cases-dir server")
    empty = os.path.join(tmp, "no-cases")
    os.makedirs(empty)
    srv, port = start(os.path.join(tmp, "empty.db"), ["--cases-dir", empty])
    try:
        c = Client(port)
        r = c.get("/cases?lang=en")
        check("an empty case folder: /cases lists none and says so", r.status == 200 and listed(r.body) == []
              and "No case study matches" in r.body)
        c.org_name = "空の事例"
        signup(c, "empty@example.jp", c.org_name)
        r = c.get("/dashboard")
        check("an empty case folder: the dashboard has no case block", r.status == 200 and "case-match" not in r.body)
    finally:
        srv.stop_checked("empty cases-dir server")


def refuses(tmp, name, edit, message):
    refuses_in(tmp, "cases", name, edit, message)


def line_of(name, start):
    return line_in("cases", name, start)


def bad_data(tmp):
    n = line_of("cafe.ini", "size =")
    refuses(tmp, "size out of range", rewrite("cafe.ini", "size = 1", "size = 7"),
            f"DATA/cases/cafe.ini:{n}: size is '7': expected an employee band 1-6")
    refuses(tmp, "size not a number", rewrite("cafe.ini", "size = 1", "size = small"),
            f"DATA/cases/cafe.ini:{n}: size is 'small'")
    n = line_of("cafe.ini", "industry =")
    refuses(tmp, "industry not a division", rewrite("cafe.ini", "industry = M", "industry = m"),
            f"DATA/cases/cafe.ini:{n}: industry is 'm': expected a JSIC division letter A-T")
    n = line_of("cafe.ini", "level =")
    refuses(tmp, "level", rewrite("cafe.ini", "level = 1", "level = 3"),
            f"DATA/cases/cafe.ini:{n}: level is '3': expected 1 (★) or 2 (★★)")
    n = line_of("builder.ini", "started =")
    refuses(tmp, "a misspelt key", rewrite("builder.ini", "started =", "startde ="),
            f"DATA/cases/builder.ini:{n}: unknown key 'startde' in [ja]")
    refuses(tmp, "an unknown section", rewrite("builder.ini", "[en]", "[fr]"), "unknown section [fr]")
    refuses(tmp, "a missing text", rewrite("builder.ini", "[en]\ntitle =", "[en]\n# title ="),
            "DATA/cases/builder.ini: [en] has no `title =` line")
    refuses(tmp, "a title given twice", rewrite("builder.ini", "[en]\n", "[en]\ntitle = one\n"),
            "title is given twice in [en]")
    refuses(tmp, "an empty value", rewrite("builder.ini", "firm = 架空", "firm =\nx = 架空"), "firm is empty")
    refuses(tmp, "a line that is not key = value", rewrite("builder.ini", "[case]\n", "[case]\nnonsense\n"),
            "DATA/cases/builder.ini:3: expected 'key = value'")
    refuses(tmp, "a file name that is not an id", lambda d: shutil.copy(os.path.join(d, "cafe.ini"),
                                                                         os.path.join(d, "Cafe Two.ini")),
            "DATA/cases/Cafe Two.ini: a file name must be")
    refuses(tmp, "no folder", lambda d: shutil.rmtree(d), "cannot open the folder DATA/cases")
    refuses(tmp, "not UTF-8", lambda d: open(os.path.join(d, "zz.ini"), "wb").write(b"[case]\nsize = \xff\n"),
            "DATA/cases/zz.ini: invalid UTF-8")


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-cases-")
    try:
        srv, port = start(os.path.join(tmp, "t.db"))
        try:
            listing(port)
            stories(port)
            dashboard(port)
        finally:
            srv.stop_checked()
        escaping(tmp)
        own_folder(tmp)
        bad_data(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if harness.failures else 0)


main()
