#!/usr/bin/env python3
"""The operator's survey pages (issue 9 items 3, 5, 7).

Starts $HOSHI (or argv[1]) with --demo, which adds the shipped 2018
questionnaire as a closed survey answered by the demo organisations.
Checks: only an operator sees anything (anyone else the 404 of a page that
does not exist); the list and progress; creating a survey from a shipped
questionnaire (and every kind of bad request, nothing created); recipients
counted, invitations issued once as a CSV; dates and closing; every
question's table.csv (and crosses by attributes, another question and
score bands) equal to `hoshi tab` on the page's export, the routed base of
Q14; bad head/side 400; the free answers never show an organisation's
name; the downloads parse (xlsx as a zip, CP932 decodes).
Prints 'ok NAME' / 'FAIL NAME'.
"""
import csv, io, os, re, subprocess, sys, tempfile, zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import HOSHI, Client, check, raw, signup, start

OP = {"email": "operator@example.jp", "password": "hoshi-demo-2026"}


def rows_of(text):
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def cli_table(tmp, args):
    """`hoshi tab` on the export `hoshi survey export` wrote to tmp."""
    p = subprocess.run([HOSHI, "tab", "--codebook", os.path.join(tmp, "codebook.csv"), "--data",
                        os.path.join(tmp, "data.csv"), "--format", "csv", *args],
                       capture_output=True, timeout=60)
    out = p.stdout.decode("utf-8").lstrip("\ufeff")  # bytes: keep the CRLF line ends
    return out if p.returncode == 0 else "tab failed: " + p.stderr.decode("utf-8", "replace")


def progress_row(body, label):
    m = re.search(r"<tr><th>%s</th><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
                  r"<td class=\"num\">(\d+)</td><td class=\"num\">([^<]*)</td></tr>" % re.escape(label), body)
    return tuple(int(x) for x in m.groups()[:3]) + (m.group(4),) if m else None


def access(port, o):
    anon = Client(port)
    for path in ("/operator/surveys", "/operator/surveys/1", "/operator/surveys/1/table.csv?head=Q1",
                 "/operator/surveys/1/answers", "/operator/surveys/1/data.csv"):
        r = anon.get(path)
        check(f"visitor gets 404 at {path}", r.status == 404, r.status)
    u = Client(port)
    signup(u, "someone@example.jp", "誰かの会社")
    r = u.get("/operator/surveys/1/tables")
    check("ordinary user gets 404 for the tables", r.status == 404 and "svtab" not in r.body, r.status)
    r = u.post("/operator/surveys", {"shipped": "sa2018"}, token_from="/dashboard")
    check("ordinary user cannot create a survey (404)", r.status == 404, r.status)
    r = u.post("/operator/surveys/1/invite", {}, token_from="/dashboard")
    check("ordinary user cannot issue invitations (404)", r.status == 404 and "/s/" not in r.body, r.status)
    r = o.get("/operator")
    check("operator page links to the surveys", 'href="/operator/surveys"' in r.body)


def demo_survey(o, tmp, db):
    r = o.get("/operator/surveys")
    check("list shows the demo survey, closed", r.status == 200 and "/operator/surveys/1\"" in r.body
          and "締め切り" in r.body, r.status)
    r = o.get("/operator/surveys/1")
    allrow = progress_row(r.body, "全体")
    data = o.get("/operator/surveys/1/data.csv")
    cb = o.get("/operator/surveys/1/codebook.csv")
    check("codebook and data download as attachments",
          data.status == 200 and cb.status == 200 and "attachment" in (data.getheader("Content-Disposition") or ""))
    p = subprocess.run([HOSHI, "survey", "export", "--db", harness.db_arg(db), "--survey", "1", "--out", tmp],
                       capture_output=True, timeout=60)
    check("hoshi survey export of the demo survey", p.returncode == 0, p.stderr[-500:])
    read = lambda n: open(os.path.join(tmp, n), "rb").read().decode("utf-8")
    check("the downloads equal hoshi survey export, byte for byte",
          data.body == read("data.csv") and cb.body == read("codebook.csv"))
    cp = o.request("GET", "/operator/surveys/1/data.csv?enc=cp932")
    check("data.csv?enc=cp932 is the export in CP932", cp.status == 200 and "Shift_JIS" in cp.getheader("Content-Type"))
    drows = rows_of(data.body)
    n = len(drows) - 1
    check("demo survey has responses", n >= 8, n)
    check("progress: submitted equals the export's respondents, some started, some invited only",
          allrow is not None and allrow[2] == n and allrow[1] > 0 and allrow[0] > allrow[1] + allrow[2], allrow)
    if allrow:
        check("progress: response rate is submitted / invited, one decimal",
              allrow[3] == "%.1f%%" % (100.0 * allrow[2] / allrow[0]), allrow)
    lv = [progress_row(r.body, "★ 一つ星"), progress_row(r.body, "★★ 二つ星")]
    check("progress by level adds up to the total",
          None not in lv and allrow and sum(x[0] for x in lv) == allrow[0] and sum(x[2] for x in lv) == allrow[2], lv)
    check("data has no R__ (shown) columns and the attributes last",
          not any(c.startswith("R__") for c in drows[0]) and drows[0][-5:] == ["DLEVEL", "DSIZE", "DINDUSTRY", "DPREF", "DSCORE"],
          drows[0][-6:])
    return drows


