#!/usr/bin/env bash
# Backup and restore of a SQLite registry (issue 12 part 5), exactly as
# docs/deploy.md tells an operator: an online backup with the sqlite3
# CLI's .backup WHILE `hoshi serve` runs and answers requests, the key
# file copied beside it; then restore = stop, copy, start, both into a new
# path and in place over the live database (its -wal and -shm removed).
# On each restored copy a server is started and checked: the declarations,
# accounts (log-ins work), the published policy, the audit log, the
# signing keys and the schema version (current) are all there, and a
# write made after the backup is not.  Prints ok/FAIL lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/san/hoshi}
. "$here/tests/suites/lib/serve.bash"
command -v sqlite3 >/dev/null || { echo "FAIL backup/restore: no sqlite3 command (Debian package sqlite3)"; exit 1; }

q() { sqlite3 -batch -noheader "$@"; }

# What must survive, counted in a database.
facts() {
  q "$1" "SELECT (SELECT count(*) FROM declarations), (SELECT count(*) FROM declarations WHERE status = 1),
          (SELECT count(*) FROM users), (SELECT count(*) FROM policies WHERE published = 1),
          (SELECT count(*) FROM policy_versions), (SELECT count(*) FROM audit_log),
          (SELECT group_concat(id || ':' || status, ',') FROM (SELECT id, status FROM declarations ORDER BY seq));
          PRAGMA user_version;" | tr '\n' ' '
}

# --- the live registry: demo data, then a year's journey and an operator's withdrawal over HTTP
mkdir -p "$tmp/var" "$tmp/mail"
live=$tmp/var/hoshi.db
start live "$live" --demo --demo-count 30 --demo-password hoshi-demo-2026 --mail-dir "$tmp/mail"
live_pid=$pid live_port=$port
python3 "$here/tests/http/year_seed.py" "$live_port" >"$tmp/journey.json"
check "journey over HTTP: ★ then ★★ declared, policy published" \
  'grep -Eq "\"old\": \"[0-9]{11}\", \"new\": \"[0-9]{11}\"" "$tmp/journey.json"'
victim=$(q "$live" "SELECT d.id FROM declarations d JOIN orgs o ON o.id = d.org_id WHERE d.status = 1
                     AND o.id NOT IN (SELECT org_id FROM users) ORDER BY d.seq LIMIT 1")
python3 "$here/tests/http/registry_steps.py" withdraw "$live_port" "$victim" >"$tmp/withdraw.out"
check "operator's withdrawal over HTTP (an audit row)" \
  '[ "$(cat "$tmp/withdraw.out")" = 303 ] && [ "$(q "$live" "SELECT count(*) FROM audit_log WHERE decl_id = '"'$victim'"'")" = 1 ]'
curl_keys() {
  python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())' \
    "http://127.0.0.1:$1/api/v1/keys"
}
curl_keys "$live_port" >"$tmp/keys-live.json"

