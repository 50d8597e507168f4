#!/usr/bin/env python3
"""Answering a survey on the web (issue 9 item 4; SPEC-survey-collection.md,
"Answering").  Starts $HOSHI (or argv[1]) with the demo data, seeds the
2018 questionnaire and one invitation per declared organisation
(survey_seed.py), and checks every outcome of the contract: the pages,
422 with a message at each bad question (bad codes, numbers, lengths,
invalid UTF-8, required, the exclusive choice of Q11), routing (Q14 only
with Q13 code 4, an answer posted for it otherwise discarded), save and
resume, back keeping answers, submit → 303 thank-you and then 409, two
racing submits storing one response, 410 for a survey closed, ended or not
yet open, 404 for an unknown token, a POST without its CSRF token refused,
the owner's way in from the dashboard, English, and logs without tokens.
Prints 'ok NAME' / 'FAIL NAME'.
"""
import datetime, os, re, sys, tempfile, threading, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import Client, check, start
import survey_seed as seed
from survey_seed import FULL, Resp, form_post, pairs

PAGES = 8  # the intro note and seven groups


def page_no(body):
    m = re.search(r'name="page" value="(\d+)"', body)
    return int(m.group(1)) if m else -1


def err_of(body, name):
    m = re.search(r'<p class="err" id="e-%s">(.*?)</p>' % re.escape(name), body, re.S)
    return m.group(1) if m else None


