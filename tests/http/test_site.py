#!/usr/bin/env python3
"""The pages about the site (issue 11 part 9): terms of use, privacy
notice, contact and who runs the registry, from DATADIR/site or the
operator's --site-dir, linked from the footer of every page and from
sign-up.  Prints 'ok NAME' / 'FAIL NAME' lines for tests/run.py.
"""
import os, re, shutil, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import HOSTILE, Client, check, start

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGES = {"terms": ("利用規約", "Terms of use"), "privacy": ("個人情報の取り扱い", "Privacy notice"),
         "contact": ("お問い合わせ", "Contact"), "about": ("運営者について", "Who runs the registry")}
FOOTER = ['href="/terms"', 'href="/privacy"', 'href="/contact"', 'href="/about"']


def first_heading(page, lang):
    """The first '# ' line of the shipped text."""
    with open(os.path.join(ROOT, "data", "site", lang, page + ".md"), encoding="utf-8") as f:
        return next(l[2:].strip() for l in f if l.startswith("# "))


def footer_of(body):
    m = re.search(r"<footer.*?</footer>", body, re.S)
    return m.group(0) if m else ""


def shipped(port):
    c = Client(port)
    for page, titles in PAGES.items():
        for lang, title in zip(("ja", "en"), titles):
            r = c.get(f"/{page}?lang={lang}")
            h2 = first_heading(page, lang)
            check(f"/{page} in {lang}: 200 with its title as the one h1 and the shipped text",
                  r.status == 200 and r.body.count("<h1>") == 1 and f"<h1>{title}" in r.body
                  and f"<h2>{h2}</h2>" in r.body and '<html lang="%s">' % lang in r.body,
                  f"{r.status} {r.body[:300]}")
            check(f"/{page} in {lang}: the footer links to all four pages",
                  all(l in footer_of(r.body) for l in FOOTER))
    r = c.get("/terms?lang=ja")
    check("a '- ' list in the text is a list", "<ul>\n<li>" in r.body and "</li></ul>" in r.body)
    for path, status in (("/", 200), ("/registry", 200), ("/login", 200), ("/verify/00000000000", 404),
                         ("/no-such-page", 404)):
        r = c.get(path)
        check(f"footer links on {path} ({status})",
              r.status == status and all(l in footer_of(r.body) for l in FOOTER), f"{r.status}")
    r = c.get("/signup")
    m = re.search(r'<p class="hint" id="agree">(.*?)</p>', r.body, re.S)
    check("sign-up says signing up agrees to the terms, with links to the terms and the privacy notice",
          m is not None and 'href="/terms"' in m.group(1) and 'href="/privacy"' in m.group(1)
          and 'aria-describedby="agree"' in r.body)
    r = c.request("POST", "/terms", form={"x": "1"})
    check("POST /terms is refused", r.status in (403, 405), str(r.status))


def replaced(tmp):
    """--site-dir: the operator's file wins, an edit shows at once, markup
    in it is shown as text, and a page it lacks keeps the default."""
    site = os.path.join(tmp, "site")
    os.makedirs(os.path.join(site, "ja"))
    os.makedirs(os.path.join(site, "en"))
    terms = os.path.join(site, "ja", "terms.md")
    with open(terms, "w", encoding="utf-8") as f:
        f.write("ほしぞら協会が運営します。\n\n# 第1条 " + HOSTILE + "\n- 一つ目\n- 二つ目\n\n最後の段落\n続きの行\n")
    srv, port = start(os.path.join(tmp, "site.db"), ["--site-dir", site])
    try:
        c = Client(port)
        r = c.get("/terms?lang=ja")
        check("--site-dir: the operator's terms are shown", r.status == 200 and "ほしぞら協会が運営します。" in r.body
              and "<li>一つ目</li>\n<li>二つ目" in r.body and "<p>最後の段落<br>\n続きの行</p>" in r.body, r.body[-1500:])
        check("--site-dir: markup in the text is shown as text, never run",
              "<script>" not in r.body and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in r.body)
        check("--site-dir: the shipped text is not shown", first_heading("terms", "ja") not in r.body)
        with open(terms, "w", encoding="utf-8") as f:
            f.write("改訂した規約です。\n")
        r = c.get("/terms?lang=ja")
        check("--site-dir: an edit shows at once, without a restart", "改訂した規約です。" in r.body
              and "ほしぞら協会" not in r.body)
        r = c.get("/terms?lang=en")
        check("--site-dir: a language the operator did not write keeps the default",
              r.status == 200 and f"<h2>{first_heading('terms', 'en')}</h2>" in r.body)
        r = c.get("/privacy?lang=ja")
        check("--site-dir: a page the operator did not write keeps the default",
              r.status == 200 and f"<h2>{first_heading('privacy', 'ja')}</h2>" in r.body)
    finally:
        srv.stop_checked("site-dir server")


def missing(tmp):
    """A data directory without the texts: an error page, logged, no crash."""
    data = os.path.join(tmp, "data")
    shutil.copytree(os.path.join(ROOT, "data"), data)
    os.remove(os.path.join(data, "site", "en", "contact.md"))
    srv, port = start(os.path.join(tmp, "missing.db"), ["--data-dir", data])
    try:
        r = Client(port).get("/contact?lang=en")
        check("a missing text: 500 error page", r.status == 500 and "<h1>" in r.body, str(r.status))
        check("a missing text is logged with its path", "site_text" in srv.log() and "contact.md" in srv.log())
    finally:
        srv.stop_checked("missing-text server")


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-site-")
    try:
        srv, port = start(os.path.join(tmp, "t.db"))
        try:
            shipped(port)
        finally:
            srv.stop_checked()
        replaced(tmp)
        missing(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if harness.failures else 0)


main()
