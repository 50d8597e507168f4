/*
 * sql_throttle.c — the log-in and sign-up counters in the SQL store
 * (issue 12 part 2; hoshi/store_throttle.h).  An update reads its few
 * counters by key, lets the caller decide, and writes back, inside one
 * write transaction (hi_sq_begin: BEGIN IMMEDIATE on SQLite, the
 * driver's exclusive writer lock on PostgreSQL), so two servers counting
 * the same attempt at once are serialised, never both let through.  The
 * number of bounded counters lives in throttle_meta, changed in the same
 * transaction as the rows it counts and recounted by every sweep.
 */
#include "sql_int.h"

#include <sodium.h>
#include <string.h>

/* Runs fn(c, arg) inside one write transaction on a pooled connection:
 * committed when it succeeds, rolled back when anything fails. */
static hoshi_err in_transaction(hoshi_store *base, hoshi_err (*fn)(hi_conn *c, void *arg), void *arg)
{
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hoshi_err err = hi_sq_begin(c);
    if (err == HOSHI_OK && ((err = fn(c, arg)) != HOSHI_OK || (err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK))
        hi_sq_rollback(c, err);
    hi_sq_release(HI_SQ(base), c);
    return err;
}

/* Reads k's row into k (found false, n and last 0 when there is none). */
static hoshi_err read_counter(hi_conn *c, hoshi_throttle_counter *k)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "SELECT n, last, bounded FROM throttle WHERE key = ?1", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_blob(st, 1, k->key, HOSHI_THROTTLE_KEY);
    int rc = hi_step(st);
    k->found = rc == HI_ROW;
    k->n = 0;
    k->last = 0;
    k->write = false;
    if (rc == HI_ROW) {
        k->n = hi_col_int(st, 0);
        k->last = hi_col_int64(st, 1);
        k->bounded = hi_col_int64(st, 2) != 0;
        err = hi_sq_read_ok(c, "throttle counter");
    } else if (rc != HI_DONE) {
        err = hi_sq_fail(c, "read throttle counter");
    }
    hi_sq_done(st);
    return err;
}

/* The number of bounded counters, as kept in throttle_meta. */
static hoshi_err read_bounded(hi_conn *c, long long *out)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "SELECT bounded FROM throttle_meta WHERE id = 1", &st);
    if (err != HOSHI_OK)
        return err;
    int rc = hi_step(st);
    if (rc == HI_ROW)
        *out = hi_col_int64(st, 0);
    else if (rc == HI_DONE)
        err = hi_fail(HOSHI_ERR_IO, "store: the throttle_meta row is missing (schema damaged?)");
    else
        err = hi_sq_fail(c, "read throttle bounded count");
    hi_sq_done(st);
    return err;
}

/* Runs st, bound, to completion. */
static hoshi_err step_done(hi_conn *c, hi_stmt *st, const char *what)
{
    int rc = hi_step(st);
    hi_sq_done(st);
    return rc == HI_DONE ? HOSHI_OK : hi_sq_fail(c, what);
}

static hoshi_err write_counter(hi_conn *c, const hoshi_throttle_counter *k)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, k->found ? "UPDATE throttle SET n = ?2, last = ?3, bounded = ?4 WHERE key = ?1"
                                           : "INSERT INTO throttle(key, n, last, bounded) VALUES (?1, ?2, ?3, ?4)",
                               &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_blob(st, 1, k->key, HOSHI_THROTTLE_KEY);
    hi_bind_int64(st, 2, k->n);
    hi_bind_int64(st, 3, k->last);
    hi_bind_int64(st, 4, k->bounded ? 1 : 0);
    return step_done(c, st, "write throttle counter");
}

static hoshi_err add_bounded(hi_conn *c, long long delta)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "UPDATE throttle_meta SET bounded = bounded + ?1 WHERE id = 1", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, delta);
    return step_done(c, st, "count bounded throttle counters");
}

/* What an update is asked to do. */
typedef struct update_args {
    hoshi_throttle_counter *k;
    size_t n;
    hoshi_throttle_fn decide;
    void *ctx;
} update_args;

