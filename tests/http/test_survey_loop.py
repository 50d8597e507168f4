#!/usr/bin/env python3
"""A survey's whole loop (issue 9): `hoshi survey create` and `hoshi
survey invite` on the database of a running `hoshi serve`, respondents
answering through /s/TOKEN, the operator's progress and tables refreshing
after each submission (the server caches a survey's dataset until its
submitted count changes), table.csv equal to `hoshi tab` on `hoshi survey
export`, then `hoshi survey close` and the link answering 410.

Starts $HOSHI (or argv[1]) with --demo --demo-count 12 (13 organisations
with a declaration in force: the 12 and the demo log-in's).
Prints 'ok NAME' / 'FAIL NAME'.
"""
import csv, io, os, re, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import HOSHI, Client, check, start
import survey_seed as seed
from survey_seed import FULL, Resp

OP = {"email": "operator@example.jp", "password": "hoshi-demo-2026"}


def answer(port, token, q1, submit=True):
    """Walks the whole questionnaire with FULL (Q1 = q1); submits or saves
    a draft on the last page.  Returns the last response."""
    url = "/s/" + token
    c = Resp(port)
    c.open(url)
    pages = [dict(p) for p in FULL]
    pages[1]["Q1"] = q1
    for i, p in enumerate(pages[:-1]):
        r = c.step(url, i, p)
        if r.status != 200:
            return r
    return c.step(url, len(pages) - 1, pages[-1], action="submit" if submit else "save")


def progress(o, sid):
    """(invited, started, submitted, rate) of the 全体 row of the progress page."""
    r = o.get(f"/operator/surveys/{sid}")
    m = re.search(r'<tr><th>全体</th><td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td>'
                  r'<td class="num">([^<]*)</td></tr>', r.body)
    return tuple(int(x) for x in m.groups()[:3]) + (m.group(4),) if m else None


def listed(o, sid):
    """(state, invited, started, submitted) of the survey on /operator/surveys."""
    r = o.get("/operator/surveys")
    m = re.search(r'<a href="/operator/surveys/%d">.*?</a></td><td class="state">([^<]*)</td><td>[^<]*</td>'
                  r'<td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td>' % sid, r.body, re.S)
    return (m.group(1),) + tuple(int(x) for x in m.groups()[1:]) if m else None


def total_n(table_csv):
    """The N of the total row of a simple table.csv, or None."""
    for row in csv.reader(io.StringIO(table_csv.lstrip("\ufeff"))):
        if row and row[0] == "全体":
            return int(row[1])
    return None


