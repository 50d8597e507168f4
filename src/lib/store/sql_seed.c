/*
 * sql_seed.c — bulk seeding of demo data in the SQL store: organisations
 * with their declarations, ★★ ones with a diagnosis and a published
 * policy (its first version recorded, as publishing does).  A million
 * should seed in under a minute (it takes about one on SQLite, where the
 * search's gram index is most of it: docs/internals.md), so the rows go in
 * as multi-row INSERTs (SEED_ROWS rows a statement, prepared once: one
 * round trip per batch on PostgreSQL, and on SQLite one statement
 * journal per batch instead of one per row), and the planner statistics
 * are refreshed only when the store has doubled since they were taken.
 */
#include "sql_int.h"
#include "internal.h"
#include "hoshi/date.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows per INSERT; a tail shorter than that goes in statements of
 * SEED_TAIL rows and then of one, so at most three statements per table
 * are ever prepared. */
#define SEED_ROWS 300
#define SEED_TAIL 30

/* The rows of one table for one call of hi_sq_seed. */
typedef struct seed_table {
    const char *head;             /* "INSERT INTO t(cols) VALUES " */
    const char *row;              /* one row, '#' for each parameter */
    const char *tail;             /* "" or " RETURNING id" */
    int params;                   /* '#' in row */
    /* Binds item `item` as parameters first..first + params - 1. */
    void (*bind)(hi_stmt *st, int first, const hoshi_seed_decl *it, long long org_id, const char *extra);
    const char *what;
} seed_table;

/* The SQL of a statement inserting k rows of t in *out (malloc'd). */
static hoshi_err rows_sql(const seed_table *t, size_t k, char **out)
{
    hoshi_buf b = HOSHI_BUF_INIT;
    int p = 1;
    hoshi_buf_puts(&b, t->head);
    for (size_t r = 0; r < k; r++) {
        if (r > 0)
            hoshi_buf_putc(&b, ',');
        for (const char *s = t->row; *s; s++) {
            if (*s == '#')
                hoshi_buf_printf(&b, "?%d", p++);
            else
                hoshi_buf_putc(&b, *s);
        }
    }
    hoshi_buf_puts(&b, t->tail);
    if (hoshi_buf_finish(&b, out, NULL) != HOSHI_OK)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory seeding");
    return HOSHI_OK;
}

