/*
 * test_store_open.c — opening the SQLite store: processes starting
 * together on a new database migrate it once; a database of an old schema
 * that holds data is upgraded with every row kept (the model for testing
 * each future migration: build the old version's database, open it,
 * read everything back through the API); a database this process may not
 * write, a schema newer than the code and an SQLite too old are refused
 * with a clear message at open.
 */
#include "hoshi/store.h"
#include "hoshi/store_accounts.h"
#include "hoshi/store_nta.h"
#include "hoshi/store_outbox.h"
#include "hoshi/store_registry.h"
#include "unit.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/hoshi-store-open-XXXXXX";

/* --- opening together ---------------------------------------------------- */

#define OPENERS 4
#define ROUNDS 25

typedef struct opener {
    const char *path;
    pthread_barrier_t *start;
    hoshi_err err;
    char detail[256];
} opener;

static void *open_one(void *arg)
{
    opener *o = arg;
    hoshi_store *s = NULL;
    pthread_barrier_wait(o->start);
    o->err = hoshi_store_open_sqlite(o->path, 1, &s);
    snprintf(o->detail, sizeof o->detail, "%s", hoshi_error_detail());
    hoshi_store_close(s);
    return NULL;
}

static int user_version(const char *path)
{
    sqlite3 *db = NULL;
    int v = -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* Issue 7, finding 12: the version used to be read before the write
 * transaction, so two openers could both see 0 and both run migration 1
 * ("table orgs already exists"). */
static void openers_together_migrate_once(void)
{
    int failures = 0, wrong_version = 0;
    for (int round = 0; round < ROUNDS; round++) {
        char path[128];
        snprintf(path, sizeof path, "%s/together%d.db", dir, round);
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, OPENERS);
        opener o[OPENERS];
        pthread_t t[OPENERS];
        for (int i = 0; i < OPENERS; i++) {
            o[i] = (opener){path, &start, HOSHI_OK, ""};
            pthread_create(&t[i], NULL, open_one, &o[i]);
        }
        for (int i = 0; i < OPENERS; i++) {
            pthread_join(t[i], NULL);
            if (o[i].err != HOSHI_OK) {
                if (failures++ == 0)
                    printf("  round %d: %s\n", round, o[i].detail);
            }
        }
        pthread_barrier_destroy(&start);
        if (user_version(path) != hoshi_store_schema_version())
            wrong_version++;
    }
    CHECK_INT(failures, 0);
    CHECK_INT(wrong_version, 0);
}

/* --- upgrading a database that holds data -------------------------------- */

/* The schema of version 1 exactly as migration 1 made it, and data in it. */
static const char v1_schema[] =
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
    "CREATE INDEX declarations_status ON declarations(status, level);"
    "PRAGMA user_version = 1;";

static const char v1_data[] =
    "INSERT INTO orgs(id, name, corpnum, prefecture, industry, employees, contact, star1,"
    " star1_committed, draft) VALUES"
    " (1, '星野商店', '7000012050002', 13, 'G', 2, '星野', '11111', 1, '1234000000000000000000000'),"
    " (2, 'Yamada Works', '', 27, 'E', 3, '山田', '11011', 0, '0000000000000000000000000');"
    "INSERT INTO users(id, org_id, email, pwhash) VALUES (1, 1, 'hoshi@example.jp', '$argon2id$h1'),"
    " (2, 2, 'yamada@example.jp', '$argon2id$h2');"
    "INSERT INTO sessions VALUES ('digest1', 1, 'csrf1', 4102444800);"
    "INSERT INTO diagnoses(id, org_id, answers, score, taken_on) VALUES"
    " (1, 1, '1111111111111111111111111', 100, '2025-12-01');"
    "INSERT INTO policies VALUES (1, '代表 星野花子', '総務部', '2025-12-01', '公開した方針', 1, '2025-12-02'),"
    " (2, '代表 山田太郎', '', '2025-12-05', '書きかけの方針', 0, '');"
    "INSERT INTO declarations(id, org_id, level, declared_on, status, withdrawn_on) VALUES"
    " ('10000000017', 1, 1, '2025-11-01', 0, '2025-12-03'),"
    " ('10000000025', 1, 2, '2025-12-03', 1, ''),"
    " ('10000000033', 2, 1, '2025-12-06', 1, '');";

