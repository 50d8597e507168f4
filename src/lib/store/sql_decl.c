/*
 * sql_decl.c — declarations in the SQL store: issuing IDs,
 * stepping up and withdrawing, look-ups, the registry search (WHERE
 * clauses assembled from constant fragments, values always bound) and
 * bulk seeding of demo data.
 */
#include "sql_int.h"
#include "internal.h"
#include "hoshi/namekey.h"
#include "hoshi/text.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        hi_sq_bind_text(st, 1, id_out);
        hi_bind_int64(st, 2, org_id);
        hi_bind_int64(st, 3, level);
        hi_sq_bind_text(st, 4, date);
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
    hi_sq_bind_text(st, 2, date);
    hi_sq_bind_text(st, 3, reason);
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

#define DECL_COLS "d.id, d.org_id, d.level, d.declared_on, d.status, d.withdrawn_on, o.name," \
                  " o.prefecture, o.industry," \
                  " EXISTS (SELECT 1 FROM policies p WHERE p.org_id = o.id AND p.published <> 0), o.corpnum," \
                  " d.withdrawn_by, d.withdraw_reason"

static void copy_decl(hi_stmt *st, void *rec)
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
    hi_sq_query q = {.sql = sql, .bind = bind, .ctx = key, .copy = copy_decl,
                     .what = "declaration", .missing = "no such declaration"};
    return hi_sq_read1(base, &q, out);
}

hoshi_err hi_sq_decl_get(hoshi_store *base, const char *id, hoshi_decl *out)
{
    return decl_one(base, "SELECT " DECL_COLS " FROM declarations d JOIN orgs o ON o.id = d.org_id"
                          " WHERE d.id = ?1", hi_sq_bind_key_text, id, out);
}

hoshi_err hi_sq_decl_active(hoshi_store *base, long long org_id, hoshi_decl *out)
{
    return decl_one(base, "SELECT " DECL_COLS " FROM declarations d JOIN orgs o ON o.id = d.org_id"
                          " WHERE d.org_id = ?1 AND d.status = 1", hi_sq_bind_key_id, &org_id, out);
}

/* The search key of a name query as a LIKE pattern %key% in *out
 * (malloc'd; NULL when the key is empty, so nothing can match).  A key
 * holds only letters, marks and numbers: never a wildcard to escape. */
static hoshi_err name_pattern(const char *name, char **out, size_t *key_chars)
{
    *out = NULL;
    const hoshi_namekey *nk;
    char *key = NULL;
    hoshi_err err = hoshi_namekey_default(&nk);
    if (err != HOSHI_OK || (err = hoshi_namekey_query(nk, name, &key)) != HOSHI_OK)
        return err;
    if (*key != '\0') {
        hoshi_buf b = HOSHI_BUF_INIT;
        hoshi_buf_printf(&b, "%%%s%%", key);
        if (hoshi_buf_finish(&b, out, NULL) != HOSHI_OK)
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory searching the registry");
        *key_chars = hoshi_utf8_count(key);
    }
    free(key);
    return err;
}

