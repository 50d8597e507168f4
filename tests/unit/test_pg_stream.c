/*
 * test_pg_stream.c — statements streamed by the PostgreSQL driver
 * (hi_stream, src/lib/store/pg_driver.c: libpq's single-row mode) against
 * a running server named by HOSHI_TEST_PG (tests/suites/pg_stream.sh
 * starts a throwaway one): rows handed out as the server sends them (a
 * statement that fails at its 1000th row yields 999 rows first, where a
 * whole result fails at once), parameters and bytea per row, the end and
 * an error ending the stream, a stream left early (cancelled outside a
 * transaction, read to its end inside one, which then goes on), every
 * other use of the connection refused while a stream is read, the
 * connection given back mid-stream, and every allocation failing.
 * The frame (server, schema, connections) is pgschema.h's.
 */
#include "unit.h"
#include "pgschema.h"

static const hi_driver *D = &hi_pg_driver;

/* A streamed statement of sql; NULL (and a failed check) if it does not
 * prepare. */
static hi_stmt *streamed(hi_pg *db, const char *sql)
{
    hi_stmt *st = NULL;
    CHECK_INT(D->prepare(db, sql, &st), HOSHI_OK);
    if (st != NULL)
        hi_stream(st);
    return st;
}

/* The integer in the first column of the first row of sql, -999 when
 * there is none: the connection still answers. */
static long long one_int(hi_pg *db, const char *sql)
{
    hi_stmt *st;
    if (D->prepare(db, sql, &st) != HOSHI_OK)
        return -999;
    long long v = hi_step(st) == HI_ROW ? hi_col_int64(st, 0) : -999;
    D->finalize(st);
    return v;
}

/* Steps st to its end: how many rows came, *rc the last step's code. */
static long rest(hi_stmt *st, int *rc)
{
    long n = 0;
    while ((*rc = hi_step(st)) == HI_ROW)
        n++;
    return n;
}

/* Steps st to its end: the rows, counted, must be 1, 2, … in column 0;
 * returns how many came before the last step's code *rc. */
static long count_rows(hi_stmt *st, int *rc)
{
    long n = 0;
    while ((*rc = hi_step(st)) == HI_ROW) {
        if (hi_col_int64(st, 0) != n + 1) {
            printf("  row %ld holds %lld\n", n + 1, hi_col_int64(st, 0));
            unit_case_failed = 1;
        }
        n++;
    }
    return n;
}

static void test_rows(void)
{
    hi_pg *db = conn();
    hi_stmt *st = streamed(db, "SELECT i, 'row ' || i, i % 2 = 0, decode(lpad(to_hex(i), 8, '0'), 'hex')"
                               " FROM generate_series(1, ?1) i ORDER BY i");
    if (st == NULL)
        goto close;
    hi_bind_int64(st, 1, 10000);
    CHECK(!D->busy(st));
    long n = 0;
    int rc;
    bool same = true;
    while ((rc = hi_step(st)) == HI_ROW) {
        n++;
        char want[32];
        snprintf(want, sizeof want, "row %ld", n);
        const unsigned char *b = hi_col_blob(st, 3);
        same = same && hi_col_int64(st, 0) == n && strcmp(hi_col_text(st, 1), want) == 0 &&
               hi_col_int(st, 2) == (n % 2 == 0) && hi_col_bytes(st, 3) == 4 && b != NULL &&
               ((long)b[0] << 24 | (long)b[1] << 16 | (long)b[2] << 8 | b[3]) == n;
        if (n == 1)
            CHECK(D->busy(st));
    }
    CHECK_INT(rc, HI_DONE);
    CHECK_INT(n, 10000);
    CHECK(same);
    CHECK(!D->busy(st));
    CHECK_INT(hi_step(st), HI_DONE);
    CHECK(!D->in_transaction(db));
    CHECK_INT(one_int(db, "SELECT 42"), 42);
    /* run again after a reset, with another binding: from its first row */
    D->reset(st);
    hi_bind_int64(st, 1, 3);
    CHECK_INT(count_rows(st, &rc), 3);
    CHECK_INT(rc, HI_DONE);
    /* no rows at all */
    D->reset(st);
    hi_bind_int64(st, 1, 0);
    CHECK_INT(hi_step(st), HI_DONE);
    CHECK(!D->busy(st));
    D->finalize(st);
close:
    D->close(db);
}

