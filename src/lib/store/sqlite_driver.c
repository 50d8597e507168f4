/*
 * sqlite_driver.c — SQLite as a driver of db.h: each call one SQLite call
 * on the statement or connection it wraps.  A connection also keeps the
 * statement ROLLBACK prepared (rolling back must not need memory) and the
 * planner statistics generation it last loaded.
 */
#include "sqlite_int.h"
#include "alloc.h"

#include <stdlib.h>

typedef struct sq_stmt {
    hi_stmt base;                 /* must come first */
    sqlite3_stmt *st;
} sq_stmt;

#define ST(x) (((sq_stmt *)(x))->st)

static hoshi_err sq_fail(void *db, const char *what)
{
    sqlite3 *d = ((hi_sqlite_db *)db)->db;
    hoshi_err code = sqlite3_errcode(d) == SQLITE_NOMEM ? HOSHI_ERR_NOMEM : HOSHI_ERR_IO;
    return hi_fail(code, "database: %s: %s", what, sqlite3_errmsg(d));
}

static hoshi_err sq_prepare(void *db, const char *sql, hi_stmt **out)
{
    sq_stmt *s = hi_calloc(1, sizeof *s);
    if (s == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory preparing a statement");
    s->base.drv = &hi_sqlite_driver;
    if (sqlite3_prepare_v3(((hi_sqlite_db *)db)->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL) != SQLITE_OK) {
        free(s);
        return sq_fail(db, "prepare");
    }
    *out = &s->base;
    return HOSHI_OK;
}

static void sq_finalize(hi_stmt *st)
{
    sqlite3_finalize(ST(st));
    free(st);
}

static void sq_reset(hi_stmt *st)
{
    sqlite3_reset(ST(st));
    sqlite3_clear_bindings(ST(st));
}

static bool sq_busy(hi_stmt *st) { return sqlite3_stmt_busy(ST(st)) != 0; }
static void sq_bind_int64(hi_stmt *st, int i, long long v) { sqlite3_bind_int64(ST(st), i, v); }
static void sq_bind_text(hi_stmt *st, int i, const char *s) { sqlite3_bind_text(ST(st), i, s ? s : "", -1, SQLITE_STATIC); }
static void sq_bind_blob(hi_stmt *st, int i, const void *p, size_t n)
{
    sqlite3_bind_blob64(ST(st), i, p, n, SQLITE_STATIC);
}
static void sq_bind_null(hi_stmt *st, int i) { sqlite3_bind_null(ST(st), i); }

static int sq_step(hi_stmt *st)
{
    int rc = sqlite3_step(ST(st));
    return rc == SQLITE_ROW ? HI_ROW : rc == SQLITE_DONE ? HI_DONE : HI_STEP_ERROR;
}

static long long sq_col_int64(hi_stmt *st, int i) { return sqlite3_column_int64(ST(st), i); }
static const char *sq_col_text(hi_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(ST(st), i);
    return t ? (const char *)t : "";
}
static size_t sq_col_bytes(hi_stmt *st, int i) { return (size_t)sqlite3_column_bytes(ST(st), i); }
static const void *sq_col_blob(hi_stmt *st, int i) { return sqlite3_column_blob(ST(st), i); }
static bool sq_col_null(hi_stmt *st, int i) { return sqlite3_column_type(ST(st), i) == SQLITE_NULL; }

static long long sq_changes(void *db) { return sqlite3_changes64(((hi_sqlite_db *)db)->db); }
static bool sq_nomem(void *db) { return sqlite3_errcode(((hi_sqlite_db *)db)->db) == SQLITE_NOMEM; }
static bool sq_in_txn(void *db) { return !sqlite3_get_autocommit(((hi_sqlite_db *)db)->db); }

static void sq_rollback(void *db)
{
    hi_sqlite_db *d = db;
    sqlite3_step(d->rollback);
    sqlite3_reset(d->rollback);
}

/* IMMEDIATE takes the write lock at once, so the reads inside the
 * transaction see what it will write over. */
static hoshi_err sq_begin(void *db)
{
    if (sqlite3_exec(((hi_sqlite_db *)db)->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return sq_fail(db, "begin");
    return HOSHI_OK;
}

/* A connection plans with the statistics it loaded when it opened; after
 * an ANALYZE on another connection it reloads them (and its statements
 * are dropped, to be planned afresh). */
static bool sq_on_acquire(void *db, long long stats)
{
    hi_sqlite_db *d = db;
    if (d->stats_seen == stats)
        return false;
    sqlite3_exec(d->db, "ANALYZE sqlite_schema", NULL, NULL, NULL);
    d->stats_seen = stats;
    return true;
}

/* A bulk load dirties far more pages than the 16 MB cache holds: they
 * would spill into the WAL mid-transaction and be read back and written
 * again (a million demo declarations wrote 8.5 GB for a 1 GB file).
 * The cache grows for the load and shrinks after, freeing its memory. */
static void sq_bulk(void *db, bool on)
{
    sqlite3_exec(((hi_sqlite_db *)db)->db, on ? "PRAGMA cache_size = -262144" : "PRAGMA cache_size = -16000",
                 NULL, NULL, NULL);
}

static void sq_close(void *db)
{
    hi_sqlite_db *d = db;
    sqlite3_finalize(d->rollback);
    if (d->db != NULL) {
        /* Keeps the planner's statistics current as the data grows. */
        sqlite3_exec(d->db, "PRAGMA optimize", NULL, NULL, NULL);
        sqlite3_close(d->db);
    }
    free(d);
}

const hi_driver hi_sqlite_driver = {
    .name = "SQLite",
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .reset = sq_reset,
    .busy = sq_busy,
    .bind_int64 = sq_bind_int64,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_int64 = sq_col_int64,
    .col_text = sq_col_text,
    .col_bytes = sq_col_bytes,
    .col_blob = sq_col_blob,
    .col_null = sq_col_null,
    .changes = sq_changes,
    .fail = sq_fail,
    .nomem = sq_nomem,
    .in_transaction = sq_in_txn,
    .rollback = sq_rollback,
    .begin = sq_begin,
    .on_acquire = sq_on_acquire,
    .bulk = sq_bulk,
    .close = sq_close,
};
