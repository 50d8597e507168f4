#!/usr/bin/env python3
"""How every form shows its errors (issue 11 part 9, form_errors.c): an
error summary (role alert, tabindex -1, id error-summary, which app.js
focuses) lists each error, a field's as a link to the field; each field
in error is aria-invalid and described by its message; a page without
errors has none of it.  Sign-up, log-in, the profile, the ★ check and the
policy draft, each sent wrong in its own way.  The browser half (the
focus lands on the summary) is tests/e2e/axe_all.mjs.
Prints 'ok NAME' / 'FAIL NAME' lines for tests/run.py.
"""
import os, re, shutil, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import HOSTILE, Client, check, start, signup


def summary(body):
    """The error summary's element and its items, as (opening tag, [(href or None, text)])."""
    m = re.search(r'(<div class="error-summary"[^>]*>)(.*?)</div>', body, re.S)
    if not m:
        return None, []
    items = []
    for li in re.findall(r"<li>(.*?)</li>", m.group(2), re.S):
        a = re.match(r'<a href="#([^"]+)">(.*)</a>$', li, re.S)
        items.append((a.group(1), a.group(2)) if a else (None, li))
    return m.group(1), items


def control(body, field):
    """The opening tag of the form control with id field."""
    m = re.search(r'<(?:input|select|textarea)\b[^>]*\bid="%s"[^>]*>' % re.escape(field), body)
    return m.group(0) if m else ""


def message(body, field):
    """The text of the element with id err-FIELD."""
    m = re.search(r'<div id="err-%s"><p class="field-error">(.*?)</p></div>' % re.escape(field),
                  body, re.S)
    return m.group(1) if m else None


def well_formed(name, body, fields, general=0):
    """The summary of a page sent wrong: fields linked in page order,
    general errors as plain items, each field invalid and described."""
    tag, items = summary(body)
    check(f"{name}: error summary with role alert, tabindex -1, id error-summary and a heading",
          tag is not None and 'role="alert"' in tag and 'tabindex="-1"' in tag and 'id="error-summary"' in tag
          and 'aria-labelledby="error-summary-title"' in tag and '<h2 id="error-summary-title">' in body, tag)
    linked = [f for f, _ in items if f]
    check(f"{name}: each field's error linked to its field, in page order", linked == fields, f"{items}")
    check(f"{name}: {general} error(s) of the whole form listed unlinked",
          len([1 for f, _ in items if f is None]) == general, f"{items}")
    for f, text in items:
        if f is None:
            continue
        tag = control(body, f)
        desc = re.search(r'aria-describedby="([^"]*)"', tag)
        check(f"{name}: #{f} is aria-invalid and described by its message",
              'aria-invalid="true"' in tag and desc is not None and f"err-{f}" in desc.group(1).split(), tag)
        check(f"{name}: #{f}'s message is the summary's text", message(body, f) == text, f"{message(body, f)!r} {text!r}")
    check(f"{name}: only the fields in error are aria-invalid", body.count('aria-invalid="true"') == len(linked))
    check(f"{name}: the summary is the only alert", body.count('role="alert"') == 1)


def clean(name, body):
    check(f"{name}: no error summary and nothing aria-invalid",
          "error-summary" not in body and "aria-invalid" not in body)


def run(port):
    c = Client(port)
    clean("sign-up form", c.get("/signup").body)
    r = c.post("/signup", {"email": "", "password": "", "org": ""})
    check("sign-up, all empty: 422", r.status == 422, str(r.status))
    well_formed("sign-up, all empty", r.body, ["email", "password", "org"])
    check("sign-up: the password keeps its hint and gains its message",
          'aria-describedby="err-password"' in control(r.body, "password") or
          "err-password" in control(r.body, "password"))
    r = c.post("/signup", {"email": "a@example.jp", "password": "short", "org": "a\x01b" + HOSTILE})
    well_formed("sign-up, short password and a control character", r.body, ["password", "org"])
    check("sign-up: the summary shows the refused name escaped", "<script>" not in r.body)
    check("sign-up: the summary comes before the form", r.body.index("error-summary") < r.body.index("<form"))

    clean("log-in form", c.get("/login").body)
    r = c.post("/login", {"email": "nobody@example.jp", "password": "wrong-password-1"})
    well_formed("log-in, wrong password", r.body, [], general=1)
    _, items = summary(r.body)
    check("log-in: the error is shown once, in the summary",
          len(items) == 1 and len(items[0][1]) > 10 and r.body.count(items[0][1]) == 1, f"{items}")

    signup(c, "owner@example.jp", "株式会社フォーム")
    clean("profile", c.get("/profile").body)
    r = c.post("/profile", {"name": "", "corpnum": "12", "prefecture": "99", "industry": "", "employees": "",
                            "contact": ""})
    well_formed("profile, everything wrong", r.body,
                ["name", "corpnum", "prefecture", "industry", "employees", "contact"])
    r = c.post("/star1", {"p1": "done", "p2": "done"})
    well_formed("★ check, three basics and the commitment missing", r.body, ["commit"], general=1)
    r = c.post("/policy", {"representative": "代表 山田", "established": "2026-02-30", "contact": "", "body": "",
                           "action": "save"})
    well_formed("policy, a date that does not exist", r.body, ["established"])
    r = c.get("/policy")
    clean("policy form", r.body)


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-formerr-")
    try:
        srv, port = start(os.path.join(tmp, "t.db"))
        try:
            run(port)
        finally:
            srv.stop_checked()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if harness.failures else 0)


main()