def cli_table(tmp, db, sid, head):
    """`hoshi tab` on what `hoshi survey export` writes of the survey."""
    out = os.path.join(tmp, f"export-{sid}")
    p = subprocess.run([HOSHI, "survey", "export", "--db", harness.db_arg(db), "--survey", str(sid), "--out", out],
                       capture_output=True, timeout=60)
    if p.returncode != 0:
        return "export failed: " + p.stderr.decode("utf-8", "replace")
    p = subprocess.run([HOSHI, "tab", "--codebook", os.path.join(out, "codebook.csv"), "--data",
                        os.path.join(out, "data.csv"), "--format", "csv", "--head", head],
                       capture_output=True, timeout=60)
    return p.stdout.decode("utf-8").lstrip("\ufeff") if p.returncode == 0 else \
        "tab failed: " + p.stderr.decode("utf-8", "replace")


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-loop-")
    db = os.path.join(tmp, "t.db")
    server, port = start(db, ["--demo", "--demo-count", "12"])
    try:
        o = Client(port)
        r = o.post("/login", OP)
        check("operator log-in", r.status == 303, r.status)

        # --- create and invite with the commands, while the server runs
        sid = seed.create(db)
        check("hoshi survey create: a new survey after the demo one", sid == 2, sid)
        invs = seed.invite(db, sid)
        check("hoshi survey invite: every organisation with a declaration in force", len(invs) == 13, len(invs))
        check("invite again: nobody twice", seed.invite(db, sid) == [])
        check("progress before any answer: 13 invited, none started or submitted",
              progress(o, sid) == (13, 0, 0, "0.0%"), progress(o, sid))
        check("list: open, 13 invited", listed(o, sid) == ("受付中", 13, 0, 0), listed(o, sid))

        # --- the preview: the respondent's markup, read-only
        pv = o.get(f"/operator/surveys/{sid}/preview")
        main_part = pv.body.split("<main", 1)[-1].split("</main>")[0]
        controls = re.findall(r"<(?:input|textarea)\b[^>]*>", main_part)
        check("preview: every page, no form", pv.status == 200 and main_part.count('class="card page"') == 8
              and "<form" not in main_part, pv.status)
        check("preview: every control disabled", len(controls) > 50 and all(" disabled" in c for c in controls),
              [c for c in controls if " disabled" not in c][:3])
        check("preview: the respondent's markup (fieldsets, the GRID table, labelled options)",
              '<fieldset class="q grid" id="q-Q12"' in main_part and '<label class="opt"><input type="radio" name="Q1" value="1"'
              in main_part and '<fieldset class="q" id="q-Q1" data-name="Q1"><legend class="ql">' in main_part,
              main_part[:1500])
        check("preview: routed Q14 shown with its condition", re.search(r'id="q-Q14"[^>]*hidden', main_part) is None
              and re.search(r'id="q-Q14".*?<p class="hint cond">⇢ <code>selected\(\$\{Q13\}, &#39;4&#39;\)</code>',
                            main_part, re.S) is not None, main_part[main_part.find('id="q-Q14"'):][:600])
        check("preview: opening it started nobody", progress(o, sid) == (13, 0, 0, "0.0%"), progress(o, sid))

        # --- the first respondent; the table is viewed (and cached) after it
        r = answer(port, invs[1][1], "5")
        check("respondent 1: submitted (303 to the thank-you page)", r.status == 303
              and r.getheader("Location") == "/s/thanks", r.status)
        check("progress: 1 submitted of 13 (7.7%)", progress(o, sid) == (13, 0, 1, "7.7%"), progress(o, sid))
        t1 = o.get(f"/operator/surveys/{sid}/table.csv?head=Q1")
        check("table.csv after one response: N = 1", t1.status == 200 and total_n(t1.body) == 1,
              (t1.status, t1.body[:300]))
        check("table.csv = hoshi tab on hoshi survey export (1 response)", t1.body == cli_table(tmp, db, sid, "Q1"),
              (t1.body, cli_table(tmp, db, sid, "Q1")))

        # --- a draft changes started, not the tables
        r = answer(port, invs[2][1], "2", submit=False)
        check("respondent 2: a draft saved", r.status == 200 and "回答を保存しました" in r.body, r.status)
        check("progress: 1 started, 1 submitted", progress(o, sid) == (13, 1, 1, "7.7%"), progress(o, sid))
        t = o.get(f"/operator/surveys/{sid}/table.csv?head=Q1")
        check("table.csv after a draft: unchanged", t.body == t1.body, t.body[:300])

        # --- the second submission refreshes the cached dataset
        r = answer(port, invs[3][1], "2")
        check("respondent 3: submitted", r.status == 303, r.status)
        check("progress: 2 submitted of 13 (15.4%)", progress(o, sid) == (13, 1, 2, "15.4%"), progress(o, sid))
        check("list: 2 submitted", listed(o, sid) == ("受付中", 13, 1, 2), listed(o, sid))
        t2 = o.get(f"/operator/surveys/{sid}/table.csv?head=Q1")
        check("table.csv refreshed after the submission: N = 2", total_n(t2.body) == 2 and t2.body != t1.body,
              t2.body[:300])
        check("table.csv = hoshi tab on hoshi survey export (2 responses)", t2.body == cli_table(tmp, db, sid, "Q1"),
              (t2.body, cli_table(tmp, db, sid, "Q1")))
        tab = o.get(f"/operator/surveys/{sid}/tables?head=Q1")
        check("tables page: Q1's table has N 2", tab.status == 200 and re.search(
            r'data-head="Q1">.*?<tr class="total"><td>全体[^<]*(?:<span[^>]*>[^<]*</span>)?</td><td class="n">2</td>',
            tab.body, re.S) is not None, tab.status)

        # --- close with the command: the links give 410, the page says closed
        seed.close(db, sid)
        r = Resp(port).open("/s/" + invs[4][1])
        check("closed: an unanswered link gives 410", r.status == 410 and "調査は終了しました" in r.body, r.status)
        r = Resp(port).open("/s/" + invs[2][1])
        check("closed: the draft's link gives 410 too", r.status == 410, r.status)
        check("closed: the list says so, counts kept", listed(o, sid) == ("締め切り", 13, 1, 2), listed(o, sid))
        t = o.get(f"/operator/surveys/{sid}/table.csv?head=Q1")
        check("closed: the tables stay", t.body == t2.body)
    finally:
        server.stop_checked()
    sys.exit(1 if harness.failures else 0)


if __name__ == "__main__":
    main()
