/*
 * sql_decl.c — declarations in the SQL store: issuing IDs,
 * stepping up and withdrawing and look-ups.  The registry search is
 * sql_search.c's, bulk seeding of demo data sql_seed.c's.
 */
#include "sql_int.h"
#include "internal.h"

#include <sodium.h>

hoshi_err hi_sq_insert_decl(hi_conn *c, long long org_id, int level, const char *date,
                             char id_out[HOSHI_STORE_DECL_ID])
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "INSERT INTO declarations(id, org_id, level, declared_on)"
                                  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO NOTHING", &st);
    if (err != HOSHI_OK)
        return err;
    /* A taken ID inserts nothing (an error would end a PostgreSQL
     * transaction): another ID is worth a try. */
    for (int attempt = 0; attempt < 8; attempt++) {
        long long base = 1000000000LL + (long long)randombytes_uniform(900000000U) * 10LL +
                         (long long)randombytes_uniform(10U);
        if ((err = hoshi_decl_id_make(base, id_out)) != HOSHI_OK)
            return err;
        hi_bind_text(st, 1, id_out);
        hi_bind_int64(st, 2, org_id);
        hi_bind_int64(st, 3, level);
        hi_bind_text(st, 4, date);
        int rc = hi_step(st);
        hi_sq_done(st);
        if (rc != HI_DONE)
            return hi_sq_fail(c, "insert declaration");
        if (hi_sq_changes(c) == 1)
            return HOSHI_OK;
    }
    return hi_fail(HOSHI_ERR_INTERNAL, "could not find a free declaration ID");
}

hoshi_err hi_sq_withdraw_org(hi_conn *c, long long org_id, const char *date, const char *reason, int *changes)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "UPDATE declarations SET status = 0, withdrawn_on = ?2,"
                                  " withdrawn_by = CASE WHEN ?3 <> '' THEN 1 ELSE 0 END, withdraw_reason = ?3"
                                  " WHERE org_id = ?1 AND status = 1", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, org_id);
    hi_bind_text(st, 2, date);
    hi_bind_text(st, 3, reason);
    int rc = hi_step(st);
    hi_sq_done(st);
    if (rc != HI_DONE)
        return hi_sq_fail(c, "withdraw declaration");
    if (changes != NULL)
        *changes = hi_sq_changes(c);
    return HOSHI_OK;
}

hoshi_err hi_sq_withdraw_active(hi_conn *c, long long org_id, const char *date, int *changes)
{
    return hi_sq_withdraw_org(c, org_id, date, "", changes);
}

