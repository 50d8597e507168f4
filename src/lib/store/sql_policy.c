/*
 * sql_policy.c — the versions of a published basic policy
 * (hoshi/store_policy.h) in the SQL store: table policy_versions,
 * one row per publication with its text and review date.  Publishing
 * writes the public copy in policies and the new version in one
 * transaction, so the two never disagree; the version number is the
 * organisation's highest plus one, read inside that transaction.
 */
#include "sql_int.h"
#include "alloc.h"
#include "internal.h"

#include <string.h>

/* A review day: a real date, not before the publication day (both ISO,
 * so they compare as strings). */
static hoshi_err check_review(const char *review_on, const char *published_on)
{
    hoshi_err err = hi_sq_check_day("review date", review_on);
    if (err == HOSHI_OK && published_on != NULL && strcmp(review_on, published_on) < 0)
        err = hi_fail(HOSHI_ERR_INPUT, "store: review date %s is before the publication on %s", review_on,
                      published_on);
    return err;
}

static hoshi_err publish_in(hi_conn *c, long long org_id, const char *date, const char *review_on, int *number)
{
    int changes = 0;
    hoshi_err err = hi_sq_step_id_text(c, "UPDATE policies SET pub_representative = representative,"
                                          " pub_contact = contact, pub_established = established, pub_body = body,"
                                          " published = 1, published_on = ?2 WHERE org_id = ?1",
                                       org_id, date, "publish policy", &changes);
    if (err != HOSHI_OK)
        return err;
    if (changes == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "no policy to publish");
    hi_stmt *st;
    if ((err = hi_sq_prep(c, "INSERT INTO policy_versions(org_id, number, published_on, review_on,"
                             " representative, contact, established, body)"
                             " SELECT org_id, coalesce((SELECT max(number) FROM policy_versions WHERE org_id = ?1), 0) + 1,"
                             " ?2, CASE WHEN ?3 = '' THEN date(?2, '+1 year') ELSE ?3 END,"
                             " representative, contact, established, body FROM policies WHERE org_id = ?1"
                             " RETURNING number", &st)) != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, org_id);
    hi_bind_text(st, 2, date);
    hi_bind_text(st, 3, review_on);
    int rc = hi_step(st);
    if (rc == HI_ROW && number != NULL)
        *number = hi_col_int(st, 0);
    if (rc == HI_ROW)
        rc = hi_step(st);
    hi_sq_done(st);
    return rc == HI_DONE ? HOSHI_OK : hi_sq_fail(c, "record policy version");
}

