"""Seeds a survey and its invitations straight into a hoshi database, for
the answering tests and the benchmark (the `hoshi survey create/invite`
commands are another helper's, built at the same time).  It writes what
the store itself writes (store/sqlite_survey.c): the definition blob of
hoshi_form_serialize() made from the CSV sheets, and one invitation per
active declaration keyed by the BLAKE2b-256 hash of a random 43-character
base64url token, returned here since only its hash is kept.
"""
import datetime, hashlib, os, secrets, sqlite3

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


def definition(path=SA2018):
    out = b"hoshi-form 1\n"
    for sheet in ("survey", "choices", "settings"):
        with open(os.path.join(path, sheet + ".csv"), "rb") as f:
            data = f.read()
        out += b"sheet %s %d\n" % (sheet.encode(), len(data)) + data + b"\n"
    return out


def create(db, opens_on="", closes_on="", path=SA2018):
    """A new open survey of the questionnaire at path; returns its id."""
    con = sqlite3.connect(db, timeout=30)
    with con:
        cur = con.execute(
            "INSERT INTO surveys(form_id, title, version, definition, created_on, opens_on, closes_on)"
            " VALUES ('sa2018', 'SECURITY ACTION 2018', '1', ?, ?, ?, ?)",
            (definition(path), datetime.date.today().isoformat(), opens_on, closes_on))
    sid = cur.lastrowid
    con.close()
    return sid


def invite(db, survey_id):
    """Invites every organisation with an active declaration; returns
    [(org_id, token)] in declaration order."""
    con = sqlite3.connect(db, timeout=30)
    rows = con.execute(
        "SELECT d.id, o.id, d.level, o.employees, o.industry, o.prefecture FROM declarations d"
        " JOIN orgs o ON o.id = d.org_id WHERE d.status = 1 ORDER BY d.seq").fetchall()
    out = []
    with con:
        for decl, org, level, size, industry, pref in rows:
            token = secrets.token_urlsafe(32)
            h = hashlib.blake2b(token.encode(), digest_size=32).digest()
            con.execute("INSERT INTO invitations(survey_id, org_id, token_hash, decl_id, level, size,"
                        " industry, prefecture) VALUES (?,?,?,?,?,?,?,?)",
                        (survey_id, org, h, decl, level, size or 0, industry or "", pref or 0))
            out.append((org, token))
    con.close()
    return out
