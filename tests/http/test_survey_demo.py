#!/usr/bin/env python3
"""Plain `hoshi serve --demo` (issue 9 item 7): the 2018 questionnaire as a
closed survey with a few thousand submitted responses, and a registry
demo that obeys the rules (every ★★ organisation has a self-diagnosis).

Starts $HOSHI (or argv[1]) with --demo and no --demo-count.  Checks: the
survey list shows the demo survey closed with >= 2,000 submitted
responses, equal to its progress page, to the rows of its data.csv and to
the N of every question's table; the tables page draws a chart and a
table per question; every ★★ row of `hoshi registry export` has a score
(DSCORE) and so does every ★★ respondent of the survey; a restart with
--demo adds nothing.
Prints 'ok NAME' / 'FAIL NAME'.
"""
import csv, io, os, re, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import HOSHI, Client, check, start

OP = {"email": "operator@example.jp", "password": "hoshi-demo-2026"}


def rows_of(text):
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def list_row(body):
    """(invited, started, submitted, rate) of survey 1 on /operator/surveys."""
    m = re.search(r'<tr><td><a href="/operator/surveys/1">.*?</a></td><td class="state">([^<]*)</td><td>[^<]*</td>'
                  r'<td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td>'
                  r'<td class="num">([^<]*)</td></tr>', body, re.S)
    return (m.group(1),) + tuple(int(x) for x in m.groups()[1:4]) + (m.group(5),) if m else None


def total_n(table_csv):
    """The N of the total row of a simple table.csv."""
    for row in rows_of(table_csv):
        if row and row[0] == "全体":
            return int(row[1])
    return None


def survey(o, tmp, db):
    r = o.get("/operator/surveys")
    row = list_row(r.body)
    check("list: the demo survey, closed", r.status == 200 and row is not None and row[0] == "締め切り", row)
    if row is None:
        return
    _, invited, started, submitted, rate = row
    check("list: plain --demo gives >= 2,000 submitted responses", submitted >= 2000, submitted)
    check("list: some invited only and some drafts too", invited > started + submitted and started > 0, row)
    check("list: the rate is submitted / invited, one decimal", rate == "%.1f%%" % (100.0 * submitted / invited), row)
    p = o.get("/operator/surveys/1")
    m = re.search(r'<tr><th>全体</th><td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td>',
                  p.body)
    check("progress page: the same counts", m is not None and tuple(int(x) for x in m.groups()) ==
          (invited, started, submitted), m and m.groups())
    data = rows_of(o.get("/operator/surveys/1/data.csv").body)
    check("data.csv: one row per submitted response", len(data) - 1 == submitted, (len(data) - 1, submitted))
    bad = []
    for h in ("Q1", "Q4", "Q11", "Q13"):
        t = o.get(f"/operator/surveys/1/table.csv?head={h}")
        if t.status != 200 or total_n(t.body) != submitted:
            bad.append((h, t.status, t.body[:200]))
    check("table.csv: every question's N is the submitted count", not bad, bad)
    t = o.get("/operator/surveys/1/tables")
    secs = re.findall(r'<section class="card regtab svtab" id="t\d+" data-head="([^"]+)">(.*?)</section>', t.body, re.S)
    check("tables page: a chart and a table per question", len(secs) >= 14
          and all("<svg" in s and "<table" in s for _, s in secs), len(secs))
    if data:
        h = data[0]
        lv, sc = h.index("DLEVEL"), h.index("DSCORE")
        missing = [r for r in data[1:] if r[lv] == "2" and r[sc] == ""]
        both = {r[lv] for r in data[1:]}
        check("survey: both levels answer and every ★★ respondent has a score", both == {"1", "2"} and not missing,
              (both, missing[:2]))


def registry(tmp, db):
    out = os.path.join(tmp, "reg")
    p = subprocess.run([HOSHI, "registry", "export", "--db", harness.db_arg(db), "--out", out], capture_output=True, timeout=120)
    check("hoshi registry export of the demo", p.returncode == 0, p.stderr[-300:])
    if p.returncode != 0:
        return 0
    rows = rows_of(open(os.path.join(out, "data.csv"), encoding="utf-8").read())
    h = rows[0]
    lv, sc = h.index("DLEVEL"), h.index("DSCORE")
    two = [r for r in rows[1:] if r[lv] == "2"]
    check("registry: thousands of demo organisations", len(rows) - 1 > 3000, len(rows) - 1)
    check("registry: every ★★ organisation has a self-diagnosis score", two and all(r[sc] != "" for r in two),
          [r for r in two if r[sc] == ""][:2])
    scores = {int(r[sc]) for r in two}
    check("registry: the demo scores spread (not one value)", len(scores) > 10, sorted(scores)[:20])
    return len(rows) - 1


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-demo-")
    db = os.path.join(tmp, "t.db")
    server, port = start(db, ["--demo"])
    try:
        o = Client(port)
        r = o.post("/login", OP)
        check("operator log-in", r.status == 303, r.status)
        survey(o, tmp, db)
    finally:
        server.stop_checked()
    n = registry(tmp, db)
    server, port = start(db, ["--demo"])
    try:
        o = Client(port)
        o.post("/login", OP)
        r = o.get("/operator/surveys")
        check("a restart with --demo adds no second demo survey", r.body.count('href="/operator/surveys/') == 1)
    finally:
        server.stop_checked("restarted server")
    check("a restart with --demo adds no organisations", registry(tmp, db) == n, n)


if __name__ == "__main__":
    main()
