/*
 * sqlite_conn.c — the SQLite backend's connections: a pool so server
 * threads read in parallel, a bounded per-connection cache of prepared
 * statements (least recently used evicted, never one handed out) so hot
 * pages do not pay for SQL parsing on every request, and the small steps
 * every operation takes on a connection (prepare, reset, run, copy text,
 * turn SQLite's error into a hoshi_err).  It calls nothing else of the
 * backend.
 */
#include "sqlite_int.h"
#include "alloc.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

hoshi_err hi_sq_fail(hi_conn *c, const char *what)
{
    if (c == NULL || c->db == NULL)
        return hi_fail(HOSHI_ERR_IO, "database: %s failed", what);
    hoshi_err code = sqlite3_errcode(c->db) == SQLITE_NOMEM ? HOSHI_ERR_NOMEM : HOSHI_ERR_IO;
    return hi_fail(code, "database: %s: %s", what, sqlite3_errmsg(c->db));
}

/* A connection plans with the statistics it loaded when it opened; after
 * an ANALYZE on another connection it reloads them and drops its cached
 * statements so they are planned afresh. */
static void refresh_stats(hi_sqlite *s, hi_conn *c)
{
    long long now = atomic_load(&s->stats);
    if (c->stats_seen == now)
        return;
    for (size_t i = 0; i < c->n_stmt; i++) {
        sqlite3_finalize(c->stmt[i].st);
        free(c->stmt[i].sql);
    }
    c->n_stmt = 0;
    sqlite3_exec(c->db, "ANALYZE sqlite_schema", NULL, NULL, NULL);
    c->stats_seen = now;
}

hi_conn *hi_sq_acquire(hi_sqlite *s)
{
    pthread_mutex_lock(&s->lock);
    for (;;) {
        for (int i = 0; i < s->n_conn; i++) {
            if (!s->conn[i].busy) {
                hi_conn *c = &s->conn[i];
                c->busy = true;
                pthread_mutex_unlock(&s->lock);
                hi_sq_rollback(c, HOSHI_OK);
                refresh_stats(s, c);
                c->acquired = c->tick;
                return c;
            }
        }
        pthread_cond_wait(&s->freed, &s->lock);
    }
}

void hi_sq_release(hi_sqlite *s, hi_conn *c)
{
    hi_sq_rollback(c, HOSHI_OK);
    pthread_mutex_lock(&s->lock);
    c->busy = false;
    pthread_cond_signal(&s->freed);
    pthread_mutex_unlock(&s->lock);
}

/* The slot to reuse when the cache is full: the least recently used
 * statement that its holder cannot still need — not handed out since the
 * connection was acquired, not in the middle of stepping.  HI_STMT_CACHE
 * when every one is in use. */
static size_t victim(const hi_conn *c)
{
    size_t best = HI_STMT_CACHE;
    for (size_t i = 0; i < c->n_stmt; i++) {
        if (c->stmt[i].used > c->acquired || sqlite3_stmt_busy(c->stmt[i].st))
            continue;
        if (best == HI_STMT_CACHE || c->stmt[i].used < c->stmt[best].used)
            best = i;
    }
    return best;
}

hoshi_err hi_sq_prep(hi_conn *c, const char *sql, sqlite3_stmt **out)
{
    *out = NULL;
    for (size_t i = 0; i < c->n_stmt; i++) {
        if (strcmp(c->stmt[i].sql, sql) == 0) {
            c->stmt[i].used = ++c->tick;
            *out = c->stmt[i].st;
            return HOSHI_OK;
        }
    }
    size_t slot = c->n_stmt < HI_STMT_CACHE ? c->n_stmt : victim(c);
    if (slot == HI_STMT_CACHE)
        return hi_fail(HOSHI_ERR_INTERNAL, "database: more than %d statements in use at once",
                       HI_STMT_CACHE);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        return hi_sq_fail(c, "prepare");
    char *copy = hi_strdup(sql);
    if (copy == NULL) {
        sqlite3_finalize(st);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory preparing a statement");
    }
    if (slot < c->n_stmt) {
        sqlite3_finalize(c->stmt[slot].st);
        free(c->stmt[slot].sql);
    } else {
        c->n_stmt++;
    }
    c->stmt[slot].sql = copy;
    c->stmt[slot].st = st;
    c->stmt[slot].used = ++c->tick;
    *out = st;
    return HOSHI_OK;
}

void hi_sq_done(sqlite3_stmt *st)
{
    if (st == NULL)
        return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

hoshi_err hi_sq_exec(hi_conn *c, const char *sql)
{
    sqlite3_stmt *st;
    hoshi_err err = hi_sq_prep(c, sql, &st);
    if (err != HOSHI_OK)
        return err;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        err = hi_sq_fail(c, sql);
    hi_sq_done(st);
    return err;
}

hoshi_err hi_sq_read_ok(hi_conn *c, const char *what)
{
    return sqlite3_errcode(c->db) == SQLITE_NOMEM ? hi_sq_fail(c, what) : HOSHI_OK;
}

void hi_sq_text(sqlite3_stmt *st, int i, char *dst, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, i) : 0;
    /* Writes refuse what would not fit, but a database from elsewhere may
     * hold longer text: cut it between characters, never inside one. */
    if (n >= size) {
        n = size - 1;
        while (n > 0 && (t[n] & 0xC0) == 0x80)
            n--;
    }
    if (n > 0)
        memcpy(dst, t, n);
    dst[n] = '\0';
}

hoshi_err hi_sq_rollback(hi_conn *c, hoshi_err err)
{
    /* SQLite may have rolled back already (after running out of memory,
     * for one). */
    if (!sqlite3_get_autocommit(c->db)) {
        sqlite3_step(c->rollback);
        sqlite3_reset(c->rollback);
    }
    return err;
}
