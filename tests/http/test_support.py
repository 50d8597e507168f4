#!/usr/bin/env python3
"""Support services (issue 13 part 4): /support lists the services of
data/support/*.ini, filtered by prefecture (a service serving it or the
whole country), price band, kind and self-diagnosis item; bad filter
values are 400 with the field named; data values are escaped (the
service's address too); the diagnosis result links each item of the
action plan to /support?item=N; a bad service file stops the server at
start with its file and line.  Prints 'ok NAME' / 'FAIL NAME' lines.
"""
import os, re, shutil, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import HOSTILE, Client, check, signup, start
from content_data import data_copy, entries, esc, line_of as line_in, refuses as refuses_in, rewrite as rewrite_in

SERVICES = entries("support")
KINDS = ["desk", "monitoring", "incident", "insurance"]
PRICES = ["free", "low", "mid", "high"]


def fact(sv, key):
    return sv["service"][key][0]


def words(sv, key):
    return fact(sv, key).replace(",", " ").split()


def listed(body):
    """The names of the services a page lists, in order."""
    return re.findall(r'<li class="card service">\s*<h2><a rel="noopener noreferrer" href="[^"]*">(.*?)</a>', body)


def names(ids, lang="ja"):
    return [esc(SERVICES[i][lang]["name"][0]) for i in ids]


def serves(sv, pref):
    return "all" in words(sv, "regions") or str(pref) in words(sv, "regions")


def listing(port):
    c = Client(port)
    check("the shipped services are placeholders on example.jp", len(SERVICES) >= 4 and all(
        fact(s, "url").startswith("https://example.jp/") and s["ja"]["name"][0].startswith("（記入例）")
        and s["en"]["name"][0].startswith("(Placeholder)") for s in SERVICES.values()))
    for lang in ("ja", "en"):
        r = c.get(f"/support?lang={lang}")
        check(f"/support in {lang}: 200, every service by id with its name, provider and address",
              r.status == 200 and listed(r.body) == names(SERVICES, lang)
              and all(esc(s[lang]["provider"][0]) in r.body and f'href="{esc(fact(s, "url"))}"' in r.body
                      for s in SERVICES.values()), f"{r.status} {listed(r.body)}")
    r = c.get("/support?lang=en")
    check("/support: says the entries are placeholders the operator replaces", "(Placeholder) are examples" in r.body)
    check("/support: outside links carry rel=noopener", r.body.count('rel="noopener noreferrer"') == len(SERVICES))
    c.get("/support?lang=ja")
    for pref in (1, 13, 27, 47):
        r = c.get(f"/support?region={pref}")
        want = [i for i, s in SERVICES.items() if serves(s, pref)]
        check(f"/support?region={pref}: the services serving it or the whole country",
              r.status == 200 and listed(r.body) == names(want), f"{listed(r.body)}")
    for price in PRICES:
        r = c.get(f"/support?price={price}")
        want = [i for i, s in SERVICES.items() if fact(s, "price") == price]
        check(f"/support?price={price}: the services of that band", listed(r.body) == names(want))
    for kind in KINDS:
        r = c.get(f"/support?kind={kind}")
        want = [i for i, s in SERVICES.items() if kind in words(s, "kinds")]
        check(f"/support?kind={kind}: the services of that kind", listed(r.body) == names(want))
    for item in (1, 11, 24, 15):
        r = c.get(f"/support?item={item}&lang=en")
        want = [i for i, s in SERVICES.items() if str(item) in words(s, "items")]
        check(f"/support?item={item}: the services that help with it, under a heading naming it",
              listed(r.body, ) == names(want, "en") and f"<h2>Services that help with item {item}:" in r.body,
              f"{listed(r.body)}")
    r = c.get("/support?region=13&kind=insurance&price=low&item=24&lang=ja")
    want = [i for i, s in SERVICES.items() if serves(s, 13) and "insurance" in words(s, "kinds")
            and fact(s, "price") == "low" and "24" in words(s, "items")]
    check("/support with every filter: the services matching all", want and listed(r.body) == names(want))
    check("/support: the chosen values stay chosen", '<option value="13" selected>' in r.body
          and '<option value="insurance" selected>' in r.body and '<option value="low" selected>' in r.body
          and '<option value="24" selected>' in r.body)
    r = c.get("/support?region=47&price=high&lang=en")
    check("/support with no match: 200, none listed, says so",
          r.status == 200 and listed(r.body) == [] and "No service matches" in r.body)
    r = c.get("/support?region=&price=&kind=&item=&lang=ja")
    check("/support with empty filters: everything", listed(r.body) == names(SERVICES))
    for q, field in (("region=0", "region"), ("region=48", "region"), ("region=tokyo", "region"),
                     ("region=1.5", "region"), ("price=cheap", "price"), ("price=FREE", "price"),
                     ("kind=zzz", "kind"), ("kind=%3Cb%3E", "kind"), ("item=0", "item"), ("item=26", "item"),
                     ("item=-3", "item"), ("item=99999999999999999999", "item")):
        r = c.get(f"/support?{q}")
        check(f"/support?{q}: 400 naming the field, nothing listed",
              r.status == 400 and 'id="error-summary"' in r.body and f'href="#{field}"' in r.body
              and re.search(f'id="{field}"[^>]*aria-invalid="true"', r.body) is not None and listed(r.body) == []
              and "<b>" not in r.body, str(r.status))
    r = c.get("/support?kind=zzz&item=26")
    check("/support with two bad values: both named", 'href="#kind"' in r.body and 'href="#item"' in r.body)


