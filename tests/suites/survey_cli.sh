#!/usr/bin/env bash
# `hoshi survey create|invite|close|export|list` on a seeded registry
# (tests/data/registry/seed.py), answered through the store's API by the
# driver mode of the unit test test_survey_export (the CLI has no command
# to answer), then `hoshi tab` on the export: the tables exactly, the
# routed base equal to the one of the "shown" columns, CP932, tokens kept
# only as hashes, and every kind of bad input leaving nothing behind.
# Prints ok/FAIL lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/hoshi}
drv=${HOSHI_UNIT:-$(dirname "$bin")/tests}/test_survey_export
exp=$here/tests/data/expected/survey_cli
# KEEP=DIR keeps the files for a look after a failure
tmp=${KEEP:-$(mktemp -d)}; [ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fi; }
same() { cmp -s "$1" "$2" || { diff "$1" "$2" | head -20 | sed 's/^/  /' >&2; false; }; }
hoshi() { "$bin" "$@"; }
# the CSV of invitations with each token replaced by TOKEN (they are random)
masked() { tr -d '\r' <"$1" | sed -E 's|/s/[A-Za-z0-9_-]{43}$|/s/TOKEN|'; }
tokens() { tail -n +2 "$1" | tr -d '\r' | sed 's|.*/s/||'; }
[ -x "$drv" ] || { echo "FAIL survey_cli: no driver at $drv"; exit 1; }

db=$tmp/db
: >"$db"
hoshi survey list --db "$db" >/dev/null
python3 "$here/tests/data/registry/seed.py" "$db"

# ---- create ---------------------------------------------------------------
hoshi survey create --db "$db" --def "$here/data/surveys/sa2018" >"$tmp/out" 2>"$tmp/err"
check "create from the shipped questionnaire: prints id 1" '[ $? = 0 ] && [ "$(cat "$tmp/out")" = 1 ] && [ ! -s "$tmp/err" ]'
hoshi survey create --db "$db" --def "$here/tests/data/forms/sample.xlsx" --opens 2000-01-01 --closes 2999-12-31 >"$tmp/out" 2>"$tmp/err"
check "create from an .xlsx with --opens/--closes: prints id 2" '[ $? = 0 ] && [ "$(cat "$tmp/out")" = 2 ] && [ ! -s "$tmp/err" ]'
hoshi survey create --db "$db" --def "$here/tests/data/forms/bad-ref" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "create from a bad definition: exit 2, sheet:row:column message, nothing stored" \
  '[ $rc = 2 ] && [ ! -s "$tmp/out" ] && grep -q "^hoshi survey create: survey:[0-9]*:" "$tmp/err" && [ "$(sqlite3 "$db" "SELECT count(*) FROM surveys")" = 2 ]'
hoshi survey create --db "$db" --def "$here/data/surveys/sa2018" --opens 2026-05-01 --closes 2026-04-01 >"$tmp/out" 2>"$tmp/err"
rc=$?
check "create with --opens after --closes: exit 2, nothing stored" \
  '[ $rc = 2 ] && [ ! -s "$tmp/out" ] && [ -s "$tmp/err" ] && [ "$(sqlite3 "$db" "SELECT count(*) FROM surveys")" = 2 ]'
hoshi survey list --db "$db" >"$tmp/list" 2>"$tmp/err"
check "list: both surveys, newest first" 'same "$tmp/list" "$exp/list-created.csv"'

# ---- invite ---------------------------------------------------------------
hoshi survey invite --db "$db" --survey 1 --where level=2 >"$tmp/inv1" 2>"$tmp/err"
check "invite --where level=2: the three ★★ organisations in force, default base URL" \
  '[ $? = 0 ] && masked "$tmp/inv1" | same - "$exp/invite-level2.csv" && [ "$(cat "$tmp/err")" = "hoshi survey invite: 3 invited, 0 already invited" ]'
hoshi survey invite --db "$db" --survey 1 --out "$tmp/inv2" --base-url https://sa.example.jp/ >"$tmp/out" 2>"$tmp/err"
check "invite everyone to --out with --base-url: the two others, re-invitation skips the three" \
  '[ $? = 0 ] && [ ! -s "$tmp/out" ] && masked "$tmp/inv2" | same - "$exp/invite-rest.csv" && [ "$(cat "$tmp/err")" = "hoshi survey invite: 2 invited, 3 already invited" ]'
