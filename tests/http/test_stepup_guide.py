#!/usr/bin/env python3
"""The step-up box on the dashboard after ★ (issue 13 part 2).

Starts $HOSHI (or argv[1]) and checks, in Japanese and English:
- no box before any declaration, nor for a ★★ organisation;
- a ★ organisation sees it: what ★★ adds (the diagnosis and a basic
  policy only, no 規程 or 手順書), how long it takes, the survey figures
  with their source, and its OWN "will work on it" principles in the
  action plan's order (impact class, then number), the first marked with
  its first step, each linking to its principle on /star1; the principles
  it marked in place are not listed;
- the two steps turn done as the diagnosis is finished and the policy
  published, and then the box offers the ★★ declaration;
- an owner who marked all five in place is told so instead of a list.
Texts are read from data/text/<lang>/web.ini and principles.ini, not
copied here.  Prints 'ok NAME' / 'FAIL NAME'.
"""
import html, os, re, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import Client, check, signup, start

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def ini(path):
    """{section: {key: [values]}} of one of hoshi's data files."""
    out, sec = {}, None
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                sec = line[1:-1]
                out.setdefault(sec, {})
            elif "=" in line:
                k, v = (x.strip() for x in line.split("=", 1))
                out[sec].setdefault(k, []).append(v)
    return out


TEXTS = {lang: ini(f"data/text/{lang}/web.ini") for lang in ("ja", "en")}
PRINCIPLES = {lang: ini(f"data/text/{lang}/principles.ini") for lang in ("ja", "en")}
PRIORITY = {int(s.split()[1]): int(v["priority"][0]) for s, v in ini("data/catalog/items.ini").items()}


def esc(text):
    """text as hoshi_buf_html writes it."""
    return html.escape(text, quote=True).replace("&#x27;", "&#39;")


def t(lang, key, section="stepup_guide"):
    return esc(TEXTS[lang][section][key][0])


def box(body):
    m = re.search(r'<section class="card stepup" aria-labelledby="stepup-title">(.*?)</section>', body, re.S)
    return m.group(1) if m else None


def dashboard(c, lang):
    r = c.get(f"/dashboard?lang={lang}")
    return r.status, r.body


def owner(port, email, org, marks):
    """A signed-up sole proprietor (no 法人番号, so owners never claim
    one another holds) with its profile and its ★ check saved with marks
    ('1' in place, '0' will work on it)."""
    c = Client(port)
    signup(c, email, org)
    c.org_name = org
    c.post("/profile", {"name": org, "corpnum": "", "sole": "1", "prefecture": "13", "industry": "G",
                        "employees": "2", "contact": "星野"})
    c.post("/star1", {f"p{i}": ("done" if m == "1" else "todo") for i, m in enumerate(marks, 1)} | {"commit": "1"})
    return c


def expected_order(marks):
    todo = [i for i, m in enumerate(marks, 1) if m == "0"]
    return sorted(todo, key=lambda i: (PRIORITY[i], i))


def check_box(name, b, lang, marks):
    check(f"{name} ({lang}): what ★★ adds, only a basic policy, how long, the figures with their source",
          b is not None and all(t(lang, k) in b for k in
                                ("title", "lead", "diag", "policy", "time_diag", "time_policy", "merits",
                                 "merits_source")),
          b and b[:400])
    if b is None:
        return
    policy = TEXTS[lang]["stepup_guide"]["policy"][0]
    check(f"{name} ({lang}): the policy text says no 規程 or 手順書 is needed",
          "規程" in policy and "手順書" in policy)
    order = expected_order(marks)
    listed = [int(x) for x in re.findall(r'<li(?: class="first")?><a href="/star1#p(\d)">', b)]
    check(f"{name} ({lang}): its own 'will work on it' principles, in the plan's order", listed == order,
          (listed, order))
    titles = [esc(PRINCIPLES[lang][f"principle {i}"]["title"][0]) for i in order]
    check(f"{name} ({lang}): each by its title and self-diagnosis item number",
          all(f'<a href="/star1#p{i}">{ti}</a>' in b and
              esc(TEXTS[lang]["stepup_guide"]["item_n"][0].replace("{n}", str(i))) in b
              for i, ti in zip(order, titles)), b[:2000])
    if order:
        first = order[0]
        step = esc(PRINCIPLES[lang][f"principle {first}"]["todo"][0])
        m = re.search(r'<li class="first">(.*?)</li>', b, re.S)
        check(f"{name} ({lang}): the first is marked 'start here' with its first step",
              m is not None and f'href="/star1#p{first}"' in m.group(1) and t(lang, "start_first") in m.group(1)
              and step in m.group(1) and b.count('class="first"') == 1, m and m.group(1))
        done = [i for i, mk in enumerate(marks, 1) if mk == "1"]
        check(f"{name} ({lang}): principles marked in place are not listed",
              not any(f'href="/star1#p{i}"' in b for i in done))
    else:
        check(f"{name} ({lang}): all five in place: said so, no list",
              t(lang, "start_none") in b and "stepup-start" not in b, b[:2000])