def plan_links(port):
    """The result page's plan links each item to the services for it."""
    c = Client(port)
    c.org_name = "支援確認の会社"
    signup(c, "support@example.jp", c.org_name)
    answers = {f"a{i}": ("1" if i <= 3 or i in (11, 20) else "3" if i % 2 else "2") for i in range(1, 26)}
    answers["a17"] = "4"
    c.post("/diagnosis/part/1", {**{k: v for k, v in answers.items() if int(k[1:]) <= 5}, "nav": "next"})
    c.post("/diagnosis/autosave", {k: v for k, v in answers.items() if 6 <= int(k[1:]) <= 18},
           token_from="/diagnosis/part/2")
    r = c.post("/diagnosis/part/3", {**{k: v for k, v in answers.items() if int(k[1:]) >= 19}, "nav": "finish"})
    loc = r.getheader("Location") or ""
    check("diagnosis finished", r.status == 303 and re.fullmatch(r"/diagnosis/\d+", loc) is not None, loc)
    r = c.get(loc + "?lang=en")
    block = re.search(r'<section class="card plan-support.*?</section>', r.body, re.S)
    check("result page: a block of support for the plan", r.status == 200 and block is not None, str(r.status))
    if block is None:
        return
    rows = re.findall(r'<li value="(\d+)">(.*?)</li>', block.group(0))
    plan = sorted(i for i in range(1, 26) if answers[f"a{i}"] != "1")
    check("every action of the plan has its row, nothing in place has one",
          sorted(int(n) for n, _ in rows) == plan, str([n for n, _ in rows]))
    for n, row in rows:
        k = sum(n in words(s, "items") for s in SERVICES.values())
        if k:
            ok = f'<a href="/support?item={n}">Support services for this ({k})</a>' in row
        else:
            ok = "No service listed for this yet" in row and "<a " not in row
        check(f"plan item {n}: {'a link to its ' + str(k) + ' services' if k else 'says none is listed'}", ok, row)
    check("the plan's rows come in the plan's order, part 1 first (nothing done before partly done)",
          [int(n) for n, _ in rows][:2] == [5, 4], str(rows[:2]))
    r = c.get("/diagnosis/1/print")
    check("the printable report has no support block", "plan-support" not in r.body)


def escaping(tmp):
    data = data_copy(tmp, "data-hostile")
    with open(os.path.join(data, "support", "zz-hostile.ini"), "w", encoding="utf-8") as f:
        f.write("[service]\nkinds = desk\nregions = all\nprice = free\n"
                "url = https://example.jp/a?x=1&y=2\nitems = 5\n")
        for lang in ("ja", "en"):
            f.write(f"[{lang}]\n" + "".join(f"{k} = {k} {HOSTILE}\n" for k in ("name", "provider", "covers")))
    srv, port = start(os.path.join(tmp, "hostile.db"), ["--data-dir", data])
    try:
        r = Client(port).get("/support?item=5")
        check("service values escaped, the address's & too",
              r.status == 200 and "<script>" not in r.body and all(esc(f"{k} {HOSTILE}") in r.body
                                                                  for k in ("name", "provider", "covers"))
              and 'href="https://example.jp/a?x=1&amp;y=2"' in r.body, str(r.status))
    finally:
        srv.stop_checked("hostile-data server")


