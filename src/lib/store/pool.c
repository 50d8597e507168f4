/*
 * pool.c — a store's connections, whatever the database: a pool so server
 * threads read in parallel, a bounded per-connection cache of prepared
 * statements (least recently used evicted, never one handed out) so hot
 * pages do not pay for SQL parsing on every request, and the small steps
 * every operation takes on a connection (prepare, reset, run, copy text,
 * turn the driver's error into a hoshi_err).  It calls only the driver.
 */
#include "sql_int.h"
#include "alloc.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

hi_sqlstore *hi_sqlstore_new(const hi_driver *drv, int n)
{
    hi_sqlstore *s = hi_calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->conn = hi_calloc((size_t)n, sizeof *s->conn);
    if (s->conn == NULL) {
        free(s);
        return NULL;
    }
    s->drv = drv;
    s->n_conn = n;
    for (int i = 0; i < n; i++)
        s->conn[i].drv = drv;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->freed, NULL);
    atomic_init(&s->generation, 1);
    atomic_init(&s->stats, 0);
    atomic_init(&s->shared, 0);
    return s;
}

static void drop_statements(hi_conn *c)
{
    for (size_t i = 0; i < c->n_stmt; i++) {
        c->drv->finalize(c->stmt[i].st);
        free(c->stmt[i].sql);
    }
    c->n_stmt = 0;
}

void hi_sqlstore_forget(hi_sqlstore *s)
{
    for (int i = 0; i < s->n_conn; i++)
        drop_statements(&s->conn[i]);
}

void hi_sqlstore_free(hi_sqlstore *s)
{
    for (int i = 0; i < s->n_conn; i++) {
        drop_statements(&s->conn[i]);
        if (s->conn[i].db != NULL)
            s->drv->close(s->conn[i].db);
    }
    free(s->conn);
    pthread_cond_destroy(&s->freed);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void hi_sql_close(hoshi_store *base)
{
    hi_sqlstore_free(HI_SQ(base));
}

hoshi_err hi_sq_fail(hi_conn *c, const char *what)
{
    if (c == NULL || c->db == NULL)
        return hi_fail(HOSHI_ERR_IO, "database: %s failed", what);
    return c->drv->fail(c->db, what);
}

hi_conn *hi_sq_acquire(hi_sqlstore *s)
{
    pthread_mutex_lock(&s->lock);
    for (;;) {
        for (int i = 0; i < s->n_conn; i++) {
            if (!s->conn[i].busy) {
                hi_conn *c = &s->conn[i];
                c->busy = true;
                pthread_mutex_unlock(&s->lock);
                hi_sq_rollback(c, HOSHI_OK);
                /* A connection plans with what it knew when it last looked;
                 * after an ANALYZE elsewhere its statements are planned
                 * afresh. */
                if (c->drv->on_acquire != NULL && c->drv->on_acquire(c->db, atomic_load(&s->stats)))
                    drop_statements(c);
                c->acquired = c->tick;
                return c;
            }
        }
        pthread_cond_wait(&s->freed, &s->lock);
    }
}

void hi_sq_release(hi_sqlstore *s, hi_conn *c)
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
        if (c->stmt[i].used > c->acquired || c->drv->busy(c->stmt[i].st))
            continue;
        if (best == HI_STMT_CACHE || c->stmt[i].used < c->stmt[best].used)
            best = i;
    }
    return best;
}

hoshi_err hi_sq_prep(hi_conn *c, const char *sql, hi_stmt **out)
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
    hi_stmt *st = NULL;
    hoshi_err err = c->drv->prepare(c->db, sql, &st);
    if (err != HOSHI_OK)
        return err;
    char *copy = hi_strdup(sql);
    if (copy == NULL) {
        c->drv->finalize(st);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory preparing a statement");
    }
    if (slot < c->n_stmt) {
        c->drv->finalize(c->stmt[slot].st);
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

void hi_sq_done(hi_stmt *st)
{
    if (st != NULL)
        st->drv->reset(st);
}

hoshi_err hi_sq_exec(hi_conn *c, const char *sql)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, sql, &st);
    if (err != HOSHI_OK)
        return err;
    int rc = hi_step(st);
    if (rc != HI_DONE && rc != HI_ROW)
        err = hi_sq_fail(c, sql);
    hi_sq_done(st);
    return err;
}

hoshi_err hi_sq_begin(hi_conn *c)
{
    return c->drv->begin(c->db);
}

long long hi_sq_changes(hi_conn *c)
{
    return c->drv->changes(c->db);
}

hoshi_err hi_sq_insert_id(hi_conn *c, hi_stmt *st, const char *what, long long *id)
{
    hoshi_err err = HOSHI_OK;
    if (hi_step(st) != HI_ROW)
        err = hi_sq_fail(c, what);
    else
        *id = hi_col_int64(st, 0);
    hi_sq_done(st);
    return err;
}

hoshi_err hi_sq_read_ok(hi_conn *c, const char *what)
{
    return c->drv->nomem(c->db) ? hi_sq_fail(c, what) : HOSHI_OK;
}

void hi_sq_text(hi_stmt *st, int i, char *dst, size_t size)
{
    const char *t = hi_col_text(st, i);
    size_t n = strlen(t);
    /* Writes refuse what would not fit, but a database from elsewhere may
     * hold longer text: cut it between characters, never inside one. */
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
            n--;
    }
    if (n > 0)
        memcpy(dst, t, n);
    dst[n] = '\0';
}

hoshi_err hi_sq_rollback(hi_conn *c, hoshi_err err)
{
    /* The database may have rolled back already (SQLite after running out
     * of memory, for one). */
    if (c->db != NULL && c->drv->in_transaction(c->db))
        c->drv->rollback(c->db);
    return err;
}