static void upgrade_keeps_every_row(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/v1.db", dir);
    sqlite3 *db = NULL;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    CHECK_INT(sqlite3_exec(db, v1_schema, NULL, NULL, &msg), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, v1_data, NULL, NULL, &msg), SQLITE_OK);
    if (msg != NULL)
        printf("  %s\n", msg);
    sqlite3_free(msg);
    sqlite3_close(db);

    hoshi_store *s = NULL;
    CHECK_INT(hoshi_store_open_sqlite(path, 2, &s), HOSHI_OK);
    if (s == NULL) {
        printf("  %s\n", hoshi_error_detail());
        return;
    }
    CHECK_INT(user_version(path), hoshi_store_schema_version());
    hoshi_user u;
    CHECK_INT(hoshi_store_user_by_email(s, "hoshi@example.jp", &u), HOSHI_OK);
    CHECK_INT(u.id, 1);
    CHECK_INT(u.org_id, 1);
    CHECK_STR(u.pwhash, "$argon2id$h1");
    hoshi_session ses;
    CHECK_INT(hoshi_store_session_get(s, "digest1", (long long)time(NULL), &ses), HOSHI_OK);
    CHECK_INT(ses.user_id, 1);
    CHECK_STR(ses.token, "csrf1");
    CHECK(!ses.is_operator); /* migration 4's column, at its default */
    hoshi_org o;
    CHECK_INT(hoshi_store_org_get(s, 1, &o), HOSHI_OK);
    CHECK_STR(o.name, "星野商店");
    CHECK_STR(o.corpnum, "7000012050002");
    CHECK_INT(o.prefecture, 13);
    CHECK_STR(o.industry, "G");
    CHECK_INT(o.employees, 2);
    CHECK_STR(o.contact, "星野");
    CHECK_STR(o.star1, "11111");
    CHECK(o.star1_committed);
    CHECK_STR(o.draft, "1234000000000000000000000");
    hoshi_diagnosis d;
    CHECK_INT(hoshi_store_diagnosis_get(s, 1, 1, &d), HOSHI_OK);
    CHECK_INT(d.score, 100);
    CHECK_STR(d.taken_on, "2025-12-01");
    /* Migration 5: what was published stays published, as it was. */
    hoshi_policy_rec p;
    CHECK_INT(hoshi_store_policy_get_public(s, 1, &p), HOSHI_OK);
    CHECK_STR(p.body, "公開した方針");
    CHECK_STR(p.representative, "代表 星野花子");
    CHECK_STR(p.contact, "総務部");
    CHECK_STR(p.established, "2025-12-01");
    CHECK_STR(p.published_on, "2025-12-02");
    free(p.body);
    CHECK_INT(hoshi_store_policy_get(s, 1, &p), HOSHI_OK);
    CHECK_STR(p.body, "公開した方針");
    CHECK(p.published && !p.unpublished_changes);
    free(p.body);
    CHECK_INT(hoshi_store_policy_get_public(s, 2, &p), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_store_policy_get(s, 2, &p), HOSHI_OK);
    CHECK_STR(p.body, "書きかけの方針");
    CHECK(!p.published);
    free(p.body);
    hoshi_decl dl;
    CHECK_INT(hoshi_store_decl_get(s, "10000000017", &dl), HOSHI_OK);
    CHECK_INT(dl.status, HOSHI_DECL_WITHDRAWN);
    CHECK_STR(dl.withdrawn_on, "2025-12-03");
    CHECK_INT(hoshi_store_decl_active(s, 1, &dl), HOSHI_OK);
    CHECK_STR(dl.id, "10000000025");
    CHECK(dl.has_policy);
    CHECK_INT(hoshi_store_decl_active(s, 2, &dl), HOSHI_OK);
    CHECK(!dl.has_policy);
    /* Migration 3 indexed the names already there. */
    hoshi_decl out[4];
    size_t n;
    long long total;
    hoshi_decl_query q = {"星野", 0, NULL, 0, false, 0, 4, 0};
    CHECK_INT(hoshi_store_decl_search(s, &q, out, &n, &total), HOSHI_OK);
    CHECK_INT(total, 1);
    q.name = "yamada";
    CHECK_INT(hoshi_store_decl_search(s, &q, out, &n, &total), HOSHI_OK);
    CHECK_INT(total, 1);
    /* Migration 7 gave the names already there their search key. */
    q.name = "ＹＡＭＡＤＡ ｗｏｒｋｓ";
    CHECK_INT(hoshi_store_decl_search(s, &q, out, &n, &total), HOSHI_OK);
    CHECK_INT(total, 1);
    CHECK_INT(hoshi_store_decl_by_corpnum(s, "7000012050002", out, 4, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    hoshi_stats st;
    CHECK_INT(hoshi_store_stats(s, &st), HOSHI_OK);
    CHECK_INT(st.orgs, 2);
    CHECK_INT(st.users, 2);
    CHECK_INT(st.diagnoses, 1);
    CHECK_INT(st.policies, 1);
    CHECK_INT(st.active[1], 1);
    CHECK_INT(st.active[2], 1);
    CHECK_INT(st.withdrawn, 1);
    /* Migration 7: an empty outbox that takes messages; the upgraded
     * declarations are seen by the reminder look-up. */
    hoshi_outbox_msg due[2];
    CHECK_INT(hoshi_store_outbox_due(s, (long long)time(NULL), due, 2, &n), HOSHI_OK);
    CHECK_INT(n, 0);
    hoshi_outbox_new m = {"rediag", "hoshi@example.jp", "件名", "本文\n", "rediag:10000000025"};
    bool queued = false;
    CHECK_INT(hoshi_store_outbox_queue(s, &m, 1, NULL, &queued), HOSHI_OK);
    CHECK(queued);
    char to[HOSHI_STORE_EMAIL];
    CHECK_INT(hoshi_store_org_email(s, 2, to), HOSHI_OK);
    CHECK_STR(to, "yamada@example.jp");
    /* And the upgraded database takes new data. */
    long long uid, oid;
    CHECK_INT(hoshi_store_signup(s, "new@example.jp", "h", "新しい会社", &uid, &oid), HOSHI_OK);
    CHECK_INT(oid, 3);
    /* Issue 11 parts 1 and 2: no register, no dispute, no history yet;
     * then a rename of an organisation declared before is recorded. */
    char nta_date[HOSHI_STORE_DATE];
    CHECK_INT(hoshi_store_nta_date(s, nta_date), HOSHI_OK);
    CHECK_STR(nta_date, "");
    hoshi_dispute dsp[1];
    CHECK_INT(hoshi_store_dispute_list(s, dsp, 1, &n), HOSHI_OK);
    CHECK_INT(n, 0);
    hoshi_org_change ch[2];
    CHECK_INT(hoshi_store_org_history(s, 1, ch, 2, &n), HOSHI_OK);
    CHECK_INT(n, 0);
    snprintf(o.name, sizeof o.name, "%s", "星野商店株式会社");
    CHECK_INT(hoshi_store_org_update(s, &o), HOSHI_OK);
    CHECK_INT(hoshi_store_org_history(s, 1, ch, 2, &n), HOSHI_OK);
    CHECK_INT(n, 1);
    CHECK_INT(ch[0].field, HOSHI_CHANGE_NAME);
    CHECK_STR(ch[0].before, "星野商店");
    CHECK_STR(ch[0].after, "星野商店株式会社");
    hoshi_store_close(s);
    /* Opening again changes nothing. */
    CHECK_INT(hoshi_store_open_sqlite(path, 1, &s), HOSHI_OK);
    CHECK_INT(hoshi_store_stats(s, &st), HOSHI_OK);
    CHECK_INT(st.orgs, 3);
    hoshi_store_close(s);
}

/* --- refusals at open ---------------------------------------------------- */

static void newer_schema_refused(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/newer.db", dir);
    sqlite3 *db = NULL;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", hoshi_store_schema_version() + 1);
    CHECK_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    hoshi_store *s = NULL;
    CHECK_INT(hoshi_store_open_sqlite(path, 1, &s), HOSHI_ERR_IO);
    CHECK(strstr(hoshi_error_detail(), "newer than this hoshi") != NULL);
    CHECK(s == NULL);
    hoshi_store_close(s);
}

static void old_sqlite_refused(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/old-sqlite.db", dir);
    hoshi_store *s = NULL;
    hoshi_store_testing_sqlite_version(3037002);
    CHECK_INT(hoshi_store_open_sqlite(path, 1, &s), HOSHI_ERR_IO);
    CHECK(strstr(hoshi_error_detail(), "SQLite 3.37.2 is too old") != NULL);
    CHECK(s == NULL);
    hoshi_store_close(s);
    CHECK(access(path, F_OK) != 0); /* nothing was created */
    hoshi_store_testing_sqlite_version(3038000);
    CHECK_INT(hoshi_store_open_sqlite(path, 1, &s), HOSHI_OK);
    hoshi_store_close(s);
    hoshi_store_testing_sqlite_version(0);
}

/* Opens path in a child process that cannot write it: as root (for whom
 * permissions do not stop writes) the child first becomes nobody.  The
 * child exits 0 when the open failed with HOSHI_ERR_IO and a detail
 * holding `want`, 2 when it could not drop privileges. */
static int open_unwritable(const char *path, const char *want)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(2);
        hoshi_store *s = NULL;
        hoshi_err err = hoshi_store_open_sqlite(path, 1, &s);
        if (err == HOSHI_OK) {
            hoshi_store_close(s);
            _exit(1);
        }
        printf("  refused: %s\n", hoshi_error_detail());
        fflush(stdout);
        _exit(err == HOSHI_ERR_IO && strstr(hoshi_error_detail(), want) != NULL ? 0 : 1);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

/* "The server refuses to start on a database it cannot write": SQLite
 * would open a write-protected file read-only and fail every write later. */
static void unwritable_database_refused(void)
{
    char rw[128], ro[128], path[160];
    snprintf(rw, sizeof rw, "%s/rw", dir);
    snprintf(ro, sizeof ro, "%s/ro", dir);
    CHECK_INT(chmod(dir, 0755), 0);
    CHECK_INT(mkdir(rw, 0777), 0);
    CHECK_INT(chmod(rw, 0777), 0); /* whatever the umask */
    CHECK_INT(mkdir(ro, 0755), 0);
    /* A write-protected file in a writable directory. */
    snprintf(path, sizeof path, "%s/file.db", rw);
    hoshi_store *s = NULL;
    CHECK_INT(hoshi_store_open_sqlite(path, 1, &s), HOSHI_OK);
    hoshi_store_close(s);
    CHECK_INT(chmod(path, 0444), 0);
    CHECK_INT(open_unwritable(path, "is read-only"), 0);
    /* A writable file in a write-protected directory (no room for the
     * WAL and journal files). */
    snprintf(path, sizeof path, "%s/file.db", ro);
    CHECK_INT(hoshi_store_open_sqlite(path, 1, &s), HOSHI_OK);
    hoshi_store_close(s);
    CHECK_INT(chmod(path, 0666), 0);
    CHECK_INT(chmod(ro, 0555), 0);
    CHECK_INT(open_unwritable(path, "directory"), 0);
    CHECK_INT(chmod(ro, 0755), 0);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(openers_together_migrate_once);
    RUN(upgrade_keeps_every_row);
    RUN(newer_schema_refused);
    RUN(old_sqlite_refused);
    RUN(unwritable_database_refused);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return UNIT_RESULT();
}