hoshi_err hi_sq_decl_search(hoshi_store *base, const hoshi_decl_query *q, hoshi_decl *out,
                            size_t *n, long long *total)
{
    *n = 0;
    *total = 0;
    char *pattern = NULL;
    size_t key_chars = 0;
    bool by_name = q->name != NULL && *q->name;
    if (by_name) {
        hoshi_err err = name_pattern(q->name, &pattern, &key_chars);
        if (err != HOSHI_OK || pattern == NULL)
            return err;
    }
    /* Counting matches of a name alone reads the organisations that hold
     * its key's first two characters (bigram index) instead of every key.
     * With a prefecture the (prefecture, name_key) index is cheaper, and
     * the page itself is cheapest walking the newest declarations until it
     * has enough, so neither uses the bigrams. */
    bool by_gram = by_name && !q->prefecture && key_chars >= 2;
    /* The WHERE clause is assembled from constant fragments only; every
     * value is a bound parameter with a fixed number. */
    char where[640], where_count[768];
    snprintf(where, sizeof where, " FROM declarations d JOIN orgs o ON o.id = d.org_id WHERE %s%s%s%s%s",
             q->include_withdrawn ? "1 = 1" : "d.status = 1",
             by_name ? " AND o.name_key LIKE ?1" : "",
             q->prefecture ? " AND o.prefecture = ?2" : "",
             q->industry && *q->industry ? " AND o.industry = ?3" : "",
             q->level ? " AND d.level = ?4" : "");
    snprintf(where_count, sizeof where_count, "%s%s", where,
             by_gram ? " AND o.id IN (SELECT g.org_id FROM org_grams g WHERE g.gram = substr(?1, 2, 2))"
                     : "");
    bool org_filter = by_name || q->prefecture || (q->industry && *q->industry);
    char sql_count[900], sql_page[1400];
    if (org_filter)
        snprintf(sql_count, sizeof sql_count, "SELECT count(*)%s", where_count);
    else /* every declaration has its organisation: count from the index alone */
        snprintf(sql_count, sizeof sql_count, "SELECT count(*) FROM declarations d WHERE %s%s",
                 q->include_withdrawn ? "1 = 1" : "d.status = 1", q->level ? " AND d.level = ?4" : "");
    /* The page picks its declarations through the narrow columns first and
     * only then reads the wide ones (and the policy check) for those few,
     * instead of for every match before sorting. */
    snprintf(sql_page, sizeof sql_page,
             "SELECT " DECL_COLS " FROM declarations d JOIN orgs o ON o.id = d.org_id"
             " WHERE d.seq IN (SELECT d.seq%s ORDER BY d.seq DESC LIMIT ?5 OFFSET ?6)"
             " ORDER BY d.seq DESC",
             where);
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hoshi_err err = HOSHI_OK;
    for (int pass = 0; pass < 2 && err == HOSHI_OK; pass++) {
        hi_stmt *st;
        if ((err = hi_sq_prep(c, pass == 0 ? sql_count : sql_page, &st)) != HOSHI_OK)
            break;
        if (by_name)
            hi_sq_bind_text(st, 1, pattern);
        if (q->prefecture)
            hi_bind_int64(st, 2, q->prefecture);
        if (q->industry && *q->industry)
            hi_sq_bind_text(st, 3, q->industry);
        if (q->level)
            hi_bind_int64(st, 4, q->level);
        if (pass == 0) {
            if (hi_step(st) == HI_ROW)
                *total = hi_col_int64(st, 0);
            else
                err = hi_sq_fail(c, "count declarations");
        } else {
            hi_bind_int64(st, 5, (long long)q->limit);
            hi_bind_int64(st, 6, q->offset);
            hi_sq_query rows = {.copy = copy_decl, .what = "search declarations"};
            err = hi_sq_rows(c, st, &rows, out, sizeof *out, q->limit, n);
        }
        hi_sq_done(st);
    }
    hi_sq_release(HI_SQ(base), c);
    free(pattern);
    if (err != HOSHI_OK) {
        *n = 0;
        *total = 0;
    }
    return err;
}

hoshi_err hi_sq_decl_by_corpnum(hoshi_store *base, const char *corpnum, hoshi_decl *out, size_t max,
                                size_t *n)
{
    *n = 0;
    if (!hoshi_corpnum_is_valid(corpnum))
        return hi_fail(HOSHI_ERR_INPUT, "not a valid 法人番号");
    hi_sq_query q = {.sql = "SELECT " DECL_COLS " FROM orgs o JOIN declarations d ON d.org_id = o.id"
                            " WHERE o.corpnum = ?1 AND d.status = 1 ORDER BY d.seq DESC LIMIT ?2",
                     .bind = hi_sq_bind_text_int, .ctx = &(hi_sq_text_int){corpnum, (long long)max},
                     .copy = copy_decl, .what = "declarations by 法人番号"};
    return hi_sq_readn(base, &q, out, sizeof *out, max, n);
}

