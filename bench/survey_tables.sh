#!/usr/bin/env bash
# The operator's survey tables at 100,000 responses (issue 9): how long
# GET /operator/surveys/1/tables (every question's simple table, with
# charts) takes on the first view (the responses read, decoded and built
# into the engine's in-memory columns) and on later views (the cached
# dataset: tabulation and rendering only), and one table.csv.
#
# Fixture: `hoshi serve --demo --demo-count N` seeds N organisations and
# the demo survey (a few thousand invited and answering); then every other
# organisation with a declaration in force gets an invitation (a random
# token hash) and a response copied from the demo's submitted ones (round
# robin, attributes from the invitation), straight into the database, so
# the survey has N-odd submitted responses.
# Usage: bench/survey_tables.sh [N]   (release build: HOSHI=build/hoshi)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
HOSHI=${HOSHI:-build/hoshi}
tmp=$(mktemp -d /tmp/hoshi-svbench-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

start_server() {
  "$HOSHI" serve --listen 127.0.0.1:0 --db "$tmp/b.db" --demo --demo-count "$N" --threads 2 >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 3000); do grep -q listening "$tmp/out" && break; sleep 0.1; done
  base=$(grep -o 'http://[0-9.:]*' "$tmp/out" | head -1)
}
stop_server() { kill "$pid"; wait "$pid" || true; pid=; }

t0=$(date +%s%N)
start_server
t1=$(date +%s%N)
echo "seeded $N organisations and the demo survey in $(( (t1 - t0) / 1000000 )) ms"
stop_server

python3 - "$tmp/b.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO invitations(survey_id, org_id, token_hash, decl_id, level, size, industry, prefecture) "
           "SELECT 1, o.id, randomblob(32), d.id, d.level, o.employees, o.industry, o.prefecture "
           "FROM declarations d JOIN orgs o ON o.id = d.org_id WHERE d.status = 1 AND NOT EXISTS "
           "(SELECT 1 FROM invitations i WHERE i.survey_id = 1 AND i.org_id = o.id)")
answers = [r[0] for r in db.execute("SELECT answers FROM responses WHERE survey_id = 1 AND respondent IS NOT NULL")]
last = db.execute("SELECT MAX(respondent) FROM responses WHERE survey_id = 1").fetchone()[0]
rows = db.execute("SELECT id, level, size, industry, prefecture FROM invitations WHERE survey_id = 1 AND id NOT IN "
                  "(SELECT invitation_id FROM responses)").fetchall()
db.executemany("INSERT INTO responses(invitation_id, survey_id, answers, respondent, submitted_at, dlevel, dsize, "
               "dindustry, dpref) VALUES (?, 1, ?, ?, unixepoch(), ?, ?, ?, ?)",
               [(r[0], answers[i % len(answers)], last + 1 + i, r[1], r[2], r[3], r[4]) for i, r in enumerate(rows)])
db.commit()
print("responses submitted:", db.execute("SELECT COUNT(*) FROM responses WHERE survey_id = 1 AND respondent IS NOT NULL").fetchone()[0])
PY

start_server
python3 - "$base" <<'PY'
import http.client, re, sys, time, urllib.parse
host = sys.argv[1].split("//")[1]
c = http.client.HTTPConnection(host, timeout=600)
cookies = {}
def req(method, path, form=None):
    h = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    t = time.perf_counter()
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    ms = (time.perf_counter() - t) * 1000
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            name, val = v.split(";", 1)[0].split("=", 1)
            cookies[name] = val
    return r.status, data, ms
_, page, _ = req("GET", "/login")
csrf = re.search(rb'name="csrf" value="([0-9a-f]{64})"', page).group(1).decode()
req("POST", "/login", {"email": "operator@example.jp", "password": "hoshi-demo-2026", "csrf": csrf})
st, body, first = req("GET", "/operator/surveys/1/tables")
n = re.search(rb'id="count">(\d+)<', body).group(1).decode()
cached = sorted(req("GET", "/operator/surveys/1/tables")[2] for _ in range(10))
csv = sorted(req("GET", "/operator/surveys/1/table.csv?head=Q4&side=DSIZE")[2] for _ in range(10))
cross = sorted(req("GET", "/operator/surveys/1/tables?side=DSIZE")[2] for _ in range(5))
print(f"respondents tabulated: {n} (status {st}, {len(body)} bytes)")
print(f"simple tables page, first view (dataset built): {first:.0f} ms")
print(f"simple tables page, cached: median {cached[5]:.1f} ms, max {cached[-1]:.1f} ms")
print(f"every question crossed by DSIZE, cached: median {cross[2]:.1f} ms")
print(f"one table.csv (Q4 by DSIZE), cached: median {csv[5]:.1f} ms")
PY
