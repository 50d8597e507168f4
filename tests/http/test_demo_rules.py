#!/usr/bin/env python3
"""The demo obeys the programme's rules (issue 13 part 1): `hoshi serve
--demo` seeds only declarations hoshi itself would have let through.

Starts $HOSHI (or argv[1]) with plain --demo and checks, through the store
(harness.connect: SQLite or, under tests/suites/web_http_pg.sh,
PostgreSQL) and through the pages:
- every ★★ declaration in force rests on a finished self-diagnosis (25
  codes 1..4, its score the scoring rules' score, taken no later than the
  declaration) and a published basic policy (a published text, shown on
  /policies/{org} and linked from /verify/{id});
- every ★ declaration in force rests on the commitment to the five
  principles (one mark per principle) and complete business details;
- the operator page counts at least as many diagnoses and published
  policies as ★★ declarations in force, and the ★★ count is the store's.
Prints 'ok NAME' / 'FAIL NAME'.
"""
import os, re, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import Client, check, start

OP = {"email": "operator@example.jp", "password": "hoshi-demo-2026"}
POINTS = {"1": 4, "2": 2, "3": 0, "4": -1}   # 実施している … わからない (README, "Scoring")


def active(db):
    """Every declaration in force with what its level rests on."""
    con = harness.connect(db)
    rows = con.execute(
        "SELECT d.id AS decl, d.level AS level, d.declared_on AS declared_on, o.id AS org,"
        " o.star1 AS star1, o.star1_committed AS committed, o.prefecture AS pref, o.industry AS industry,"
        " o.employees AS employees, o.contact AS contact,"
        " coalesce(p.published, 0) AS published, coalesce(length(p.pub_body), 0) AS body_len,"
        " (SELECT count(*) FROM policy_versions v WHERE v.org_id = o.id AND v.body = p.pub_body"
        "  AND v.published_on = p.published_on AND v.review_on > v.published_on) AS versions"
        " FROM declarations d JOIN orgs o ON o.id = d.org_id LEFT JOIN policies p ON p.org_id = o.id"
        " WHERE d.status = 1 ORDER BY d.seq").fetchall()
    diags = {}
    for org, answers, score, taken_on in con.execute(
            "SELECT g.org_id AS org, g.answers AS answers, g.score AS score, g.taken_on AS taken_on"
            " FROM diagnoses g JOIN declarations d ON d.org_id = g.org_id AND d.status = 1 AND d.level = 2"):
        diags.setdefault(org, []).append((answers, score, taken_on))
    con.close()
    return rows, diags


def diagnosis_ok(d, declared_on):
    answers, score, taken_on = d
    return (len(answers) == 25 and all(a in POINTS for a in answers)
            and score == sum(POINTS[a] for a in answers) and taken_on <= declared_on)


def store_rules(rows, diags):
    two = [r for r in rows if r[1] == 2]
    one = [r for r in rows if r[1] == 1]
    check("demo: both levels are declared, thousands of organisations", len(one) > 100 and len(two) > 100,
          (len(one), len(two)))
    no_diag = [r[0] for r in two if not any(diagnosis_ok(d, r[2]) for d in diags.get(r[3], []))]
    check("store: every ★★ in force has a finished diagnosis, scored by the rules, taken by the declaration",
          not no_diag, f"{len(no_diag)} without, e.g. {no_diag[:3]}")
    no_policy = [r[0] for r in two if r[10] != 1 or r[11] == 0]
    check("store: every ★★ in force has a published basic policy", not no_policy,
          f"{len(no_policy)} without, e.g. {no_policy[:3]}")
    no_version = [r[0] for r in two if r[12] < 1]
    check("store: every ★★ in force has its published policy recorded as a version, with a review date",
          not no_version, f"{len(no_version)} without, e.g. {no_version[:3]}")
    bad_one = [r[0] for r in one if r[5] != 1 or not re.fullmatch(r"[01]{5}", r[4] or "")]
    check("store: every ★ in force has the commitment to the five principles", not bad_one,
          f"{len(bad_one)} without, e.g. {bad_one[:3]}")
    no_details = [r[0] for r in rows if not (r[6] and r[7] and r[8] and r[9])]
    check("store: every declaration in force has complete business details", not no_details,
          f"{len(no_details)} without, e.g. {no_details[:3]}")
    return two


def page_rules(port, two):
    """Policies through the public pages: a spread of ★★ declarations
    (first, last and every 50th), each verification page linking to the
    organisation's policy and the policy page showing it."""
    c = Client(port)
    picked = sorted(set([0, len(two) - 1] + list(range(0, len(two), 50))))
    bad = []
    for i in picked:
        decl, org = two[i][0], two[i][3]
        v = c.get(f"/verify/{decl}")
        p = c.get(f"/policies/{org}")
        if (v.status != 200 or f'href="/policies/{org}"' not in v.body or p.status != 200
                or not re.search(r'<article class="card policy">.*?<h1>[^<]+</h1>.*?<p>[^<]+</p>', p.body, re.S)):
            bad.append((decl, org, v.status, p.status))
    check(f"pages: {len(picked)} ★★ verification pages link a policy page that shows the policy", not bad, bad[:3])


def operator_figures(port, two):
    o = Client(port)
    r = o.post("/login", OP)
    check("operator log-in", r.status == 303, r.status)
    page = o.get("/operator").body

    def figure(label):
        m = re.search(r"<tr><th>" + re.escape(label) + r'</th><td class="num">(\d+)</td></tr>', page)
        return int(m.group(1)) if m else None

    # the row labels are the operator texts of web.ini (Japanese, the default)
    labels = {}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "text", "ja", "web.ini"),
              encoding="utf-8") as f:
        section = None
        for line in f:
            line = line.strip()
            if line.startswith("["):
                section = line.strip("[]")
            elif section == "operator" and "=" in line:
                k, v = (x.strip() for x in line.split("=", 1))
                labels.setdefault(k, v)
    got = {k: figure(labels.get(k, "?")) for k in ("diagnoses", "policies", "active2")}
    check("operator page: the ★★ figure is the store's", got["active2"] == len(two), (got, len(two)))
    check("operator page: no fewer diagnoses and policies than ★★ in force",
          None not in got.values() and got["diagnoses"] >= got["active2"] and got["policies"] >= got["active2"], got)


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-demo-rules-")
    db = os.path.join(tmp, "t.db")
    server, port = start(db, ["--demo"])
    try:
        rows, diags = active(db)
        two = store_rules(rows, diags)
        if two:
            page_rules(port, two)
        operator_figures(port, two)
    finally:
        server.stop_checked()
    sys.exit(1 if harness.failures else 0)


if __name__ == "__main__":
    main()
