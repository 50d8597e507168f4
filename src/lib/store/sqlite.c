/*
 * sqlite.c — the SQLite backend: opening the database (WAL, foreign keys,
 * busy timeout) and the versioned schema migrations applied at start.
 * The store it opens runs the shared SQL operations (sql_*.c) through the
 * SQLite driver (sqlite_driver.c), none of which call back into it.
 */
#include "sqlite_int.h"
#include "alloc.h"
#include "internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Migration N brings the schema from version N to N + 1.  Never edit a
 * released migration: append a new one. */
static const char *const migrations[] = {
    "CREATE TABLE orgs("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " corpnum TEXT NOT NULL DEFAULT '',"
    " prefecture INTEGER NOT NULL DEFAULT 0,"
    " industry TEXT NOT NULL DEFAULT '',"
    " employees INTEGER NOT NULL DEFAULT 0,"
    " contact TEXT NOT NULL DEFAULT '',"
    " star1 TEXT NOT NULL DEFAULT '00000',"
    " star1_committed INTEGER NOT NULL DEFAULT 0,"
    " draft TEXT NOT NULL DEFAULT '0000000000000000000000000',"
    " created_at INTEGER NOT NULL DEFAULT (unixepoch()));"
    "CREATE INDEX orgs_prefecture ON orgs(prefecture);"
    "CREATE TABLE users("
    " id INTEGER PRIMARY KEY,"
    " org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    " email TEXT NOT NULL UNIQUE,"
    " pwhash TEXT NOT NULL,"
    " created_at INTEGER NOT NULL DEFAULT (unixepoch()));"
    "CREATE INDEX users_org ON users(org_id);"
    "CREATE TABLE sessions("
    " digest TEXT PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " csrf TEXT NOT NULL,"
    " expires INTEGER NOT NULL);"
    "CREATE INDEX sessions_expires ON sessions(expires);"
    "CREATE TABLE diagnoses("
    " id INTEGER PRIMARY KEY,"
    " org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    " answers TEXT NOT NULL,"
    " score INTEGER NOT NULL,"
    " taken_on TEXT NOT NULL);"
    "CREATE INDEX diagnoses_org ON diagnoses(org_id, id);"
    "CREATE TABLE policies("
    " org_id INTEGER PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,"
    " representative TEXT NOT NULL,"
    " contact TEXT NOT NULL,"
    " established TEXT NOT NULL,"
    " body TEXT NOT NULL,"
    " published INTEGER NOT NULL DEFAULT 0,"
    " published_on TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE declarations("
    " seq INTEGER PRIMARY KEY,"
    " id TEXT NOT NULL UNIQUE,"
    " org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    " level INTEGER NOT NULL CHECK (level IN (1, 2)),"
    " declared_on TEXT NOT NULL,"
    " status INTEGER NOT NULL DEFAULT 1,"
    " withdrawn_on TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX declarations_org ON declarations(org_id, status);"
    "CREATE INDEX declarations_status ON declarations(status, level);",
    /* 2: registry searches read names from an index instead of the table
     * (the new index also serves every use of the one it replaces). */
    "DROP INDEX orgs_prefecture;"
    "CREATE INDEX orgs_pref_name ON orgs(prefecture, name);"
    "CREATE INDEX orgs_name ON orgs(name);",
    /* 3: a bigram index of organisation names, so a name search looks up
     * the organisations containing its first two characters instead of
     * scanning every name.  Triggers keep it in step with orgs; gram_pos
     * numbers the positions because triggers cannot use WITH. */
    "CREATE TABLE gram_pos(n INTEGER PRIMARY KEY);"
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 400)"
    " INSERT INTO gram_pos SELECT n FROM c;"
    "CREATE TABLE org_grams("
    " gram TEXT NOT NULL,"
    " org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    " PRIMARY KEY (gram, org_id)) WITHOUT ROWID;"
    "CREATE INDEX org_grams_org ON org_grams(org_id);"
    "CREATE TRIGGER orgs_grams_insert AFTER INSERT ON orgs BEGIN"
    " INSERT OR IGNORE INTO org_grams(gram, org_id)"
    "  SELECT substr(lower(NEW.name), n, 2), NEW.id FROM gram_pos WHERE n < length(NEW.name);"
    " END;"
    "CREATE TRIGGER orgs_grams_update AFTER UPDATE OF name ON orgs BEGIN"
    " DELETE FROM org_grams WHERE org_id = NEW.id;"
    " INSERT OR IGNORE INTO org_grams(gram, org_id)"
    "  SELECT substr(lower(NEW.name), n, 2), NEW.id FROM gram_pos WHERE n < length(NEW.name);"
    " END;"
    "INSERT OR IGNORE INTO org_grams(gram, org_id)"
    " SELECT substr(lower(o.name), p.n, 2), o.id FROM orgs o JOIN gram_pos p ON p.n < length(o.name);",
    /* 4: programme operators. */
    "ALTER TABLE users ADD COLUMN operator INTEGER NOT NULL DEFAULT 0;",
    /* 5: the published version of a policy apart from the owner's draft,
     * so saving an edit no longer publishes it.  What was published is
     * what the draft held. */
    "ALTER TABLE policies ADD COLUMN pub_representative TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE policies ADD COLUMN pub_contact TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE policies ADD COLUMN pub_established TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE policies ADD COLUMN pub_body TEXT NOT NULL DEFAULT '';"
    "UPDATE policies SET pub_representative = representative, pub_contact = contact,"
    " pub_established = established, pub_body = body WHERE published;",
    /* 6: surveys of declarants (issue 9; sqlite_survey.c).  An invitation
     * keeps only its token's hash, and the attributes its organisation
     * had when invited (for the progress tables); a response is its
     * invitation's, a draft until it has a respondent number, and keeps
     * the organisation's attributes as they were at submission. */
    "CREATE TABLE surveys("
    " id INTEGER PRIMARY KEY,"
    " form_id TEXT NOT NULL,"
    " title TEXT NOT NULL,"
    " version TEXT NOT NULL,"
    " definition BLOB NOT NULL,"
    " created_on TEXT NOT NULL,"
    " opens_on TEXT NOT NULL DEFAULT '',"
    " closes_on TEXT NOT NULL DEFAULT '',"
    " closed_on TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE invitations("
    " id INTEGER PRIMARY KEY,"
    " survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,"
    " org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    " token_hash BLOB NOT NULL UNIQUE,"
    " decl_id TEXT NOT NULL,"
    " level INTEGER NOT NULL,"
    " size INTEGER NOT NULL,"
    " industry TEXT NOT NULL,"
    " prefecture INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL DEFAULT (unixepoch()),"
    " UNIQUE (survey_id, org_id));"
    "CREATE INDEX invitations_org ON invitations(org_id);"
    "CREATE TABLE responses("
    " invitation_id INTEGER PRIMARY KEY REFERENCES invitations(id) ON DELETE CASCADE,"
    " survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,"
    " answers TEXT NOT NULL,"
    " page INTEGER NOT NULL DEFAULT 0,"
    " saved_at INTEGER NOT NULL DEFAULT (unixepoch()),"
    " respondent INTEGER,"
    " submitted_at INTEGER,"
    " dlevel INTEGER, dsize INTEGER, dindustry TEXT, dpref INTEGER, dscore INTEGER,"
    " UNIQUE (survey_id, respondent));",
    /* 7: the search key of each organisation's name (hoshi/namekey.h:
     * サクラ, ｻｸﾗ and さくら alike, (株) as 株式会社), written with the name
     * through the SQL function hoshi_name_key (sqlite_namekey.c) and
     * back-filled here.  The bigram index and the name indexes move from
     * the name to its key; 法人番号 gets an index of its own, for look-ups
     * by number. */
    "ALTER TABLE orgs ADD COLUMN name_key TEXT NOT NULL DEFAULT '';"
    "DROP TRIGGER orgs_grams_insert;"
    "DROP TRIGGER orgs_grams_update;"
    "CREATE TRIGGER orgs_grams_insert AFTER INSERT ON orgs BEGIN"
    " INSERT OR IGNORE INTO org_grams(gram, org_id)"
    "  SELECT substr(NEW.name_key, n, 2), NEW.id FROM gram_pos WHERE n < length(NEW.name_key);"
    " END;"
    "CREATE TRIGGER orgs_grams_update AFTER UPDATE OF name_key ON orgs BEGIN"
    " DELETE FROM org_grams WHERE org_id = NEW.id;"
    " INSERT OR IGNORE INTO org_grams(gram, org_id)"
    "  SELECT substr(NEW.name_key, n, 2), NEW.id FROM gram_pos WHERE n < length(NEW.name_key);"
    " END;"
    "DELETE FROM org_grams;"
    "UPDATE orgs SET name_key = hoshi_name_key(name);"
    "DROP INDEX orgs_name;"
    "DROP INDEX orgs_pref_name;"
    "CREATE INDEX orgs_name_key ON orgs(name_key);"
    "CREATE INDEX orgs_pref_key ON orgs(prefecture, name_key);"
    "CREATE INDEX IF NOT EXISTS orgs_corpnum ON orgs(corpnum);",
    /* Issue 11 parts 1 and 2: the register of corporate numbers, disputes
     * over a number, and the history of a declared organisation, which
     * the triggers record whatever path writes the change. */
    "CREATE TABLE nta_corps("
    " corpnum TEXT PRIMARY KEY,"
    " update_date TEXT NOT NULL,"
    " name TEXT NOT NULL,"
    " furigana TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " prefecture TEXT NOT NULL,"
    " city TEXT NOT NULL,"
    " street TEXT NOT NULL,"
    " pref_code INTEGER NOT NULL,"
    " close_date TEXT NOT NULL,"
    " close_cause TEXT NOT NULL,"
    " successor TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE nta_imports("
    " id INTEGER PRIMARY KEY,"
    " data_date TEXT NOT NULL,"
    " records INTEGER NOT NULL,"
    " imported_at INTEGER NOT NULL DEFAULT (unixepoch()));"
    "CREATE TABLE disputes("
    " id INTEGER PRIMARY KEY,"
    " corpnum TEXT NOT NULL,"
    " org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    " holder_org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    " level INTEGER NOT NULL,"
    " opened_on TEXT NOT NULL,"
    " status INTEGER NOT NULL DEFAULT 0,"
    " resolved_on TEXT NOT NULL DEFAULT '');"
    "CREATE UNIQUE INDEX disputes_open ON disputes(org_id) WHERE status = 0;"
    "CREATE TABLE org_history("
    " id INTEGER PRIMARY KEY,"
    " org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    " changed_on TEXT NOT NULL,"
    " field INTEGER NOT NULL,"
    " before TEXT NOT NULL,"
    " after TEXT NOT NULL);"
    "CREATE INDEX org_history_org ON org_history(org_id);"
    "CREATE TRIGGER org_history_name AFTER UPDATE OF name ON orgs"
    " WHEN NEW.name <> OLD.name"
    "  AND EXISTS (SELECT 1 FROM declarations d WHERE d.org_id = NEW.id AND d.status = 1)"
    " BEGIN INSERT INTO org_history(org_id, changed_on, field, before, after)"
    "  VALUES (NEW.id, date('now', 'localtime'), 1, OLD.name, NEW.name); END;"
    "CREATE TRIGGER org_history_prefecture AFTER UPDATE OF prefecture ON orgs"
    " WHEN NEW.prefecture <> OLD.prefecture"
    "  AND EXISTS (SELECT 1 FROM declarations d WHERE d.org_id = NEW.id AND d.status = 1)"
    " BEGIN INSERT INTO org_history(org_id, changed_on, field, before, after)"
    "  VALUES (NEW.id, date('now', 'localtime'), 2, OLD.prefecture, NEW.prefecture); END;"
    "CREATE TRIGGER org_history_level AFTER INSERT ON declarations"
    " WHEN EXISTS (SELECT 1 FROM declarations p WHERE p.org_id = NEW.org_id AND p.id <> NEW.id"
    "  AND p.status = 0 AND p.withdrawn_on = NEW.declared_on AND p.level <> NEW.level)"
    " BEGIN INSERT INTO org_history(org_id, changed_on, field, before, after)"
    "  VALUES (NEW.org_id, NEW.declared_on, 3, (SELECT p.level FROM declarations p"
    "   WHERE p.org_id = NEW.org_id AND p.id <> NEW.id AND p.status = 0"
    "   AND p.withdrawn_on = NEW.declared_on ORDER BY p.rowid DESC LIMIT 1), NEW.level); END;",
    /* 7: the e-mail outbox (issue 11 part 4; sqlite_outbox.c).  A message
     * is unsent while `sent` is NULL; dedup, when set, makes queueing
     * idempotent (a reminder is queued once however often the scan runs). */
    "CREATE TABLE outbox("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL,"
    " rcpt TEXT NOT NULL,"
    " subject TEXT NOT NULL,"
    " body TEXT NOT NULL,"
    " dedup TEXT UNIQUE,"
    " created INTEGER NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt INTEGER NOT NULL,"
    " sent INTEGER,"
    " last_error TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX outbox_due ON outbox(next_attempt) WHERE sent IS NULL;",
    /* Issue 11 part 3 (sqlite_member.c): several log-ins per organisation.
     * role 1 is the owner, 0 a member; the accounts there were become
     * their organisation's owner.  account_tokens keeps the digests of
     * the one-time links mailed out (invitations, resets, e-mail changes). */
    "ALTER TABLE users ADD COLUMN role INTEGER NOT NULL DEFAULT 1;"
    "CREATE TABLE account_tokens("
    " id INTEGER PRIMARY KEY,"
    " digest TEXT NOT NULL UNIQUE,"
    " kind INTEGER NOT NULL,"
    " org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    " user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,"
    " email TEXT NOT NULL,"
    " expires INTEGER NOT NULL);"
    "CREATE INDEX account_tokens_org ON account_tokens(org_id, kind);"
    "CREATE INDEX account_tokens_user ON account_tokens(user_id);",
    /* Issue 11 (a-left): a counter of changes to public data kept in the
     * database itself, so a server notices what another process wrote
     * (hoshi nta import) and retires its cached pages (hoshi_store_generation).
     * Triggers bump it whatever path writes. */
    "CREATE TABLE public_version(id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);"
    "INSERT INTO public_version VALUES (1, 0);"
    "CREATE TRIGGER public_nta AFTER INSERT ON nta_imports"
    " BEGIN UPDATE public_version SET n = n + 1; END;"
    "CREATE TRIGGER public_decl_insert AFTER INSERT ON declarations"
    " BEGIN UPDATE public_version SET n = n + 1; END;"
    "CREATE TRIGGER public_decl_update AFTER UPDATE ON declarations"
    " BEGIN UPDATE public_version SET n = n + 1; END;"
    "CREATE TRIGGER public_decl_delete AFTER DELETE ON declarations"
    " BEGIN UPDATE public_version SET n = n + 1; END;"
    "CREATE TRIGGER public_org_update AFTER UPDATE OF name, corpnum, prefecture, industry, employees ON orgs"
    " BEGIN UPDATE public_version SET n = n + 1; END;"
    "CREATE TRIGGER public_org_delete AFTER DELETE ON orgs"
    " BEGIN UPDATE public_version SET n = n + 1; END;"
    "CREATE TRIGGER public_policy_insert AFTER INSERT ON policies"
    " BEGIN UPDATE public_version SET n = n + 1; END;"
    "CREATE TRIGGER public_policy_update AFTER UPDATE OF published, published_on, pub_representative,"
    " pub_contact, pub_established, pub_body ON policies"
    " BEGIN UPDATE public_version SET n = n + 1; END;"
    "CREATE TRIGGER public_policy_delete AFTER DELETE ON policies"
    " BEGIN UPDATE public_version SET n = n + 1; END;",
    /* Issue 11 part 7: every publication of a policy as a numbered version
     * with its text and review date (sqlite_policy.c).  A policy published
     * before becomes version 1, due for review a year after it was
     * published.  IF NOT EXISTS / OR IGNORE: a test may replay it. */
    "CREATE TABLE IF NOT EXISTS policy_versions("
    " org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    " number INTEGER NOT NULL,"
    " published_on TEXT NOT NULL,"
    " review_on TEXT NOT NULL,"
    " representative TEXT NOT NULL,"
    " contact TEXT NOT NULL,"
    " established TEXT NOT NULL,"
    " body TEXT NOT NULL,"
    " PRIMARY KEY (org_id, number)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS policy_versions_review ON policy_versions(review_on);"
    "INSERT OR IGNORE INTO policy_versions(org_id, number, published_on, review_on, representative, contact,"
    " established, body)"
    " SELECT org_id, 1, published_on, date(published_on, '+1 year'), pub_representative, pub_contact,"
    " pub_established, pub_body FROM policies WHERE published AND published_on <> '';",
    /* Issue 11 part 6: the operator's audit log (sqlite_audit.c), which
     * the schema itself keeps append-only, and who withdrew a declaration
     * (1: the programme, with the key of its reason). */
    "CREATE TABLE audit_log("
    " id INTEGER PRIMARY KEY,"
    " at INTEGER NOT NULL,"
    " operator_id INTEGER NOT NULL,"
    " operator_email TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " decl_id TEXT NOT NULL DEFAULT '',"
    " org_id INTEGER NOT NULL DEFAULT 0,"
    " reason TEXT NOT NULL DEFAULT '',"
    " note TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX audit_log_decl ON audit_log(decl_id, id);"
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "ALTER TABLE declarations ADD COLUMN withdrawn_by INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE declarations ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT '';",
    /* Issue 11 part 4 (dead letters): when the sender gave a message up
     * after its last attempt; it is kept, and no longer due. */
    "ALTER TABLE outbox ADD COLUMN failed INTEGER;",
    /* Issue 12 part 2: log-in and sign-up counters shared by every server
     * on the database (sql_throttle.c), keyed by a digest the server makes
     * with the secret kept here (made on first use); the number of bounded
     * counters is kept beside it so the cap costs one row to check. */
    "CREATE TABLE throttle("
    " key BLOB PRIMARY KEY,"
    " n INTEGER NOT NULL,"
    " last INTEGER NOT NULL,"
    " bounded INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE INDEX throttle_last ON throttle(last);"
    "CREATE TABLE throttle_meta("
    " id INTEGER PRIMARY KEY,"
    " bounded INTEGER NOT NULL,"
    " secret BLOB);"
    "INSERT INTO throttle_meta(id, bounded) VALUES (1, 0);",
    /* Issue 12 part 4: the registry search by industry (alone or with a
     * prefecture) reads the organisations of that industry from an index
     * instead of walking every declaration (sql_search.c). */
    "CREATE INDEX IF NOT EXISTS orgs_industry ON orgs(industry, prefecture);",
    /* Issue 12 part 4: the registry search's own tables.  `registry` holds
     * one narrow row per declaration in force (its seq, the organisation's
     * search columns), and registry_grams every 1- and 2-character
     * substring of its name key, by declaration: a name of one or two
     * characters is then exactly its gram's entries.  A
     * search then counts and pages over covering indexes and never joins
     * to a declaration to learn whether it is in force (sql_search.c,
     * docs/internals.md "The registry search").  The triggers keep both
     * exact whatever writes the declarations or the organisation (an
     * organisation's rows are found through declarations_org); the
     * bigram index by organisation and the two organisation indexes that
     * served the search go. */
    "CREATE TABLE registry("
    " seq INTEGER PRIMARY KEY,"
    " org_id INTEGER NOT NULL,"
    " level INTEGER NOT NULL,"
    " prefecture INTEGER NOT NULL,"
    " industry TEXT NOT NULL,"
    " name_key TEXT NOT NULL);"
    "CREATE INDEX registry_level ON registry(level, seq);"
    "CREATE INDEX registry_pref ON registry(prefecture, seq, industry, level, name_key);"
    "CREATE INDEX registry_industry ON registry(industry, seq, prefecture, level, name_key);"
    "CREATE TABLE registry_grams("
    " gram TEXT NOT NULL,"
    " seq INTEGER NOT NULL,"
    " PRIMARY KEY (gram, seq)) WITHOUT ROWID;"
    "CREATE TRIGGER registry_decl_insert AFTER INSERT ON declarations WHEN NEW.status = 1 BEGIN"
    " INSERT INTO registry(seq, org_id, level, prefecture, industry, name_key)"
    "  SELECT NEW.seq, o.id, NEW.level, o.prefecture, o.industry, o.name_key FROM orgs o WHERE o.id = NEW.org_id;"
    " INSERT OR IGNORE INTO registry_grams(gram, seq)"
    "  SELECT substr(o.name_key, p.n, w.w), NEW.seq FROM orgs o JOIN gram_pos p JOIN (SELECT 1 AS w UNION ALL SELECT 2) w ON p.n <= length(o.name_key) + 1 - w.w"
    "  WHERE o.id = NEW.org_id;"
    " END;"
    "CREATE TRIGGER registry_decl_update AFTER UPDATE OF status, level, org_id ON declarations BEGIN"
    " DELETE FROM registry_grams WHERE seq = OLD.seq AND gram IN"
    "  (SELECT substr(r.name_key, p.n, w.w) FROM registry r JOIN gram_pos p JOIN (SELECT 1 AS w UNION ALL SELECT 2) w ON p.n <= length(r.name_key) + 1 - w.w"
    "   WHERE r.seq = OLD.seq);"
    " DELETE FROM registry WHERE seq = OLD.seq;"
    " INSERT INTO registry(seq, org_id, level, prefecture, industry, name_key)"
    "  SELECT NEW.seq, o.id, NEW.level, o.prefecture, o.industry, o.name_key FROM orgs o"
    "  WHERE o.id = NEW.org_id AND NEW.status = 1;"
    " INSERT OR IGNORE INTO registry_grams(gram, seq)"
    "  SELECT substr(r.name_key, p.n, w.w), r.seq FROM registry r JOIN gram_pos p JOIN (SELECT 1 AS w UNION ALL SELECT 2) w ON p.n <= length(r.name_key) + 1 - w.w"
    "  WHERE r.seq = NEW.seq;"
    " END;"
    "CREATE TRIGGER registry_decl_delete AFTER DELETE ON declarations BEGIN"
    " DELETE FROM registry_grams WHERE seq = OLD.seq AND gram IN"
    "  (SELECT substr(r.name_key, p.n, w.w) FROM registry r JOIN gram_pos p JOIN (SELECT 1 AS w UNION ALL SELECT 2) w ON p.n <= length(r.name_key) + 1 - w.w"
    "   WHERE r.seq = OLD.seq);"
    " DELETE FROM registry WHERE seq = OLD.seq;"
    " END;"
    "CREATE TRIGGER registry_org_update AFTER UPDATE OF name_key, prefecture, industry ON orgs BEGIN"
    " DELETE FROM registry_grams WHERE seq IN (SELECT seq FROM declarations WHERE org_id = NEW.id AND status = 1)"
    "  AND gram IN"
    "  (SELECT substr(OLD.name_key, p.n, w.w) FROM gram_pos p JOIN (SELECT 1 AS w UNION ALL SELECT 2) w ON p.n <= length(OLD.name_key) + 1 - w.w);"
    " UPDATE registry SET prefecture = NEW.prefecture, industry = NEW.industry, name_key = NEW.name_key"
    "  WHERE seq IN (SELECT seq FROM declarations WHERE org_id = NEW.id AND status = 1);"
    " INSERT OR IGNORE INTO registry_grams(gram, seq)"
    "  SELECT substr(NEW.name_key, p.n, w.w), d.seq FROM declarations d JOIN gram_pos p JOIN (SELECT 1 AS w UNION ALL SELECT 2) w ON p.n <= length(NEW.name_key) + 1 - w.w"
    "  WHERE d.org_id = NEW.id AND d.status = 1;"
    " END;"
    "INSERT INTO registry(seq, org_id, level, prefecture, industry, name_key)"
    " SELECT d.seq, o.id, d.level, o.prefecture, o.industry, o.name_key"
    " FROM declarations d JOIN orgs o ON o.id = d.org_id WHERE d.status = 1;"
    "INSERT OR IGNORE INTO registry_grams(gram, seq)"
    " SELECT substr(r.name_key, p.n, w.w), r.seq FROM registry r JOIN gram_pos p JOIN (SELECT 1 AS w UNION ALL SELECT 2) w ON p.n <= length(r.name_key) + 1 - w.w;"
    "DROP TRIGGER orgs_grams_insert;"
    "DROP TRIGGER orgs_grams_update;"
    "DROP TABLE org_grams;"
    "DROP INDEX orgs_pref_key;"
    "DROP INDEX orgs_industry;",
    /* Issue 13 part 5: the supply chain (sql_suppliers.c).  A client's
     * list of suppliers, each by 法人番号 or declaration ID (one of the
     * two, the other ''), with the digest of its invitation link (NULL
     * none) and the organisation that came through it (0 none); and each
     * supplier's consent to a client seeing its latest scores, kept as a
     * record (revoked_at 0 while it stands). */
    "CREATE TABLE suppliers("
    " id INTEGER PRIMARY KEY,"
    " client_org INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    " corpnum TEXT NOT NULL DEFAULT '',"
    " decl_id TEXT NOT NULL DEFAULT '',"
    " name TEXT NOT NULL,"
    " email TEXT NOT NULL DEFAULT '',"
    " link TEXT,"
    " invited_at INTEGER NOT NULL DEFAULT 0,"
    " joined_org INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX suppliers_entry ON suppliers(client_org, corpnum, decl_id);"
    "CREATE UNIQUE INDEX suppliers_link ON suppliers(link);"
    "CREATE INDEX suppliers_corpnum ON suppliers(corpnum);"
    "CREATE INDEX suppliers_decl ON suppliers(decl_id);"
    "CREATE INDEX suppliers_joined ON suppliers(joined_org);"
    "CREATE TABLE supplier_consents("
    " supplier_org INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    " client_org INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    " granted_at INTEGER NOT NULL,"
    " revoked_at INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (supplier_org, client_org));",
};

