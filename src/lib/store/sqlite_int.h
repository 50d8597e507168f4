/*
 * sqlite_int.h — what the files of the SQLite backend share: the pooled
 * connections with their prepared-statement caches, and small helpers
 * that turn SQLite failures into hoshi_err with a detail message.
 */
#ifndef HOSHI_SQLITE_INT_H
#define HOSHI_SQLITE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>

#include "hoshi/store.h"
#include "internal.h"

#define HI_STMT_CACHE 64

typedef struct hi_conn {
    sqlite3 *db;
    bool busy;
    long long stats_seen;         /* stats generation its planner has loaded */
    size_t n_stmt;
    struct {
        char *sql;
        sqlite3_stmt *st;
    } stmt[HI_STMT_CACHE];
} hi_conn;

typedef struct hi_sqlite {
    hoshi_store base;             /* must come first */
    pthread_mutex_t lock;
    pthread_cond_t freed;
    int n_conn;
    hi_conn *conn;
    atomic_llong generation;      /* bumped by every write to public data */
    atomic_llong stats;           /* bumped by every ANALYZE */
} hi_sqlite;

/* Waits for a free pooled connection and takes it; if statistics were
 * recomputed since the connection last looked, reloads them first. */
hi_conn *hi_sq_acquire(hi_sqlite *s);
void hi_sq_release(hi_sqlite *s, hi_conn *c);

/* A prepared statement for sql from c's cache (prepared on first use).
 * NULL after recording the error.  Reset it with hi_sq_done after use. */
sqlite3_stmt *hi_sq_prep(hi_conn *c, const char *sql);
void hi_sq_done(sqlite3_stmt *st);

/* Runs a statement without results (BEGIN, COMMIT, …). */
hoshi_err hi_sq_exec(hi_conn *c, const char *sql);
/* Records the connection's last error as HOSHI_ERR_IO and returns it. */
hoshi_err hi_sq_fail(hi_conn *c, const char *what);

/* Copies text column i into dst (size bytes, always NUL-terminated). */
void hi_sq_text(sqlite3_stmt *st, int i, char *dst, size_t size);

/* Closes every pooled connection and frees the store. */
void hi_sqlite_close(hoshi_store *base);

/* The backend's operation table (sqlite_ops.c). */
extern const hoshi_store_ops hi_sqlite_ops;

#endif
