#!/usr/bin/env python3
"""The PostgreSQL schema (src/lib/store/pg_schema.c) against the SQLite one,
run by tests/suites/pg_schema.sh under tests/pg/pgtmp.py:

    check_schema.py SQLITE_DB PG_MIGRATE

SQLITE_DB is a database hoshi made (its schema at the current version,
no rows); PG_MIGRATE the program that applies hi_pg_migrations[] to the
database of a URL.  Each check runs the same SQL on a copy of the SQLite
database and on a fresh PostgreSQL database (HOSHI_TEST_PG's server) and
compares what comes back: tables and columns, unique and other indexes,
foreign keys, constraints, every trigger's effect, and the SQLite
functions the PostgreSQL schema defines.  Prints 'ok NAME' / 'FAIL NAME'.
"""
import os, shutil, sqlite3, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgtmp

failed = 0


def check(name, ok, why=""):
    global failed
    if ok:
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}")
        for line in str(why).splitlines()[:30]:
            print(f"  {line[:400]}" + (" ..." if len(line) > 400 else ""))


def same(name, sq, pg):
    check(name, sq == pg, f"SQLite:     {sq!r}\nPostgreSQL: {pg!r}")


class Pg:
    """psql on one database: rows as tuples of strings (None for NULL)."""

    def __init__(self, url):
        self.url = url
        self.psql = pgtmp.psql_path()

    def run(self, sql):
        """(rows, error): error is the server's message or None."""
        r = subprocess.run([self.psql, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-F", "\x1f",
                            "-P", "null=\x1e", "-d", self.url, "-f", "-"], input=sql, capture_output=True,
                           text=True, env=dict(os.environ, PGCLIENTENCODING="UTF8", PGOPTIONS="-c client_min_messages=warning"))
        if r.returncode != 0:
            return None, r.stderr.strip()
        rows = [tuple(None if v == "\x1e" else v for v in line.split("\x1f"))
                for line in r.stdout.split("\n") if line != ""]
        return rows, None

    def rows(self, sql):
        rows, err = self.run(sql)
        if err is not None:
            raise RuntimeError(f"PostgreSQL: {sql}: {err}")
        return rows


class Lite:
    def __init__(self, path):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA foreign_keys = ON")

    def run(self, sql):
        try:
            cur = self.db.cursor()
            rows = []
            for stmt in split(sql):
                rows = cur.execute(stmt).fetchall()
            return [tuple(None if v is None else str(v) for v in r) for r in rows], None
        except sqlite3.Error as e:
            return None, str(e)

    def rows(self, sql):
        rows, err = self.run(sql)
        if err is not None:
            raise RuntimeError(f"SQLite: {sql}: {err}")
        return rows


def split(sql):
    # the test's own statements: no ';' inside literals
    return [s.strip() for s in sql.split(";") if s.strip()]


def lit(s):
    return "'" + s.replace("'", "''") + "'"


# --- the schema as tables, columns, indexes and keys

TYPE_CLASS = {"INTEGER": "int", "TEXT": "text", "BLOB": "blob",
              "integer": "int", "bigint": "int", "text": "text", "bytea": "blob"}


def norm_default(d):
    if d is None:
        return None
    return d.replace("::text", "").replace("::bigint", "").replace("::integer", "")


def lite_tables(lite):
    return sorted(r[0] for r in lite.rows("SELECT name FROM sqlite_master WHERE type = 'table'"
                                         " AND name NOT LIKE 'sqlite_%' AND name <> 'gram_pos'"))


def lite_columns(lite, t):
    # a PRIMARY KEY column is NOT NULL in PostgreSQL (SQLite lets a TEXT key be NULL)
    return [(r[1], TYPE_CLASS.get(r[2], r[2]), r[3] == "1" or r[5] != "0", norm_default(r[4]))
            for r in lite.rows(f"PRAGMA table_info({t})")]


def pg_columns(pg, t):
    return [(r[0], TYPE_CLASS.get(r[1], r[1]), r[2] == "NO", norm_default(r[3]))
            for r in pg.rows("SELECT column_name, data_type, is_nullable, column_default"
                             " FROM information_schema.columns WHERE table_schema = current_schema()"
                             f" AND table_name = {lit(t)} ORDER BY ordinal_position")]