def own_folder(tmp):
    """--support-dir: the operator's folder in place of DATADIR/support;
    with none listed, every action of the plan says so."""
    own = os.path.join(tmp, "own-support")
    os.makedirs(own)
    srv, port = start(os.path.join(tmp, "own.db"), ["--support-dir", own])
    try:
        c = Client(port)
        r = c.get("/support?lang=en")
        check("an empty support folder: none listed, says so", r.status == 200 and listed(r.body) == []
              and "No service matches" in r.body)
        c.org_name = "空の支援"
        signup(c, "own@example.jp", c.org_name)
        c.post("/diagnosis/part/1", {**{f"a{i}": "3" for i in range(1, 6)}, "nav": "next"})
        c.post("/diagnosis/autosave", {f"a{i}": "3" for i in range(6, 19)}, token_from="/diagnosis/part/2")
        r = c.post("/diagnosis/part/3", {**{f"a{i}": "3" for i in range(19, 26)}, "nav": "finish"})
        r = c.get((r.getheader("Location") or "/") + "?lang=en")
        rows = re.findall(r'<li value="(\d+)">(.*?)</li>', r.body)
        check("an empty support folder: every action of the plan says none is listed, no link",
              len(rows) == 25 and all("No service listed" in row and "<a " not in row for _, row in rows), str(len(rows)))
    finally:
        srv.stop_checked("support-dir server")


def refuses(tmp, name, edit, *messages):
    refuses_in(tmp, "support", name, edit, *messages)


def rewrite(old, new, name="example-desk.ini"):
    return rewrite_in(name, old, new)


def line_of(text, name="example-desk.ini"):
    return line_in("support", name, text)


def bad_data(tmp):
    f = "DATA/support/example-desk.ini"
    cases = [
        ("an unknown kind", "kinds = desk", "kinds = desk advice",
         "kinds is 'desk advice': expected kinds among desk, monitoring, incident and insurance"),
        ("no kind", "kinds = desk", "kinds = ,", "kinds is ',': expected at least one kind"),
        ("a prefecture out of range", "regions = all", "regions = 13 48",
         "regions is '13 48': expected 'all' or prefecture codes 1-47"),
        ("a prefecture by name", "regions = all", "regions = tokyo", "regions is 'tokyo'"),
        ("a price band", "price = free", "price = 0", "price is '0': expected one of free, low, mid and high"),
        ("an item out of range", "items = 1 2", "items = 26 2", "expected self-diagnosis item numbers 1-25"),
        ("a javascript: address", "url = https://example.jp/support/desk", "url = javascript:alert(1)",
         "url is 'javascript:alert(1)': expected an http:// or https:// address"),
        ("an address with a quote", "url = https://example.jp/support/desk", 'url = https://example.jp/"x',
         "expected an http:// or https:// address"),
        ("an address without a host", "url = https://example.jp/support/desk", "url = https:///x",
         "expected an http:// or https:// address"),
    ]
    for name, old, new, message in cases:
        refuses(tmp, name, rewrite(old, new), f"{f}:{line_of(old)}: ", message)
    refuses(tmp, "a misspelt key", rewrite("price = free", "prize = free"),
            f"{f}:{line_of('price =')}: unknown key 'prize' in [service]")
    refuses(tmp, "a missing fact", rewrite("price = free", "# price = free"), f"{f}: [service] has no `price =` line")
    refuses(tmp, "a missing text", rewrite("[en]\nname =", "[en]\n# name ="), f"{f}: [en] has no `name =` line")
    refuses(tmp, "a name given twice", rewrite("[ja]\n", "[ja]\nname = x\n"), "name is given twice in [ja]")
    refuses(tmp, "a very long value", rewrite("covers = An", "covers = " + "x" * 4001 + "\ncovers = An"),
            "covers is longer than 4000 bytes")


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-support-")
    try:
        srv, port = start(os.path.join(tmp, "t.db"))
        try:
            listing(port)
            plan_links(port)
        finally:
            srv.stop_checked()
        escaping(tmp)
        own_folder(tmp)
        bad_data(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if harness.failures else 0)


main()