def tables(o, tmp, drows):
    header = drows[0]
    heads = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8", "Q9", "Q10", "Q11", "Q12", "Q13", "Q15"]
    bad = []
    for h in heads:
        r = o.get(f"/operator/surveys/1/table.csv?head={h}")
        if r.status != 200 or r.body != cli_table(tmp, ["--head", h]):
            bad.append((h, r.status, r.body[:200], cli_table(tmp, ["--head", h])[:200]))
    check("every question's table.csv equals hoshi tab on the export", not bad, bad[:2])
    bad = []
    for side in ("DLEVEL", "DSIZE", "DINDUSTRY", "DPREF", "Q2"):
        for h in ("Q1", "Q4", "Q12_1", "Q10"):
            r = o.get(f"/operator/surveys/1/table.csv?head={h}&side={side}")
            want = cli_table(tmp, ["--head", h, "--side", side])
            if r.status != 200 or r.body != want:
                bad.append((h, side, r.status, r.body[:200], want[:200]))
    check("cross tables by attributes and by a question equal hoshi tab", not bad, bad[:2])
    r = o.get("/operator/surveys/1/table.csv?head=Q5&side=DSCORE")
    want = cli_table(tmp, ["--head", "Q5", "--side", "DSCORE", "--bands",
                           "100点=100..100;70~99点=70..99;50~69点=50..69;49点以下=-25..49"])
    check("DSCORE side is in score bands, as hoshi tab --bands", r.status == 200 and r.body == want, (r.body, want))
    # Q14 is asked only of those who chose code 4 in Q13.
    r = o.get("/operator/surveys/1/table.csv?head=Q14")
    want = cli_table(tmp, ["--head", "Q14", "--where", "Q13=4"])
    check("routed Q14: table.csv equals hoshi tab --where Q13=4", r.status == 200 and r.body == want, (r.body, want))
    i = header.index("Q13_4")
    shown = sum(1 for row in drows[1:] if row[i] == "1")
    got = rows_of(r.body)
    check("routed Q14: the base N is the respondents it was shown to",
          len(got) > 1 and got[1][1] == str(shown) and 0 < shown < len(drows) - 1, (got[1] if len(got) > 1 else got, shown))
    r = o.get("/operator/surveys/1/table.csv?head=Q14&side=DSIZE")
    want = cli_table(tmp, ["--head", "Q14", "--side", "DSIZE", "--where", "Q13=4"])
    check("routed Q14 by size equals hoshi tab --where Q13=4", r.status == 200 and r.body == want)

    for q, what in (("", "no head"), ("?head=", "empty head"), ("?head=ZZ", "unknown head"),
                    ("?head=Q1&side=ZZ", "unknown side"), ("?head=R__Q14", "internal column"), ("?head=Q1&side=R__Q14", "internal side"),
                    ("?head=ALL", "ALL"), ("?head=Q8x", "free-text head"), ("?head=Q1&side=Q16", "free-text side"),
                    ("?head=" + "Q" * 300, "overlong head")):
        r = o.get("/operator/surveys/1/table.csv" + q)
        check(f"table.csv with {what}: 400 with a message", r.status == 400 and len(r.body) > 10, (r.status, r.body[:200]))
    r = o.get("/operator/surveys/1/tables?side=NOPE")
    check("tables page with an unknown side: 400", r.status == 400, r.status)
    r = o.get("/operator/surveys/1/tables.csv?enc=latin1")
    check("tables.csv with an unknown encoding: 400", r.status == 400, r.status)
    r = o.get("/operator/surveys/999/table.csv?head=Q1")
    check("table.csv of an unknown survey: 404", r.status == 404, r.status)

    r = o.get("/operator/surveys/1/tables")
    secs = re.findall(r'<section class="card regtab svtab" id="t\d+" data-head="([^"]+)">(.*?)</section>', r.body, re.S)
    check("tables page: every question but free text, each with its chart and table",
          sorted(h for h, _ in secs) == sorted(heads + ["Q14"])
          and all("<svg" in s and "<table" in s for _, s in secs), [h for h, _ in secs])
    r2 = o.get("/operator/surveys/1/tables?side=DSIZE&head=Q5")
    check("tables page: one head crossed by a side", r2.status == 200 and r2.body.count('class="card regtab svtab"') == 1)


