/*
 * test_store_cache.c — the store's statement cache from inside
 * (it includes the backend's private header): when full it evicts the
 * least recently used statement, but never one handed out since the
 * connection was acquired, since the operation holding it may still step
 * it; with every slot so held, preparing one more fails cleanly.  The
 * behaviour through the public API is in test_store.c
 * (many_distinct_statements_on_one_connection).
 */
#include "store/sql_int.h"
#include "pgtest.h"
#include "unit.h"

#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/hoshi-store-cache-XXXXXX";

static hoshi_err open_one(hi_sqlstore **out)
{
    char path[128];
    snprintf(path, sizeof path, "%s/cache.db", dir);
    hoshi_store *st = NULL;
    hoshi_err err = hi_test_store_open(path, 1, &st);
    *out = (hi_sqlstore *)st;
    return err;
}

static hoshi_err prep_n(hi_conn *c, int n, hi_stmt **st)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT %d", n);
    return hi_sq_prep(c, sql, st);
}

static bool cached(const hi_conn *c, const char *sql)
{
    for (size_t i = 0; i < c->n_stmt; i++)
        if (strcmp(c->stmt[i].sql, sql) == 0)
            return true;
    return false;
}

static int value(hi_stmt *st)
{
    int v = hi_step(st) == HI_ROW ? hi_col_int(st, 0) : -1;
    hi_sq_done(st);
    return v;
}

#define UNION "SELECT 1 UNION ALL SELECT 2"

static void statements_in_use_are_never_evicted(void)
{
    hi_sqlstore *s = NULL;
    CHECK_INT(open_one(&s), HOSHI_OK);
    if (s == NULL)
        return;
    /* One acquire holding a statement mid-step and filling every slot. */
    hi_conn *c = hi_sq_acquire(s);
    hi_stmt *stepping;
    CHECK_INT(hi_sq_prep(c, UNION, &stepping), HOSHI_OK);
    CHECK_INT(hi_step(stepping), HI_ROW);
    hi_stmt *held[HI_STMT_CACHE];
    int ok = 0;
    for (int i = 1; i < HI_STMT_CACHE; i++)
        ok += prep_n(c, i, &held[i]) == HOSHI_OK;
    CHECK_INT(ok, HI_STMT_CACHE - 1);
    CHECK_INT(c->n_stmt, HI_STMT_CACHE);
    hi_stmt *extra = NULL;
    CHECK_INT(prep_n(c, 1000, &extra), HOSHI_ERR_INTERNAL);
    CHECK(extra == NULL);
    /* Everything handed out still works. */
    CHECK_INT(hi_step(stepping), HI_ROW);
    CHECK_INT(hi_col_int(stepping, 0), 2);
    hi_sq_done(stepping);
    int right = 0;
    for (int i = 1; i < HI_STMT_CACHE; i++)
        right += value(held[i]) == i;
    CHECK_INT(right, HI_STMT_CACHE - 1);
    hi_sq_release(s, c);

    /* In the next acquire the least recently used goes first: the union,
     * then SELECT 1; the rest stay. */
    c = hi_sq_acquire(s);
    CHECK_INT(prep_n(c, 1000, &extra), HOSHI_OK);
    CHECK_INT(value(extra), 1000);
    CHECK(!cached(c, UNION));
    CHECK(cached(c, "SELECT 1"));
    CHECK_INT(hi_sq_prep(c, UNION, &stepping), HOSHI_OK);
    CHECK_INT(value(stepping), 1);
    CHECK(!cached(c, "SELECT 1"));
    CHECK(cached(c, "SELECT 2") && cached(c, "SELECT 1000"));
    CHECK_INT(c->n_stmt, HI_STMT_CACHE);
    hi_sq_release(s, c);
    hi_sql_close(&s->base);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(statements_in_use_are_never_evicted);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return UNIT_RESULT();
}