int hoshi_store_schema_version(void)
{
    return (int)(sizeof migrations / sizeof migrations[0]);
}

/* Reads the schema version and applies every migration it lacks, all in
 * one write transaction: the version is read after BEGIN IMMEDIATE, so of
 * two processes opening a new database together the second waits and then
 * finds the schema current.  Either the schema reaches the current version
 * or it stays as it was. */
static hoshi_err sq_fail(hi_sqlite_db *c, const char *what)
{
    return hi_sqlite_driver.fail(c, what);
}

static hoshi_err migrate_in(hi_sqlite_db *c)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return sq_fail(c, "schema version");
    int rc = sqlite3_step(st);
    int version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return sq_fail(c, "schema version");
    int target = hoshi_store_schema_version();
    if (version > target)
        return hi_fail(HOSHI_ERR_IO, "database schema version %d is newer than this hoshi (%d)",
                       version, target);
    for (int v = version; v < target; v++) {
        char *msg = NULL;
        if (sqlite3_exec(c->db, migrations[v], NULL, NULL, &msg) != SQLITE_OK) {
            hoshi_err e = hi_fail(sqlite3_errcode(c->db) == SQLITE_NOMEM ? HOSHI_ERR_NOMEM : HOSHI_ERR_IO,
                                  "database migration %d: %s", v + 1, msg ? msg : "?");
            sqlite3_free(msg);
            return e;
        }
    }
    if (version < target) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", target);
        if (sqlite3_exec(c->db, pragma, NULL, NULL, NULL) != SQLITE_OK)
            return sq_fail(c, "set schema version");
    }
    return HOSHI_OK;
}