def lite_indexes(lite, t):
    """{(columns, unique, partial)}, the primary key included."""
    out = set()
    pk = [r for r in lite.rows(f"PRAGMA table_info({t})") if r[5] != "0"]
    out.add((tuple(r[1] for r in sorted(pk, key=lambda r: int(r[5]))), True, False))
    for _seq, name, unique, _origin, partial in lite.rows(f"PRAGMA index_list({t})"):
        cols = tuple(r[2] for r in lite.rows(f"PRAGMA index_info({lit(name)})"))
        out.add((cols, unique == "1", partial == "1"))
    return out


# Indexes PostgreSQL has beyond SQLite's, each standing for what an SQLite
# index gives for free: declarations_status(status, level) holds the rowid,
# seq, in every entry, so the newest declarations of a status and level are
# read in order; PostgreSQL must name the column (pg_schema.c migration 2).
PG_EXTRA = {"declarations": {(("status", "level", "seq"), False, False)}}


def pg_indexes(pg, t):
    rows = pg.rows("SELECT (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(i.indkey)"
                   " WITH ORDINALITY k(att, n) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.att),"
                   " i.indisunique, i.indpred IS NOT NULL FROM pg_index i"
                   f" WHERE i.indrelid = {lit(t)}::regclass AND 0 <> ALL (i.indkey)")
    return {(tuple(r[0].split(",")), r[1] == "t", r[2] == "t") for r in rows} - PG_EXTRA.get(t, set())


def lite_fkeys(lite, t):
    return {(r[3], r[2], r[4], r[6]) for r in lite.rows(f"PRAGMA foreign_key_list({t})")}


def pg_fkeys(pg, t):
    rows = pg.rows("SELECT a.attname, c.confrelid::regclass, f.attname,"
                   " CASE c.confdeltype WHEN 'c' THEN 'CASCADE' ELSE 'NO ACTION' END"
                   " FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
                   " JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = c.confkey[1]"
                   f" WHERE c.contype = 'f' AND c.conrelid = {lit(t)}::regclass")
    return {tuple(r) for r in rows}


def check_structure(lite, pg):
    tables = lite_tables(lite)
    pg_t = sorted(r[0] for r in pg.rows("SELECT table_name FROM information_schema.tables"
                                        " WHERE table_schema = current_schema()"))
    same("tables: PostgreSQL has exactly SQLite's (gram_pos, SQLite's work-around, left out)", tables, pg_t)
    same("registry_names: PostgreSQL's GIN index of the grams of registry's name keys (the one index on an"
         " expression)", pg.rows("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
                                 " WHERE 0 = ANY (indkey)"),
         [("registry_names", "CREATE INDEX registry_names ON public.registry USING gin (hi_grams(name_key))")])
    for t in tables:
        same(f"{t}: columns (name, type, NOT NULL, default) in order", lite_columns(lite, t), pg_columns(pg, t))
        same(f"{t}: primary key, unique and other indexes (columns, unique, partial)",
             sorted(lite_indexes(lite, t)), sorted(pg_indexes(pg, t)))
        same(f"{t}: foreign keys (column, table, column, on delete)", sorted(lite_fkeys(lite, t)),
             sorted(pg_fkeys(pg, t)))
    ids = pg.rows("SELECT table_name, column_name FROM information_schema.columns"
                  " WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY 1")
    want = sorted((t, c[1]) for t in tables for c in lite.rows(f"PRAGMA table_info({t})")
                  if c[5] == "1" and c[2] == "INTEGER"
                  and len([x for x in lite.rows(f"PRAGMA table_info({t})") if x[5] != "0"]) == 1
                  and t not in ("policies", "responses", "public_version", "throttle_meta", "registry"))
    same("every generated INTEGER PRIMARY KEY is an identity column", want, [tuple(r) for r in ids])
    col = pg.rows("SELECT DISTINCT collation_name FROM information_schema.columns"
                  " WHERE table_schema = current_schema() AND data_type = 'text'")
    same("every TEXT column compares bytes (COLLATE \"C\", SQLite's BINARY)", [("C",)], col)


# --- behaviour: the same statements on both

def both(lite, pg, sql):
    return lite.run(sql), pg.run(sql)


def refused_alike(name, lite, pg, sql, words):
    (lr, le), (pr, pe) = both(lite, pg, sql)
    check(name, le is not None and pe is not None and words in le.lower() and words in pe.lower(),
          f"SQLite: {le or lr}\nPostgreSQL: {pe or pr}")


