#!/usr/bin/env python3
"""Seeds the fixture registry of tests/suites/registry_export.sh into a
database that hoshi has already created (so the schema is hoshi's own):
eight organisations, seven of which declared, covering every case of the
registry dataset — a ★ in force, a ★ withdrawn, a step-up ★ → ★★ in force
and one withdrawn, a ★★ without a ★ before it, attributes not given, no
diagnosis, two diagnoses (the latest counts), わからない answers.

usage: seed.py DB"""
import sqlite3, sys

ALL1 = "1" * 25
# (name, prefecture, industry, employees, [(level, date, status)], [(answers, score, date)])
ORGS = [
    ("一番商店", 13, "E", 2, [(1, "2026-01-10", 1)], []),
    ("二葉システム", 13, "G", 3, [(1, "2025-12-05", 0), (2, "2026-01-20", 1)],
     [(ALL1, 100, "2026-01-15")]),
    ("三河製作所", 27, "E", 1, [(2, "2026-02-01", 1)],
     [("3" * 25, 0, "2026-01-02"), ("1" * 5 + "2" * 20, 60, "2026-01-30")]),
    ("四季不動産", 1, "I", 6, [(1, "2026-02-14", 0)], []),
    ("五月企画", 0, "", 0, [(1, "2026-02-20", 1)], []),
    ("六本木食堂", 13, "M", 1, [], [(ALL1, 100, "2026-02-01")]),
    ("七尾物流", 47, "T", 4, [(2, "2026-01-31", 1)], [("1" * 24 + "4", 95, "2026-01-31")]),
    ("八幡工業", 13, "E", 2, [(1, "2025-11-30", 0), (2, "2026-02-28", 0)],
     [("2" * 5 + "1" * 20, 90, "2026-02-27")]),
]

db = sqlite3.connect(sys.argv[1])
seq = 0
for name, pref, ind, emp, decls, diags in ORGS:
    org = db.execute("INSERT INTO orgs(name, prefecture, industry, employees) VALUES (?,?,?,?)",
                     (name, pref, ind, emp)).lastrowid
    for level, date, status in decls:
        seq += 1
        db.execute("INSERT INTO declarations(id, org_id, level, declared_on, status, withdrawn_on)"
                   " VALUES (?,?,?,?,?,?)",
                   ("TEST-%04d" % seq, org, level, date, status, "" if status else date))
    for answers, score, date in diags:
        db.execute("INSERT INTO diagnoses(org_id, answers, score, taken_on) VALUES (?,?,?,?)",
                   (org, answers, score, date))
db.commit()