static int cmp_id(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Inserts the rows of items[idx[0..n)] into t, in statements of
 * SEED_ROWS, SEED_TAIL and 1 rows; *returned (if not NULL) counts the
 * rows RETURNING gave back.  With ids (t returning ids), ids[i]
 * gets the new id of items[idx[i]]: the ids of one statement are
 * assigned in the order of its rows and only increase (SQLite's rowid,
 * PostgreSQL's sequence), so sorted they pair with the rows in order. */
static hoshi_err insert_rows(hi_conn *c, const seed_table *t, const hoshi_seed_decl *items, const size_t *idx,
                             size_t n, const long long *org_ids, char *const *extra, long long *ids,
                             size_t *returned)
{
    size_t done = 0;
    if (returned != NULL)
        *returned = 0;
    while (done < n) {
        size_t left = n - done, k = left >= SEED_ROWS ? SEED_ROWS : left >= SEED_TAIL ? SEED_TAIL : 1;
        char *sql = NULL;
        hi_stmt *st;
        hoshi_err err = rows_sql(t, k, &sql);
        if (err == HOSHI_OK)
            err = hi_sq_prep(c, sql, &st);
        free(sql);
        if (err != HOSHI_OK)
            return err;
        for (size_t r = 0; r < k; r++) {
            size_t i = idx[done + r];
            t->bind(st, 1 + (int)r * t->params, &items[i], org_ids ? org_ids[i] : 0, extra ? extra[i] : NULL);
        }
        size_t got = 0;
        int rc;
        while ((rc = hi_step(st)) == HI_ROW) {
            if (ids != NULL && got < k)
                ids[done + got] = hi_col_int64(st, 0);
            got++;
        }
        if (returned != NULL)
            *returned += got;
        hi_sq_done(st);
        if (rc != HI_DONE)
            return hi_sq_fail(c, t->what);
        if (ids != NULL) {
            if (got != k)
                return hi_fail(HOSHI_ERR_INTERNAL, "seeding %s: %zu rows inserted, %zu ids returned", t->what,
                               k, got);
            qsort(ids + done, k, sizeof *ids, cmp_id);
        }
        done += k;
    }
    return HOSHI_OK;
}

static void bind_org(hi_stmt *st, int p, const hoshi_seed_decl *it, long long org_id, const char *key)
{
    (void)org_id;
    hi_bind_text(st, p, it->org->name);
    hi_bind_text(st, p + 1, key);
    hi_bind_text(st, p + 2, it->org->corpnum);
    hi_bind_int64(st, p + 3, it->org->prefecture);
    hi_bind_text(st, p + 4, it->org->industry);
    hi_bind_int64(st, p + 5, it->org->employees);
    hi_bind_text(st, p + 6, it->org->contact);
}

/* Published as it is: the draft and the published version agree. */
static void bind_policy(hi_stmt *st, int p, const hoshi_seed_decl *it, long long org_id, const char *unused)
{
    (void)unused;
    hi_bind_int64(st, p, org_id);
    for (int twice = 0; twice < 2; twice++) {
        int q = p + 1 + twice * 4;
        hi_bind_text(st, q, it->representative);
        hi_bind_text(st, q + 1, it->org->contact);
        hi_bind_text(st, q + 2, it->declared_on);
        hi_bind_text(st, q + 3, it->policy_body);
    }
    hi_bind_text(st, p + 9, it->declared_on);
}

/* The day a year after `day` (a valid YYYY-MM-DD), as SQLite's
 * date(day, '+1 year') gives it: 29 February becomes 1 March.  Worked out
 * here because on PostgreSQL that date() is a plpgsql function, 22 µs a
 * call: 15 s of a million's seeding. */
static void year_after(const char *day, char out[HOSHI_STORE_DATE])
{
    hoshi_date d = {0, 1, 1};
    (void)hoshi_date_parse(day, &d); /* check_item has checked it */
    d.year++;
    bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
    if (d.month == 2 && d.day == 29 && !leap) {
        d.month = 3;
        d.day = 1;
    }
    hoshi_date_iso(d, out, HOSHI_STORE_DATE);
}

/* The published policy's first version, as publishing records it: dated
 * the declaration day, to be reviewed a year later (review). */
static void bind_version(hi_stmt *st, int p, const hoshi_seed_decl *it, long long org_id, const char *review)
{
    hi_bind_int64(st, p, org_id);
    hi_bind_text(st, p + 1, it->declared_on);
    hi_bind_text(st, p + 2, review);
    hi_bind_text(st, p + 3, it->representative);
    hi_bind_text(st, p + 4, it->org->contact);
    hi_bind_text(st, p + 5, it->declared_on);
    hi_bind_text(st, p + 6, it->policy_body);
}

/* Taken the day of the declaration: a ★★ declaration rests on one. */
static void bind_diagnosis(hi_stmt *st, int p, const hoshi_seed_decl *it, long long org_id, const char *unused)
{
    (void)unused;
    hi_bind_int64(st, p, org_id);
    hi_bind_text(st, p + 1, it->diagnosis);
    hi_bind_int64(st, p + 2, it->score);
    hi_bind_text(st, p + 3, it->declared_on);
}

static void bind_decl(hi_stmt *st, int p, const hoshi_seed_decl *it, long long org_id, const char *id)
{
    hi_bind_text(st, p, id);
    hi_bind_int64(st, p + 1, org_id);
    hi_bind_int64(st, p + 2, it->level);
    hi_bind_text(st, p + 3, it->declared_on);
}

static const seed_table orgs_table = {
    "INSERT INTO orgs(name, name_key, corpnum, prefecture, industry, employees, contact, star1,"
    " star1_committed) VALUES ", "(#, #, #, #, #, #, #, '11111', 1)", " RETURNING id", 7, bind_org,
    "seed organisations"};
static const seed_table policies_table = {
    "INSERT INTO policies(org_id, representative, contact, established, body, pub_representative,"
    " pub_contact, pub_established, pub_body, published_on, published) VALUES ",
    "(#, #, #, #, #, #, #, #, #, #, 1)", "", 10, bind_policy, "seed policies"};
static const seed_table versions_table = {
    "INSERT INTO policy_versions(org_id, number, published_on, review_on, representative, contact, established,"
    " body) VALUES ", "(#, 1, #, #, #, #, #, #)", "", 7, bind_version, "seed policy versions"};
static const seed_table diagnoses_table = {
    "INSERT INTO diagnoses(org_id, answers, score, taken_on) VALUES ", "(#, #, #, #)", "", 4,
    bind_diagnosis, "seed diagnoses"};
/* A taken ID inserts nothing and returns no id; that declaration is
 * then issued alone (hi_sq_insert_decl tries fresh IDs). */
static const seed_table decls_table = {
    "INSERT INTO declarations(id, org_id, level, declared_on) VALUES ", "(#, #, #, #)",
    " ON CONFLICT (id) DO NOTHING RETURNING id", 4, bind_decl, "seed declarations"};

static hoshi_err check_item(const hoshi_seed_decl *it)
{
    hoshi_err err;
    if ((err = hi_sq_org_check(it->org)) != HOSHI_OK ||
        (err = hi_sq_check_date("declaration date", it->declared_on)) != HOSHI_OK ||
        (it->policy_body != NULL &&
         (err = hi_sq_policy_check(it->representative, it->org->contact, it->declared_on,
                                   it->policy_body)) != HOSHI_OK))
        return err;
    if (it->level != 1 && it->level != 2)
        return hi_fail(HOSHI_ERR_INPUT, "level must be 1 or 2");
    if (it->diagnosis != NULL &&
        (strlen(it->diagnosis) != HOSHI_DIAG_ITEMS || strspn(it->diagnosis, "1234") != HOSHI_DIAG_ITEMS))
        return hi_fail(HOSHI_ERR_INPUT, "seed diagnosis must be 25 codes 1..4");
    return HOSHI_OK;
}

/* A fresh random declaration ID for each item.  Two alike (in the batch
 * or in the store) are not looked for here: the second inserts nothing
 * and is issued again alone (insert_decls). */
static hoshi_err make_ids(size_t n, char (*ids)[HOSHI_STORE_DECL_ID])
{
    for (size_t i = 0; i < n; i++) {
        long long base = 1000000000LL + (long long)randombytes_uniform(900000000U) * 10LL +
                         (long long)randombytes_uniform(10U);
        hoshi_err err = hoshi_decl_id_make(base, ids[i]);
        if (err != HOSHI_OK)
            return err;
    }
    return HOSHI_OK;
}

/* Issues the declarations of items[0..n) (org_ids their organisations;
 * id_ptr room for n pointers). */
static hoshi_err insert_decls(hi_conn *c, const hoshi_seed_decl *items, size_t n, const size_t *all,
                              const long long *org_ids, char **id_ptr, char (*ids)[HOSHI_STORE_DECL_ID])
{
    hoshi_err err;
    if ((err = make_ids(n, ids)) != HOSHI_OK)
        return err;
    for (size_t i = 0; i < n; i++)
        id_ptr[i] = ids[i];
    size_t done = 0;
    while (done < n && err == HOSHI_OK) {
        size_t k = n - done >= SEED_ROWS ? SEED_ROWS : n - done, back = 0;
        if ((err = insert_rows(c, &decls_table, items, all + done, k, org_ids, id_ptr, NULL, &back)) != HOSHI_OK ||
            back == k)
            goto next;
        /* Some ID was taken (rarely: one in 10^8 per declaration seeded):
         * find which and issue those alone with fresh IDs. */
        hi_stmt *st;
        if ((err = hi_sq_prep(c, "SELECT 1 FROM declarations WHERE id = ?1 AND org_id = ?2", &st)) != HOSHI_OK)
            break;
        for (size_t i = done; i < done + k && err == HOSHI_OK; i++) {
            hi_bind_text(st, 1, ids[i]);
            hi_bind_int64(st, 2, org_ids[i]);
            int rc = hi_step(st);
            hi_sq_done(st);
            if (rc == HI_STEP_ERROR)
                err = hi_sq_fail(c, "seed declarations");
            else if (rc == HI_DONE)
                err = hi_sq_insert_decl(c, org_ids[i], items[i].level, items[i].declared_on, ids[i]);
        }
    next:
        done += k;
    }
    return err;
}

/* The rows of items[0..n) in the caller's transaction. */
static hoshi_err seed_in(hi_conn *c, const hoshi_seed_decl *items, size_t n)
{
    hoshi_err err = HOSHI_OK;
    for (size_t i = 0; i < n && err == HOSHI_OK; i++)
        err = check_item(&items[i]);
    if (err != HOSHI_OK)
        return err;
    size_t *all = hi_calloc(n, sizeof *all), *pol = hi_calloc(n, sizeof *pol), *dia = hi_calloc(n, sizeof *dia);
    long long *org_ids = hi_calloc(n, sizeof *org_ids);
    char **keys = hi_calloc(n, sizeof *keys), **id_ptr = hi_calloc(n, sizeof *id_ptr);
    char (*ids)[HOSHI_STORE_DECL_ID] = hi_calloc(n, sizeof *ids);
    char (*review)[HOSHI_STORE_DATE] = hi_calloc(n, sizeof *review);
    char **review_ptr = hi_calloc(n, sizeof *review_ptr);
    size_t n_pol = 0, n_dia = 0;
    if (all == NULL || pol == NULL || dia == NULL || org_ids == NULL || keys == NULL || id_ptr == NULL ||
        ids == NULL || review == NULL || review_ptr == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory seeding");
        goto free_all;
    }
    for (size_t i = 0; i < n && err == HOSHI_OK; i++) {
        all[i] = i;
        if (items[i].policy_body != NULL) {
            pol[n_pol++] = i;
            year_after(items[i].declared_on, review[i]);
        }
        review_ptr[i] = review[i];
        if (items[i].diagnosis != NULL)
            dia[n_dia++] = i;
        err = hi_sq_name_key(items[i].org->name, &keys[i]);
    }
    if (err == HOSHI_OK)
        err = insert_rows(c, &orgs_table, items, all, n, NULL, keys, org_ids, NULL);
    if (err == HOSHI_OK)
        err = insert_rows(c, &policies_table, items, pol, n_pol, org_ids, NULL, NULL, NULL);
    if (err == HOSHI_OK)
        err = insert_rows(c, &versions_table, items, pol, n_pol, org_ids, review_ptr, NULL, NULL);
    if (err == HOSHI_OK)
        err = insert_rows(c, &diagnoses_table, items, dia, n_dia, org_ids, NULL, NULL, NULL);
    if (err == HOSHI_OK)
        err = insert_decls(c, items, n, all, org_ids, id_ptr, ids);
free_all:
    if (keys != NULL)
        for (size_t i = 0; i < n; i++)
            free(keys[i]);
    free(keys);
    free(id_ptr);
    free(ids);
    free(review_ptr);
    free(review);
    free(org_ids);
    free(all);
    free(pol);
    free(dia);
    return err;
}

/* The newest declaration's number: how many there are, near enough, read
 * from the primary key alone. */
static hoshi_err decl_seq(hi_conn *c, long long *out)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "SELECT coalesce(max(seq), 0) FROM declarations", &st);
    if (err != HOSHI_OK)
        return err;
    if (hi_step(st) == HI_ROW)
        *out = hi_col_int64(st, 0);
    else
        err = hi_sq_fail(c, "count declarations");
    hi_sq_done(st);
    return err;
}

