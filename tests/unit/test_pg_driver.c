/*
 * test_pg_driver.c — the PostgreSQL driver (src/lib/store/pg_driver.c,
 * pg_open.c) against a running server named by HOSHI_TEST_PG (a libpq
 * conninfo or URL; tests/suites/pg_driver.sh starts a throwaway server and
 * sets it).  Everything happens in a schema of its own, dropped at the
 * end.  Without HOSHI_TEST_PG the test fails rather than skip.
 */
#include "unit.h"
#include "pgschema.h"
#include "hoshi/testing.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const hi_driver *D = &hi_pg_driver;

/* Runs sql (no parameters) through the driver: HI_DONE or HI_ROW after
 * the first step, the statement finalised. */
static int run(hi_pg *db, const char *sql)
{
    hi_stmt *st;
    if (D->prepare(db, sql, &st) != HOSHI_OK) {
        printf("  prepare %s: %s\n", sql, hoshi_error_detail());
        return HI_STEP_ERROR;
    }
    int rc = hi_step(st);
    D->finalize(st);
    return rc;
}

/* The integer in the first column of the first row of sql. */
static long long one_int(hi_pg *db, const char *sql)
{
    hi_stmt *st;
    if (D->prepare(db, sql, &st) != HOSHI_OK)
        return -999;
    long long v = hi_step(st) == HI_ROW ? hi_col_int64(st, 0) : -998;
    D->finalize(st);
    return v;
}

/* Waits until n sessions wait for an advisory lock: the other threads are
 * then blocked where the test means them to be. */