def answers_of(db, sid, token_index, invs):
    """The stored answers text of an invitation of survey sid (the demo
    survey has answers of the same organisations), or None without a
    response."""
    con = harness.connect(db)
    row = con.execute("SELECT r.answers, r.respondent FROM responses r JOIN invitations i ON i.id = r.invitation_id"
                      " WHERE i.survey_id = ? AND i.decl_id = ?", (sid, invs[token_index][0])).fetchone()
    con.close()
    return row


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-survey-")
    db = os.path.join(tmp, "t.db")
    server, port = start(db, ["--demo", "--demo-password", "hoshi-demo-2026"])
    today = datetime.date.today()
    sid = first_sid = seed.create(db)
    invs = seed.invite(db, sid)
    check("seed: invitations made", len(invs) >= 8, len(invs))
    url = lambda i: "/s/" + invs[i][1]

    # --- 404 and the first page
    c = Resp(port)
    r = c.get("/s/" + "A" * 43)
    check("unknown token: 404", r.status == 404, r.status)
    r = c.get("/s/" + "x" * 47)
    check("unknown long token: 404", r.status == 404, r.status)
    r = c.open(url(0))
    check("GET /s/TOKEN: 200", r.status == 200, r.status)
    check("first page: the intro note, page 1 of 8", "ページ 1 / 8" in r.body and 'id="q-intro"' in r.body
          and '<progress class="sv-bar" max="8" value="1"' in r.body, r.body[:3000])
    check("first page: next, no back", 'value="next"' in r.body and 'value="back"' not in r.body)

    # --- csrf
    r = c.request("POST", url(0), body="page=0&action=next",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    check("POST without csrf: 403", r.status == 403, r.status)
    check("POST without csrf: nothing saved", answers_of(db, first_sid, 0, invs) is None)

    # --- walking forward, required, bad values
    r = c.step(url(0), 0, {})
    check("next from the intro: page 2 (org)", r.status == 200 and page_no(r.body) == 1
          and "ページ 2 / 8" in r.body, (r.status, page_no(r.body)))
    check("SA as radios, required marked", 'type="radio" name="Q1" value="1"' in r.body
          and '<span class="req">必須</span>' in r.body)
    r = c.step(url(0), 1, {"Q1": "5", "Q3": "1"})
    check("missing required: 422", r.status == 422, r.status)
    check("missing required: message at Q2", err_of(r.body, "Q2") == "この質問への回答は必須です。", err_of(r.body, "Q2"))
    check("missing required: no message at Q1", err_of(r.body, "Q1") == "")
    check("missing required: Q2 aria-invalid and focused",
          re.search(r'name="Q2" value="1"[^>]*aria-invalid="true" autofocus', r.body) is not None)
    check("missing required: stays on the page, answers kept", page_no(r.body) == 1
          and re.search(r'name="Q1" value="5" checked', r.body) is not None)
    check("missing required: error summary links the question", '<a href="#q-Q2">' in r.body)
    r = c.step(url(0), 1, {"Q1": "999", "Q2": "2", "Q3": "1"})
    check("not a code: 422 with not_code message", r.status == 422
          and err_of(r.body, "Q1") == "選択肢の中から選んでください。", err_of(r.body, "Q1"))
    r = c.step(url(0), 1, {"Q1": ["1", "2"], "Q2": "2", "Q3": "1"})
    check("two codes for SA: 422 one_value", r.status == 422 and err_of(r.body, "Q1") == "選べるのは一つだけです。",
          err_of(r.body, "Q1"))
    r = c.step(url(0), 1, FULL[1])
    check("page 2 valid: on to page 3", r.status == 200 and page_no(r.body) == 2, (r.status, page_no(r.body)))
    r = c.step(url(0), 2, FULL[2])
    check("page 3 valid: on to page 4", r.status == 200 and page_no(r.body) == 3)
    check("INT as inputmode numeric", 'inputmode="numeric"' in r.body and 'id="i-Q10"' in r.body)
    r = c.step(url(0), 3, {"Q9": "1", "Q10": "abc"})
    check("not a number: 422 not_integer", r.status == 422 and err_of(r.body, "Q10") == "整数を半角数字で入力してください。",
          err_of(r.body, "Q10"))
    check("not a number: the typed value comes back", 'value="abc"' in r.body)
    r = c.step(url(0), 3, {"Q9": "1", "Q10": "-3"})
    check("constraint of Q10: 422 with its message", r.status == 422
          and err_of(r.body, "Q10") == "0以上の人数を入力してください。", err_of(r.body, "Q10"))
    body = "Q9=1&Q10=%FF%FE&page=3&action=next&csrf=" + c.csrf
    r = c.request("POST", url(0), body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    check("invalid UTF-8: 422, never 500", r.status == 422, r.status)
    check("invalid UTF-8: message at Q10", err_of(r.body, "Q10") not in (None, ""), err_of(r.body, "Q10"))
    r = c.step(url(0), 3, FULL[3])
    check("page 4 valid: on to page 5 (incidents)", r.status == 200 and page_no(r.body) == 4)
    r = c.step(url(0), 4, {"Q11": ["1", "8"]})
    check("exclusive choice on Q11: 422 with the constraint message", r.status == 422
          and err_of(r.body, "Q11") == "「いずれも起きていない」は他の選択肢と同時に選べません。", err_of(r.body, "Q11"))
    r = c.step(url(0), 4, {"Q11": ["1", "4"]})
    check("Q11 several incidents: accepted", r.status == 200 and page_no(r.body) == 5)
    check("GRID: a table with row headers and labelled radios", '<table class="grid">' in r.body
          and '<th scope="row"><span id="l-Q12a">' in r.body
          and re.search(r'name="Q12a" value="1" aria-describedby="l-Q12a h-Q12a e-Q12a"', r.body) is not None)
    r = c.step(url(0), 5, {"Q12a": "1"})
    check("GRID rows required: 422 at Q12b", r.status == 422 and err_of(r.body, "Q12b") == "この質問への回答は必須です。")
    r = c.step(url(0), 5, FULL[5])
    check("page 6 valid: on to page 7 (issues)", r.status == 200 and page_no(r.body) == 6)
    check("routing: Q14 in the page but hidden and disabled while Q13 lacks code 4",
          re.search(r'id="q-Q14" data-name="Q14" data-relevant="selected\(\$\{Q13\}, &#39;4&#39;\)" hidden', r.body)
          is not None and re.search(r'name="Q14" value="1"[^>]* disabled', r.body) is not None, r.body[-4000:])

    # --- routing: Q14 only with Q13 code 4, and discarded otherwise
    r = c.step(url(0), 6, {"Q13": ["1"], "Q14": "2"})
    check("Q13 without 4: on to the last page", r.status == 200 and page_no(r.body) == 7, (r.status, page_no(r.body)))
    stored = answers_of(db, first_sid, 0, invs)[0]
    check("Q14 posted while not relevant: discarded", "Q14" not in stored and "Q13=1" in stored, stored)
    check("last page: submit, back and save buttons", 'value="submit"' in r.body and 'value="back"' in r.body
          and 'value="next"' not in r.body)
    check("TEXT as a textarea", '<textarea rows="4" maxlength="2000" id="i-Q16" name="Q16"' in r.body)
    r = c.step(url(0), 7, {"Q15": "1", "Q16": "あ" * 2001})
    check("too long text: 422 too_long", r.status == 422 and "2000文字以内" in (err_of(r.body, "Q16") or ""))
    r = c.step(url(0), 7, {"Q15": "1"}, action="back")
    check("back: page 7 again", r.status == 200 and page_no(r.body) == 6)
    check("back keeps the answers of Q13", re.search(r'name="Q13" value="1" checked', r.body) is not None)
    r = c.step(url(0), 6, {"Q13": ["1", "4"]})
    check("Q13 with 4 and no Q14: 422 required at Q14", r.status == 422
          and err_of(r.body, "Q14") == "この質問への回答は必須です。", err_of(r.body, "Q14"))
    check("Q14 now shown", re.search(r'id="q-Q14"[^>]*hidden', r.body) is None)
    r = c.step(url(0), 6, {"Q13": ["1", "4"], "Q14": "2"})
    check("Q13 with 4 and Q14: on", r.status == 200 and page_no(r.body) == 7)
    stored = answers_of(db, first_sid, 0, invs)[0]
    check("Q14 kept when relevant", "Q14=2" in stored, stored)

    # --- save and resume
    r = c.step(url(0), 7, {"Q15": ["2", "3"]}, action="save")
    check("save: 200 with the saved notice", r.status == 200 and "回答を保存しました" in r.body and page_no(r.body) == 7)
    other = Resp(port)
    r = other.open(url(0))
    check("resume: the saved page with its answers", r.status == 200 and page_no(r.body) == 7
          and re.search(r'name="Q15" value="2" checked', r.body) is not None
          and re.search(r'name="Q15" value="3" checked', r.body) is not None)
    check("resume: earlier answers as data for app.js", 'data-answers="{&quot;Q1&quot;:[&quot;5&quot;]' in r.body,
          re.search(r'data-answers="[^"]{0,80}', r.body))

    # --- submit validates the whole response
    c2 = Resp(port)
    c2.open(url(1))
    c2.step(url(1), 0, {})
    c2.step(url(1), 1, FULL[1])
    r = c2.step(url(1), 7, FULL[7], action="submit")
    check("submit incomplete: 422 on the first page with a problem", r.status == 422 and page_no(r.body) == 2,
          (r.status, page_no(r.body)))
    check("submit incomplete: message at Q4", err_of(r.body, "Q4") == "この質問への回答は必須です。")
    check("submit incomplete: nothing submitted", answers_of(db, first_sid, 1, invs)[1] is None)

    # --- a valid submission, then 409
    r = other.step(url(0), 7, FULL[7], action="submit")
    check("valid submission: 303 to the thank-you page", r.status == 303 and r.getheader("Location") == "/s/thanks",
          (r.status, r.getheader("Location")))
    r = other.get("/s/thanks")
    check("thank-you page: 200", r.status == 200 and "ご回答ありがとうございました" in r.body)
    row = answers_of(db, first_sid, 0, invs)
    check("submitted: respondent number 1", row[1] == 1, row)
    check("submitted: Q14 and Q11 stored", "Q14=2" in row[0] and "Q11=1&Q11=4" in row[0], row[0])
    r = other.get(url(0))
    check("after submit: GET 409 saying so", r.status == 409 and "回答は送信済みです" in r.body, r.status)
    r = other.step(url(0), 7, {"Q15": "5"}, action="submit")
    check("after submit: POST submit 409", r.status == 409, r.status)
    r = other.step(url(0), 7, {"Q15": "5"}, action="save")
    check("after submit: POST save 409", r.status == 409, r.status)
    check("after submit: nothing changed", answers_of(db, first_sid, 0, invs) == row)

    # --- two racing submits store one response
    racers = [Resp(port), Resp(port)]
    for x in racers:
        x.open(url(2))
    full = []
    for pa in FULL:
        full += pairs(pa)
    out = []

    def go(x):
        out.append(form_post(x, url(2), full + [("page", "7"), ("action", "submit")]).status)
    ts = [threading.Thread(target=go, args=(x,)) for x in racers]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    check("racing submits: one 303, one 409", sorted(out) == [303, 409], out)
    con = harness.connect(db)
    n = con.execute("SELECT count(*) FROM responses WHERE survey_id = ? AND respondent IS NOT NULL", (sid,)).fetchone()[0]
    con.close()
    check("racing submits: two responses in all (one each)", n == 2, n)

    # --- unknown action
    x = Resp(port)
    x.open(url(3))
    r = x.step(url(3), 0, {}, action="jump")
    check("unknown action: 400", r.status == 400, r.status)

    # --- English
    e = Resp(port)
    r = e.open(url(3) + "?lang=en")
    r = e.step(url(3), 0, {})
    check("English: labels and progress", "Page 2 / 8" in r.body and "Main line of business" in r.body
          and 'value="next" class="primary">Next<' in r.body, r.body[:200])
    r = e.step(url(3), 1, {"Q1": "1"})
    check("English: messages", r.status == 422 and err_of(r.body, "Q2") == "Please answer this question.",
          err_of(r.body, "Q2"))

    # --- 410: closed, ended, not yet open
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    cases = [("ended", seed.create(db), "回答期間は終わりました"),
             ("not yet open", seed.create(db, opens_on=tomorrow), "調査はまだ始まっていません"),
             ("closed", seed.create(db), "調査は終了しました")]
    toks = [seed.invite(db, s2)[0][1] for _, s2, _ in cases]
    seed.close(db, cases[2][1])
    # No command dates a survey's end in the past once it has links (the
    # store invites no one past the closing date): age this one by hand.
    con = harness.connect(db)
    with con:
        con.execute("UPDATE surveys SET closes_on = ? WHERE id = ?", (yesterday, cases[0][1]))
    con.close()
    for (what, s2, text), tok in zip(cases, toks):
        y = Resp(port)
        r = y.open("/s/" + tok)
        check(f"survey {what}: GET 410 saying so", r.status == 410 and text in r.body, r.status)
        y.csrf = y.token("/login")
        r = y.step("/s/" + tok, 1, FULL[1], action="save")
        check(f"survey {what}: POST 410", r.status == 410, r.status)

    # --- the owner's way in (a new survey: the demo organisation may have
    # answered the first already)
    sid = seed.create(db)
    seed.invite(db, sid)
    o = Resp(port)
    o.post("/login", {"email": "demo@example.jp", "password": "hoshi-demo-2026"})
    r = o.get("/dashboard")
    check("dashboard: the waiting survey links to /surveys/ID", f'href="/surveys/{sid}"' in r.body
          and "回答をお願いしている調査があります" in r.body, r.status)
    r = o.open(f"/surveys/{sid}")
    check("owner: the questionnaire", r.status == 200 and f'action="/surveys/{sid}"' in r.body, r.status)
    r = o.step(f"/surveys/{sid}", 0, {})
    check("owner: next works", r.status == 200 and page_no(r.body) == 1, r.status)
    r = o.get("/surveys/999999")
    check("owner: a survey not invited 404", r.status == 404, r.status)
    r = Client(port).get(f"/surveys/{sid}")
    check("owner route needs a log-in", r.status == 303, r.status)

    # --- logs
    log = server.log()
    check("log: survey_view, survey_save, survey_submit with the survey id",
          f"event=survey_view" in log and "event=survey_save" in log and "event=survey_submit" in log
          and re.search(r"event=survey_submit .*survey=\"?%d" % first_sid, log) is not None, log[-2000:])
    check("log: never a token", not any(t in log for _, t in invs))
    check("log: a survey link's path logged without its token", 'path=/s/(token)' in log or 'path="/s/(token)"' in log)
    server.stop_checked()
    sys.exit(1 if harness.failures else 0)


if __name__ == "__main__":
    main()