hoshi_err hi_sq_decl_create(hoshi_store *base, long long org_id, int level, const char *date,
                            char id_out[HOSHI_STORE_DECL_ID])
{
    if (level != 1 && level != 2)
        return hi_fail(HOSHI_ERR_INPUT, "level must be 1 or 2");
    hoshi_err err = hi_sq_check_date("declaration date", date);
    if (err != HOSHI_OK)
        return err;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    if ((err = hi_sq_begin(c)) != HOSHI_OK)
        goto release;
    if ((err = hi_sq_withdraw_active(c, org_id, date, NULL)) != HOSHI_OK ||
        (err = hi_sq_insert_decl(c, org_id, level, date, id_out)) != HOSHI_OK) {
        hi_sq_rollback(c, err);
        goto release;
    }
    if ((err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK)
        hi_sq_rollback(c, err);
    else
        hi_sq_bump(base);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

hoshi_err hi_sq_decl_withdraw(hoshi_store *base, long long org_id, const char *date)
{
    hoshi_err err = hi_sq_check_date("withdrawal date", date);
    if (err != HOSHI_OK)
        return err;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    int changes = 0;
    err = hi_sq_withdraw_active(c, org_id, date, &changes);
    hi_sq_release(HI_SQ(base), c);
    if (err == HOSHI_OK && changes == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "no active declaration");
    if (err == HOSHI_OK)
        hi_sq_bump(base);
    return err;
}

/* A row of HI_SQ_DECL_COLS into a hoshi_decl (sql_int.h). */
void hi_sq_copy_decl(hi_stmt *st, void *rec)
{
    hoshi_decl *d = rec;
    hi_sq_text(st, 0, d->id, sizeof d->id);
    d->org_id = hi_col_int64(st, 1);
    d->level = hi_col_int(st, 2);
    hi_sq_text(st, 3, d->declared_on, sizeof d->declared_on);
    d->status = hi_col_int(st, 4) ? HOSHI_DECL_ACTIVE : HOSHI_DECL_WITHDRAWN;
    hi_sq_text(st, 5, d->withdrawn_on, sizeof d->withdrawn_on);
    hi_sq_text(st, 6, d->org_name, sizeof d->org_name);
    d->prefecture = hi_col_int(st, 7);
    hi_sq_text(st, 8, d->industry, sizeof d->industry);
    d->has_policy = hi_col_int(st, 9) != 0;
    hi_sq_text(st, 10, d->corpnum, sizeof d->corpnum);
    d->by_programme = hi_col_int(st, 11) != 0;
    hi_sq_text(st, 12, d->withdraw_reason, sizeof d->withdraw_reason);
}

static hoshi_err decl_one(hoshi_store *base, const char *sql, hi_sq_binder bind, const void *key,
                          hoshi_decl *out)
{
    hi_sq_query q = {.sql = sql, .bind = bind, .ctx = key, .copy = hi_sq_copy_decl,
                     .what = "declaration", .missing = "no such declaration"};
    return hi_sq_read1(base, &q, out);
}

hoshi_err hi_sq_decl_get(hoshi_store *base, const char *id, hoshi_decl *out)
{
    return decl_one(base, "SELECT " HI_SQ_DECL_COLS " FROM declarations d JOIN orgs o ON o.id = d.org_id"
                          " WHERE d.id = ?1", hi_sq_bind_key_text, id, out);
}

hoshi_err hi_sq_decl_active(hoshi_store *base, long long org_id, hoshi_decl *out)
{
    return decl_one(base, "SELECT " HI_SQ_DECL_COLS " FROM declarations d JOIN orgs o ON o.id = d.org_id"
                          " WHERE d.org_id = ?1 AND d.status = 1", hi_sq_bind_key_id, &org_id, out);
}

hoshi_err hi_sq_decl_by_corpnum(hoshi_store *base, const char *corpnum, hoshi_decl *out, size_t max,
                                size_t *n)
{
    *n = 0;
    if (!hoshi_corpnum_is_valid(corpnum))
        return hi_fail(HOSHI_ERR_INPUT, "not a valid 法人番号");
    hi_sq_query q = {.sql = "SELECT " HI_SQ_DECL_COLS " FROM orgs o JOIN declarations d ON d.org_id = o.id"
                            " WHERE o.corpnum = ?1 AND d.status = 1 ORDER BY d.seq DESC LIMIT ?2",
                     .bind = hi_sq_bind_text_int, .ctx = &(hi_sq_text_int){corpnum, (long long)max},
                     .copy = hi_sq_copy_decl, .what = "declarations by 法人番号"};
    return hi_sq_readn(base, &q, out, sizeof *out, max, n);
}

struct withdraw_args {
    const char *id, *date;
};

static void bind_withdraw(hi_stmt *st, const void *ctx)
{
    const struct withdraw_args *a = ctx;
    hi_bind_text(st, 1, a->id);
    hi_bind_text(st, 2, a->date);
}

hoshi_err hi_sq_decl_withdraw_id(hoshi_store *base, const char *id, const char *date)
{
    hoshi_err err = hi_sq_check_date("withdrawal date", date);
    if (err != HOSHI_OK)
        return err;
    struct withdraw_args a = {id, date};
    int changes = 0;
    err = hi_sq_write1(base, "UPDATE declarations SET status = 0, withdrawn_on = ?2"
                                 " WHERE id = ?1 AND status = 1",
                           bind_withdraw, &a, &changes);
    if (err == HOSHI_OK && changes == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "no active declaration with this ID");
    if (err == HOSHI_OK)
        hi_sq_bump(base);
    return err;
}