def downloads(port, o, tmp, db):
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    cookie = "; ".join(f"{k}={v}" for k, v in o.cookies.items())
    def fetch(path):
        c.request("GET", path, headers={"Cookie": cookie})
        r = c.getresponse()
        return r.status, r.getheader("Content-Type"), r.read()
    st, ct, body = fetch("/operator/surveys/1/table.xlsx?head=Q4&side=DLEVEL")
    ok = False
    try:
        z = zipfile.ZipFile(io.BytesIO(body))
        ok = "xl/workbook.xml" in z.namelist() and z.testzip() is None
    except zipfile.BadZipFile:
        pass
    check("table.xlsx opens as a workbook", st == 200 and "spreadsheetml" in ct and ok, (st, ct))
    st, ct, body = fetch("/operator/surveys/1/table.xlsx")
    check("table.xlsx without a head: 400", st == 400, st)
    st, ct, body = fetch("/operator/surveys/1/tables.csv?enc=cp932")
    try:
        text = body.decode("cp932")
    except UnicodeDecodeError:
        text = ""
    check("tables.csv in CP932 decodes and holds the total rows", st == 200 and "全体" in text and "Shift_JIS" in ct, (st, ct))
    out = os.path.join(tmp, "cp932")
    p = subprocess.run([HOSHI, "survey", "export", "--db", harness.db_arg(db), "--survey", "1", "--out", out, "--encoding", "cp932"],
                       capture_output=True, timeout=60)
    st, ct, body = fetch("/operator/surveys/1/data.csv?enc=cp932")
    st2, _, body2 = fetch("/operator/surveys/1/codebook.csv?enc=cp932")
    same = p.returncode == 0 and body == open(os.path.join(out, "data.csv"), "rb").read() and \
        body2 == open(os.path.join(out, "codebook.csv"), "rb").read()
    check("CP932 codebook and data equal hoshi survey export --encoding cp932 and decode",
          st == 200 and st2 == 200 and same and "全体" not in body2.decode("cp932"), (st, st2, p.stderr[-300:]))
    st, ct, body = fetch("/operator/surveys/1/data.csv?enc=latin1")
    check("data.csv with an unknown encoding: 400", st == 400, st)
    st, ct, body = fetch("/operator/surveys/1/tables.csv")
    check("tables.csv in UTF-8 starts with a BOM", st == 200 and body.startswith(b"\xef\xbb\xbf") and "全体" in body.decode(), st)
    c.close()


def free_answers(o, names):
    r = o.get("/operator/surveys/1/answers")
    rows = re.findall(r'<td class="fa">(.*?)</td>', r.body)
    check("free answers are listed", r.status == 200 and len(rows) > 0, r.status)
    leaked = [n for n in names if n and n in r.body]
    check("free answers never show an organisation's name", not leaked, leaked[:3])
    check("free answers show no declaration number", not re.search(r"\b\d{11}\b", r.body))
    total = int(re.search(r'id="matched">(\d+)<', r.body).group(1))
    r1 = o.get("/operator/surveys/1/answers?level=1")
    r2 = o.get("/operator/surveys/1/answers?level=2")
    n1 = int(re.search(r'id="matched">(\d+)<', r1.body).group(1))
    n2 = int(re.search(r'id="matched">(\d+)<', r2.body).group(1))
    check("free answers filter by level (the two levels add up)", n1 + n2 == total and r1.status == 200, (n1, n2, total))
    for q in ("level=3", "size=9", "industry=Z", "prefecture=48", "page=0", "page=x"):
        r = o.get("/operator/surveys/1/answers?" + q)
        check(f"free answers with {q}: 400", r.status == 400, r.status)