/* The proof that rows come as the server sends them: a statement that
 * fails at its 1000th row hands out 999 first when streamed; whole, it
 * fails at its first step.  The error is the server's, and the
 * connection goes on. */
static void test_error_midway(void)
{
    hi_pg *db = conn();
    static const char sql[] = "SELECT i, 1 / (1000 - i) FROM generate_series(1, 2000) i";
    hi_stmt *st = streamed(db, sql);
    if (st == NULL)
        goto close;
    int rc;
    CHECK_INT(count_rows(st, &rc), 999);
    CHECK_INT(rc, HI_STEP_ERROR);
    CHECK_INT(D->fail(db, "read"), HOSHI_ERR_IO);
    CHECK(strstr(hoshi_error_detail(), "division by zero") != NULL);
    CHECK(!D->nomem(db));
    CHECK(!D->busy(st));
    CHECK(!D->in_transaction(db));
    CHECK_INT(one_int(db, "SELECT 7"), 7);
    D->finalize(st);
    hi_stmt *whole;
    CHECK_INT(D->prepare(db, sql, &whole), HOSHI_OK);
    if (whole != NULL) {
        CHECK_INT(hi_step(whole), HI_STEP_ERROR);
        D->finalize(whole);
    }
    CHECK_INT(one_int(db, "SELECT 8"), 8);
close:
    D->close(db);
}

/* Left after a few rows of ten million, outside a transaction: the
 * server is told to stop, the connection answers at once after, and the
 * statement runs again from its start. */
static void test_leave_early(void)
{
    hi_pg *db = conn();
    hi_stmt *st = streamed(db, "SELECT i FROM generate_series(1, 10000000) i");
    if (st == NULL)
        goto close;
    for (int i = 1; i <= 5; i++) {
        CHECK_INT(hi_step(st), HI_ROW);
        CHECK_INT(hi_col_int64(st, 0), i);
    }
    D->reset(st);
    CHECK(!D->busy(st));
    CHECK(!D->in_transaction(db));
    CHECK_INT(one_int(db, "SELECT 9"), 9);
    CHECK_INT(hi_step(st), HI_ROW);
    CHECK_INT(hi_col_int64(st, 0), 1);
    CHECK_INT(hi_step(st), HI_ROW);
    /* finalised in the middle: the same */
    D->finalize(st);
    CHECK_INT(one_int(db, "SELECT 10"), 10);
close:
    D->close(db);
}

/* Left early inside a write transaction: the rest is read, not
 * cancelled (that would abort the transaction), and the transaction
 * commits what it wrote before and after. */
static void test_leave_in_transaction(void)
{
    hi_pg *db = conn(), *other = conn();
    CHECK(hi_pg_exec(db, "CREATE TABLE w (v integer)"));
    CHECK_INT(D->begin(db), HOSHI_OK);
    CHECK(hi_pg_exec(db, "INSERT INTO w VALUES (1)"));
    hi_stmt *st = streamed(db, "SELECT i FROM generate_series(1, 100000) i");
    if (st != NULL) {
        CHECK_INT(hi_step(st), HI_ROW);
        CHECK_INT(hi_step(st), HI_ROW);
        D->reset(st);
        D->finalize(st);
    }
    CHECK(D->in_transaction(db));
    CHECK(hi_pg_exec(db, "INSERT INTO w VALUES (2)"));
    CHECK(hi_pg_exec(db, "COMMIT"));
    CHECK_INT(one_int(other, "SELECT sum(v) FROM w"), 3);
    D->close(other);
    D->close(db);
}

/* While a stream is read nothing else runs on its connection, each with
 * a message that says so (not libpq's "no result" taken for running out
 * of memory); the stream goes on unharmed. */
