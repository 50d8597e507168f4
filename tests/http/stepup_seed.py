"""Prepares a ★ organisation on a running server for the browser test of
the step-up box (tests/e2e/stepup.mjs): a sole proprietor signs up, marks
principles 2, 4 and 5 "will work on it" in the ★ check and declares ★.
Prints the log-in and the expected order of the principles as JSON.
Usage: python3 tests/http/stepup_seed.py PORT.
"""
import json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Client, signup

EMAIL, PASSWORD, ORG = "stepup-e2e@example.jp", "correct horse battery", "ほしぞら段階案内商店"
MARKS = "10100"


def main():
    c = Client(int(sys.argv[1]))
    signup(c, EMAIL, ORG, PASSWORD)
    c.post("/profile", {"name": ORG, "corpnum": "", "sole": "1", "prefecture": "13", "industry": "G",
                        "employees": "2", "contact": "星野"})
    c.post("/star1", {f"p{i}": ("done" if m == "1" else "todo") for i, m in enumerate(MARKS, 1)} | {"commit": "1"})
    r = c.post("/declare", {"level": "1"})
    m = re.search(r'class="declid">(\d{11})<', c.get("/declare").body)
    print(json.dumps({"email": EMAIL, "password": PASSWORD, "declared": r.status == 303 and m is not None,
                      "todo": [i for i, mk in enumerate(MARKS, 1) if mk == "0"]}))


if __name__ == "__main__":
    main()