def finish_diagnosis(c):
    answers = {f"a{i}": "2" for i in range(1, 26)}
    c.post("/diagnosis/part/1", {**{k: v for k, v in answers.items() if int(k[1:]) <= 5}, "nav": "next"})
    c.post("/diagnosis/autosave", {k: v for k, v in answers.items() if 6 <= int(k[1:]) <= 18},
           token_from="/diagnosis/part/2")
    return c.post("/diagnosis/part/3", {**{k: v for k, v in answers.items() if int(k[1:]) >= 19}, "nav": "finish"})


def publish_policy(c):
    r = c.get("/policy")
    m = re.search(r'name="contact"[^>]*value="([^"]*)"', r.body)
    contact = html.unescape(m.group(1)) if m else ""
    f = {"representative": "代表 星野花子", "established": "2026-04-01", "contact": contact, "body": "",
         "action": "generate", "review": ""}
    r = c.post("/policy", f)
    m = re.search(r"<textarea[^>]*>(.*?)</textarea>", r.body, re.S)
    f.update(body=html.unescape(m.group(1)) if m else "", action="publish")
    return c.post("/policy", f)


def steps(b):
    """The done/todo status of the two steps, in order."""
    return re.findall(r'<li><span class="status (done|todo)">', b or "")


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-stepup-")
    server, port = start(os.path.join(tmp, "t.db"))
    try:
        marks = "10100"  # will work on principles 2, 4 and 5
        c = owner(port, "stepup-guide@example.jp", "ほしぞら段階商店", marks)
        status, body = dashboard(c, "ja")
        check("no declaration yet: no step-up box", status == 200 and box(body) is None, status)
        r = c.post("/declare", {"level": "1"})
        check("★ declared", r.status == 303, r.status)
        for lang in ("ja", "en"):
            status, body = dashboard(c, lang)
            b = box(body)
            check(f"★ organisation ({lang}): dashboard 200 with the box", status == 200 and b is not None, status)
            check_box("★ organisation", b, lang, marks)
            check(f"★ organisation ({lang}): both steps to do, each with its link, no ★★ offer yet",
                  steps(b) == ["todo", "todo"] and 'href="/diagnosis"' in b and 'href="/policy"' in b
                  and 'href="/declare"' not in b, steps(b))
        r = finish_diagnosis(c)
        check("diagnosis finished", r.status == 303, r.status)
        b = box(dashboard(c, "ja")[1])
        check("after the diagnosis: its step done, the policy's still to do",
              steps(b) == ["done", "todo"] and 'href="/diagnosis"' not in b and 'href="/declare"' not in b, steps(b))
        r = publish_policy(c)
        check("policy published", r.status in (200, 303), r.status)
        for lang in ("ja", "en"):
            b = box(dashboard(c, lang)[1])
            check(f"both done ({lang}): the box offers the ★★ declaration",
                  steps(b) == ["done", "done"] and t(lang, "ready") in b and
                  f'<a class="button" href="/declare">{t(lang, "declare_link")}</a>' in b, steps(b))
        r = c.post("/declare", {"level": "2"})
        check("stepped up to ★★", r.status == 303, r.status)
        for lang in ("ja", "en"):
            status, body = dashboard(c, lang)
            check(f"★★ organisation ({lang}): no step-up box", status == 200 and box(body) is None
                  and "stepup" not in body, status)

        d = owner(port, "stepup-all@example.jp", "ほしぞら全部商店", "11111")
        check("all five in place: ★ declared", d.post("/declare", {"level": "1"}).status == 303)
        for lang in ("ja", "en"):
            check_box("★ with all five in place", box(dashboard(d, lang)[1]), lang, "11111")
        e = owner(port, "stepup-none@example.jp", "ほしぞら全部これから商店", "00000")
        check("all five to do: ★ declared", e.post("/declare", {"level": "1"}).status == 303)
        check_box("★ with all five to do", box(dashboard(e, "ja")[1]), "ja", "00000")
        anon = Client(port)
        r = anon.get("/dashboard")
        check("the dashboard still needs a log-in", r.status == 303 and "/login" in (r.getheader("Location") or ""),
              r.status)
    finally:
        server.stop_checked()
    sys.exit(1 if harness.failures else 0)


if __name__ == "__main__":
    main()