hoshi_err hi_sq_policy_publish_version(hoshi_store *base, long long org_id, const char *date,
                                       const char *review_on, int *number)
{
    if (review_on == NULL)
        review_on = "";
    hoshi_err err = hi_sq_check_day("publication date", date);
    if (err == HOSHI_OK && *review_on)
        err = check_review(review_on, date);
    if (err != HOSHI_OK)
        return err;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    if ((err = hi_sq_begin(c)) != HOSHI_OK)
        goto release;
    if ((err = publish_in(c, org_id, date, review_on, number)) != HOSHI_OK ||
        (err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK)
        hi_sq_rollback(c, err);
release:
    hi_sq_release(HI_SQ(base), c);
    if (err == HOSHI_OK)
        hi_sq_bump(base);
    return err;
}

hoshi_err hi_sq_policy_publish(hoshi_store *base, long long org_id, const char *date)
{
    return hi_sq_policy_publish_version(base, org_id, date, NULL, NULL);
}

#define VERSION_COLS "org_id, number, published_on, review_on, representative, contact, established"

static void copy_version(hi_stmt *st, void *rec)
{
    hoshi_policy_version *v = rec;
    v->org_id = hi_col_int64(st, 0);
    v->number = hi_col_int(st, 1);
    hi_sq_text(st, 2, v->published_on, sizeof v->published_on);
    hi_sq_text(st, 3, v->review_on, sizeof v->review_on);
    hi_sq_text(st, 4, v->representative, sizeof v->representative);
    hi_sq_text(st, 5, v->contact, sizeof v->contact);
    hi_sq_text(st, 6, v->established, sizeof v->established);
    v->body = NULL;
}

static hoshi_err finish_version(hi_stmt *st, void *rec)
{
    hoshi_policy_version *v = rec;
    const char *body = hi_col_text(st, 7);
    if ((v->body = hi_strdup(body != NULL ? body : "")) == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading a policy version");
    return HOSHI_OK;
}

struct org_number {
    long long org_id, number;
};

static void bind_org_number(hi_stmt *st, const void *ctx)
{
    const struct org_number *k = ctx;
    hi_bind_int64(st, 1, k->org_id);
    hi_bind_int64(st, 2, k->number);
}

hoshi_err hi_sq_policy_versions(hoshi_store *base, long long org_id, hoshi_policy_version *out, size_t max,
                                size_t *n)
{
    struct org_number k = {org_id, (long long)max};
    hi_sq_query q = {.sql = "SELECT " VERSION_COLS " FROM policy_versions WHERE org_id = ?1"
                            " ORDER BY number DESC LIMIT ?2",
                     .bind = bind_org_number, .ctx = &k, .copy = copy_version, .what = "policy versions"};
    return hi_sq_readn(base, &q, out, sizeof *out, max, n);
}

hoshi_err hi_sq_policy_version_get(hoshi_store *base, long long org_id, int number, hoshi_policy_version *out)
{
    out->body = NULL;
    struct org_number k = {org_id, number};
    hi_sq_query q = {.sql = "SELECT " VERSION_COLS ", body FROM policy_versions WHERE org_id = ?1 AND number = ?2",
                     .bind = bind_org_number, .ctx = &k, .copy = copy_version, .finish = finish_version,
                     .what = "policy version", .missing = "no such policy version"};
    return hi_sq_read1(base, &q, out);
}

hoshi_err hi_sq_policy_set_review(hoshi_store *base, long long org_id, const char *review_on)
{
    hoshi_err err = check_review(review_on, NULL);
    if (err != HOSHI_OK)
        return err;
    hi_sq_text_int a = {review_on, org_id};
    int changes = 0;
    /* The newest version only, and never before its publication: the
     * WHERE keeps both rules, so a refused date changes nothing. */
    err = hi_sq_write1(base,
                       "UPDATE policy_versions SET review_on = ?1 WHERE org_id = ?2 AND number ="
                       " (SELECT max(number) FROM policy_versions WHERE org_id = ?2) AND published_on <= ?1",
                       hi_sq_bind_text_int, &a, &changes);
    if (err == HOSHI_OK && changes == 0) {
        hoshi_policy_version v;
        size_t n = 0;
        err = hi_sq_policy_versions(base, org_id, &v, 1, &n);
        if (err == HOSHI_OK)
            err = n == 0 ? hi_fail(HOSHI_ERR_NOTFOUND, "no published policy to review")
                         : check_review(review_on, v.published_on);
    }
    if (err == HOSHI_OK)
        hi_sq_bump(base);
    return err;
}

static void copy_review(hi_stmt *st, hoshi_policy_review_due *r)
{
    r->org_id = hi_col_int64(st, 0);
    r->number = hi_col_int(st, 1);
    hi_sq_text(st, 2, r->published_on, sizeof r->published_on);
    hi_sq_text(st, 3, r->review_on, sizeof r->review_on);
    hi_sq_text(st, 4, r->org_name, sizeof r->org_name);
    hi_sq_text(st, 5, r->email, sizeof r->email);
}

hoshi_err hi_sq_policy_reviews_due(hoshi_store *base, const char *cutoff, hoshi_policy_review_fn fn, void *ctx)
{
    hoshi_err err = hi_sq_check_day("review cut-off", cutoff);
    if (err != HOSHI_OK)
        return err;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hi_stmt *st;
    if ((err = hi_sq_prep(c, "SELECT v.org_id, v.number, v.published_on, v.review_on, o.name,"
                             " (SELECT u.email FROM users u WHERE u.org_id = o.id ORDER BY u.id LIMIT 1) AS email"
                             " FROM policy_versions v JOIN orgs o ON o.id = v.org_id"
                             " WHERE v.review_on <= ?1 AND EXISTS (SELECT 1 FROM users x WHERE x.org_id = o.id)"
                             " AND v.number = (SELECT max(number) FROM policy_versions w WHERE w.org_id = v.org_id)"
                             " ORDER BY v.org_id", &st)) != HOSHI_OK)
        goto release;
    hi_bind_text(st, 1, cutoff);
    int rc;
    hoshi_policy_review_due r;
    while ((rc = hi_step(st)) == HI_ROW) {
        memset(&r, 0, sizeof r);
        copy_review(st, &r);
        if ((err = hi_sq_read_ok(c, "policy reviews due")) != HOSHI_OK || (err = fn(ctx, &r)) != HOSHI_OK)
            break;
    }
    if (err == HOSHI_OK && rc != HI_DONE)
        err = hi_sq_fail(c, "policy reviews due");
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}
