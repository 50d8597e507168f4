#!/usr/bin/env bash
# Backup and restore of a PostgreSQL registry (issue 12 part 5), exactly
# as docs/deploy.md section 7 tells an operator, on a throwaway server
# (tests/pg/pgtmp.py; the suite starts one itself when HOSHI_TEST_PG is
# not set): `hoshi serve --demo` on a database with a key file, a year's
# journey and an operator's withdrawal over HTTP, the guide's
# hoshi-pg-backup (pg_dump -Fc) WHILE a client keeps reading, a sign-up
# after the backup, the guide's hoshi-pg-restore (createdb + pg_restore)
# into a NEW database, and a second server on it with the same key file.
# The restored server must answer exactly as the first did at backup time
# (the API's declarations with their signed tokens, the registry's count,
# verification pages, the policy page, the public keys), its tokens must
# verify against the first server's keys, log-ins must work and the
# later account must be absent; the restored schema must be the current
# version and the server must migrate nothing.  Prints ok/FAIL lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/tests/pg/in_pgtmp.bash"
bin=${HOSHI:-$here/build/san/hoshi}
[ "${bin#/}" = "$bin" ] && bin=$here/$bin
. "$here/tests/suites/lib/serve.bash"
for c in pg_dump pg_restore createdb psql; do
  command -v $c >/dev/null || { echo "FAIL backup/restore (PostgreSQL): no $c command (Debian package postgresql-client)"; exit 1; }
done
[ -x "$bin" ] || { echo "FAIL backup/restore (PostgreSQL): $bin is not built (make san)"; exit 1; }

# libpq's environment names the throwaway server, as PGHOST and friends
# would name an operator's: the guide's scripts use no other.
eval "$(python3 - "$HOSHI_TEST_PG" <<'PY'
import shlex, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
q = urllib.parse.parse_qs(u.query)
print(f"export PGHOST={shlex.quote(q['host'][0])} PGPORT={shlex.quote(q['port'][0])}"
      f" PGUSER={shlex.quote(u.username)} PGDATABASE=postgres")
PY
)"
url() { printf 'postgresql://%s@/%s?host=%s&port=%s' "$PGUSER" "$1" "$PGHOST" "$PGPORT"; }
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
# The schema as pg_dump prints it, without the lines that differ per run
# (pg_dump 15.14 and later guard a plain dump with a random \restrict key).
schema() { pg_dump -s -d "$1" | grep -v '^\\\(un\)\?restrict '; }

# What must survive, counted in a database.
facts() {
  q "$1" "SELECT (SELECT count(*) FROM declarations), (SELECT count(*) FROM declarations WHERE status = 1),
          (SELECT count(*) FROM users), (SELECT count(*) FROM policies WHERE published = 1),
          (SELECT count(*) FROM policy_versions), (SELECT count(*) FROM audit_log),
          (SELECT string_agg(id || ':' || status, ',' ORDER BY seq) FROM declarations),
          (SELECT version FROM hoshi_schema)" | tr '\n' ' '
}

# snapshot PORT OUT VICTIM ORG JOURNEY: what a visitor without a session
# sees of the registry, as JSON: every page of the API's declarations
# (signed tokens included), the registry page and its count in both
# languages, the verification pages and API objects of the journey's ★
# and ★★, of the withdrawn declaration and of the newest demo one, the
# published policy, the public keys.
snapshot() {
  PYTHONPATH=$here/tests/http python3 - "$@" <<'PY'
import json, re, sys
from harness import Client
port, out, victim, org, journey = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
j = json.load(open(journey))
c = Client(port)
got = {}
def get(path):
    r = c.get(path)
    got[path] = [r.status, r.getheader("Content-Type", ""), r.body]
    return r
page, items = 1, []
while True:
    doc = json.loads(get(f"/api/v1/declarations?page={page}").body)
    items += doc["items"]
    if not doc["items"] or page * doc["per_page"] >= doc["total"]:
        break
    page += 1
for path in ("/registry", "/registry?lang=en", "/registry?level=2", "/api/v1/keys"):
    get(path)
got["count"] = re.findall(r'<p class="count">.*?</p>', got["/registry"][2], re.S)
ids = [j["old"], j["new"], victim, items[0]["id"] if items else ""]
for i in ids:
    get(f"/verify/{i}")
    get(f"/api/v1/declarations/{i}")
get(f"/policies/{org}")
json.dump({"items": items, "pages": got}, open(out, "w"), ensure_ascii=False, indent=1, sort_keys=True)
PY
}