static hoshi_err migrate(hi_sqlite_db *c)
{
    if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return sq_fail(c, "begin migration");
    hoshi_err err = migrate_in(c);
    if (err == HOSHI_OK && sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        err = sq_fail(c, "commit migration");
    if (err != HOSHI_OK)
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}

/* The directory must be writable too: SQLite creates the WAL, its index
 * and rollback journals next to the database.  (For root access() always
 * says yes, and root can indeed write.) */
static hoshi_err dir_writable(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) < sizeof dir)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        return HOSHI_OK; /* let SQLite find out */
    if (access(dir, F_OK) == 0 && access(dir, W_OK | X_OK) != 0)
        return hi_fail(HOSHI_ERR_IO, "database %s is read-only: its directory %s is not writable"
                       " (SQLite keeps its journal and WAL files there)", path, dir);
    return HOSHI_OK;
}

static hoshi_err open_db(const char *path, hi_sqlite_db *c)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK)
        return hi_fail(HOSHI_ERR_IO, "cannot open database %s: %s", path,
                       c->db ? sqlite3_errmsg(c->db) : "out of memory");
    /* SQLite quietly opens a file it may not write read-only; every write
     * would then fail later, long after start. */
    if (sqlite3_db_readonly(c->db, "main") == 1)
        return hi_fail(HOSHI_ERR_IO, "database %s is read-only: this process may not write the file"
                       " (check its permissions and owner)", path);
    sqlite3_busy_timeout(c->db, 5000);
    if (hi_sq_namekey_register(c->db) != SQLITE_OK)
        return sq_fail(c, "register hoshi_name_key");
    if (sqlite3_prepare_v3(c->db, "ROLLBACK", -1, SQLITE_PREPARE_PERSISTENT, &c->rollback, NULL) != SQLITE_OK)
        return sq_fail(c, "prepare");
    static const char setup[] = "PRAGMA journal_mode = WAL;"
                                "PRAGMA synchronous = NORMAL;"
                                "PRAGMA foreign_keys = ON;"
                                "PRAGMA cache_size = -16000;"
                                "PRAGMA temp_store = MEMORY;"
                                "PRAGMA mmap_size = 2147483648;";
    char *msg = NULL;
    /* Switching a new database to WAL needs an exclusive lock, and SQLite
     * answers BUSY at once, without the busy handler, while another opener
     * holds it (or is migrating): retry for as long as the busy timeout. */
    int rc;
    for (int tries = 0; (rc = sqlite3_exec(c->db, setup, NULL, NULL, &msg)) == SQLITE_BUSY && tries < 500; tries++) {
        sqlite3_free(msg);
        msg = NULL;
        sqlite3_sleep(10);
    }
    if (rc != SQLITE_OK) {
        hoshi_err e = hi_fail(sqlite3_errcode(c->db) == SQLITE_NOMEM ? HOSHI_ERR_NOMEM : HOSHI_ERR_IO,
                              "database %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        return e;
    }
    return HOSHI_OK;
}

