#!/usr/bin/env python3
"""The operator's registry tables (/operator/registry, issue 9 item 6).

Starts $HOSHI (or argv[1]) with the demo data: only an operator sees the
page (anyone else the 404 of a page that does not exist); every table is
there with its chart; each table equals, cell for cell, `hoshi tab` run on
what `hoshi registry export` writes from the same database; and after a
change to the registry (an operator's withdrawal) the page shows the new
figures, again equal to the command's.  Prints 'ok NAME' / 'FAIL NAME'.
"""
import os, re, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import HOSHI, Client, check, signup, start

SECTIONS = {  # the page's tables as `hoshi tab` options on the export
    "by_pref": ["--side", "DPREF", "--head", "DLEVEL", "--where", "DSTATUS=1"],
    "by_industry": ["--side", "DINDUSTRY", "--head", "DLEVEL", "--where", "DSTATUS=1"],
    "by_size": ["--side", "DSIZE", "--head", "DLEVEL", "--where", "DSTATUS=1"],
    "by_month": ["--side", "DMONTH", "--head", "DLEVEL"],
    "funnel": ["--side", "DLEVEL", "--head", "DSTEP"],
    "bands": ["--head", "DIAG:band", "--where", "DIAG:star1=1,2"],
    "bands_size": ["--side", "DSIZE", "--head", "DIAG:band", "--where", "DIAG:star1=1,2"],
    "bands_industry": ["--side", "DINDUSTRY", "--head", "DIAG:band", "--where", "DIAG:star1=1,2"],
    "items": ["--head", "DIAG", "--where", "DIAG:star1=1,2"],
    "all_items": ["--head", "DIAG:star1,DIAG:star2", "--where", "DIAG:star1=1,2"],
}


def section(body, key):
    m = re.search(r'<section class="card regtab" id="%s">(.*?)</section>' % key, body, re.S)
    return m.group(1) if m else ""


def tables(html):
    return re.findall(r"<table>.*?</table>", html, re.S)


def cli_tables(db, tmp, key):
    out = os.path.join(tmp, "export")
    p = subprocess.run([HOSHI, "registry", "export", "--db", harness.db_arg(db), "--out", out], capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 0:
        return ["export failed: " + p.stderr]
    p = subprocess.run([HOSHI, "tab", "--codebook", os.path.join(out, "codebook.csv"), "--data",
                        os.path.join(out, "data.csv"), "--format", "html", "--no-sig", *SECTIONS[key]],
                       capture_output=True, text=True, timeout=60)
    return tables(p.stdout) if p.returncode == 0 else ["tab failed: " + p.stderr]


def equal_to_cli(o, db, tmp, what):
    body = o.get("/operator/registry").body
    bad = [k for k in SECTIONS if tables(section(body, k)) != cli_tables(db, tmp, k)]
    check(f"{what}: every table equals hoshi tab on hoshi registry export", not bad, bad)
    return body


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-opreg-")
    db = os.path.join(tmp, "t.db")
    server, port = start(db, ["--demo"])

    anon = Client(port)
    r = anon.get("/operator/registry")
    check("registry tables: 404 for a visitor not logged in", r.status == 404, r.status)
    u = Client(port)
    signup(u, "someone@example.jp", "誰かの会社")
    r = u.get("/operator/registry")
    check("registry tables: 404 for an ordinary user", r.status == 404 and "regtab" not in r.body, r.status)
    r = u.request("POST", "/operator/registry", form={"csrf": u.token("/dashboard")})
    check("registry tables: POST is not a route", r.status in (404, 405), r.status)

    o = Client(port)
    o.post("/login", {"email": "operator@example.jp", "password": "hoshi-demo-2026"})
    r = o.get("/operator")
    check("operator page links to the registry tables", 'href="/operator/registry"' in r.body)
    r = o.get("/operator/registry")
    check("operator sees the registry tables", r.status == 200, r.status)
    missing = [k for k in SECTIONS if not section(r.body, k)]
    check("every table is on the page", not missing, missing)
    no_chart = [k for k in SECTIONS if "<svg" not in section(r.body, k) or "<table>" not in section(r.body, k)]
    check("every table has its chart (SVG) and its table", not no_chart, no_chart)
    m = re.search(r'id="count">(\d+)<', r.body)
    export_rows = None
    before = equal_to_cli(o, db, tmp, "demo registry")
    with open(os.path.join(tmp, "export", "data.csv"), encoding="utf-8") as f:
        export_rows = sum(1 for _ in f) - 1
    check("the count is the export's number of rows", m is not None and int(m.group(1)) == export_rows,
          (m and m.group(1), export_rows))
    check("the page says it in the visitor's language (ja)", "登録簿の集計" in r.body)
    ids = re.findall(r' id="([^"]+)"', r.body)
    check("every id on the page is unique (the charts' too)", len(ids) == len(set(ids)),
          sorted({i for i in ids if ids.count(i) > 1}))
    en = o.get("/operator/registry?lang=en")
    check("the page in English: headings and the codebook's labels",
          en.status == 200 and "Registry tables" in en.body and "★★ Two stars" in en.body
          and "Declarations in force: level by prefecture" in en.body and "宣言" not in en.body, en.status)
    o.get("/operator/registry?lang=ja")  # the language cookie back to Japanese, as the export's labels

    # a change to the registry: the page is rebuilt (the store's generation moved)
    op = o.get("/operator").body
    ids = re.findall(r'name="id" value="([0-9A-Z-]+)"', op)
    check("a declaration to withdraw", bool(ids))
    if ids:
        r = o.post("/operator/withdraw", {"id": ids[0], "reason": "other", "note": "テスト", "confirm": "1"}, token_from="/dashboard")
        check("operator withdraws a declaration", r.status == 303, r.status)
        after = equal_to_cli(o, db, tmp, "after a withdrawal")
        check("the tables changed with the registry",
              tables(section(before, "by_pref")) != tables(section(after, "by_pref")))
    again = o.get("/operator/registry").body
    check("a second view without a change is the same page", again == o.get("/operator/registry").body)

    log = server.log()
    check("no error logged", "level=error" not in log, [l for l in log.splitlines() if "level=error" in l][:3])
    server.stop_checked()
    return 0


if __name__ == "__main__":
    main()
    import harness
    sys.exit(1 if harness.failures else 0)