def create_and_invite(o, tmp):
    before = o.get("/operator/surveys").body.count('href="/operator/surveys/')
    for form, what in (({"shipped": "../surveys"}, "a path"), ({"shipped": "nope"}, "an unknown questionnaire"),
                       ({"shipped": ""}, "no questionnaire"),
                       ({"shipped": "sa2018", "opens_on": "2026-13-01"}, "a bad date"),
                       ({"shipped": "sa2018", "opens_on": "2030-01-02", "closes_on": "2030-01-01"}, "dates reversed")):
        r = o.post("/operator/surveys", form)
        check(f"create with {what}: 422 with a message", r.status == 422 and 'class="error-summary"' in r.body, r.status)
    after = o.get("/operator/surveys").body.count('href="/operator/surveys/')
    check("bad creations created nothing", before == after, (before, after))
    r = o.post("/operator/surveys", {"shipped": "sa2018"})
    m = re.match(r"/operator/surveys/(\d+)$", r.getheader("Location") or "")
    check("create from the shipped questionnaire: 303 to the survey", r.status == 303 and m, (r.status, r.getheader("Location")))
    sid = m.group(1) if m else "2"
    base = f"/operator/surveys/{sid}"
    r = o.get(base)
    check("new survey is open with nobody invited", "受付中" in r.body and progress_row(r.body, "全体")[:3] == (0, 0, 0))
    r = o.get(base + "/preview")
    check("preview shows every page, read-only", r.status == 200 and r.body.count('class="card page"') >= 7
          and "disabled" in r.body and "<form" not in r.body.split("<main", 1)[-1].split("</main>")[0], r.status)

    count = lambda q: int(re.search(r'id="matches">(\d+)<', o.get(base + "/invite" + q).body).group(1))
    n_all, n1, n2 = count(""), count("?level=1"), count("?level=2")
    check("recipients counted: ★ and ★★ add up to all", n_all > 0 and n1 + n2 == n_all, (n_all, n1, n2))
    r = o.get(base + "/invite")
    check("invite page says the links are shown once", "一度しか表示されません" in r.body)
    for q in ("?level=3", "?prefecture=0", "?industry=ZZ", "?size=7", "?level=x"):
        r = o.get(base + "/invite" + q)
        check(f"invite count with {q}: 400", r.status == 400, r.status)
    r = o.post(base + "/invite", {"level": "2"}, token_from=base)
    rows = rows_of(r.body)
    check("issue: CSV of declaration_id,organization,url for every match",
          r.status == 200 and rows[0] == ["declaration_id", "organization", "url"] and len(rows) - 1 == n2
          and "attachment" in (r.getheader("Content-Disposition") or ""), (r.status, rows[:2]))
    check("issue: each url holds a 43-character token, all different",
          all(re.search(r"/s/[A-Za-z0-9_-]{43}$", x[2]) for x in rows[1:]) and len({x[2] for x in rows[1:]}) == n2)
    check("issue: declaration ids are 11 digits", all(re.fullmatch(r"\d{11}", x[0]) for x in rows[1:]))
    r = o.post(base + "/invite", {"level": "2"}, token_from=base)
    check("issue again: nobody is invited twice", r.status == 200 and len(rows_of(r.body)) == 1, len(rows_of(r.body)))
    r = o.post(base + "/invite", {"level": "9"}, token_from=base)
    check("issue with a bad condition: 400", r.status == 400, r.status)
    r = o.get(base)
    check("progress counts the invitations", progress_row(r.body, "全体")[:3] == (n2, 0, 0), progress_row(r.body, "全体"))

    r = o.post(base + "/dates", {"opens_on": "2026-01-01", "closes_on": "2030-12-31"}, token_from=base)
    check("dates set: 303", r.status == 303, r.status)
    r = o.get(base)
    check("dates shown", 'value="2026-01-01"' in r.body and 'value="2030-12-31"' in r.body)
    r = o.post(base + "/dates", {"opens_on": "2026-02-30"}, token_from=base)
    check("bad date: 422", r.status == 422, r.status)
    r = o.post(base + "/close", {}, token_from=base)
    check("close: 303", r.status == 303, r.status)
    r = o.get(base)
    check("closed survey shows so", "締め切り" in r.body)
    r = o.post(base + "/invite", {"level": "1"}, token_from=base)
    check("issue on a closed survey: 409, nothing issued", r.status == 409 and "/s/" not in r.body, r.status)
    r = o.get(base + "/table.csv?head=Q1")
    check("a survey without responses tabulates (N 0)", r.status == 200 and rows_of(r.body)[1][:2] == ["全体", "0"], r.body[:200])
    r = o.post("/operator/surveys/1/nothing", {}, token_from=base)
    check("unknown POST under a survey: 404", r.status == 404, r.status)
    r = o.get("/operator/surveys/1x")
    check("survey id not a number: 404", r.status == 404, r.status)
    return [x[1] for x in rows[1:]]


FORMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "forms")


def multipart(fields, files):
    """A multipart/form-data body: fields {name: value}, files {name: (filename, bytes)}."""
    b = "hoshiBoundary7MA4YWxk"
    out = b""
    for k, v in fields.items():
        out += f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
    for k, (fn, data) in files.items():
        out += (f'--{b}\r\nContent-Disposition: form-data; name="{k}"; filename="{fn}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    out += f"--{b}--\r\n".encode()
    return out, {"Content-Type": f"multipart/form-data; boundary={b}"}


def upload(c, files, fields=None, path="/operator/surveys", csrf=True):
    f = {"upload": "1", **(fields or {})}
    if csrf:
        f["csrf"] = c.token("/operator/surveys") or c.token("/dashboard")
    body, h = multipart(f, files)
    return c.request("POST", path, headers=h, body=body)


def uploads(port, o):
    count = lambda: o.get("/operator/surveys").body.count('href="/operator/surveys/')
    before = count()
    read = lambda n: open(os.path.join(FORMS, n), "rb").read()
    for fn, what, want in (("badlist.xlsx", "a list that does not exist", "survey:5:type (A5)"),
                           ("doctype.xlsx", "a DOCTYPE", "DOCTYPE"),
                           ("nosurvey.xlsx", "no survey sheet", "no sheet named survey")):
        r = upload(o, {"definition": (fn, read(fn))})
        check(f"upload with {what}: 422 naming sheet:row:column or the part", r.status == 422 and want in r.body,
              (r.status, re.findall(r'<p class="error".*?</p>', r.body, re.S)))
    r = upload(o, {"definition": ("notes.xlsx", b"hello, not a workbook")})
    check("upload of something else: 422 with a message", r.status == 422 and 'class="error-summary"' in r.body, r.status)
    r = upload(o, {"definition": ("", b"")})
    check("upload with no file chosen: 422", r.status == 422 and "xlsx" in r.body, r.status)
    r = upload(o, {"definition": ("sample.xlsx", read("sample.xlsx"))}, {"opens_on": "2026-99-01"})
    check("upload with a bad date: 422", r.status == 422, r.status)
    r = upload(o, {"definition": ("sample.xlsx", read("sample.xlsx"))}, csrf=False)
    check("upload without the CSRF token: 403", r.status == 403, r.status)
    r = upload(o, {"definition": ("a.xlsx", b"x"), "other": ("b.xlsx", b"y")})
    check("upload of two files: 400", r.status == 400, r.status)
    r = upload(o, {"definition": ("sample.xlsx", read("sample.xlsx"))}, path="/profile")
    check("multipart body anywhere else: 400", r.status == 400, r.status)
    out = raw(port, ("POST /operator/surveys HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                     "Content-Length: %d\r\n\r\n" % ((8 << 20) + 64 * 1024 + 1)).encode())
    check("upload over the cap (8 MB and the form): 413 at once", out.startswith(b"HTTP/1.1 413"), out[:80])
    out = raw(port, ("POST /profile HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                     "Content-Length: %d\r\n\r\n" % (1 << 20)).encode())
    check("other forms keep the small cap for multipart too: 413", out.startswith(b"HTTP/1.1 413"), out[:80])
    check("bad uploads created nothing", count() == before, (before, count()))
    u = Client(port)
    signup(u, "uploader@example.jp", "アップロード社")
    r = upload(u, {"definition": ("sample.xlsx", read("sample.xlsx"))})
    check("upload by an ordinary user: 404", r.status == 404, r.status)
    r = upload(o, {"definition": ("sample.xlsx", read("sample.xlsx"))})
    loc = r.getheader("Location") or ""
    check("upload of a good definition: 303 to the new survey", r.status == 303 and re.match(r"/operator/surveys/\d+$", loc),
          (r.status, loc))
    r = o.get(loc)
    check("the uploaded survey is there, with its form id", r.status == 200 and ">sample<" in r.body, r.status)
    check("a good upload created one survey", count() == before + 1)


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-opsurvey-")
    server, port = start(os.path.join(tmp, "t.db"), ["--demo"])
    o = Client(port)
    o.post("/login", OP)
    access(port, o)
    drows = demo_survey(o, tmp, os.path.join(tmp, "t.db"))
    tables(o, tmp, drows)
    downloads(port, o, tmp, os.path.join(tmp, "t.db"))
    names = create_and_invite(o, tmp)
    uploads(port, o)
    free_answers(o, names + ["ほしぞら製作所株式会社"])
    server.stop_checked("operator survey server")


if __name__ == "__main__":
    main()