/* A new connection in *out (closed again on failure). */
static hoshi_err open_conn(const char *path, void **out)
{
    hi_sqlite_db *c = hi_calloc(1, sizeof *c);
    if (c == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory opening the store");
    hoshi_err err = open_db(path, c);
    if (err != HOSHI_OK) {
        hi_sqlite_driver.close(c);
        return err;
    }
    *out = c;
    return HOSHI_OK;
}

/* unixepoch(), used by the schema and the queries, came with 3.38.0. */
#define SQLITE_NEEDED 3038000

static atomic_int sqlite_version_claimed;

void hoshi_store_testing_sqlite_version(int number)
{
    atomic_store(&sqlite_version_claimed, number);
}

static hoshi_err sqlite_new_enough(void)
{
    int v = atomic_load(&sqlite_version_claimed);
    if (v == 0)
        v = sqlite3_libversion_number();
    if (v < SQLITE_NEEDED)
        return hi_fail(HOSHI_ERR_IO, "SQLite %d.%d.%d is too old: hoshi's database needs 3.38.0 or newer",
                       v / 1000000, v / 1000 % 1000, v % 1000);
    return HOSHI_OK;
}

hoshi_err hoshi_store_open_sqlite(const char *path, int connections, hoshi_store **out)
{
    hi_clear_error();
    *out = NULL;
    if (path == NULL || *path == '\0' || connections < 1 || connections > 256)
        return hi_fail(HOSHI_ERR_USAGE, "store: a database path and 1..256 connections are needed");
    hoshi_err err;
    if ((err = sqlite_new_enough()) != HOSHI_OK || (err = dir_writable(path)) != HOSHI_OK)
        return err;
    if (sodium_init() < 0) /* declaration IDs come from randombytes */
        return hi_fail(HOSHI_ERR_INTERNAL, "libsodium failed to initialise");
    hi_sqlstore *s = hi_sqlstore_new(&hi_sqlite_driver, connections);
    if (s == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory opening the store");
    s->base.ops = &hi_sql_ops;
    /* The first connection migrates before the others look at the schema. */
    for (int i = 0; i < connections; i++) {
        if ((err = open_conn(path, &s->conn[i].db)) != HOSHI_OK)
            goto undo_store;
        if (i == 0 && (err = migrate(s->conn[0].db)) != HOSHI_OK)
            goto undo_store;
    }
    *out = &s->base;
    return HOSHI_OK;
undo_store:
    hi_sqlstore_free(s);
    return err;
}