# --- the live registry: demo data, then a year's journey and an operator's withdrawal over HTTP
mkdir -p "$tmp/keys" "$tmp/mail"
q postgres "CREATE DATABASE live TEMPLATE template0 ENCODING 'UTF8'"
start live "$(url live)" --key-file "$tmp/keys/hoshi.keys" --demo --demo-count 30 --demo-password hoshi-demo-2026 \
  --mail-dir "$tmp/mail"
live_pid=$pid live_port=$port
python3 "$here/tests/http/year_seed.py" "$live_port" >"$tmp/journey.json"
check "journey over HTTP: ★ then ★★ declared, policy published" \
  'grep -Eq "\"old\": \"[0-9]{11}\", \"new\": \"[0-9]{11}\"" "$tmp/journey.json"'
victim=$(q live "SELECT d.id FROM declarations d JOIN orgs o ON o.id = d.org_id WHERE d.status = 1
                  AND o.id NOT IN (SELECT org_id FROM users) ORDER BY d.seq LIMIT 1")
org=$(q live "SELECT org_id FROM users WHERE email = 'year-e2e@example.jp'")
python3 "$here/tests/http/registry_steps.py" withdraw "$live_port" "$victim" >"$tmp/withdraw.out"
check "operator's withdrawal over HTTP (an audit row)" \
  '[ "$(cat "$tmp/withdraw.out")" = 303 ] && [ "$(q live "SELECT count(*) FROM audit_log WHERE decl_id = '"'$victim'"'")" = 1 ]'

# --- the online backup, while the server answers a stream of requests
python3 "$here/tests/http/registry_steps.py" read "$live_port" "$tmp/reading" "$tmp/stop-reading" >"$tmp/reader.out" &
reader=$!
for _ in $(seq 600); do [ -e "$tmp/reading" ] && break; sleep 0.1; done
snapshot "$live_port" "$tmp/live.json" "$victim" "$org" "$tmp/journey.json"
before=$(facts live)
schema live >"$tmp/live.schema"
# the guide's scripts, as they are written there
block() {
  sed -n "/^<!-- backup_restore_pg.sh runs the next block$1/,/^\`\`\`\$/p" "$here/docs/deploy.md" | sed '1,2d;$d'
}
block ' as it is (HOSHI_PGDB' >"$tmp/hoshi-pg-backup"
block ' as it is (the database superuser' >"$tmp/hoshi-pg-restore"
HOSHI_PGDB=live HOSHI_KEYS=$tmp/keys/hoshi.keys HOSHI_BACKUPS=$tmp/backups sh "$tmp/hoshi-pg-backup" >"$tmp/backup.out" 2>&1
rc=$?
: >"$tmp/stop-reading"
wait "$reader"
bk=$(ls -d "$tmp"/backups/*/ 2>/dev/null | head -1)
check "docs/deploy.md's hoshi-pg-backup (pg_dump -Fc) while the server runs: exit 0, silent, one dated folder" \
  '[ $rc = 0 ] && [ ! -s "$tmp/backup.out" ] && grep -q "^pg_dump -Fc " "$tmp/hoshi-pg-backup" && [ -s "$bk/hoshi.pgdump" ] && [ -f "$bk/hoshi.keys" ]'
read -r n bad <"$tmp/reader.out"
check "the server answered throughout the backup ($n answers, ${bad:-?} failures)" '[ "${n:-0}" -gt 0 ] && [ "$bad" = 0 ]'
check "backup: the key file copied, the same bytes, mode 0600" \
  'cmp -s "$tmp/keys/hoshi.keys" "$bk/hoshi.keys" && [ "$(stat -c %a "$bk/hoshi.keys")" = 600 ]'

# a write after the backup: the restore must not have it
python3 "$here/tests/http/registry_steps.py" signup "$live_port" after-backup@example.jp バックアップ後商店
check "a sign-up after the backup is in the live database" \
  '[ "$(q live "SELECT count(*) FROM users WHERE email = '"'after-backup@example.jp'"'")" = 1 ]'

# the schema version a database made by this hoshi has
q postgres "CREATE DATABASE fresh TEMPLATE template0 ENCODING 'UTF8'"
"$bin" registry export --db "$(url fresh)" --out "$tmp/fresh-export" 2>"$tmp/fresh.err"
current=$(q fresh "SELECT version FROM hoshi_schema")
check "schema version of a fresh database is known ($current)" '[ "${current:-0}" -gt 0 ]'

# --- restore into a new database with the guide's hoshi-pg-restore, while the live server still runs
sh "$tmp/hoshi-pg-restore" restored <"$bk/hoshi.pgdump" >"$tmp/restore.out" 2>&1
rc=$?
check "docs/deploy.md's hoshi-pg-restore (createdb + pg_restore) into a new database: exit 0, silent" \
  '[ $rc = 0 ] && [ ! -s "$tmp/restore.out" ] && grep -q "^createdb " "$tmp/hoshi-pg-restore" && grep -q "^pg_restore " "$tmp/hoshi-pg-restore"'
sed 's/^/  /' "$tmp/restore.out" | head -20
check "restored: the same facts as the live database at backup time" '[ "$(facts restored)" = "$before" ]'
check "restored: schema version current ($current)" '[ "$(q restored "SELECT version FROM hoshi_schema")" = "$current" ]'
check "restored: the same schema as the live database" 'schema restored >"$tmp/restored.schema" && same "$tmp/live.schema" "$tmp/restored.schema"'
check "restored: every table owned by the role hoshi" \
  '[ "$(q restored "SELECT count(*) FROM pg_tables WHERE schemaname = '"'public'"' AND tableowner <> '"'hoshi'"'")" = 0 ]'
# a migration rewrites the version row (DELETE, INSERT): its xmin would change
row=$(q restored "SELECT xmin FROM hoshi_schema")

# --- a second server on the restored database with the same key file
cp -p "$bk/hoshi.keys" "$tmp/keys/restored.keys"
start restored "$(url restored)" --key-file "$tmp/keys/restored.keys"
restored_pid=$pid restored_port=$port
check "restored server: migrated nothing (the same version row, the same schema)" \
  '[ "$(q restored "SELECT xmin FROM hoshi_schema")" = "$row" ] && schema restored | same "$tmp/live.schema" -'
snapshot "$restored_port" "$tmp/restored.json" "$victim" "$org" "$tmp/journey.json"
check "restored server: the API's declarations (signed tokens too), the registry count, verification, policy and keys pages identical to the live server's at backup time" \
  'same "$tmp/live.json" "$tmp/restored.json"'
PYTHONPATH=$here/tests/http python3 - "$restored_port" "$tmp/live.json" "$tmp/journey.json" "$victim" "$bin" "$tmp" <<'PY'
import json, os, subprocess, sys
import harness
from harness import Client
port, live, j, victim, hoshi, tmp = (int(sys.argv[1]), json.load(open(sys.argv[2])), json.load(open(sys.argv[3])),
                                     sys.argv[4], sys.argv[5], sys.argv[6])
check = lambda what, cond, detail="": harness.check(f"restored server: {what}", cond, detail)
pages = live["pages"]
check("the live snapshot has the journey and the withdrawal",
      len(live["items"]) > 20 and "verdict active" in pages[f"/verify/{j['new']}"][2]
      and "verdict superseded" in pages[f"/verify/{j['old']}"][2]
      and "verdict withdrawn" in pages[f"/verify/{victim}"][2] and len(live["pages"]["count"]) == 1,
      live["pages"]["count"])
keys = os.path.join(tmp, "live-keys.json")
with open(keys, "w") as f:
    f.write(pages["/api/v1/keys"][2])
anon = Client(port)
one = json.loads(anon.get(f"/api/v1/declarations/{j['new']}").body)
p = subprocess.run([hoshi, "verify", "--keys", keys, one.get("signed") or ""], capture_output=True, text=True,
                   timeout=60)
got = json.loads(p.stdout) if p.returncode == 0 else {}
check("the ★★ declaration's token verifies against the live server's keys (hoshi verify)",
      p.returncode == 0 and got.get("valid") is True and got["declaration"]["id"] == j["new"]
      and got["declaration"]["status"] == "active", p.stderr)
w = json.loads(anon.get(f"/api/v1/declarations/{victim}").body)
p = subprocess.run([hoshi, "verify", "--keys", keys, w.get("signed") or ""], capture_output=True, text=True,
                   timeout=60)
check("the withdrawn declaration's token verifies, withdrawn",
      p.returncode == 0 and json.loads(p.stdout)["declaration"]["status"] == "withdrawn", p.stderr)
def login(email, pw):
    c = Client(port)
    r = c.post("/login", {"email": email, "password": pw})
    return c if r.status == 303 and c.get("/dashboard").status == 200 else None
owner = login(j["email"], j["password"])
check("log-in of the account made over HTTP, its ★★ on its declaration page",
      owner is not None and j["new"] in owner.get("/declare").body)
check("log-in of the operator", login("operator@example.jp", "hoshi-demo-2026") is not None)
check("a wrong password still refused", login(j["email"], "not the password at all") is None)
check("the account made after the backup is not there", login("after-backup@example.jp", "correct horse battery") is None)
PY
stop restored "$restored_pid"
stop live "$live_pid"
check "the restored database still holds no write of after the backup" \
  '[ "$(q restored "SELECT count(*) FROM users WHERE email = '"'after-backup@example.jp'"'")" = 0 ]'