static hoshi_err seed_one(hi_conn *c, const hoshi_seed_decl *it)
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
    hi_stmt *st;
    char *key = NULL;
    long long org_id = 0;
    if ((err = hi_sq_name_key(it->org->name, &key)) != HOSHI_OK)
        return err;
    if ((err = hi_sq_prep(c, "INSERT INTO orgs(name, name_key, corpnum, prefecture, industry, employees,"
                             " contact, star1, star1_committed) VALUES (?1, ?7, ?2, ?3,"
                             " ?4, ?5, ?6, '11111', 1) RETURNING id", &st)) == HOSHI_OK) {
        hi_sq_bind_text(st, 1, it->org->name);
        hi_sq_bind_text(st, 2, it->org->corpnum);
        hi_bind_int64(st, 3, it->org->prefecture);
        hi_sq_bind_text(st, 4, it->org->industry);
        hi_bind_int64(st, 5, it->org->employees);
        hi_sq_bind_text(st, 6, it->org->contact);
        hi_sq_bind_text(st, 7, key);
        err = hi_sq_insert_id(c, st, "seed organisation", &org_id);
    }
    free(key);
    if (err != HOSHI_OK)
        return err;
    int rc;
    if (it->policy_body != NULL) {
        /* Published as it is: the draft and the published version agree. */
        if ((err = hi_sq_prep(c, "INSERT INTO policies(org_id, representative, contact, established, body,"
                                 " published, published_on, pub_representative, pub_contact,"
                                 " pub_established, pub_body)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, 1, ?4, ?2, ?3, ?4, ?5)", &st)) != HOSHI_OK)
            return err;
        hi_bind_int64(st, 1, org_id);
        hi_sq_bind_text(st, 2, it->representative);
        hi_sq_bind_text(st, 3, it->org->contact);
        hi_sq_bind_text(st, 4, it->declared_on);
        hi_sq_bind_text(st, 5, it->policy_body);
        rc = hi_step(st);
        hi_sq_done(st);
        if (rc != HI_DONE)
            return hi_sq_fail(c, "seed policy");
    }
    if (it->diagnosis != NULL) {
        /* Taken the day of the declaration: a ★★ declaration rests on one. */
        if ((err = hi_sq_prep(c, "INSERT INTO diagnoses(org_id, answers, score, taken_on)"
                                 " VALUES (?1, ?2, ?3, ?4)", &st)) != HOSHI_OK)
            return err;
        hi_bind_int64(st, 1, org_id);
        hi_sq_bind_text(st, 2, it->diagnosis);
        hi_bind_int64(st, 3, it->score);
        hi_sq_bind_text(st, 4, it->declared_on);
        rc = hi_step(st);
        hi_sq_done(st);
        if (rc != HI_DONE)
            return hi_sq_fail(c, "seed diagnosis");
    }
    char id[HOSHI_STORE_DECL_ID];
    return hi_sq_insert_decl(c, org_id, it->level, it->declared_on, id);
}

hoshi_err hi_sq_seed(hoshi_store *base, const hoshi_seed_decl *items, size_t n)
{
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hoshi_err err = hi_sq_begin(c);
    if (err != HOSHI_OK)
        goto release;
    for (size_t i = 0; i < n; i++) {
        if ((err = seed_one(c, &items[i])) != HOSHI_OK) {
            hi_sq_rollback(c, err);
            goto release;
        }
    }
    if ((err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK) {
        hi_sq_rollback(c, err);
        goto release;
    }
    hi_sq_bump(base);
    /* Fresh statistics let the planner pick the prefecture index or the
     * name scan instead of walking every declaration. */
    if ((err = hi_sq_exec(c, "ANALYZE")) == HOSHI_OK)
        atomic_fetch_add(&HI_SQ(base)->stats, 1);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

struct withdraw_args {
    const char *id, *date;
};

static void bind_withdraw(hi_stmt *st, const void *ctx)
{
    const struct withdraw_args *a = ctx;
    hi_sq_bind_text(st, 1, a->id);
    hi_sq_bind_text(st, 2, a->date);
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