def check_constraints(lite, pg):
    setup = ("INSERT INTO orgs(name, name_key) VALUES ('制約', 'せいやく');"
             "INSERT INTO users(org_id, email, pwhash) VALUES (1, 'a@example.jp', 'h')")
    lite.rows(setup)
    pg.rows(setup)
    refused_alike("a declaration of level 3 is refused (CHECK)", lite, pg,
                  "INSERT INTO declarations(id, org_id, level, declared_on) VALUES ('x3', 1, 3, '2026-01-01')",
                  "check constraint")
    refused_alike("a second account with the same e-mail is refused (UNIQUE)", lite, pg,
                  "INSERT INTO users(org_id, email, pwhash) VALUES (1, 'a@example.jp', 'h')", "unique constraint")
    refused_alike("an account of an organisation that does not exist is refused (FOREIGN KEY)", lite, pg,
                  "INSERT INTO users(org_id, email, pwhash) VALUES (999, 'b@example.jp', 'h')",
                  "foreign key constraint")
    refused_alike("a second public_version row is refused (CHECK id = 1)", lite, pg,
                  "INSERT INTO public_version VALUES (2, 0)", "check constraint")
    ok = ("INSERT INTO disputes(corpnum, org_id, holder_org_id, level, opened_on, status)"
          " VALUES ('1', 1, 1, 1, '2026-01-01', 1);"
          "INSERT INTO disputes(corpnum, org_id, holder_org_id, level, opened_on)"
          " VALUES ('1', 1, 1, 1, '2026-01-02')")
    (lr, le), (pr, pe) = both(lite, pg, ok)
    check("disputes: a resolved and an open dispute of one organisation are allowed", le is None and pe is None,
          f"{le} / {pe}")
    refused_alike("disputes: a second open dispute of one organisation is refused (partial UNIQUE)", lite, pg,
                  "INSERT INTO disputes(corpnum, org_id, holder_org_id, level, opened_on)"
                  " VALUES ('1', 1, 1, 1, '2026-01-03')", "unique constraint")
    # (PostgreSQL's numbers may have gaps: a refused insert used one)
    ids = "SELECT id, CASE WHEN seq >= 50 THEN seq END FROM declarations ORDER BY seq"
    add = ("INSERT INTO declarations(id, org_id, level, declared_on) VALUES ('s1', 1, 1, '2026-01-01');"
           "INSERT INTO declarations(seq, id, org_id, level, declared_on) VALUES (50, 's2', 1, 1, '2026-01-01');"
           "INSERT INTO declarations(id, org_id, level, declared_on) VALUES ('s3', 1, 1, '2026-01-01');"
           "INSERT INTO users(id, org_id, email, pwhash) VALUES (70, 1, 'c@example.jp', 'h');"
           "INSERT INTO users(org_id, email, pwhash) VALUES (1, 'd@example.jp', 'h')")
    lite.rows(add)
    pg.rows(add)
    same("declarations.seq: numbered in order; after a row that gave its own, the next comes after it",
         lite.rows(ids), pg.rows(ids))
    ids = "SELECT email, id FROM users WHERE id >= 70 ORDER BY id"
    same("ids: after a row that gave its own id, the next new row is numbered after it", lite.rows(ids),
         pg.rows(ids))
    clean = "DELETE FROM disputes; DELETE FROM declarations; DELETE FROM users; DELETE FROM orgs"
    lite.rows(clean)
    pg.rows(clean)


def grams(db):
    # by name: the numbers may differ (SQLite reuses a deleted last id)
    return db.rows("SELECT o.name, g.gram FROM registry_grams g JOIN registry r ON r.seq = g.seq"
                   " JOIN orgs o ON o.id = r.org_id ORDER BY o.name, g.gram")


def indexed(pg):
    """PostgreSQL's grams as its GIN index registry_names has them
    (hi_grams(name_key), pg_schema.c migration 5)."""
    return pg.rows("SELECT DISTINCT o.name, g COLLATE \"C\" FROM registry r JOIN orgs o ON o.id = r.org_id,"
                   " unnest(hi_grams(r.name_key)) AS g ORDER BY 1, 2")


def found(db, key):
    """The names whose key holds `key`: on SQLite as LIKE finds them, on
    PostgreSQL as the GIN index finds them from the key's grams alone
    (hi_query_grams within hi_grams, no LIKE)."""
    if isinstance(db, Pg):
        return db.rows("SET enable_seqscan = off; SELECT o.name FROM registry r JOIN orgs o ON o.id = r.org_id"
                       f" WHERE hi_grams(r.name_key) @> hi_query_grams({lit(key)}) ORDER BY 1")
    return db.rows("SELECT o.name FROM registry r JOIN orgs o ON o.id = r.org_id"
                   f" WHERE r.name_key LIKE {lit('%' + key + '%')} ORDER BY 1")