# --- the online backup, while the server answers a stream of requests
python3 "$here/tests/http/registry_steps.py" read "$live_port" "$tmp/reading" "$tmp/stop-reading" >"$tmp/reader.out" &
reader=$!
for _ in $(seq 600); do [ -e "$tmp/reading" ] && break; sleep 0.1; done
before=$(facts "$live")
# the backup script of docs/deploy.md, as it is written there
sed -n '/^<!-- backup_restore.sh runs the next block/,/^```$/p' "$here/docs/deploy.md" | sed '1,2d;$d' >"$tmp/hoshi-backup"
HOSHI_DB=$live HOSHI_BACKUPS=$tmp/backups sh "$tmp/hoshi-backup" >"$tmp/backup.out" 2>&1
rc=$?
: >"$tmp/stop-reading"
wait "$reader"
bk=$(ls -d "$tmp"/backups/*/ 2>/dev/null | head -1)
check "docs/deploy.md's hoshi-backup (sqlite3 .backup) while the server runs: exit 0, silent, one dated folder" \
  '[ $rc = 0 ] && [ ! -s "$tmp/backup.out" ] && grep -q "^sqlite3 .*\.backup" "$tmp/hoshi-backup" && [ -f "$bk/hoshi.db" ] && [ -f "$bk/hoshi.db.keys" ]'
cp -p "$bk/hoshi.db" "$tmp/backup.db"
cp -p "$bk/hoshi.db.keys" "$tmp/backup.db.keys"
read -r n bad <"$tmp/reader.out"
check "the server answered throughout the backup ($n answers, ${bad:-?} failures)" '[ "${n:-0}" -gt 0 ] && [ "$bad" = 0 ]'
check "backup: integrity_check ok" '[ "$(q "$tmp/backup.db" "PRAGMA integrity_check")" = ok ]'
check "backup: the same facts as the live database at backup time" '[ "$(facts "$tmp/backup.db")" = "$before" ]'
check "backup: the key file copied with mode 0600" '[ "$(stat -c %a "$tmp/backup.db.keys")" = 600 ]'

# a write after the backup: a restore must not have it
python3 "$here/tests/http/registry_steps.py" signup "$live_port" after-backup@example.jp バックアップ後商店
check "a sign-up after the backup is in the live database" \
  '[ "$(q "$live" "SELECT count(*) FROM users WHERE email = '"'after-backup@example.jp'"'")" = 1 ]'
stop live "$live_pid"

# the schema version a database made by this hoshi has
: >"$tmp/fresh.db"
"$bin" registry export --db "$tmp/fresh.db" --out "$tmp/fresh-export" 2>/dev/null
current=$(q "$tmp/fresh.db" "PRAGMA user_version")
check "schema version of a fresh database is known ($current)" '[ "${current:-0}" -gt 0 ]'

# verify_restored NAME PORT DB: the restored registry, through HTTP and in its database.
verify_restored() {
  local name=$1 port=$2 db=$3
  check "$name: the same facts as at backup time" '[ "$(facts "$db")" = "$before" ]'
  check "$name: schema version current ($current)" '[ "$(q "$db" "PRAGMA user_version")" = "$current" ]'
  curl_keys "$port" >"$tmp/keys-restored.json"
  check "$name: the same signing keys served" 'cmp -s "$tmp/keys-live.json" "$tmp/keys-restored.json"'
  local org
  org=$(q "$db" "SELECT org_id FROM users WHERE email = 'year-e2e@example.jp'")
  PYTHONPATH=$here/tests/http python3 - "$port" "$tmp/journey.json" "$victim" "$org" "$name" <<'PY'
import json, sys
import harness
from harness import Client
port, j, victim, org, name = int(sys.argv[1]), json.load(open(sys.argv[2])), sys.argv[3], sys.argv[4], sys.argv[5]
check = lambda what, cond, detail="": harness.check(f"{name}: {what}", cond, detail)
def login(email, pw):
    c = Client(port)
    r = c.post("/login", {"email": email, "password": pw})
    return c if r.status == 303 and c.get("/dashboard").status == 200 else None
owner = login(j["email"], j["password"])
check("log-in of the account made over HTTP", owner is not None)
check("log-in of the demo owner and the operator",
      login("demo@example.jp", "hoshi-demo-2026") is not None and login("operator@example.jp", "hoshi-demo-2026") is not None)
check("a wrong password still refused", login(j["email"], "not the password at all") is None)
check("the account made after the backup is not there", login("after-backup@example.jp", "correct horse battery") is None)
anon = Client(port)
r = anon.get(f"/verify/{j['new']}")
check("the ★★ declaration verifies as active", r.status == 200 and "verdict active" in r.body, r.status)
r = anon.get(f"/verify/{victim}")
check("the withdrawn declaration shows as withdrawn", r.status == 200 and "verdict withdrawn" in r.body, r.status)
r = anon.get(f"/policies/{org}")
check("the published policy is served", r.status == 200 and "代表 山田太郎" in r.body, r.status)
r = anon.get(f"/verify/{j['old']}")
check("the ★ declaration shows as superseded by the step-up", r.status == 200 and "verdict superseded" in r.body, r.status)
r = owner.get("/declare") if owner else None
check("the owner's declaration page shows the ★★ ID", r is not None and r.status == 200 and j["new"] in r.body)
o = login("operator@example.jp", "hoshi-demo-2026")
r = o.get("/operator/audit") if o else None
check("the audit log shows the withdrawal", r is not None and r.status == 200 and victim in r.body
      and "backup test" in r.body)
PY
}

# --- restore into a new path: copy the backup and its keys, start
mkdir -p "$tmp/restored"
cp "$tmp/backup.db" "$tmp/restored/hoshi.db"
cp -p "$tmp/backup.db.keys" "$tmp/restored/hoshi.db.keys"
start restored "$tmp/restored/hoshi.db"
verify_restored restored "$port" "$tmp/restored/hoshi.db"
stop restored "$pid"

# --- restore in place over the live database, as docs/deploy.md says:
# the server stopped, the old files moved aside (WAL and shared memory
# too: a stale -wal would be replayed into the restored file), copy, start
mkdir -p "$tmp/var/before-restore"
mv "$live"* "$tmp/var/before-restore/"
cp "$bk/hoshi.db" "$bk/hoshi.db.keys" "$tmp/var/"
chmod 0600 "$live.keys"
start in-place "$live"
verify_restored "in place" "$port" "$live"
stop in-place "$pid"
