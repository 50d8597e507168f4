/*
 * sqlite_orgs.c — organisations, diagnosis drafts and results, basic
 * policies and the operator's figures in the SQLite backend.  Every query
 * for a diagnosis or policy is keyed by the organisation, so one
 * organisation can never read another's.
 */
#include "sqlite_int.h"
#include "internal.h"

#include <string.h>

#define ORG_COLS "o.id, o.name, o.corpnum, o.prefecture, o.industry, o.employees, o.contact," \
                 " o.star1, o.star1_committed, o.draft"

static void read_org(sqlite3_stmt *st, hoshi_org *o)
{
    o->id = sqlite3_column_int64(st, 0);
    hi_sq_text(st, 1, o->name, sizeof o->name);
    hi_sq_text(st, 2, o->corpnum, sizeof o->corpnum);
    o->prefecture = sqlite3_column_int(st, 3);
    hi_sq_text(st, 4, o->industry, sizeof o->industry);
    o->employees = sqlite3_column_int(st, 5);
    hi_sq_text(st, 6, o->contact, sizeof o->contact);
    hi_sq_text(st, 7, o->star1, sizeof o->star1);
    o->star1_committed = sqlite3_column_int(st, 8) != 0;
    hi_sq_text(st, 9, o->draft, sizeof o->draft);
}

