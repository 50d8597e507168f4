/*
 * db.h — the statement interface the store's SQL operations are written
 * against, so one set of operations (sqlite_*.c by subject) runs on
 * SQLite and on PostgreSQL.  A driver (sqlite_driver.c, pg_driver.c)
 * fills a hi_driver; the pool of connections with their caches of
 * prepared statements (pool.c) and the operations know only this file.
 *
 * The SQL the operations hand over is one dialect that both databases
 * accept: parameters written ?1, ?2, … (the PostgreSQL driver turns them
 * into $1, $2, …), flags as integers compared with <> 0, new ids read with
 * RETURNING, no SQLite-only functions except those the PostgreSQL schema
 * defines under the same name (pg_schema.c lists them).
 *
 * Ownership: texts and blobs bound to a statement belong to the caller
 * and must outlive the step that uses them; a column's text or blob
 * belongs to the statement and is valid until the next step or reset.
 */
#ifndef HOSHI_STORE_DB_H
#define HOSHI_STORE_DB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "store_int.h"

/* What hi_step returns. */
enum { HI_ROW = 1, HI_DONE = 0, HI_STEP_ERROR = -1 };

typedef struct hi_stmt hi_stmt;

/* A database driver.  `db` is the driver's own connection handle. */
typedef struct hi_driver {
    const char *name;             /* "SQLite", "PostgreSQL": in messages */
    /* Whether the database has the GIN index registry_names of the
     * name grams beside registry_grams (PostgreSQL): sql_search.c. */
    bool names_gin;
    /* Prepares sql on db into *out; on failure records the database's
     * message (hi_fail) and returns its error. */
    hoshi_err (*prepare)(void *db, const char *sql, hi_stmt **out);
    void (*finalize)(hi_stmt *st);
    /* Back to before the first step, bindings cleared. */
    void (*reset)(hi_stmt *st);
    /* True while st has been stepped and not reset. */
    bool (*busy)(hi_stmt *st);
    void (*bind_int64)(hi_stmt *st, int i, long long v);
    /* s NULL binds "". */
    void (*bind_text)(hi_stmt *st, int i, const char *s);
    void (*bind_blob)(hi_stmt *st, int i, const void *p, size_t n);
    void (*bind_null)(hi_stmt *st, int i);
    /* HI_ROW, HI_DONE, or HI_STEP_ERROR (the message is then the
     * connection's: hi_driver.fail). */
    int (*step)(hi_stmt *st);
    /* From now on st's rows are read from the database as they are
     * stepped, not all at its first step, so a result too big to hold
     * (the registry export) takes the memory of one row; until st is done
     * or reset its connection runs nothing else.  NULL when the driver
     * always reads so (SQLite). */
    void (*stream)(hi_stmt *st);
    long long (*col_int64)(hi_stmt *st, int i);
    /* Never NULL: "" for NULL. */
    const char *(*col_text)(hi_stmt *st, int i);
    size_t (*col_bytes)(hi_stmt *st, int i);
    const void *(*col_blob)(hi_stmt *st, int i);
    bool (*col_null)(hi_stmt *st, int i);
    /* Rows changed by the last INSERT, UPDATE or DELETE stepped on db. */
    long long (*changes)(void *db);
    /* The last error on db as HOSHI_ERR_IO (HOSHI_ERR_NOMEM when the
     * database ran out of memory), recorded with `what`. */
    hoshi_err (*fail)(void *db, const char *what);
    /* Whether the last error on db was running out of memory. */
    bool (*nomem)(void *db);
    /* Whether db is inside a transaction, and rolling it back (must work
     * without allocating). */
    bool (*in_transaction)(void *db);
    void (*rollback)(void *db);
    /* Opens a write transaction that excludes every other writer until
     * COMMIT, so a read-then-write inside it sees no concurrent change. */
    hoshi_err (*begin)(void *db);
    /* Called when a connection is handed out (SQLite reloads planner
     * statistics there); may be NULL.  Returns true when the connection's
     * prepared statements must be dropped first. */
    bool (*on_acquire)(void *db, long long stats_generation);
    /* Before (on) and after (off) a bulk load on db; may be NULL. */
    void (*bulk)(void *db, bool on);
    void (*close)(void *db);
} hi_driver;

/* Every driver's statement starts with this. */
struct hi_stmt {
    const hi_driver *drv;
};

static inline void hi_bind_int64(hi_stmt *st, int i, long long v) { st->drv->bind_int64(st, i, v); }
static inline void hi_bind_text(hi_stmt *st, int i, const char *s) { st->drv->bind_text(st, i, s); }
static inline void hi_bind_blob(hi_stmt *st, int i, const void *p, size_t n) { st->drv->bind_blob(st, i, p, n); }
static inline void hi_bind_null(hi_stmt *st, int i) { st->drv->bind_null(st, i); }
static inline int hi_step(hi_stmt *st) { return st->drv->step(st); }
static inline void hi_stream(hi_stmt *st) { if (st->drv->stream != NULL) st->drv->stream(st); }
static inline long long hi_col_int64(hi_stmt *st, int i) { return st->drv->col_int64(st, i); }
static inline int hi_col_int(hi_stmt *st, int i) { return (int)st->drv->col_int64(st, i); }
static inline const char *hi_col_text(hi_stmt *st, int i) { return st->drv->col_text(st, i); }
static inline size_t hi_col_bytes(hi_stmt *st, int i) { return st->drv->col_bytes(st, i); }
static inline const void *hi_col_blob(hi_stmt *st, int i) { return st->drv->col_blob(st, i); }
static inline bool hi_col_null(hi_stmt *st, int i) { return st->drv->col_null(st, i); }

/* Statements kept prepared per connection.  Normal use prepares about 70
 * distinct ones (the registry's filter combinations alone make 72), so
 * the cache evicts the least recently used when full; it only has to be
 * big enough that the hot pages stay prepared. */
#define HI_STMT_CACHE 64

typedef struct hi_conn {
    void *db;                     /* the driver's connection */
    const hi_driver *drv;
    bool busy;
    unsigned long long tick;      /* counts hand-outs from the cache */
    unsigned long long acquired;  /* tick when the current holder took the connection */
    size_t n_stmt;
    struct {
        char *sql;
        hi_stmt *st;
        unsigned long long used;  /* tick of its last hand-out */
    } stmt[HI_STMT_CACHE];
} hi_conn;

/* A store on an SQL database: the handle both backends use. */
typedef struct hi_sqlstore {
    hoshi_store base;             /* must come first */
    const hi_driver *drv;
    pthread_mutex_t lock;
    pthread_cond_t freed;
    int n_conn;
    hi_conn *conn;
    atomic_llong generation;      /* bumped by every write to public data */
    atomic_llong shared;          /* public_version.n as last read: other processes' writes */
    atomic_llong stats;           /* bumped by every ANALYZE */
} hi_sqlstore;

#define HI_SQ(base) ((hi_sqlstore *)(base))

/* A new store for driver drv with room for n connections (hi_conn.db
 * all NULL: the backend's open function fills them, and sets base.ops to
 * hi_sql_ops), or NULL when out of memory.  hi_sqlstore_free closes the connections that are open. */
hi_sqlstore *hi_sqlstore_new(const hi_driver *drv, int n);
void hi_sqlstore_free(hi_sqlstore *s);
/* Finalizes every statement the connections keep prepared (the testing
 * hook hoshi_testing_store_forget). */
void hi_sqlstore_forget(hi_sqlstore *s);

#endif
