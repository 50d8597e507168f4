"""Prepares a client's board of suppliers on a running server for the
browser test (tests/e2e/suppliers.mjs): a client lists five suppliers (★,
★★ with its scores shared, re-check overdue, withdrawn, none) and invites
the undeclared, which signs up through its link.  Declarations are written
into the database as test_suppliers.py writes them.  Prints the log-ins and
the link as JSON.  Usage: python3 tests/http/suppliers_seed.py PORT DB.
"""
import datetime, json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Client
from test_suppliers import PW, account, corpnum, decl_id, declare, login, org_of, q

CLIENT, SHARER, NEWCOMER = "e2e-client@example.jp", "e2e-s2@example.jp", "e2e-new@example.jp"


def main():
    port, db = int(sys.argv[1]), sys.argv[2]
    today = datetime.date.today()
    a = account(port, CLIENT, "株式会社ほしぞら発注")
    c1, c3, c4, c5 = (corpnum(b) for b in ("000022050011", "000022050033", "000022050044", "000022050055"))
    id2 = decl_id(6123456780)
    suppliers = [("e2e-s1@example.jp", "ほしぞら部品", c1), (SHARER, "つきよ精機", ""), ("e2e-s3@example.jp", "あけぼの運送", c3),
                 ("e2e-s4@example.jp", "ゆうぐれ商会", c4)]
    for addr, name, cn in suppliers:
        account(port, addr, name)
        q(db, "UPDATE orgs SET corpnum = ? WHERE id = ?", (cn, org_of(db, addr)))
    declare(db, org_of(db, "e2e-s1@example.jp"), 1, str(today - datetime.timedelta(days=20)), decl_id(6123456781))
    declare(db, org_of(db, SHARER), 2, str(today - datetime.timedelta(days=5)), id2)
    q(db, "INSERT INTO diagnoses(org_id, answers, score, taken_on) VALUES (?, ?, ?, ?)",
      (org_of(db, SHARER), "1111111111111111111111122", 96, str(today - datetime.timedelta(days=6))))
    declare(db, org_of(db, "e2e-s3@example.jp"), 1, str(today - datetime.timedelta(days=500)), decl_id(6123456782))
    declare(db, org_of(db, "e2e-s4@example.jp"), 1, str(today - datetime.timedelta(days=300)), decl_id(6123456783),
            withdrawn_on=str(today))
    for number, name in [(c1, "ほしぞら部品"), (id2, "つきよ精機（金型）"), (c3, "あけぼの運送"), (c4, "ゆうぐれ商会"),
                         (c5, "こもれび印刷")]:
        a.post("/suppliers/add", {"number": number, "name": name, "email": ""})
    r = a.post("/suppliers/invite", {}, token_from="/suppliers")
    m = re.search(r"(/suppliers/invite/[A-Za-z0-9_-]{43})", r.body)
    link = m.group(1) if m else ""
    s = account(port, SHARER, "つきよ精機")
    client_org = org_of(db, CLIENT)
    s.post("/account/clients", {"client": str(client_org), "action": "grant"}, token_from="/account/clients")
    print(json.dumps({"client": CLIENT, "supplier": SHARER, "password": PW, "link": link}))


if __name__ == "__main__":
    main()