def listed(db):
    return db.rows("SELECT o.name, r.level, r.prefecture, r.industry, r.name_key FROM registry r"
                   " JOIN orgs o ON o.id = r.org_id JOIN declarations d ON d.seq = r.seq AND d.status = 1"
                   " ORDER BY o.name")


def check_grams(lite, pg):
    keys = ["さくらぎけん", "サクラ技研かぶしきがいしゃ", "ab", "a", "", "ああああああ", "abab abab",
            "🍣寿司🍣すし", "か\u3099き\u3099", "ÄÖü straße", "".join(chr(0x4E00 + i) for i in range(450)),
            "x" + "".join(chr(0x3041 + i % 80) for i in range(398)) + "yz"]
    ins = ";".join(f"INSERT INTO orgs(name, name_key) VALUES ({lit('org' + str(i))}, {lit(k)})"
                   for i, k in enumerate(keys))
    both = (lite, pg)
    for db in both:
        db.rows(ins)
    check("registry: an organisation without a declaration is not listed", grams(lite) == [] and grams(pg) == [],
          grams(lite) + grams(pg))
    decl = ("INSERT INTO declarations(id, org_id, level, declared_on)"
            " SELECT 'D' || id, id, 1 + length(name) % 2, '2026-01-01' FROM orgs WHERE name <> 'org4'")
    for db in both:
        db.rows(decl)
    g = grams(lite)
    same("registry_grams on a declaration: every 1- and 2-character substring of name_key"
         " (Japanese, emoji, combining marks, starting at positions 1..400), as SQLite's", g, grams(pg))
    check("registry_grams: the 450-character key of distinct characters has 400 + 400 grams",
          sum(1 for r in g if r[0] == "org10") == 800, sum(1 for r in g if r[0] == "org10"))
    check("registry_grams: a 1-character key has itself", ("org3", "a") in [tuple(r) for r in g], g)
    same("registry: a row per declaration in force", listed(lite), listed(pg))
    same("registry_names: the GIN index's grams (hi_grams) are registry_grams'", g, indexed(pg))
    for key in ["さくら", "サクラ技研", "a", "ab", "ba", "ああ", "🍣寿", "\u3099き", "straße", chr(0x4E00 + 398)]:
        same(f"registry_names: a search for {key!r} through the GIN index finds what LIKE finds",
             found(lite, key), found(pg, key))
    upd = ("UPDATE orgs SET name_key = 'べつのなまえ', prefecture = 13 WHERE name = 'org0';"
           "UPDATE orgs SET name_key = name_key WHERE name = 'org1';"
           "UPDATE orgs SET name_key = '' WHERE name = 'org2';"
           "UPDATE orgs SET industry = 'G' WHERE name = 'org6';"
           "UPDATE orgs SET name = 'renamed' WHERE name = 'org5'")
    for db in both:
        db.rows(upd)
    same("registry_grams on update of name_key (changed, set to itself, emptied; a name change alone keeps them)",
         grams(lite), grams(pg))
    same("registry on update of an organisation's key, prefecture and industry", listed(lite), listed(pg))
    same("registry_names on those updates: the index's grams are SQLite's", grams(lite), indexed(pg))
    wd = ("UPDATE declarations SET status = 0 WHERE org_id = (SELECT id FROM orgs WHERE name = 'org7');"
          "UPDATE declarations SET level = 2 WHERE org_id = (SELECT id FROM orgs WHERE name = 'org8');"
          "DELETE FROM declarations WHERE org_id = (SELECT id FROM orgs WHERE name = 'org9')")
    for db in both:
        db.rows(wd)
    same("registry_grams on a withdrawal, a change of level and a deleted declaration", grams(lite), grams(pg))
    same("registry on a withdrawal, a change of level and a deleted declaration", listed(lite), listed(pg))
    check("registry: the withdrawn and the deleted are gone",
          not any(r[0] in ("org7", "org9") for r in listed(lite) + listed(pg)), listed(lite))
    for db in both:
        db.rows("DELETE FROM orgs WHERE name = 'org3'")
    same("registry_grams: an organisation's grams go with it", grams(lite), grams(pg))
    same("registry: an organisation's row goes with it", listed(lite), listed(pg))
    clean = "DELETE FROM declarations"
    for db in both:
        db.rows(clean)
    check("registry: empty when no declaration is in force",
          [lite.rows("SELECT count(*) FROM registry"), pg.rows("SELECT count(*) FROM registry_grams")]
          == [[("0",)], [("0",)]], lite.rows("SELECT count(*) FROM registry"))


