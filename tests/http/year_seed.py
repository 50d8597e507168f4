"""Prepares a step-up from ★ to ★★ on a running server for the browser
test (tests/e2e/owner_year.mjs): a sole proprietor signs up, declares ★,
takes the diagnosis, publishes its policy and steps up.  Prints the old
and new IDs as JSON.  Usage: python3 tests/http/year_seed.py PORT.
"""
import html, json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Client, signup

EMAIL, PASSWORD, ORG = "year-e2e@example.jp", "correct horse battery", "株式会社ほしぞら段階工業"


def declared_id(c):
    m = re.search(r'class="declid">(\d{11})<', c.get("/declare").body)
    return m.group(1) if m else ""


def main():
    c = Client(int(sys.argv[1]))
    signup(c, EMAIL, ORG, PASSWORD)
    c.post("/profile", {"name": ORG, "corpnum": "", "sole": "1", "prefecture": "13", "industry": "G",
                        "employees": "2", "contact": "星野"})
    c.post("/star1", {f"p{i}": "done" for i in range(1, 6)} | {"commit": "1"})
    c.post("/declare", {"level": "1"})
    old = declared_id(c)
    answers = {f"a{i}": "1" for i in range(1, 26)}
    c.post("/diagnosis/part/1", {**{k: v for k, v in answers.items() if int(k[1:]) <= 5}, "nav": "next"})
    c.post("/diagnosis/autosave", {k: v for k, v in answers.items() if 6 <= int(k[1:]) <= 18},
           token_from="/diagnosis/part/2")
    c.post("/diagnosis/part/3", {**{k: v for k, v in answers.items() if int(k[1:]) >= 19}, "nav": "finish"})
    form = {"representative": "代表 山田太郎", "established": "2026-04-01", "contact": "総務部", "body": ""}
    r = c.post("/policy", form | {"action": "generate"})
    m = re.search(r'<textarea id="body" name="body" rows="18">(.*?)</textarea>', r.body, re.S)
    c.post("/policy", form | {"body": html.unescape(m.group(1)) if m else "", "action": "publish"})
    r = c.post("/declare", {"level": "2"})
    print(json.dumps({"old": old, "new": declared_id(c), "email": EMAIL, "password": PASSWORD,
                      "location": r.getheader("Location") or ""}))


if __name__ == "__main__":
    main()