static hoshi_err update_in(hi_conn *c, void *arg)
{
    update_args *a = arg;
    hoshi_throttle_counter *k = a->k;
    bool was_bounded[HOSHI_THROTTLE_MAX];
    long long bounded = 0;
    hoshi_err err;
    for (size_t i = 0; i < a->n; i++) {
        if ((err = read_counter(c, &k[i])) != HOSHI_OK)
            return err;
        was_bounded[i] = k[i].found && k[i].bounded;
    }
    if ((err = read_bounded(c, &bounded)) != HOSHI_OK)
        return err;
    a->decide(k, a->n, bounded, a->ctx);
    long long delta = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (!k[i].write)
            continue;
        if ((err = write_counter(c, &k[i])) != HOSHI_OK)
            return err;
        delta += (k[i].bounded ? 1 : 0) - (was_bounded[i] ? 1 : 0);
    }
    return delta != 0 ? add_bounded(c, delta) : HOSHI_OK;
}

hoshi_err hi_sq_throttle_update(hoshi_store *base, hoshi_throttle_counter *c, size_t n, hoshi_throttle_fn decide,
                                void *ctx)
{
    if (c == NULL || decide == NULL || n < 1 || n > HOSHI_THROTTLE_MAX)
        return hi_fail(HOSHI_ERR_USAGE, "store: a throttle update needs 1..%d counters and a decision",
                       HOSHI_THROTTLE_MAX);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (memcmp(c[i].key, c[j].key, HOSHI_THROTTLE_KEY) == 0)
                return hi_fail(HOSHI_ERR_USAGE, "store: throttle counters %zu and %zu have the same key", i, j);
    update_args a = {c, n, decide, ctx};
    return in_transaction(base, update_in, &a);
}

/* What a sweep is asked to do, and how many rows it removed. */
typedef struct sweep_args {
    long long before, removed;
} sweep_args;

static hoshi_err sweep_in(hi_conn *c, void *arg)
{
    sweep_args *a = arg;
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "DELETE FROM throttle WHERE last <= ?1", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, a->before);
    if ((err = step_done(c, st, "sweep throttle counters")) != HOSHI_OK)
        return err;
    a->removed = hi_sq_changes(c);
    /* Recounted rather than adjusted: a count that ever drifted (a row
     * removed by hand) heals within a sweep. */
    return hi_sq_exec(c, "UPDATE throttle_meta SET bounded = (SELECT COUNT(*) FROM throttle WHERE bounded <> 0)"
                         " WHERE id = 1");
}

hoshi_err hi_sq_throttle_sweep(hoshi_store *base, long long before, long long *removed)
{
    sweep_args a = {before, 0};
    hoshi_err err = in_transaction(base, sweep_in, &a);
    if (removed != NULL)
        *removed = err == HOSHI_OK ? a.removed : 0;
    return err;
}

static hoshi_err secret_in(hi_conn *c, void *arg)
{
    unsigned char *out = arg;
    unsigned char fresh[HOSHI_THROTTLE_SECRET];
    randombytes_buf(fresh, sizeof fresh);
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "UPDATE throttle_meta SET secret = ?1 WHERE id = 1 AND secret IS NULL", &st);
    if (err == HOSHI_OK) {
        hi_bind_blob(st, 1, fresh, sizeof fresh);
        err = step_done(c, st, "make the throttle secret");
    }
    sodium_memzero(fresh, sizeof fresh);
    if (err != HOSHI_OK || (err = hi_sq_prep(c, "SELECT secret FROM throttle_meta WHERE id = 1", &st)) != HOSHI_OK)
        return err;
    int rc = hi_step(st);
    if (rc == HI_ROW && hi_col_bytes(st, 0) == HOSHI_THROTTLE_SECRET)
        memcpy(out, hi_col_blob(st, 0), HOSHI_THROTTLE_SECRET);
    else if (rc == HI_ROW || rc == HI_DONE)
        err = hi_fail(HOSHI_ERR_IO, "store: the throttle secret is missing or not %d bytes (schema damaged?)",
                      HOSHI_THROTTLE_SECRET);
    else
        err = hi_sq_fail(c, "read the throttle secret");
    hi_sq_done(st);
    return err;
}

hoshi_err hi_sq_throttle_secret(hoshi_store *base, unsigned char out[HOSHI_THROTTLE_SECRET])
{
    hoshi_err err = in_transaction(base, secret_in, out);
    if (err != HOSHI_OK)
        sodium_memzero(out, HOSHI_THROTTLE_SECRET);
    return err;
}