def history(db):
    return db.rows("SELECT org_id, field, before, after FROM org_history ORDER BY id")


def check_history(lite, pg):
    for db in (lite, pg):
        db.rows("DELETE FROM orgs;"
                "INSERT INTO orgs(id, name, name_key, prefecture) VALUES (101, 'さくら商事', 'さくらしょうじ', 13);"
                "INSERT INTO orgs(id, name, name_key, prefecture) VALUES (102, '未宣言', 'みせんげん', 1);"
                "INSERT INTO orgs(id, name, name_key, prefecture) VALUES (103, '取下げ済', 'とりさげずみ', 2);"
                "INSERT INTO orgs(id, name, name_key, prefecture) VALUES (104, '同日', 'どうじつ', 3);"
                "INSERT INTO declarations(id, org_id, level, declared_on) VALUES ('h1', 101, 1, '2026-01-10');"
                "INSERT INTO declarations(id, org_id, level, declared_on, status, withdrawn_on)"
                " VALUES ('h3', 103, 1, '2026-01-10', 0, '2026-01-20')")
    steps = [
        ("a declared organisation's new name", "UPDATE orgs SET name = 'さくら商事株式会社' WHERE id = 101"),
        ("its new prefecture", "UPDATE orgs SET prefecture = 14 WHERE id = 101"),
        ("name and prefecture in one UPDATE (prefecture row first, as SQLite)",
         "UPDATE orgs SET name = 'さくら', prefecture = 27 WHERE id = 101"),
        ("a name set to itself", "UPDATE orgs SET name = name, prefecture = prefecture WHERE id = 101"),
        ("an undeclared organisation's changes", "UPDATE orgs SET name = 'x', prefecture = 5 WHERE id = 102"),
        ("a withdrawn organisation's changes", "UPDATE orgs SET name = 'y' WHERE id = 103"),
        ("a level change: withdrawn and declared again the same day",
         "UPDATE declarations SET status = 0, withdrawn_on = '2026-02-01' WHERE id = 'h1';"
         "INSERT INTO declarations(id, org_id, level, declared_on) VALUES ('h2', 101, 2, '2026-02-01')"),
        ("declared again the same day at the same level", "UPDATE declarations SET status = 0,"
         " withdrawn_on = '2026-03-01' WHERE id = 'h2';"
         "INSERT INTO declarations(id, org_id, level, declared_on) VALUES ('h4', 101, 2, '2026-03-01')"),
        ("declared on another day", "INSERT INTO declarations(id, org_id, level, declared_on)"
         " VALUES ('h5', 103, 2, '2026-01-21')"),
        ("two withdrawn that day, the later of the same level (SQLite's before is the later's)",
         "INSERT INTO declarations(id, org_id, level, declared_on, status, withdrawn_on)"
         " VALUES ('e1', 104, 2, '2026-01-01', 0, '2026-04-01');"
         "INSERT INTO declarations(id, org_id, level, declared_on, status, withdrawn_on)"
         " VALUES ('e2', 104, 1, '2026-02-01', 0, '2026-04-01');"
         "INSERT INTO declarations(id, org_id, level, declared_on) VALUES ('e3', 104, 1, '2026-04-01')"),
    ]
    for name, sql in steps:
        lite.rows(sql)
        pg.rows(sql)
        same(f"org_history: {name}", history(lite), history(pg))
    today_l = lite.rows("SELECT DISTINCT changed_on = date('now', 'localtime') FROM org_history WHERE field < 3")
    today_p = pg.rows("SELECT DISTINCT changed_on = to_char(current_date, 'YYYY-MM-DD') FROM org_history"
                      " WHERE field < 3")
    check("org_history: name and prefecture changes are dated today", today_l == [("1",)] and today_p == [("t",)],
          f"{today_l} / {today_p}")
    dated = "SELECT changed_on FROM org_history WHERE field = 3 ORDER BY id"
    same("org_history: a level change is dated with its declaration", lite.rows(dated), pg.rows(dated))