check "invitation CSV lines end in CRLF" '[ "$(head -1 "$tmp/inv2" | od -An -c | tr -d " \n" | tail -c 4)" = "\r\n" ]'
hoshi survey invite --db "$db" --survey 1 >"$tmp/inv3" 2>"$tmp/err"
check "invite again: header only, all five skipped" \
  '[ $? = 0 ] && [ "$(tr -d "\r" <"$tmp/inv3")" = "declaration_id,organization,url" ] && [ "$(cat "$tmp/err")" = "hoshi survey invite: 0 invited, 5 already invited" ]'
while IFS='|' read -r name where want; do
  [ -z "$name" ] && continue
  eval "hoshi survey invite --db \"\$db\" --survey 2 $where" >"$tmp/inv" 2>"$tmp/err"
  check "invite survey 2 $name" '[ $? = 0 ] && [ "$(masked "$tmp/inv" | tail -n +2 | cut -d, -f1 | tr "\n" " ")" = "$want" ]'
done <<'CASES'
prefecture=13|--where prefecture=13|TEST-0001 TEST-0003 
industry=E and size=1|--where industry=E --where size=1|TEST-0004 
level=1 and prefecture=13 (already invited: none)|--where level=1 --where prefecture=13|
industry=T|--where industry=T|TEST-0007 
size=6 (only a withdrawn declaration: none)|--where size=6|
level=1 (the one left)|--where level=1 --where level=1|TEST-0006 
CASES
for t in $(tokens "$tmp/inv1") $(tokens "$tmp/inv2"); do echo "$t"; done >"$tmp/tokens"
check "five tokens of 43 base64url characters (256 bits)" \
  '[ "$(grep -cE "^[A-Za-z0-9_-]{43}$" "$tmp/tokens")" = 5 ]'
leak=0
while read -r t; do
  for f in "$db"*; do grep -qaF "$t" "$f" && leak=1; done
  h=$(python3 -c 'import hashlib,sys; print(hashlib.blake2b(sys.argv[1].encode(), digest_size=32).hexdigest().upper())' "$t")
  [ "$(sqlite3 "$db" "SELECT count(*) FROM invitations WHERE hex(token_hash) = '$h'")" = 1 ] || leak=1
done <"$tmp/tokens"
check "no token is in the database, each one's BLAKE2b hash is" '[ $leak = 0 ]'
t1=$(sed -n 1p "$tmp/tokens")
# the same token with its last character changed (A, or B when it ends in A)
t1x="${t1%?}A"; [ "$t1x" = "$t1" ] && t1x="${t1%?}B"
check "a token opens its own invitation (survey 1, 二葉システム) and nothing else" \
  '[ "$("$drv" lookup "$db" "$t1")" = "survey 1 org 2" ] && [ "$("$drv" lookup "$db" "$t1x")" = "not found" ] && [ "$("$drv" lookup "$db" "${t1:0:42}")" = "not found" ]'

# ---- answers through the store, then export ---------------------------------
# tokens: 1 二葉 (★★), 2 三河 (★★), 3 七尾 (★★), 4 一番 (★), 5 五月 (★, does not answer)
tok() { sed -n "${1}p" "$tmp/tokens"; }
r=$("$drv" submit "$db" "$(tok 1)" 'Q13=4&Q14=1&Q1=7&Q2=3')
r=$r,$("$drv" submit "$db" "$(tok 2)" 'Q13=2&Q13=4&Q14=2&Q1=5&Q2=1')
r=$r,$("$drv" submit "$db" "$(tok 3)" 'Q13=1&Q1=12&Q2=4')
r=$r,$("$drv" submit "$db" "$(tok 4)" 'Q13=4&Q14=1&Q1=5&Q2=2&Q16=%E8%89%AF%E3%81%84%E3%80%81%22%E3%81%A8%E3%81%A6%E3%82%82%22')
check "four responses submitted: respondents 1-4" '[ "$r" = 1,2,3,4 ]'
"$drv" submit "$db" "$(tok 1)" 'Q13=1' >"$tmp/out" 2>&1
check "a second submit with the same token is refused" '[ $? != 0 ] && grep -q "outcome 2" "$tmp/out"'
hoshi survey list --db "$db" >"$tmp/list"
check "list: invited, started, submitted" 'same "$tmp/list" "$exp/list-answered.csv"'