static int log2_floor(long long v)
{
    int b = 0;
    while (v > 1) {
        v >>= 1;
        b++;
    }
    return b;
}

hoshi_err hi_sq_seed(hoshi_store *base, const hoshi_seed_decl *items, size_t n)
{
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    long long before = 0, after = 0;
    if (c->drv->bulk != NULL)
        c->drv->bulk(c->db, true);
    hoshi_err err = hi_sq_begin(c);
    if (err != HOSHI_OK)
        goto release;
    if ((err = decl_seq(c, &before)) != HOSHI_OK || (err = seed_in(c, items, n)) != HOSHI_OK ||
        (err = decl_seq(c, &after)) != HOSHI_OK) {
        hi_sq_rollback(c, err);
        goto release;
    }
    if ((err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK) {
        hi_sq_rollback(c, err);
        goto release;
    }
    hi_sq_bump(base);
    /* Fresh statistics let the planner pick the prefecture index or the
     * name scan instead of walking every declaration.  Taken each time the
     * store crosses a power of two (and on the first seed), so seeding in
     * batches analyses about twice the final size in all, not once per
     * batch: the statistics are never off by more than a factor of two. */
    if (before > 0 && log2_floor(before) == log2_floor(after))
        goto release;
    /* hi_sq_exec records its own failure (NOMEM when preparing it could
     * not allocate: the connection's last error would say nothing). */
    if ((err = hi_sq_exec(c, "ANALYZE")) == HOSHI_OK)
        atomic_fetch_add(&HI_SQ(base)->stats, 1);
release:
    if (c->drv->bulk != NULL)
        c->drv->bulk(c->db, false);
    hi_sq_release(HI_SQ(base), c);
    return err;
}
