#!/usr/bin/env python3
"""Steps on a running registry for the backup suites
(tests/suites/backup_restore.sh, backup_restore_pg.sh):

  registry_steps.py withdraw PORT ID         the operator (demo password)
                                             withdraws ID; prints the status
  registry_steps.py signup PORT EMAIL ORG    a sign-up (and log-in)
  registry_steps.py read PORT STARTED STOP   reads public pages until the
        file STOP exists, touching STARTED after each round; prints
        "ANSWERED FAILED"
"""
import os, sys, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Client, signup  # noqa: E402


def withdraw(port, did):
    o = Client(port)
    o.post("/login", {"email": "operator@example.jp", "password": "hoshi-demo-2026"})
    r = o.post("/operator/withdraw", {"id": did, "reason": "false_declaration", "note": "backup test",
                                     "confirm": "1"}, token_from="/dashboard")
    print(r.status)


def read(port, started, stop):
    n = bad = 0
    while not os.path.exists(stop):
        for path in ("/registry", "/registry?q=demo", "/api/v1/declarations", "/registry?prefecture=13"):
            try:
                n += urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30).status == 200
            except Exception:
                bad += 1
        open(started, "w").close()
    print(n, bad)


def main(argv):
    if len(argv) == 3 and argv[0] == "withdraw":
        withdraw(int(argv[1]), argv[2])
    elif len(argv) == 4 and argv[0] == "signup":
        signup(Client(int(argv[1])), argv[2], argv[3])
    elif len(argv) == 4 and argv[0] == "read":
        read(int(argv[1]), argv[2], argv[3])
    else:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