hoshi survey export --db "$db" --survey 1 --out "$tmp/ex" >"$tmp/out" 2>"$tmp/err"
check "export: exit 0, nothing on stdout or stderr" '[ $? = 0 ] && [ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ]'
check "export: codebook.csv exactly (the form's, then DLEVEL..DSCORE)" 'same "$tmp/ex/codebook.csv" "$exp/codebook.csv"'
check "export: data.csv exactly (submitted only, respondent numbers, attributes at submission)" \
  'same "$tmp/ex/data.csv" "$exp/data.csv"'
check "export: only the two files in --out" '[ "$(ls -A "$tmp/ex" | tr "\n" " ")" = "codebook.csv data.csv " ]'

tab() { "$bin" tab --codebook "$1/codebook.csv" --data "$1/data.csv" "${@:2}"; }
tab "$tmp/ex" --head Q14 >"$tmp/t1" 2>&1
check "tab --head Q14 on the export: every respondent in the base (無回答 25%)" 'same "$tmp/t1" "$exp/tab-q14-all.csv"'
tab "$tmp/ex" --head Q14 --where Q13=4 >"$tmp/t2" 2>&1
check "tab --head Q14 --where Q13=4 (the routing condition): the routed base" 'same "$tmp/t2" "$exp/tab-q14-routed.csv"'
tab "$tmp/ex" --side DLEVEL --head Q13 >"$tmp/t3" 2>&1
check "tab --side DLEVEL --head Q13: by the attribute at submission" 'same "$tmp/t3" "$exp/tab-q13-by-level.csv"'
mkdir "$tmp/shown"
"$drv" shown "$db" 1 "$tmp/shown"
tab "$tmp/shown" --head Q14 --where R__Q14=1 >"$tmp/t4" 2>&1
check "the shown columns: --where R__Q14=1 gives the routed table exactly" 'same "$tmp/t4" "$exp/tab-q14-routed.csv"'
tab "$tmp/shown" --head R__Q14 >"$tmp/t5" 2>&1
check "the shown column of Q14: shown to 3 of 4" 'same "$tmp/t5" "$exp/tab-shown-q14.csv"'

hoshi survey export --db "$db" --survey 1 --out "$tmp/sjis" --encoding cp932 2>"$tmp/err"
# CP932 has one wave dash for U+301C and U+FF5E (both are in the labels): compare with them as one
wave() { sed 's/〜/～/g'; }
check "export --encoding cp932: the same files in CP932" \
  '[ $? = 0 ] && iconv -f CP932 -t UTF-8 "$tmp/sjis/codebook.csv" | wave | cmp -s - <(wave <"$exp/codebook.csv") && iconv -f CP932 -t UTF-8 "$tmp/sjis/data.csv" | cmp -s - "$exp/data.csv" && ! cmp -s "$tmp/sjis/data.csv" "$exp/data.csv"'
"$bin" tab --codebook "$tmp/sjis/codebook.csv" --data "$tmp/sjis/data.csv" --encoding cp932 --head Q14 --where Q13=4 >"$tmp/t6" 2>&1
check "tab --encoding cp932 reads the CP932 export: the same table" 'same "$tmp/t6" "$exp/tab-q14-routed.csv"'
hoshi survey export --db "$db" --survey 1 --out "$tmp/en" --lang en 2>"$tmp/err"
check "export --lang en: English labels, the same data" \
  '[ $? = 0 ] && grep -qx "Q14,SA,,What would most raise management'"'"'s awareness" "$tmp/en/codebook.csv" && grep -qx "DLEVEL,SA,2,★★ Two stars" "$tmp/en/codebook.csv" && cmp -s "$tmp/en/data.csv" "$exp/data.csv"'
hoshi survey export --db "$db" --survey 2 --out "$tmp/none" 2>"$tmp/err"
check "export of a survey without responses: header only" \
  '[ $? = 0 ] && [ "$(cat "$tmp/none/data.csv")" = "id,Q1,Q2_1,Q2_2,Q2_3,Q2_4,Q2x,Q3,G_1,G_2,DLEVEL,DSIZE,DINDUSTRY,DPREF,DSCORE" ]'