static bool wait_lock_waiters(hi_pg *db, int n)
{
    for (int i = 0; i < 6000; i++) {
        if (one_int(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                        " AND NOT granted") == n)
            return true;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return false;
}

static void test_rewrite(void)
{
    hi_pg *db = conn();
    hi_stmt *st;
    /* ?N inside a literal, a quoted name and comments stays as it is;
     * ?10 is parameter ten, not ?1 followed by 0 */
    const char *sql = "SELECT ?1::text || '?2''s -- no comment' AS \"c?3\", -- ?4 here\n"
                      " ?2::text, /* ?5 */ ?10::text, ?3::text || ?4::text || ?5::text"
                      " || ?6::text || ?7::text || ?8::text || ?9::text, ?01::text";
    CHECK_INT(D->prepare(db, sql, &st), HOSHI_OK);
    if (st != NULL) {
        const char *v[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
        for (int i = 0; i < 10; i++)
            hi_bind_text(st, i + 1, v[i]);
        CHECK_INT(hi_step(st), HI_ROW);
        CHECK_STR(hi_col_text(st, 0), "a?2's -- no comment");
        CHECK_STR(hi_col_text(st, 1), "b");
        CHECK_STR(hi_col_text(st, 2), "j");
        CHECK_STR(hi_col_text(st, 3), "cdefghi");
        CHECK_STR(hi_col_text(st, 4), "a");
        CHECK_INT(hi_step(st), HI_DONE);
        D->finalize(st);
    }
    st = (hi_stmt *)1;
    CHECK_INT(D->prepare(db, "SELECT ?", &st), HOSHI_ERR_INTERNAL);
    CHECK(st == NULL);
    CHECK_STR(hoshi_error_detail(),
              "database: prepare: a parameter without a number (write ?1, ?2, …) in: SELECT ?");
    CHECK_INT(D->prepare(db, "SELECT ?1, ? FROM x", &st), HOSHI_ERR_INTERNAL);
    CHECK_INT(D->prepare(db, "SELECT ?0", &st), HOSHI_ERR_INTERNAL);
    CHECK_STR(hoshi_error_detail(),
              "database: prepare: a parameter number out of range in: SELECT ?0");
    CHECK_INT(D->prepare(db, "SELECT ?32767", &st), HOSHI_ERR_INTERNAL);
    CHECK_INT(D->prepare(db, "SELECT ?99999999999999999999", &st), HOSHI_ERR_INTERNAL);
    CHECK_INT(D->prepare(db, "SELECT 'open", &st), HOSHI_ERR_INTERNAL);
    CHECK_STR(hoshi_error_detail(), "database: prepare: a text literal is not closed in: SELECT 'open");
    CHECK_INT(D->prepare(db, "SELECT 1 /* open", &st), HOSHI_ERR_INTERNAL);
    CHECK_INT(D->prepare(db, "SELECT \"open", &st), HOSHI_ERR_INTERNAL);
    char *huge = malloc(HI_PG_MAX_SQL + 2);
    if (huge != NULL) {
        memset(huge, ' ', HI_PG_MAX_SQL + 1);
        memcpy(huge, "SELECT 1", 8);
        huge[HI_PG_MAX_SQL + 1] = '\0';
        CHECK_INT(D->prepare(db, huge, &st), HOSHI_ERR_LIMIT);
        CHECK(strncmp(hoshi_error_detail(),
                      "database: prepare: the statement is longer than the driver accepts in: SELECT 1 ",
                      80) == 0);
        huge[HI_PG_MAX_SQL] = '\0';
        CHECK_INT(D->prepare(db, huge, &st), HOSHI_OK);
        if (st != NULL) {
            CHECK_INT(hi_step(st), HI_ROW);
            D->finalize(st);
        }
        free(huge);
    }
    /* the connection is still good after refused statements */
    CHECK_INT(one_int(db, "SELECT 7 -- ?"), 7);
    D->close(db);
}

static void test_types(void)
{
    hi_pg *db = conn();
    CHECK_INT(run(db, "CREATE TABLE t (id bigserial PRIMARY KEY, n bigint, s text,"
                      " b bytea, u text UNIQUE)"), HI_DONE);
    hi_stmt *ins;
    CHECK_INT(D->prepare(db, "INSERT INTO t(n, s, b, u) VALUES (?1, ?2, ?3, ?4) RETURNING id", &ins),
              HOSHI_OK);
    if (ins == NULL)
        goto close;
    static const unsigned char blob[] = {0, 1, 0, 255, 'x', 0, '\\', 'x'};
    const char *ja = "情報セキュリティ自己宣言「星」";
    hi_bind_int64(ins, 1, -9007199254740993LL);
    hi_bind_text(ins, 2, ja);
    hi_bind_blob(ins, 3, blob, sizeof blob);
    hi_bind_text(ins, 4, "one");
    CHECK(!D->busy(ins));
    CHECK_INT(hi_step(ins), HI_ROW);
    CHECK(D->busy(ins));
    long long id1 = hi_col_int64(ins, 0);
    CHECK(id1 > 0);
    CHECK_INT(hi_step(ins), HI_DONE);
    CHECK_INT(D->changes(db), 1);
    D->reset(ins);
    CHECK(!D->busy(ins));
    /* after a reset the bindings are gone: unbound is NULL */
    hi_bind_int64(ins, 1, 9223372036854775807LL);
    hi_bind_text(ins, 2, NULL);
    hi_bind_null(ins, 3);
    CHECK_INT(hi_step(ins), HI_ROW);
    long long id2 = hi_col_int64(ins, 0);
    CHECK(id2 > id1);
    D->reset(ins);
    hi_bind_blob(ins, 3, NULL, 0);
    CHECK_INT(hi_step(ins), HI_ROW);
    long long id3 = hi_col_int64(ins, 0);
    D->finalize(ins);

    hi_stmt *sel;
    CHECK_INT(D->prepare(db, "SELECT n, s, b, u FROM t WHERE id = ?1", &sel), HOSHI_OK);
    if (sel == NULL)
        goto close;
    hi_bind_int64(sel, 1, id1);
    CHECK_INT(hi_step(sel), HI_ROW);
    CHECK_INT(hi_col_int64(sel, 0), -9007199254740993LL);
    CHECK_STR(hi_col_text(sel, 0), "-9007199254740993");
    CHECK_STR(hi_col_text(sel, 1), ja);
    CHECK_INT(hi_col_bytes(sel, 1), strlen(ja));
    CHECK_INT(hi_col_bytes(sel, 2), sizeof blob);
    const void *b = hi_col_blob(sel, 2);
    CHECK(b != NULL && memcmp(b, blob, sizeof blob) == 0);
    CHECK(!hi_col_null(sel, 2));
    CHECK(!hi_col_null(sel, 3));
    CHECK_INT(hi_step(sel), HI_DONE);
    D->reset(sel);
    hi_bind_int64(sel, 1, id2);
    CHECK_INT(hi_step(sel), HI_ROW);
    CHECK_INT(hi_col_int64(sel, 0), 9223372036854775807LL);
    CHECK_STR(hi_col_text(sel, 1), "");
    CHECK(!hi_col_null(sel, 1));
    CHECK(hi_col_null(sel, 2));
    CHECK(hi_col_blob(sel, 2) == NULL);
    CHECK_INT(hi_col_bytes(sel, 2), 0);
    CHECK(hi_col_null(sel, 3));
    CHECK_STR(hi_col_text(sel, 3), "");
    CHECK_INT(hi_col_int64(sel, 3), 0);
    /* out of range columns read as NULL */
    CHECK(hi_col_null(sel, 4));
    CHECK_STR(hi_col_text(sel, -1), "");
    D->reset(sel);
    hi_bind_int64(sel, 1, id3);
    CHECK_INT(hi_step(sel), HI_ROW);
    CHECK(!hi_col_null(sel, 2));
    CHECK_INT(hi_col_bytes(sel, 2), 0);
    D->finalize(sel);

    /* numbers the way SQLite reads them */
    CHECK_INT(one_int(db, "SELECT sum(id) FROM t"), id1 + id2 + id3);
    hi_stmt *st;
    CHECK_INT(D->prepare(db, "SELECT sum(n) FROM t WHERE id = ?1, ", &st), HOSHI_ERR_IO);
    CHECK_INT(D->prepare(db, "SELECT sum(x), 1 = 1, 1 = 2, '12abc', 'x', 2.75::float8, -2.5,"
                             " ' 42', 1e300::float8, count(*) FROM (VALUES (100), (23)) v(x)", &st),
              HOSHI_OK);
    if (st != NULL) {
        CHECK_INT(hi_step(st), HI_ROW);
        CHECK_STR(hi_col_text(st, 0), "123");
        CHECK_INT(hi_col_int64(st, 0), 123);
        CHECK_INT(hi_col_int64(st, 1), 1);
        CHECK_STR(hi_col_text(st, 1), "1");
        CHECK_INT(hi_col_int64(st, 2), 0);
        CHECK_STR(hi_col_text(st, 2), "0");
        CHECK_INT(hi_col_int64(st, 3), 12);
        CHECK_INT(hi_col_int64(st, 4), 0);
        CHECK_INT(hi_col_int64(st, 5), 2);
        CHECK_INT(hi_col_int64(st, 6), -2);
        CHECK_INT(hi_col_int64(st, 7), 42);
        CHECK_INT(hi_col_int64(st, 8), 9223372036854775807LL);
        CHECK_INT(hi_col_int64(st, 9), 2);
        CHECK_INT(hi_step(st), HI_DONE);
        /* stepping past the end stays done */
        CHECK_INT(hi_step(st), HI_DONE);
        CHECK(!D->busy(st));
        D->finalize(st);
    }
close:
    D->close(db);
}

static void test_changes_unique(void)
{
    hi_pg *db = conn();
    CHECK_INT(run(db, "CREATE TABLE c (id integer PRIMARY KEY, u text UNIQUE, f integer)"), HI_DONE);
    CHECK_INT(run(db, "INSERT INTO c VALUES (1, 'a', 0), (2, 'b', 0), (3, 'c', 1)"), HI_DONE);
    CHECK_INT(D->changes(db), 3);
    CHECK_INT(run(db, "UPDATE c SET f = 1 WHERE f = 0"), HI_DONE);
    CHECK_INT(D->changes(db), 2);
    /* a read leaves the count of the last write */
    CHECK_INT(one_int(db, "SELECT count(*) FROM c"), 3);
    CHECK_INT(D->changes(db), 2);
    CHECK_INT(run(db, "DELETE FROM c WHERE id > 99"), HI_DONE);
    CHECK_INT(D->changes(db), 0);

    hi_stmt *st;
    CHECK_INT(D->prepare(db, "INSERT INTO c(id, u, f) VALUES (?1, ?2, 0)", &st), HOSHI_OK);
    if (st == NULL)
        goto close;
    hi_bind_int64(st, 1, 4);
    hi_bind_text(st, 2, "a");
    CHECK_INT(hi_step(st), HI_STEP_ERROR);
    CHECK(!D->nomem(db));
    CHECK_INT(D->fail(db, "insert"), HOSHI_ERR_IO);
    CHECK_STR(hoshi_error_detail(),
              "database: insert: duplicate key value violates unique constraint \"c_u_key\"");
    CHECK(!D->in_transaction(db));
    D->reset(st);

    /* inside a transaction a failed statement fails the transaction (the
     * operations then roll back, on SQLite too): nothing after it runs,
     * and rolling back leaves nothing of it */
    CHECK_INT(D->begin(db), HOSHI_OK);
    CHECK(D->in_transaction(db));
    CHECK_INT(D->begin(db), HOSHI_ERR_IO);
    CHECK_STR(hoshi_error_detail(), "database: begin: a transaction is already open");
    hi_bind_int64(st, 1, 9);
    hi_bind_text(st, 2, "z");
    CHECK_INT(hi_step(st), HI_DONE);
    D->reset(st);
    hi_bind_int64(st, 1, 5);
    hi_bind_text(st, 2, "b");
    CHECK_INT(hi_step(st), HI_STEP_ERROR);
    CHECK_INT(D->fail(db, "insert"), HOSHI_ERR_IO);
    CHECK(strstr(hoshi_error_detail(), "duplicate key") != NULL);
    D->reset(st);
    hi_bind_int64(st, 1, 5);
    hi_bind_text(st, 2, "e");
    CHECK_INT(hi_step(st), HI_STEP_ERROR);
    D->reset(st);
    D->rollback(db);
    CHECK(!D->in_transaction(db));
    CHECK_INT(one_int(db, "SELECT count(*) FROM c WHERE id = 9"), 0);
    /* and a transaction without failures commits every write */
    CHECK_INT(D->begin(db), HOSHI_OK);
    hi_bind_int64(st, 1, 5);
    hi_bind_text(st, 2, "e");
    CHECK_INT(hi_step(st), HI_DONE);
    D->reset(st);
    hi_bind_int64(st, 1, 6);
    hi_bind_text(st, 2, "f");
    CHECK_INT(hi_step(st), HI_DONE);
    D->reset(st);
    CHECK_INT(run(db, "COMMIT"), HI_DONE);
    CHECK(!D->in_transaction(db));
    CHECK_INT(one_int(db, "SELECT count(*) FROM c WHERE id IN (5, 6)"), 2);

    /* a parameter the statement does not use is ignored, as in SQLite;
     * number 0 fails the step, not the process */
    hi_bind_int64(st, 1, 7);
    hi_bind_text(st, 2, "g");
    hi_bind_int64(st, 3, 1);
    CHECK_INT(hi_step(st), HI_DONE);
    D->reset(st);
    hi_bind_int64(st, 0, 1);
    CHECK_INT(hi_step(st), HI_STEP_ERROR);
    CHECK_INT(D->fail(db, "insert"), HOSHI_ERR_IO);
    CHECK_STR(hoshi_error_detail(), "database: insert: a parameter bound out of range or too long");
    D->finalize(st);
close:
    D->close(db);
}

static void test_transactions(void)
{
    hi_pg *db = conn();
    CHECK_INT(run(db, "CREATE TABLE x (v integer)"), HI_DONE);
    CHECK(!D->in_transaction(db));
    CHECK_INT(D->begin(db), HOSHI_OK);
    CHECK_INT(run(db, "INSERT INTO x VALUES (1)"), HI_DONE);
    CHECK(D->in_transaction(db));
    D->rollback(db);
    CHECK(!D->in_transaction(db));
    CHECK_INT(one_int(db, "SELECT count(*) FROM x"), 0);
    /* rolling back with no transaction is harmless */
    D->rollback(db);

    CHECK_INT(D->begin(db), HOSHI_OK);
    CHECK_INT(run(db, "INSERT INTO x VALUES (2)"), HI_DONE);
    CHECK_INT(run(db, "COMMIT"), HI_DONE);
    CHECK_INT(one_int(db, "SELECT sum(v) FROM x"), 2);

    /* an error that aborts the transaction: COMMIT then fails instead of
     * quietly rolling back */
    CHECK_INT(D->begin(db), HOSHI_OK);
    CHECK_INT(run(db, "INSERT INTO x VALUES (3)"), HI_DONE);
    CHECK_INT(run(db, "SELECT 1 / (v - 2) FROM x"), HI_STEP_ERROR);
    CHECK_INT(D->fail(db, "read"), HOSHI_ERR_IO);
    CHECK_STR(hoshi_error_detail(), "database: read: division by zero");
    CHECK_INT(run(db, "COMMIT"), HI_STEP_ERROR);
    CHECK_INT(D->fail(db, "commit"), HOSHI_ERR_IO);
    CHECK_STR(hoshi_error_detail(), "database: commit: the transaction had failed and was rolled back");
    CHECK(!D->in_transaction(db));
    CHECK_INT(one_int(db, "SELECT sum(v) FROM x"), 2);

    /* a statement prepared in a transaction outlives its rollback (the
     * pool keeps it in its cache) */
    CHECK_INT(D->begin(db), HOSHI_OK);
    hi_stmt *kept;
    CHECK_INT(D->prepare(db, "SELECT count(*) FROM x WHERE v = ?1", &kept), HOSHI_OK);
    D->rollback(db);
    if (kept != NULL) {
        hi_bind_int64(kept, 1, 2);
        CHECK_INT(hi_step(kept), HI_ROW);
        CHECK_INT(hi_col_int64(kept, 0), 1);
        D->finalize(kept);
    }

    /* an error's message is the server's primary message */
    hi_stmt *st = (hi_stmt *)1;
    CHECK_INT(D->prepare(db, "SELECT nosuch FROM x", &st), HOSHI_ERR_IO);
    CHECK(st == NULL);
    CHECK_STR(hoshi_error_detail(), "database: prepare: column \"nosuch\" does not exist");
    D->close(db);
}

/* ---- writers exclude each other */

typedef struct writer {
    hi_pg *db;
    hoshi_err begun;
    long long seen;
} writer;

static void *write_after(void *arg)
{
    writer *w = arg;
    w->begun = D->begin(w->db);
    /* what the first writer committed while this one waited */
    w->seen = one_int(w->db, "SELECT count(*) FROM w");
    run(w->db, "INSERT INTO w VALUES (2)");
    run(w->db, "COMMIT");
    return NULL;
}

/* A write outside any transaction is a transaction of its own under the
 * writer lock. */
static void *write_alone(void *arg)
{
    writer *w = arg;
    w->begun = run(w->db, "INSERT INTO w VALUES (3)") == HI_DONE ? HOSHI_OK : HOSHI_ERR_IO;
    return NULL;
}

static void test_writer_lock(void)
{
    hi_pg *a = conn(), *obs = conn();
    writer w = {conn(), HOSHI_ERR_INTERNAL, -1}, alone = {conn(), HOSHI_ERR_INTERNAL, -1};
    CHECK_INT(run(a, "CREATE TABLE w (v integer)"), HI_DONE);
    CHECK_INT(D->begin(a), HOSHI_OK);
    pthread_t t[2];
    pthread_create(&t[0], NULL, write_after, &w);
    pthread_create(&t[1], NULL, write_alone, &alone);
    /* both wait for the lock a holds */
    CHECK(wait_lock_waiters(obs, 2));
    CHECK_INT(one_int(obs, "SELECT count(*) FROM w"), 0);
    CHECK_INT(run(a, "INSERT INTO w VALUES (1)"), HI_DONE);
    CHECK_INT(run(a, "COMMIT"), HI_DONE);
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    CHECK_INT(w.begun, HOSHI_OK);
    CHECK_INT(alone.begun, HOSHI_OK);
    /* the waiting writer read after a's commit (and maybe the other's) */
    CHECK(w.seen == 1 || w.seen == 2);
    CHECK_INT(one_int(obs, "SELECT count(*) FROM w"), 3);
    CHECK_INT(one_int(obs, "SELECT sum(v) FROM w"), 6);

    /* a writer waits for the lock no longer than lock_timeout (5 s from
     * hi_pg_connect; shorter here) and then fails */
    CHECK_INT(D->begin(a), HOSHI_OK);
    CHECK(hi_pg_exec(obs, "SET lock_timeout = '10ms'"));
    CHECK_INT(D->begin(obs), HOSHI_ERR_IO);
    CHECK_STR(hoshi_error_detail(), "database: begin: canceling statement due to lock timeout");
    CHECK(!D->in_transaction(obs));
    CHECK_INT(run(obs, "INSERT INTO w VALUES (4)"), HI_STEP_ERROR);
    CHECK(!D->in_transaction(obs));
    D->rollback(a);
    CHECK_INT(run(obs, "INSERT INTO w VALUES (4)"), HI_DONE);
    D->close(a);
    D->close(obs);
    D->close(w.db);
    D->close(alone.db);
}

/* ---- a connection the server dropped */

static void test_reconnect(void)
{
    hi_pg *a = conn(), *b = conn();
    hi_stmt *st;
    CHECK_INT(D->prepare(a, "SELECT ?1::integer + 1", &st), HOSHI_OK);
    CHECK(D->on_acquire(a, 0) == false);
    long long pid = one_int(a, "SELECT pg_backend_pid()");
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)", pid);
    CHECK_INT(one_int(b, sql), 1);
    hi_bind_int64(st, 1, 1);
    CHECK_INT(hi_step(st), HI_STEP_ERROR);
    CHECK_INT(D->fail(a, "read"), HOSHI_ERR_IO);
    CHECK(strncmp(hoshi_error_detail(), "database: read: ", 16) == 0);
    /* handed out again: made anew, statements to be prepared again */
    CHECK(D->on_acquire(a, 0) == true);
    D->finalize(st);
    CHECK_INT(D->prepare(a, "SELECT ?1::integer + 1", &st), HOSHI_OK);
    hi_bind_int64(st, 1, 41);
    CHECK_INT(hi_step(st), HI_ROW);
    CHECK_INT(hi_col_int64(st, 0), 42);
    D->finalize(st);
    D->close(a);
    D->close(b);
}

/* ---- running out of memory */

/* One use of every allocating path: prepare, bind, step (a bytea column
 * is decoded there), read.  HOSHI_OK, or the failure reported. */
static hoshi_err use(hi_pg *db)
{
    static const unsigned char blob[] = {0, 'a', 0};
    hi_stmt *st;
    hoshi_err err = D->prepare(db, "SELECT ?1::bytea, ?2::text, ?3::bigint", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_blob(st, 1, blob, sizeof blob);
    hi_bind_text(st, 2, "星");
    hi_bind_int64(st, 3, 7);
    int rc = hi_step(st);
    if (rc == HI_ROW) {
        CHECK_INT(hi_col_bytes(st, 0), 3);
        CHECK(memcmp(hi_col_blob(st, 0), blob, 3) == 0);
        CHECK_STR(hi_col_text(st, 1), "星");
        CHECK_INT(hi_col_int64(st, 2), 7);
        rc = hi_step(st);
    }
    err = rc == HI_DONE ? HOSHI_OK : D->fail(db, "read");
    D->finalize(st);
    return err;
}

/* Every allocation of the driver failing in turn: the failure is
 * HOSHI_ERR_NOMEM, nomem() says so, the connection keeps working. */
static void test_faults(void)
{
    hi_pg *db = conn();
    pg_fault_sweep(db, use, 100);
    hoshi_testing_fail_alloc(0, false);
    void *out = (void *)1;
    CHECK_INT(hi_pg_connect(url, &out), HOSHI_ERR_NOMEM);
    CHECK(out == NULL);
    hoshi_testing_fail_alloc(-1, false);
    D->close(db);
}

/* ---- connecting */

static void test_connect(void)
{
    setenv("TZ", "Asia/Tokyo", 1);
    void *dbv = NULL;
    CHECK_INT(hi_pg_connect(url, &dbv), HOSHI_OK);
    if (dbv == NULL)
        return;
    hi_pg *db = dbv;
    hi_stmt *st;
    CHECK_INT(D->prepare(db, "SELECT current_setting('TimeZone'), current_setting('client_encoding'),"
                             " current_setting('bytea_output')", &st), HOSHI_OK);
    if (st != NULL) {
        CHECK_INT(hi_step(st), HI_ROW);
        CHECK_STR(hi_col_text(st, 0), "Asia/Tokyo");
        CHECK_STR(hi_col_text(st, 1), "UTF8");
        CHECK_STR(hi_col_text(st, 2), "hex");
        D->finalize(st);
    }
    CHECK_INT(D->prepare(db, "SHOW lock_timeout", &st), HOSHI_OK);
    if (st != NULL) {
        CHECK_INT(hi_step(st), HI_ROW);
        CHECK_STR(hi_col_text(st, 0), "5s");
        D->finalize(st);
    }
    D->close(db);

    /* a refused connection's message never shows the password */
    char bad[1024];
    if (strstr(url, "://") != NULL)
        snprintf(bad, sizeof bad, "%s%suser=hunter2pw&password=hunter2pw", url,
                 strchr(url, '?') != NULL ? "&" : "?");
    else
        snprintf(bad, sizeof bad, "%s user=hunter2pw password=hunter2pw", url);
    void *out = (void *)1;
    CHECK_INT(hi_pg_connect(bad, &out), HOSHI_ERR_IO);
    CHECK(out == NULL);
    const char *msg = hoshi_error_detail();
    CHECK(strncmp(msg, "database: connecting to PostgreSQL: ", 36) == 0);
    CHECK(strstr(msg, "hunter2pw") == NULL);
    CHECK(strstr(msg, "role \"*********\" does not exist") != NULL);
    CHECK_INT(hi_pg_connect("host=/nonexistent/dir port=1", &out), HOSHI_ERR_IO);
    CHECK(strstr(hoshi_error_detail(), "/nonexistent/dir") != NULL);
}

/* ---- migrations */

static const char *const migrations[] = {
    /* fails if run twice: the table exists */
    "CREATE TABLE mig (step integer); INSERT INTO mig VALUES (1)",
    "INSERT INTO mig VALUES (2)",
};

typedef struct migrator {
    hi_pg *db;
    hoshi_err err;
    char msg[256];
} migrator;

static void *migrate(void *arg)
{
    migrator *m = arg;
    m->err = hi_pg_migrate(m->db, migrations, 2);
    snprintf(m->msg, sizeof m->msg, "%s", hoshi_error_detail());
    return NULL;
}

static void test_migrate(void)
{
    hi_pg *holder = conn(), *obs = conn();
    migrator m[2] = {{conn(), HOSHI_ERR_INTERNAL, ""}, {conn(), HOSHI_ERR_INTERNAL, ""}};
    /* both start while the lock is held, so both are past connecting and
     * contend for it when it is let go */
    char sql[96];
    snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock(%lld)", HI_PG_MIGRATE_KEY);
    CHECK(hi_pg_exec(holder, sql));
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, migrate, &m[i]);
    CHECK(wait_lock_waiters(obs, 2));
    CHECK(hi_pg_exec(holder, "COMMIT"));
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
        CHECK_INT(m[i].err, HOSHI_OK);
        if (m[i].err != HOSHI_OK)
            printf("  migrate: %s\n", m[i].msg);
    }
    CHECK_INT(one_int(obs, "SELECT count(*) FROM mig"), 2);
    CHECK_INT(one_int(obs, "SELECT sum(step) FROM mig"), 3);
    CHECK_INT(one_int(obs, "SELECT version FROM hoshi_schema"), 2);
    /* up to date: nothing runs */
    CHECK_INT(hi_pg_migrate(obs, migrations, 2), HOSHI_OK);
    CHECK_INT(one_int(obs, "SELECT count(*) FROM mig"), 2);
    /* an older hoshi refuses the newer database and leaves it alone */
    CHECK_INT(hi_pg_migrate(obs, migrations, 1), HOSHI_ERR_DATA);
    CHECK_STR(hoshi_error_detail(),
              "database: the schema is version 2, newer than this hoshi knows (1): upgrade hoshi,"
              " or use the hoshi that upgraded the database");
    CHECK(!D->in_transaction(obs));
    CHECK_INT(one_int(obs, "SELECT version FROM hoshi_schema"), 2);
    /* a failing migration applies nothing */
    static const char *const broken[] = {migrations[0], migrations[1],
                                         "INSERT INTO mig VALUES (3)", "INSERT INTO nosuch VALUES (4)"};
    CHECK_INT(hi_pg_migrate(obs, broken, 4), HOSHI_ERR_IO);
    CHECK_STR(hoshi_error_detail(), "database: migration 4: relation \"nosuch\" does not exist");
    CHECK(!D->in_transaction(obs));
    CHECK_INT(one_int(obs, "SELECT count(*) FROM mig"), 2);
    CHECK_INT(one_int(obs, "SELECT version FROM hoshi_schema"), 2);
    D->close(holder);
    D->close(obs);
    D->close(m[0].db);
    D->close(m[1].db);
}

int main(void)
{
    if (!pg_schema_begin("pg_driver", "pgdrv"))
        return 1;
    RUN(test_rewrite);
    RUN(test_types);
    RUN(test_changes_unique);
    RUN(test_transactions);
    RUN(test_writer_lock);
    RUN(test_reconnect);
    RUN(test_faults);
    RUN(test_connect);
    RUN(test_migrate);
    return pg_schema_end();
}