hoshi_err hi_sq_org_get(hoshi_store *base, long long org_id, hoshi_org *out)
{
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT " ORG_COLS " FROM orgs o WHERE o.id = ?1");
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    sqlite3_bind_int64(st, 1, org_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_org(st, out);
    else
        err = rc == SQLITE_DONE ? hi_fail(HOSHI_ERR_NOTFOUND, "no such organisation")
                                : hi_sq_fail(c, "organisation");
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

static void bind_org(sqlite3_stmt *st, const void *ctx)
{
    const hoshi_org *o = ctx;
    sqlite3_bind_int64(st, 1, o->id);
    hi_sq_bind_text(st, 2, o->name);
    hi_sq_bind_text(st, 3, o->corpnum);
    sqlite3_bind_int(st, 4, o->prefecture);
    hi_sq_bind_text(st, 5, o->industry);
    sqlite3_bind_int(st, 6, o->employees);
    hi_sq_bind_text(st, 7, o->contact);
    hi_sq_bind_text(st, 8, o->star1);
    sqlite3_bind_int(st, 9, o->star1_committed ? 1 : 0);
}

hoshi_err hi_sq_org_update(hoshi_store *base, const hoshi_org *org)
{
    int changes = 0;
    hoshi_err err = hi_sq_write1(base,
                           "UPDATE orgs SET name = ?2, corpnum = ?3, prefecture = ?4, industry = ?5,"
                           " employees = ?6, contact = ?7, star1 = ?8, star1_committed = ?9"
                           " WHERE id = ?1",
                           bind_org, org, &changes);
    if (err == HOSHI_OK && changes == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "no such organisation");
    if (err == HOSHI_OK)
        hi_sq_bump(base);
    return err;
}

struct draft_args {
    long long org_id;
    const char *draft;
};

static void bind_draft(sqlite3_stmt *st, const void *ctx)
{
    const struct draft_args *a = ctx;
    sqlite3_bind_int64(st, 1, a->org_id);
    hi_sq_bind_text(st, 2, a->draft);
}

hoshi_err hi_sq_draft_save(hoshi_store *base, long long org_id, const char *draft)
{
    if (draft == NULL || strlen(draft) != HOSHI_DIAG_ITEMS ||
        strspn(draft, "01234") != HOSHI_DIAG_ITEMS)
        return hi_fail(HOSHI_ERR_INPUT, "draft must be 25 codes 0..4");
    struct draft_args a = {org_id, draft};
    return hi_sq_write1(base, "UPDATE orgs SET draft = ?2 WHERE id = ?1", bind_draft, &a, NULL);
}

hoshi_err hi_sq_diagnosis_add(hoshi_store *base, long long org_id, const char *answers,
                              int score, const char *taken_on, long long *id)
{
    if (answers == NULL || strlen(answers) != HOSHI_DIAG_ITEMS ||
        strspn(answers, "1234") != HOSHI_DIAG_ITEMS)
        return hi_fail(HOSHI_ERR_INPUT, "answers must be 25 codes 1..4");
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hoshi_err err = hi_sq_exec(c, "BEGIN IMMEDIATE");
    if (err != HOSHI_OK)
        goto release;
    sqlite3_stmt *st = hi_sq_prep(c, "INSERT INTO diagnoses(org_id, answers, score, taken_on)"
                                     " VALUES (?1, ?2, ?3, ?4)");
    if (st == NULL) {
        err = hi_sq_rollback(c, HOSHI_ERR_IO);
        goto release;
    }
    sqlite3_bind_int64(st, 1, org_id);
    hi_sq_bind_text(st, 2, answers);
    sqlite3_bind_int(st, 3, score);
    hi_sq_bind_text(st, 4, taken_on);
    int rc = sqlite3_step(st);
    hi_sq_done(st);
    if (rc != SQLITE_DONE) {
        err = hi_sq_rollback(c, hi_sq_fail(c, "insert diagnosis"));
        goto release;
    }
    *id = sqlite3_last_insert_rowid(c->db);
    st = hi_sq_prep(c, "UPDATE orgs SET draft = '0000000000000000000000000' WHERE id = ?1");
    if (st == NULL) {
        err = hi_sq_rollback(c, HOSHI_ERR_IO);
        goto release;
    }
    sqlite3_bind_int64(st, 1, org_id);
    rc = sqlite3_step(st);
    hi_sq_done(st);
    if (rc != SQLITE_DONE) {
        err = hi_sq_rollback(c, hi_sq_fail(c, "clear draft"));
        goto release;
    }
    if ((err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK)
        hi_sq_rollback(c, err);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

static void read_diag(sqlite3_stmt *st, hoshi_diagnosis *d)
{
    d->id = sqlite3_column_int64(st, 0);
    d->org_id = sqlite3_column_int64(st, 1);
    hi_sq_text(st, 2, d->answers, sizeof d->answers);
    d->score = sqlite3_column_int(st, 3);
    hi_sq_text(st, 4, d->taken_on, sizeof d->taken_on);
}

hoshi_err hi_sq_diagnosis_get(hoshi_store *base, long long org_id, long long id,
                              hoshi_diagnosis *out)
{
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT id, org_id, answers, score, taken_on FROM diagnoses"
                                     " WHERE id = ?1 AND org_id = ?2");
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, org_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_diag(st, out);
    else
        err = rc == SQLITE_DONE ? hi_fail(HOSHI_ERR_NOTFOUND, "no such diagnosis")
                                : hi_sq_fail(c, "diagnosis");
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

hoshi_err hi_sq_diagnosis_list(hoshi_store *base, long long org_id, hoshi_diagnosis *out,
                               size_t max, size_t *n)
{
    *n = 0;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT id, org_id, answers, score, taken_on FROM diagnoses"
                                     " WHERE org_id = ?1 ORDER BY id DESC LIMIT ?2");
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, (long long)max);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
        read_diag(st, &out[(*n)++]);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        err = hi_sq_fail(c, "diagnoses");
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

hoshi_err hi_sq_policy_get(hoshi_store *base, long long org_id, hoshi_policy_rec *out)
{
    out->body = NULL;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT org_id, representative, contact, established, body,"
                                     " published, published_on FROM policies WHERE org_id = ?1");
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    sqlite3_bind_int64(st, 1, org_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->org_id = sqlite3_column_int64(st, 0);
        hi_sq_text(st, 1, out->representative, sizeof out->representative);
        hi_sq_text(st, 2, out->contact, sizeof out->contact);
        hi_sq_text(st, 3, out->established, sizeof out->established);
        out->body = hi_strdup((const char *)sqlite3_column_text(st, 4));
        out->published = sqlite3_column_int(st, 5) != 0;
        hi_sq_text(st, 6, out->published_on, sizeof out->published_on);
        if (out->body == NULL)
            err = hi_fail(HOSHI_ERR_NOMEM, "out of memory reading a policy");
    } else {
        err = rc == SQLITE_DONE ? hi_fail(HOSHI_ERR_NOTFOUND, "no policy yet")
                                : hi_sq_fail(c, "policy");
    }
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

static void bind_policy(sqlite3_stmt *st, const void *ctx)
{
    const hoshi_policy_rec *p = ctx;
    sqlite3_bind_int64(st, 1, p->org_id);
    hi_sq_bind_text(st, 2, p->representative);
    hi_sq_bind_text(st, 3, p->contact);
    hi_sq_bind_text(st, 4, p->established);
    hi_sq_bind_text(st, 5, p->body);
    sqlite3_bind_int(st, 6, p->published ? 1 : 0);
    hi_sq_bind_text(st, 7, p->published_on);
}

hoshi_err hi_sq_policy_save(hoshi_store *base, const hoshi_policy_rec *p)
{
    hoshi_err err = hi_sq_write1(base,
                           "INSERT INTO policies(org_id, representative, contact, established, body,"
                           " published, published_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                           " ON CONFLICT(org_id) DO UPDATE SET representative = ?2, contact = ?3,"
                           " established = ?4, body = ?5, published = ?6, published_on = ?7",
                           bind_policy, p, NULL);
    if (err == HOSHI_OK)
        hi_sq_bump(base);
    return err;
}

/* Inserts one declaration with a fresh random ID, retrying the rare
 * collision.  Runs inside the caller's transaction. */

hoshi_err hi_sq_stats(hoshi_store *base, hoshi_stats *out)
{
    memset(out, 0, sizeof *out);
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hoshi_err err = HOSHI_OK;
    sqlite3_stmt *st = hi_sq_prep(c, "SELECT (SELECT count(*) FROM orgs), (SELECT count(*) FROM users),"
                                     " (SELECT count(*) FROM diagnoses),"
                                     " (SELECT count(*) FROM policies WHERE published),"
                                     " (SELECT count(*) FROM declarations WHERE status = 1 AND level = 1),"
                                     " (SELECT count(*) FROM declarations WHERE status = 1 AND level = 2),"
                                     " (SELECT count(*) FROM declarations WHERE status = 0)");
    if (st == NULL) {
        err = HOSHI_ERR_IO;
        goto release;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        out->orgs = sqlite3_column_int64(st, 0);
        out->users = sqlite3_column_int64(st, 1);
        out->diagnoses = sqlite3_column_int64(st, 2);
        out->policies = sqlite3_column_int64(st, 3);
        out->active[1] = sqlite3_column_int64(st, 4);
        out->active[2] = sqlite3_column_int64(st, 5);
        out->withdrawn = sqlite3_column_int64(st, 6);
    } else {
        err = hi_sq_fail(c, "statistics");
    }
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}