static void test_busy(void)
{
    hi_pg *db = conn();
    hi_stmt *other;
    CHECK_INT(D->prepare(db, "SELECT 11", &other), HOSHI_OK);
    hi_stmt *st = streamed(db, "SELECT i FROM generate_series(1, 5000) i");
    if (st == NULL || other == NULL)
        goto close;
    CHECK_INT(hi_step(st), HI_ROW);
    hi_stmt *late = NULL;
    CHECK_INT(D->prepare(db, "SELECT 12", &late), HOSHI_ERR_INTERNAL);
    CHECK(late == NULL);
    CHECK(strstr(hoshi_error_detail(), "still being read") != NULL);
    CHECK_INT(hi_step(other), HI_STEP_ERROR);
    CHECK(!D->nomem(db));
    CHECK_INT(D->fail(db, "read"), HOSHI_ERR_IO);
    CHECK(strstr(hoshi_error_detail(), "still being read") != NULL);
    CHECK_INT(D->begin(db), HOSHI_ERR_IO);
    CHECK(!hi_pg_exec(db, "SELECT 13"));
    /* a second stream is refused as well */
    D->reset(other);
    hi_stream(other);
    CHECK_INT(hi_step(other), HI_STEP_ERROR);
    int rc;
    CHECK_INT(1 + rest(st, &rc), 5000);
    CHECK_INT(rc, HI_DONE);
    D->reset(other);
    CHECK_INT(hi_step(other), HI_ROW);
    CHECK_INT(hi_col_int64(other, 0), 11);
    D->finalize(st);
close:
    if (other != NULL)
        D->finalize(other);
    D->close(db);
}

/* The pool rolls back a connection given back (hi_sq_release): in the
 * middle of a stream that ends it, and the statement is then done. */
static void test_given_back(void)
{
    hi_pg *db = conn();
    hi_stmt *st = streamed(db, "SELECT i FROM generate_series(1, 1000000) i");
    if (st == NULL)
        goto close;
    CHECK_INT(hi_step(st), HI_ROW);
    CHECK(D->in_transaction(db));   /* a command in progress */
    D->rollback(db);
    CHECK(!D->in_transaction(db));
    CHECK_INT(one_int(db, "SELECT 14"), 14);
    CHECK_INT(hi_step(st), HI_DONE);
    CHECK(!D->busy(st));
    D->finalize(st);
close:
    D->close(db);
}

/* Only reads stream: a write asked to runs as ever (in a transaction of
 * its own, committed before its rows are handed out). */
static void test_write_not_streamed(void)
{
    hi_pg *db = conn(), *other = conn();
    CHECK(hi_pg_exec(db, "CREATE TABLE r (v integer)"));
    hi_stmt *st = streamed(db, "INSERT INTO r SELECT generate_series(1, 3) RETURNING v");
    if (st != NULL) {
        CHECK_INT(hi_step(st), HI_ROW);
        CHECK_INT(one_int(other, "SELECT count(*) FROM r"), 3);
        int rc;
        CHECK_INT(1 + rest(st, &rc), 3);
        CHECK_INT(rc, HI_DONE);
        D->finalize(st);
    }
    D->close(other);
    D->close(db);
}

/* Reads a streamed result with bytea to its end. */
static hoshi_err read_stream(hi_pg *db)
{
    hi_stmt *st;
    hoshi_err err = D->prepare(db, "SELECT i, decode('00ff' || lpad(to_hex(i), 4, '0'), 'hex')"
                                   " FROM generate_series(1, 50) i", &st);
    if (err != HOSHI_OK)
        return err;
    hi_stream(st);
    int rc;
    long n = 0;
    while ((rc = hi_step(st)) == HI_ROW)
        n += hi_col_bytes(st, 1) == 4;
    err = rc == HI_DONE ? (n == 50 ? HOSHI_OK : HOSHI_ERR_INTERNAL) : D->fail(db, "read");
    D->finalize(st);
    return err;
}

/* Every allocation failing in turn: HOSHI_ERR_NOMEM, nomem() says so,
 * the stream is over and the connection keeps working. */
static void test_faults(void)
{
    hi_pg *db = conn();
    pg_fault_sweep(db, read_stream, 200);
    D->close(db);
}

int main(void)
{
    if (!pg_schema_begin("pg_stream", "pgstream"))
        return 1;
    RUN(test_rows);
    RUN(test_error_midway);
    RUN(test_leave_early);
    RUN(test_leave_in_transaction);
    RUN(test_busy);
    RUN(test_given_back);
    RUN(test_write_not_streamed);
    RUN(test_faults);
    return pg_schema_end();
}