def check_public_version(lite, pg):
    steps = [
        ("new organisation", "INSERT INTO orgs(id, name, name_key) VALUES (201, 'p', 'p');"
                             "INSERT INTO orgs(id, name, name_key) VALUES (202, 'q', 'q')", False),
        ("draft, contact and star1 changes", "UPDATE orgs SET draft = '1111111111111111111111111',"
                                             " contact = 'c', star1 = '11111' WHERE id = 201", False),
        ("employees", "UPDATE orgs SET employees = 5 WHERE id = 201", True),
        ("industry of two organisations (SQLite: once per row)", "UPDATE orgs SET industry = 'B' WHERE id >= 201", True),
        ("corpnum", "UPDATE orgs SET corpnum = '1234567890123' WHERE id = 202", True),
        ("an UPDATE of no row", "UPDATE declarations SET status = status WHERE id = 'none'", False),
        ("a declaration", "INSERT INTO declarations(id, org_id, level, declared_on) VALUES ('p1', 201, 1, '2026-01-01')",
         True),
        ("its withdrawal", "UPDATE declarations SET status = 0 WHERE id = 'p1'", True),
        ("its deletion", "DELETE FROM declarations WHERE id = 'p1'", True),
        ("a policy", "INSERT INTO policies(org_id, representative, contact, established, body)"
                     " VALUES (201, 'r', 'c', '2026-01-01', 'b')", True),
        ("the policy's draft", "UPDATE policies SET body = 'b2', representative = 'r2' WHERE org_id = 201", False),
        ("its publication", "UPDATE policies SET published = 1, published_on = '2026-01-02',"
                            " pub_body = body WHERE org_id = 201", True),
        ("an NTA import", "INSERT INTO nta_imports(data_date, records) VALUES ('2026-01-01', 3)", True),
        ("another declaration", "INSERT INTO declarations(id, org_id, level, declared_on)"
                                " VALUES ('p2', 201, 2, '2026-01-01')", True),
        ("a declared organisation deleted (its declaration and policy with it)", "DELETE FROM orgs WHERE id = 201",
         True),
    ]
    q = "SELECT n FROM public_version"
    for name, sql, bumps in steps:
        before = (lite.rows(q), pg.rows(q))
        lite.rows(sql)
        pg.rows(sql)
        after = (lite.rows(q), pg.rows(q))
        dl = int(after[0][0][0]) - int(before[0][0][0])
        dp = int(after[1][0][0]) - int(before[1][0][0])
        # PostgreSQL bumps once per transaction (pg_schema.c says why)
        check(f"public_version: {name}: {'bumped' if bumps else 'unchanged'} as on SQLite (once on PostgreSQL)",
              (dl > 0) == bumps and dp == (1 if bumps else 0), f"SQLite +{dl}, PostgreSQL +{dp}")
    many = ("BEGIN;"
            + "".join(f"INSERT INTO declarations(id, org_id, level, declared_on) VALUES ('m{i}', 202, 1, '2026-01-01');"
                      f"UPDATE declarations SET status = 0 WHERE id = 'm{i}';" for i in range(50))
            + "COMMIT")
    before = int(pg.rows(q)[0][0])
    pg.rows(many)
    check("public_version: 100 changes in one transaction bump it once on PostgreSQL",
          int(pg.rows(q)[0][0]) == before + 1, f"{before} -> {pg.rows(q)}")
    before = int(pg.rows(q)[0][0])
    pg.rows("BEGIN; SAVEPOINT a; INSERT INTO declarations(id, org_id, level, declared_on)"
            " VALUES ('sp1', 202, 1, '2026-01-01'); ROLLBACK TO a;"
            " INSERT INTO declarations(id, org_id, level, declared_on) VALUES ('sp2', 202, 1, '2026-01-01'); COMMIT")
    check("public_version: a change after a rolled-back savepoint still bumps it",
          int(pg.rows(q)[0][0]) == before + 1, f"{before} -> {pg.rows(q)}")
    before = int(pg.rows(q)[0][0])
    pg.rows("DELETE FROM declarations WHERE org_id = 202")
    check("public_version: the next transaction bumps it again", int(pg.rows(q)[0][0]) == before + 1,
          f"{before} -> {pg.rows(q)}")


def check_audit(lite, pg):
    add = ("INSERT INTO audit_log(at, operator_id, operator_email, action) VALUES (1, 1, 'op@example.jp', 'withdraw')")
    (lr, le), (pr, pe) = both(lite, pg, add)
    check("audit_log: a new entry is accepted", le is None and pe is None, f"{le} / {pe}")
    refused_alike("audit_log: UPDATE refused: the audit log is append-only", lite, pg,
                  "UPDATE audit_log SET note = 'x'", "the audit log is append-only")
    refused_alike("audit_log: DELETE refused: the audit log is append-only", lite, pg,
                  "DELETE FROM audit_log", "the audit log is append-only")
    _, err = pg.run("TRUNCATE audit_log")
    check("audit_log: TRUNCATE refused on PostgreSQL too", err is not None and "append-only" in err, err)
    same("audit_log: the entry is still there", lite.rows("SELECT count(*) FROM audit_log"),
         pg.rows("SELECT count(*) FROM audit_log"))


