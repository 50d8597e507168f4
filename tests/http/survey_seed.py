"""Surveys and invitations for the answering tests, the e2e test and the
benchmark, made with the commands an operator uses: `hoshi survey create`
(the shipped 2018 questionnaire as a new open survey) and `hoshi survey
invite` (one link per organisation with a declaration in force, as the
CSV declaration_id,organization,url); and Resp, a respondent without an
account who posts pages with the page's own CSRF field.  The binary is
harness.HOSHI (argv[1] or $HOSHI) unless a caller names one.
"""
import csv, io, os, re, subprocess, urllib.parse

import harness
from harness import HOSHI, Client

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SA2018 = os.path.join(ROOT, "data", "surveys", "sa2018")

# A complete, valid response to the 2018 questionnaire, page by page
# (page 0 is the introduction note).
FULL = [
    {},
    {"Q1": "5", "Q2": "2", "Q3": "1"},
    {"Q4": ["1", "3"], "Q5": "2", "Q6": "1", "Q7": "1", "Q8": ["1", "2"]},
    {"Q9": ["1", "2"], "Q10": "3"},
    {"Q11": "8"},
    {f"Q12{c}": "1" for c in "abcdefg"},
    {"Q13": ["1", "3"]},
    {"Q15": ["1"], "Q16": "特になし"},
]


def _run(hoshi, args):
    p = subprocess.run([hoshi or HOSHI, "survey", *args], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("hoshi survey %s: exit %d: %s" % (args[0], p.returncode, p.stderr.strip()))
    return p.stdout


def create(db, opens_on="", closes_on="", path=SA2018, hoshi=None):
    """A new open survey of the questionnaire at path; returns its id."""
    args = ["create", "--db", harness.db_arg(db), "--def", path]
    if opens_on:
        args += ["--opens", opens_on]
    if closes_on:
        args += ["--closes", closes_on]
    return int(_run(hoshi, args).strip())


def invite(db, survey_id, hoshi=None):
    """Invites every organisation with a declaration in force not yet
    invited; returns [(declaration_id, token)] in the command's order."""
    out = _run(hoshi, ["invite", "--db", harness.db_arg(db), "--survey", str(survey_id)])
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    return [(r[0], r[2].rsplit("/s/", 1)[1]) for r in rows[1:]]


def close(db, survey_id, hoshi=None):
    """Closes the survey (its links answer 410 from now on)."""
    _run(hoshi, ["close", "--db", harness.db_arg(db), "--survey", str(survey_id)])


def form_post(c, url, fields):
    """POSTs a list of (name, value) pairs (repeats for MA) with the page's csrf."""
    body = urllib.parse.urlencode(fields + [("csrf", c.csrf)])
    return c.request("POST", url, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})


def pairs(page_answers):
    out = []
    for k, v in page_answers.items():
        for x in (v if isinstance(v, list) else [v]):
            out.append((k, x))
    return out


class Resp(Client):
    """A respondent: open() keeps the page's csrf, step() posts a page."""

    def open(self, url):
        r = self.get(url)
        m = re.search(r'name="csrf" value="([0-9a-f]{64})"', r.body)
        self.csrf = m.group(1) if m else ""
        return r

    def step(self, url, page, answers, action="next"):
        return form_post(self, url, pairs(answers) + [("page", str(page)), ("action", action)])