# ---- close ----------------------------------------------------------------
hoshi survey close --db "$db" --survey 1 >"$tmp/out" 2>"$tmp/err"
check "close: exit 0, silent" '[ $? = 0 ] && [ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ]'
check "list: survey 1 closed" '[ "$(hoshi survey list --db "$db" | tr -d "\r" | sed -n 3p | cut -d, -f1,3)" = "1,closed" ]'
hoshi survey invite --db "$db" --survey 1 --out "$tmp/inv-closed" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "a closed survey refuses invite: exit 2, message, no file" \
  '[ $rc = 2 ] && [ ! -e "$tmp/inv-closed" ] && [ ! -s "$tmp/out" ] && grep -q "^hoshi survey invite: .*closed" "$tmp/err"'
"$drv" submit "$db" "$(tok 5)" 'Q13=1' >"$tmp/out" 2>&1
check "a closed survey refuses answers (outcome NOT_OPEN)" '[ $? != 0 ] && grep -q "outcome 3" "$tmp/out"'
hoshi survey export --db "$db" --survey 1 --out "$tmp/ex2" 2>"$tmp/err"
check "a closed survey still exports, the same files" '[ $? = 0 ] && same "$tmp/ex2/data.csv" "$exp/data.csv"'
hoshi survey close --db "$db" --survey 1 2>"$tmp/err"
check "closing again: exit 0" '[ $? = 0 ] && [ ! -s "$tmp/err" ]'

# ---- bad input: nothing written -------------------------------------------
for sub in export close invite; do
  extra=; [ $sub = export ] && extra="--out $tmp/nosuch"
  hoshi survey $sub --db "$db" --survey 9 $extra >"$tmp/out" 2>"$tmp/err"
  rc=$?
  check "$sub --survey 9 (unknown): exit 2, named, nothing written" \
    '[ $rc = 2 ] && [ "$(cat "$tmp/err")" = "hoshi survey $sub: no survey 9 in $db" ] && [ ! -s "$tmp/out" ] && [ ! -e "$tmp/nosuch" ]'
done
hoshi survey export --db "$db" --survey 1 --out /proc/self 2>"$tmp/err"
rc=$?
check "export --out unwritable (/proc/self): exit 2, nothing written" \
  '[ $rc = 2 ] && grep -q "^hoshi survey export: cannot write to /proc/self: " "$tmp/err" && [ ! -e /proc/self/codebook.csv ]'
: >"$tmp/plain"
hoshi survey export --db "$db" --survey 1 --out "$tmp/plain" 2>"$tmp/err"
rc=$?
check "export --out a file: exit 2, file untouched" \
  '[ $rc = 2 ] && [ "$(cat "$tmp/err")" = "hoshi survey export: --out $tmp/plain is not a directory" ] && [ ! -s "$tmp/plain" ]'
mkdir "$tmp/keep" && printf 'old\n' >"$tmp/keep/codebook.csv"
hoshi survey export --db "$tmp/nodb" --survey 1 --out "$tmp/keep" 2>"$tmp/err"
rc=$?
check "export --db missing: exit 2, nothing created, old files kept" \
  '[ $rc = 2 ] && [ "$(cat "$tmp/err")" = "hoshi survey export: no database at $tmp/nodb" ] && [ ! -e "$tmp/nodb" ] && [ "$(cat "$tmp/keep/codebook.csv")" = old ] && [ ! -e "$tmp/keep/data.csv" ]'
hoshi survey invite --db "$db" --survey 2 --out "$tmp/nodir/inv.csv" 2>"$tmp/err"
rc=$?
check "invite --out in a missing directory: exit 2 before inviting anyone" \
  '[ $rc = 2 ] && [ "$(cat "$tmp/err")" = "hoshi survey invite: cannot write to $tmp/nodir" ] && [ "$(sqlite3 "$db" "SELECT count(*) FROM invitations WHERE survey_id = 2")" = 5 ]'
cp "$db" "$tmp/bad.db"
sqlite3 "$tmp/bad.db" "UPDATE responses SET answers = 'Q14=9' WHERE respondent = 2"
hoshi survey export --db "$tmp/bad.db" --survey 1 --out "$tmp/badex" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "a stored response that no longer decodes: exit 2, names respondent 2, nothing written" \
  '[ $rc = 2 ] && grep -q "^hoshi survey export: survey 1: respondent 2: the stored answers do not fit the questionnaire: " "$tmp/err" && [ ! -e "$tmp/badex" ] && [ ! -s "$tmp/out" ]'
