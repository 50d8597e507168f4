#!/usr/bin/env python3
"""The route table of `hoshi serve` (src/server/route.c, issue 8).

Which method and path reach which page, pinned for an anonymous visitor and
a logged-in one: exact paths, prefixes with an id after them (a bad or
over-long id is 404 for everyone, before the log-in check), pages that
need a log-in (redirected to /login, a GET with ?next= naming the page
asked for), POST-only and GET-only paths, and
that every POST, to any path, known or not, is refused for a malformed body
(400) or a wrong CSRF token (403) before anything else.
"""
import os, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import Client, check, signup, start

LOGIN_GET = ["/dashboard", "/profile", "/star1", "/diagnosis", "/diagnosis/part/1", "/diagnosis/part/2",
             "/diagnosis/part/3", "/history", "/policy", "/declare", "/diagnosis/1", "/diagnosis/1/print",
             "/members", "/account", "/account/delete"]
OPEN_GET = ["/", "/healthz", "/static/style.css", "/static/app.js", "/favicon.ico", "/static/favicon.svg",
            "/signup", "/login", "/registry", "/registry?page=2", "/api/v1/declarations"]
NOT_FOUND_GET = ["/logout", "/diagnosis/part/4", "/diagnosis/part/01", "/diagnosis/autosave",
                 "/declare/withdraw", "/operator", "/operator/withdraw", "/verify?id=abc",
                 "/api/v1/declarations/xyz", "/diagnosis/1/", "/diagnosis/x", "/diagnosis/",
                 "/diagnosis/" + "9" * 30, "/verify/", "/verify/" + "a" * 40, "/badge/x", "/badge/.svg",
                 "/qr/abc", "/policies/x", "/policies/1/print", "/policies/", "/nope", "//x", "/registry/",
                 "/api/v1/declarations/"]
LOGIN_POST = ["/profile", "/star1", "/diagnosis/part/1", "/diagnosis/part/2", "/diagnosis/part/3", "/policy",
              "/declare", "/declare/withdraw", "/members/invite", "/members/revoke", "/members/remove",
              "/members/owner", "/account/password", "/account/email", "/account/delete"]
NOT_FOUND_POST = ["/", "/healthz", "/registry", "/verify/x", "/policies/1", "/diagnosis", "/diagnosis/1",
                  "/dashboard", "/history", "/operator", "/nope"]


def anonymous(port):
    c = Client(port)
    for path in OPEN_GET:
        r = c.get(path)
        check(f"routes: GET {path} is served", r.status == 200, f"{r.status}")
    for path in LOGIN_GET:
        r = c.get(path)
        check(f"routes: GET {path} needs a log-in", r.status == 303 and r.getheader("Location") == "/login?next=" + path,
              f"{r.status} {r.getheader('Location')}")
    for path in NOT_FOUND_GET:
        r = c.get(path)
        check(f"routes: GET {path} does not exist", r.status == 404, f"{r.status}")
    r = c.request("HEAD", "/registry")
    check("routes: HEAD is served as GET", r.status == 200, f"{r.status}")
    for path in LOGIN_POST:
        r = c.post(path, {}, token_from="/login")
        check(f"routes: POST {path} needs a log-in", r.status == 303 and r.getheader("Location") == "/login",
              f"{r.status} {r.getheader('Location')}")
    for path in NOT_FOUND_POST:
        r = c.post(path, {}, token_from="/login")
        check(f"routes: POST {path} does not exist", r.status == 404, f"{r.status}")
    r = c.post("/diagnosis/autosave", {}, token_from="/login")
    check("routes: POST /diagnosis/autosave answers 401 itself", r.status == 401, f"{r.status}")
    for path in LOGIN_POST + NOT_FOUND_POST + ["/login", "/signup", "/logout"]:
        r = c.request("POST", path, form={"csrf": "0" * 64})
        check(f"routes: POST {path} with a wrong token is 403", r.status == 403, f"{r.status}")
        r = c.request("POST", path, body="a=%zz",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        check(f"routes: POST {path} with a malformed body is 400", r.status == 400, f"{r.status}")


def logged_in(port):
    c = Client(port)
    signup(c, "routes@example.jp", "経路テスト株式会社")
    for path in ["/dashboard", "/profile", "/star1", "/history", "/declare"]:
        r = c.get(path)
        check(f"routes: GET {path} logged in", r.status in (200, 303) and r.getheader("Location") != "/login",
              f"{r.status} {r.getheader('Location')}")
    for path in ["/diagnosis/999999", "/diagnosis/999999/print"]:
        r = c.get(path)
        check(f"routes: GET {path} of no diagnosis is 404", r.status == 404, f"{r.status}")
    for path in ["/diagnosis/x", "/diagnosis/1/other", "/operator"]:
        r = c.get(path)
        check(f"routes: GET {path} logged in does not exist", r.status == 404, f"{r.status}")


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-routes-")
    server, port = start(os.path.join(tmp, "routes.db"), ["--demo"])
    try:
        anonymous(port)
        logged_in(port)
    finally:
        server.stop_checked()
    return 1 if harness.failures else 0


if __name__ == "__main__":
    sys.exit(main())