# --- the functions

def check_functions(lite, pg):
    dates = ["2024-02-29", "2024-02-29 ", "2024-02-29x", "2024-02-29 10:00:00Z", "2024-02-29 24:00:00",
             "2024-02-29 23:59:60", "+2024-02-29", "2024-01-31", "2023-12-31", "2024-03-31", "2000-02-29", "1900-02-28", "2024-02-30",
             "2024-02-31", "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32", "bad", "", "2024-2-29",
             "2024-02-29 10:00:00", "2024-02-29T23:59:59", "2024-02-29 23:59:59.999", "2024-02-29 23:30",
             "2024-12-31 25:00:00", "0001-03-01", "9998-12-31", " 2024-02-29 "]
    mods = ["+1 year", "-1 year", "+1 years", "+1 month", "-1 month", "+13 months", "-25 months", "+1 day",
            "-1 day", "+366 days", "+1.5 year", "-1.5 month", "+0.5 day", "+12 hours", "+90 minutes",
            "+86400 seconds", " +1 year ", "1 year", "+1 YEAR", "+1year", "+1 fortnight", "", "+ 1 year",
            "start of month", "start of year", "start of day", "+.5 day", "+1. year", ".5 day", "+1  year",
            "+1 yearss", "+1 Years", "START OF MONTH", " start of month", "start of month ", "+1 year ",
            "+1e2 days", "+1000 years", "-2023 years", "+14713 years", "+14712 years", "-1.5 years",
            "+1.5 months", "+0 month", "+0x10 days", "+5373485 days", "-5373484 days", "+1 day 2"]
    pairs = [(d, m) for d in dates for m in mods]
    sq = [lite.db.execute("SELECT date(?, ?)", p).fetchone()[0] for p in pairs]
    sq += [lite.db.execute("SELECT date(?)", (d,)).fetchone()[0] for d in dates]
    sql = ("SELECT date(d, m) FROM (VALUES " + ",".join(f"({i}, {lit(d)}, {lit(m)})" for i, (d, m) in
                                                       enumerate(pairs)) + ") v(i, d, m) ORDER BY i")
    pq = [r[0] for r in pg.rows(sql)]
    pq += [r[0] for r in pg.rows("SELECT date(d) FROM (VALUES " + ",".join(f"({i}, {lit(d)})" for i, d in
                                                                         enumerate(dates)) + ") v(i, d) ORDER BY i")]
    labels = [f"date({d!r}, {m!r})" for d, m in pairs] + [f"date({d!r})" for d in dates]
    # years before 1 (SQLite writes 0000 and -0001) are NULL on PostgreSQL
    sq = [None if a is not None and (a.startswith("-") or a.startswith("0000")) else a for a in sq]
    diff = [f"{lab}: SQLite {a!r}, PostgreSQL {b!r}" for lab, a, b in zip(labels, sq, pq) if a != b]
    check(f"date(): SQLite's results for {len(labels)} dates and modifiers (month ends, leap days, fractions,"
          " bad input)", not diff and len(sq) == len(pq), "\n".join(diff))
    now = pg.rows("SELECT date('now'::text) = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD'),"
                  " date('now', 'localtime') = to_char(current_date, 'YYYY-MM-DD'), date(NULL, '+1 day') IS NULL,"
                  " date('2024-01-01', NULL) IS NULL")
    check("date('now') is today in UTC, with 'localtime' today where the server is; NULL gives NULL",
          now == [("t", "t", "t", "t")], now)
    e = int(pg.rows("SELECT unixepoch()")[0][0])
    check("unixepoch(): seconds since 1970, now", abs(e - time.time()) < 30, e)
    t = pg.rows("SELECT pg_typeof(unixepoch())")
    same("unixepoch() is BIGINT", [("bigint",)], t)
    texts = ["a", "あ", "🍣x", "", "Z"]
    sql = "SELECT " + ", ".join(f"unicode({lit(s)})" for s in texts) + ", unicode(NULL)"
    same("unicode(): the first character's code point, NULL for '' and NULL", lite.rows(sql), pg.rows(sql))
    sql = "SELECT length('さくら🍣'), substr('さくら🍣寿司', 2, 3), substr('ab', 2, 2), lower('ABC')"
    same("length() and substr() count characters as SQLite's do", lite.rows(sql), pg.rows(sql))
    counts = ("SELECT coalesce(sum(sent IS NULL AND failed IS NULL), 0), coalesce(sum(sent IS NOT NULL), 0),"
              " coalesce(sum(failed IS NOT NULL), 0), sum(sent IS NULL) FROM outbox")
    same("sum(boolean) over no rows: NULL, as SQLite's sum of 0/1", lite.rows(counts), pg.rows(counts))
    ins = ";".join("INSERT INTO outbox(kind, rcpt, subject, body, created, next_attempt, sent, failed)"
                   f" VALUES ('k', 'r', 's', 'b', 1, 1, {s}, {f})"
                   for s, f in (("NULL", "NULL"), ("NULL", "NULL"), ("5", "NULL"), ("NULL", "7")))
    lite.rows(ins)
    pg.rows(ins)
    same("sum(boolean): the outbox counts of sqlite_outbox.c", lite.rows(counts), pg.rows(counts))
    lite.rows("DELETE FROM outbox")
    pg.rows("DELETE FROM outbox")
    d = pg.rows("INSERT INTO orgs(name) VALUES ('now') RETURNING created_at - unixepoch() BETWEEN -5 AND 0")
    same("orgs.created_at defaults to unixepoch()", [("t",)], d)


