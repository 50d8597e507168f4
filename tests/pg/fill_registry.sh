#!/usr/bin/env bash
# fill_registry.sh N -- prints SQL that fills a registry hoshi has made
# (an empty schema) with N organisations, the same rows on SQLite and on
# PostgreSQL (the statements are in the dialect both accept): every
# attribute varied (prefectures 0..47, industries A..T, none and a bad
# code, sizes 0..6), one in eleven never declared, ★ and ★★, step-ups
# (a second declaration), withdrawals of either, no diagnosis, one, or
# two (the latest counts), わからない answers.  Each value is a function of
# the organisation's number, read back from its name, so the database's
# own ids do not matter.  Used by tests/suites/pg_stream.sh (a few
# thousand) and to measure the export's memory (200,000).
set -eu
n=${1:?usage: fill_registry.sh N}
case $n in *[!0-9]*|'') echo "fill_registry.sh: N must be a number" >&2; exit 2 ;; esac
i="CAST(substr(o.name, 5) AS INTEGER)"
month() { echo "CASE WHEN $1 < 9 THEN '0' ELSE '' END || ($1 + 1)"; }
cat <<SQL
INSERT INTO orgs(name, name_key, prefecture, industry, employees)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)
  SELECT '登録組織' || i, 'とうろくそしき' || i, i % 48,
         CASE WHEN i % 23 = 0 THEN '' WHEN i % 23 = 22 THEN 'ZZ'
              ELSE substr('ABCDEFGHIJKLMNOPQRST', 1 + i % 20, 1) END,
         i % 7
  FROM n;
INSERT INTO declarations(id, org_id, level, declared_on, status, withdrawn_on)
  SELECT CAST(10000000000 + 2 * $i AS TEXT), o.id, CASE WHEN $i % 4 = 0 THEN 2 ELSE 1 END,
         '2025-' || $(month "$i % 12") || '-10',
         CASE WHEN $i % 5 = 0 AND $i % 3 <> 0 THEN 0 ELSE 1 END,
         CASE WHEN $i % 5 = 0 AND $i % 3 <> 0 THEN '2025-12-24' ELSE '' END
  FROM orgs o WHERE $i % 11 <> 0 ORDER BY o.id;
UPDATE declarations SET status = 0, withdrawn_on = '2026-01-05'
  WHERE org_id IN (SELECT o.id FROM orgs o WHERE $i % 3 = 0 AND $i % 11 <> 0);
INSERT INTO declarations(id, org_id, level, declared_on, status, withdrawn_on)
  SELECT CAST(10000000001 + 2 * $i AS TEXT), o.id, 2, '2026-' || $(month "$i % 9") || '-20',
         CASE WHEN $i % 9 = 0 THEN 0 ELSE 1 END, CASE WHEN $i % 9 = 0 THEN '2026-10-01' ELSE '' END
  FROM orgs o WHERE $i % 3 = 0 AND $i % 11 <> 0 ORDER BY o.id;
INSERT INTO diagnoses(org_id, answers, score, taken_on)
  SELECT o.id, substr('1234123412341234123412341234123412341234', 1 + $i % 4, 25), $i % 101, '2025-06-01'
  FROM orgs o WHERE $i % 2 = 0 ORDER BY o.id;
INSERT INTO diagnoses(org_id, answers, score, taken_on)
  SELECT o.id, substr('4321432143214321432143214321432143214321', 1 + $i % 3, 25), 100 - $i % 101, '2026-02-01'
  FROM orgs o WHERE $i % 6 = 0 ORDER BY o.id;
SQL
