#!/usr/bin/env python3
"""HTTP tests of the registry's capped count (issue 12 part 4): with more
than 10,000 matches the page says "10,000件以上" / "10,000+" and how many of
the newest it lists, and pages through 50 pages of them (the 50th is the
last, with no "next"); the JSON API gives total 10000 with total_capped and
pages; a search with fewer matches still counts them exactly, with its own
last page.  The rows are written straight into a fresh database the server
made (10,050 organisations, quicker than the demo seeding), and the server
runs with --no-cache so every request counts afresh.
Prints 'ok NAME' / 'FAIL NAME' lines.
"""
import json, os, re, shutil, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Client, check, connect, start

N = 10050
RARE = 45  # named "rare…": an exact count of 3 pages


def fill(db):
    """N organisations with a ★ declaration each, the newest last, in one
    script that runs on SQLite and on PostgreSQL (harness.connect); the
    triggers fill the bigrams as for any write."""
    rows = ",".join(f"('{'rare' if i < RARE else 'common'}{i}', '{'rare' if i < RARE else 'common'}{i}',"
                    f" {1 + i % 47}, 'E')" for i in range(N))
    con = connect(db)
    con.executescript(
        f"INSERT INTO orgs(name, name_key, prefecture, industry) VALUES {rows};"
        " INSERT INTO declarations(id, org_id, level, declared_on)"
        " SELECT CAST(10000000000 + o.id - (SELECT min(id) FROM orgs) AS TEXT), o.id, 1, '2026-03-01'"
        " FROM orgs o ORDER BY o.id;")
    con.commit()
    con.close()


def pager(body):
    m = re.search(r'<nav class="pager">(.*?)</nav>', body, re.S)
    return m.group(1) if m else ""


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-regcount-")
    db = os.path.join(tmp, "r.db")
    srv, port = start(db)
    srv.stop()
    fill(db)
    srv, port = start(db, ["--no-cache"])
    c = Client(port)
    try:
        r = c.get("/registry")
        check("capped: 200", r.status == 200, r.status)
        check("capped: 10,000件以上", "10,000件以上の宣言があります" in r.body, re.findall(r'<p class="count">.*?</p>', r.body))
        check("capped: says the newest 1,000 are listed", "新しいものから 1,000 件を表示します" in r.body)
        check("capped: first page lists the newest", f"common{N - 1}<" in r.body and r.body.count("<tr><td>") == 20)
        check("capped: 50 pages offered", "<span>1 / 50</span>" in pager(r.body), pager(r.body))
        r = c.get("/registry?lang=en")
        check("capped, English: 10,000+", "10,000+ declarations" in r.body, re.findall(r'<p class="count">.*?</p>', r.body))
        r = c.get("/registry?page=49")
        check("capped: page 49 has a next page", "page=50" in pager(r.body) and "<span>49 / 50</span>" in r.body,
              pager(r.body))
        r = c.get("/registry?page=50")
        p = pager(r.body)
        check("capped: page 50 is the last", "<span>50 / 50</span>" in p and "page=51" not in p and "page=49" in p, p)
        # the 50th page holds the 981st to 1,000th newest
        check("capped: page 50 holds the 981st-1,000th newest",
              f"common{N - 981}<" in r.body and f"common{N - 1000}<" in r.body and f"common{N - 1001}<" not in r.body)
        r = c.get("/registry?page=51")
        check("capped: page 51 is not offered (no rows)", r.status == 200 and "<tr><td>" not in r.body
              and "10,000" in r.body, r.status)
        j = json.loads(c.get("/api/v1/declarations?page=60").body)
        check("API capped: page 60, no items", j.get("items") == [] and j.get("total_capped") is True, j)
        r = c.get("/api/v1/declarations")
        j = json.loads(r.body)
        check("API capped: total 10000, total_capped, 50 pages",
              j.get("total") == 10000 and j.get("total_capped") is True and j.get("pages") == 50
              and len(j.get("items", [])) == 20, {k: v for k, v in j.items() if k != "items"})
        # a name with fewer matches: exact, its own pages
        r = c.get("/registry?q=RARE&lang=ja")
        check("exact: 45 件", "45 件の宣言があります" in r.body, re.findall(r'<p class="count">.*?</p>', r.body))
        check("exact: 3 pages", "<span>1 / 3</span>" in pager(r.body), pager(r.body))
        r = c.get("/registry?q=rare&page=3")
        check("exact: last page holds the oldest five", r.body.count("<tr><td>") == 5 and "rare0<" in r.body)
        j = json.loads(c.get("/api/v1/declarations?q=rare&prefecture=1").body)
        want = sum(1 for i in range(RARE) if 1 + i % 47 == 1)
        check("API exact: total and not capped", j.get("total") == want and j.get("total_capped") is False
              and j.get("pages") == 1, {k: v for k, v in j.items() if k != "items"})
        # exactly at the boundary: common + prefecture counts stay exact
        want = sum(1 for i in range(RARE, N) if 1 + i % 47 == 5)
        r = c.get("/registry?q=common&prefecture=5&lang=en")
        check("exact with a prefecture", f"{want} declarations" in r.body, re.findall(r'<p class="count">.*?</p>', r.body))
    finally:
        srv.stop_checked()
        shutil.rmtree(tmp, ignore_errors=True)


main()
sys.exit(1 if __import__("harness").failures else 0)