def check_gin_migration(base, migrate):
    """Migration 5 on a registry with rows: the GIN index holds their
    grams, and the names are found through it."""
    url = pgtmp.new_database(base, "hoshi_gin")
    r = subprocess.run([migrate, url, "1", "4"], capture_output=True, text=True)
    check("pg_migrate 1 4: the schema before the GIN index", r.returncode == 0, r.stdout + r.stderr)
    pg = Pg(url)
    pg.rows("INSERT INTO orgs(name, name_key) VALUES ('a', 'やまだこうむてん'), ('b', 'やまだしょうてん'),"
            " ('c', 'た');"
            "INSERT INTO declarations(id, org_id, level, declared_on) SELECT 'D' || id, id, 1, '2026-01-01' FROM orgs")
    before = pg.rows("SELECT count(*) FROM registry_grams")
    grams_before = grams(pg)
    r = subprocess.run([migrate, url, "5", "5"], capture_output=True, text=True)
    check("pg_migrate 5 5: migration 5 applies to a registry with rows", r.returncode == 0, r.stdout + r.stderr)
    after = [found(pg, k) for k in ("やまだ", "こうむ", "た", "てん", "やまだこ")]
    same("migration 5: the grams of the 3 declarations (31 rows of registry_grams) are in the index, and"
         " やまだ, こうむ, た, てん, やまだこ find what they found",
         [before] + after, [[("31",)], [("a",), ("b",)], [("a",)], [("c",)], [("a",), ("b",)], [("a",)]])
    same("migration 5: registry_grams as it was, and the index's grams are its", [grams_before, grams_before],
         [grams(pg), indexed(pg)])


def main():
    sqlite_src, migrate = sys.argv[1], sys.argv[2]
    base = os.environ.get("HOSHI_TEST_PG")
    if not base:
        print("FAIL check_schema.py: HOSHI_TEST_PG is not set (run it under tests/pg/pgtmp.py run)")
        return 1
    tmp = tempfile.mkdtemp()
    try:
        shutil.copy(sqlite_src, os.path.join(tmp, "db"))
        url = pgtmp.new_database(base, "hoshi_schema")
        r = subprocess.run([migrate, url], capture_output=True, text=True)
        check("pg_migrate: every migration of hi_pg_migrations[] applies to an empty database",
              r.returncode == 0 and r.stdout.strip().startswith("schema version "), r.stdout + r.stderr)
        if r.returncode != 0:
            return 1
        r = subprocess.run([migrate, url], capture_output=True, text=True)
        check("pg_migrate: applying them again fails (already there) and changes nothing",
              r.returncode == 1 and "migration 1" in r.stderr, r.stdout + r.stderr)
        check_gin_migration(base, migrate)
        lite, pg = Lite(os.path.join(tmp, "db")), Pg(url)
        for part in (check_structure, check_constraints, check_grams, check_history, check_public_version,
                     check_audit, check_functions):
            try:
                part(lite, pg)
            except RuntimeError as e:
                check(part.__name__, False, e)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
