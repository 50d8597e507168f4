/*
 * sql_orgs.c — organisations, diagnosis drafts and results, basic
 * policies and the operator's figures in the SQL store.  Every query
 * for a diagnosis or policy is keyed by the organisation, so one
 * organisation can never read another's.  A policy row holds the owner's
 * draft and, in the pub_* columns, the published version; only publishing
 * copies one to the other.
 */
#include "sql_int.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define ORG_COLS "o.id, o.name, o.corpnum, o.prefecture, o.industry, o.employees, o.contact," \
                 " o.star1, o.star1_committed, o.draft"

static void copy_org(hi_stmt *st, void *rec)
{
    hoshi_org *o = rec;
    o->id = hi_col_int64(st, 0);
    hi_sq_text(st, 1, o->name, sizeof o->name);
    hi_sq_text(st, 2, o->corpnum, sizeof o->corpnum);
    o->prefecture = hi_col_int(st, 3);
    hi_sq_text(st, 4, o->industry, sizeof o->industry);
    o->employees = hi_col_int(st, 5);
    hi_sq_text(st, 6, o->contact, sizeof o->contact);
    hi_sq_text(st, 7, o->star1, sizeof o->star1);
    o->star1_committed = hi_col_int(st, 8) != 0;
    hi_sq_text(st, 9, o->draft, sizeof o->draft);
}

hoshi_err hi_sq_org_get(hoshi_store *base, long long org_id, hoshi_org *out)
{
    hi_sq_query q = {.sql = "SELECT " ORG_COLS " FROM orgs o WHERE o.id = ?1",
                     .bind = hi_sq_bind_key_id, .ctx = &org_id, .copy = copy_org,
                     .what = "organisation", .missing = "no such organisation"};
    return hi_sq_read1(base, &q, out);
}

/* An organisation and the search key of its name. */
struct org_key {
    const hoshi_org *org;
    const char *key;
};

static void bind_org(hi_stmt *st, const void *ctx)
{
    const struct org_key *a = ctx;
    const hoshi_org *o = a->org;
    hi_bind_text(st, 10, a->key);
    hi_bind_int64(st, 1, o->id);
    hi_bind_text(st, 2, o->name);
    hi_bind_text(st, 3, o->corpnum);
    hi_bind_int64(st, 4, o->prefecture);
    hi_bind_text(st, 5, o->industry);
    hi_bind_int64(st, 6, o->employees);
    hi_bind_text(st, 7, o->contact);
    hi_bind_text(st, 8, o->star1);
    hi_bind_int64(st, 9, o->star1_committed ? 1 : 0);
}

hoshi_err hi_sq_org_check(const hoshi_org *o)
{
    /* The record's own buffers are NUL-terminated within their size only
     * when the caller made them so: measure within the buffer. */
    if (memchr(o->name, '\0', sizeof o->name) == NULL ||
        memchr(o->contact, '\0', sizeof o->contact) == NULL ||
        memchr(o->corpnum, '\0', sizeof o->corpnum) == NULL ||
        memchr(o->industry, '\0', sizeof o->industry) == NULL ||
        memchr(o->star1, '\0', sizeof o->star1) == NULL)
        return hi_fail(HOSHI_ERR_INPUT, "store: an organisation field is not terminated");
    hi_sq_field f[] = {HI_SQ_UTF8("organisation name", o->name, HOSHI_STORE_NAME_CHARS),
                       HI_SQ_UTF8("contact person", o->contact, HOSHI_STORE_NAME_CHARS)};
    return hi_sq_check(f, sizeof f / sizeof f[0]);
}

hoshi_err hi_sq_org_update(hoshi_store *base, const hoshi_org *org)
{
    hoshi_err err = hi_sq_org_check(org);
    if (err != HOSHI_OK)
        return err;
    int changes = 0;
    struct org_key a = {org, NULL};
    char *key = NULL;
    if ((err = hi_sq_name_key(org->name, &key)) != HOSHI_OK)
        return err;
    a.key = key;
    err = hi_sq_write1(base,
                       "UPDATE orgs SET name = ?2, name_key = ?10, corpnum = ?3, prefecture = ?4, industry = ?5,"
                       " employees = ?6, contact = ?7, star1 = ?8, star1_committed = ?9"
                       " WHERE id = ?1",
                       bind_org, &a, &changes);
    free(key);
    if (err == HOSHI_OK && changes == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "no such organisation");
    if (err == HOSHI_OK)
        hi_sq_bump(base);
    return err;
}

/* An organisation and one text: ?1 and ?2 of the draft and publish updates. */
struct org_text {
    long long org_id;
    const char *text;
};

static void bind_org_text(hi_stmt *st, const void *ctx)
{
    const struct org_text *a = ctx;
    hi_bind_int64(st, 1, a->org_id);
    hi_bind_text(st, 2, a->text);
}

hoshi_err hi_sq_draft_save(hoshi_store *base, long long org_id, const char *draft)
{
    if (draft == NULL || strlen(draft) != HOSHI_DIAG_ITEMS ||
        strspn(draft, "01234") != HOSHI_DIAG_ITEMS)
        return hi_fail(HOSHI_ERR_INPUT, "draft must be 25 codes 0..4");
    struct org_text a = {org_id, draft};
    int changes = 0;
    hoshi_err err = hi_sq_write1(base, "UPDATE orgs SET draft = ?2 WHERE id = ?1", bind_org_text, &a, &changes);
    if (err == HOSHI_OK && changes == 0)
        return hi_fail(HOSHI_ERR_NOTFOUND, "no such organisation");
    return err;
}

static hoshi_err diagnosis_add_in(hi_conn *c, long long org_id, const char *answers, int score,
                                  const char *taken_on, long long *id)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "INSERT INTO diagnoses(org_id, answers, score, taken_on)"
                                  " VALUES (?1, ?2, ?3, ?4) RETURNING id", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, org_id);
    hi_bind_text(st, 2, answers);
    hi_bind_int64(st, 3, score);
    hi_bind_text(st, 4, taken_on);
    if ((err = hi_sq_insert_id(c, st, "insert diagnosis", id)) != HOSHI_OK)
        return err;
    if ((err = hi_sq_prep(c, "UPDATE orgs SET draft = '0000000000000000000000000' WHERE id = ?1", &st)) != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, org_id);
    int rc = hi_step(st);
    hi_sq_done(st);
    return rc == HI_DONE ? HOSHI_OK : hi_sq_fail(c, "clear draft");
}

hoshi_err hi_sq_diagnosis_add(hoshi_store *base, long long org_id, const char *answers,
                              int score, const char *taken_on, long long *id)
{
    if (answers == NULL || strlen(answers) != HOSHI_DIAG_ITEMS ||
        strspn(answers, "1234") != HOSHI_DIAG_ITEMS)
        return hi_fail(HOSHI_ERR_INPUT, "answers must be 25 codes 1..4");
    hoshi_err err = hi_sq_check_date("diagnosis date", taken_on);
    if (err != HOSHI_OK)
        return err;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    if ((err = hi_sq_begin(c)) != HOSHI_OK)
        goto release;
    if ((err = diagnosis_add_in(c, org_id, answers, score, taken_on, id)) != HOSHI_OK ||
        (err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK)
        hi_sq_rollback(c, err);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

static void copy_diag(hi_stmt *st, void *rec)
{
    hoshi_diagnosis *d = rec;
    d->id = hi_col_int64(st, 0);
    d->org_id = hi_col_int64(st, 1);
    hi_sq_text(st, 2, d->answers, sizeof d->answers);
    d->score = hi_col_int(st, 3);
    hi_sq_text(st, 4, d->taken_on, sizeof d->taken_on);
}

/* Two integers bound as ?1 and ?2. */
struct int_pair {
    long long first, second;
};

static void bind_int_pair(hi_stmt *st, const void *ctx)
{
    const struct int_pair *k = ctx;
    hi_bind_int64(st, 1, k->first);
    hi_bind_int64(st, 2, k->second);
}

hoshi_err hi_sq_diagnosis_get(hoshi_store *base, long long org_id, long long id,
                              hoshi_diagnosis *out)
{
    struct int_pair k = {id, org_id};
    hi_sq_query q = {.sql = "SELECT id, org_id, answers, score, taken_on FROM diagnoses"
                            " WHERE id = ?1 AND org_id = ?2",
                     .bind = bind_int_pair, .ctx = &k, .copy = copy_diag,
                     .what = "diagnosis", .missing = "no such diagnosis"};
    return hi_sq_read1(base, &q, out);
}

hoshi_err hi_sq_diagnosis_list(hoshi_store *base, long long org_id, hoshi_diagnosis *out,
                               size_t max, size_t *n)
{
    struct int_pair k = {org_id, (long long)max};
    hi_sq_query q = {.sql = "SELECT id, org_id, answers, score, taken_on FROM diagnoses"
                            " WHERE org_id = ?1 ORDER BY id DESC LIMIT ?2",
                     .bind = bind_int_pair, .ctx = &k, .copy = copy_diag, .what = "diagnoses"};
    return hi_sq_readn(base, &q, out, sizeof *out, max, n);
}

/* Copies one policy row (columns as POLICY_COLS or PUBLIC_COLS) but its
 * body, which finish_policy copies once the columns read well. */
static void copy_policy(hi_stmt *st, void *rec)
{
    hoshi_policy_rec *out = rec;
    out->org_id = hi_col_int64(st, 0);
    hi_sq_text(st, 1, out->representative, sizeof out->representative);
    hi_sq_text(st, 2, out->contact, sizeof out->contact);
    hi_sq_text(st, 3, out->established, sizeof out->established);
    hi_col_text(st, 4); /* converted with the others, so hi_sq_read_ok sees its failure */
    out->published = hi_col_int(st, 5) != 0;
    hi_sq_text(st, 6, out->published_on, sizeof out->published_on);
    out->unpublished_changes = hi_col_int(st, 7) != 0;
}

/* The body, malloc'd. */
static hoshi_err finish_policy(hi_stmt *st, void *rec)
{
    hoshi_policy_rec *out = rec;
    const char *body = hi_col_text(st, 4);
    if ((out->body = hi_strdup(body != NULL ? body : "")) == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading a policy");
    return HOSHI_OK;
}

#define POLICY_COLS "org_id, representative, contact, established, body, published, published_on," \
                    " CASE WHEN published <> 0 AND (body <> pub_body OR representative <> pub_representative" \
                    " OR contact <> pub_contact OR established <> pub_established) THEN 1 ELSE 0 END"
#define PUBLIC_COLS "org_id, pub_representative, pub_contact, pub_established, pub_body, published," \
                    " published_on, 0"

static hoshi_err policy_one(hoshi_store *base, const char *sql, long long org_id, hoshi_policy_rec *out)
{
    out->body = NULL;
    hi_sq_query q = {.sql = sql, .bind = hi_sq_bind_key_id, .ctx = &org_id, .copy = copy_policy,
                     .finish = finish_policy, .what = "policy", .missing = "no policy"};
    return hi_sq_read1(base, &q, out);
}

hoshi_err hi_sq_policy_get(hoshi_store *base, long long org_id, hoshi_policy_rec *out)
{
    return policy_one(base, "SELECT " POLICY_COLS " FROM policies WHERE org_id = ?1", org_id, out);
}

hoshi_err hi_sq_policy_get_public(hoshi_store *base, long long org_id, hoshi_policy_rec *out)
{
    return policy_one(base, "SELECT " PUBLIC_COLS " FROM policies WHERE org_id = ?1 AND published <> 0",
                      org_id, out);
}

static void bind_policy(hi_stmt *st, const void *ctx)
{
    const hoshi_policy_rec *p = ctx;
    hi_bind_int64(st, 1, p->org_id);
    hi_bind_text(st, 2, p->representative);
    hi_bind_text(st, 3, p->contact);
    hi_bind_text(st, 4, p->established);
    hi_bind_text(st, 5, p->body);
}

hoshi_err hi_sq_policy_check(const char *representative, const char *contact, const char *established,
                             const char *body)
{
    hi_sq_field f[] = {HI_SQ_UTF8("representative", representative, HOSHI_STORE_FIELD_CHARS),
                       HI_SQ_UTF8("policy contact", contact, HOSHI_STORE_FIELD_CHARS),
                       HI_SQ_ASCII("date established", established, HOSHI_STORE_DATE_CHARS),
                       HI_SQ_UTF8("policy text", body, HOSHI_STORE_POLICY_CHARS)};
    return hi_sq_check(f, sizeof f / sizeof f[0]);
}

hoshi_err hi_sq_policy_save(hoshi_store *base, const hoshi_policy_rec *p)
{
    if (memchr(p->representative, '\0', sizeof p->representative) == NULL ||
        memchr(p->contact, '\0', sizeof p->contact) == NULL ||
        memchr(p->established, '\0', sizeof p->established) == NULL)
        return hi_fail(HOSHI_ERR_INPUT, "store: a policy field is not terminated");
    hoshi_err err = hi_sq_policy_check(p->representative, p->contact, p->established, p->body);
    if (err != HOSHI_OK)
        return err;
    /* Only the draft: what is public changes when it is published. */
    return hi_sq_write1(base,
                        "INSERT INTO policies(org_id, representative, contact, established, body)"
                        " VALUES (?1, ?2, ?3, ?4, ?5)"
                        " ON CONFLICT(org_id) DO UPDATE SET representative = ?2, contact = ?3,"
                        " established = ?4, body = ?5",
                        bind_policy, p, NULL);
}

static void copy_stats(hi_stmt *st, void *rec)
{
    hoshi_stats *out = rec;
    out->orgs = hi_col_int64(st, 0);
    out->users = hi_col_int64(st, 1);
    out->diagnoses = hi_col_int64(st, 2);
    out->policies = hi_col_int64(st, 3);
    out->active[1] = hi_col_int64(st, 4);
    out->active[2] = hi_col_int64(st, 5);
    out->withdrawn = hi_col_int64(st, 6);
}

hoshi_err hi_sq_stats(hoshi_store *base, hoshi_stats *out)
{
    memset(out, 0, sizeof *out);
    /* One row always: scalar subqueries. */
    hi_sq_query q = {.sql = "SELECT (SELECT count(*) FROM orgs), (SELECT count(*) FROM users),"
                            " (SELECT count(*) FROM diagnoses),"
                            " (SELECT count(*) FROM policies WHERE published <> 0),"
                            " (SELECT count(*) FROM declarations WHERE status = 1 AND level = 1),"
                            " (SELECT count(*) FROM declarations WHERE status = 1 AND level = 2),"
                            " (SELECT count(*) FROM declarations WHERE status = 0)",
                     .copy = copy_stats, .what = "statistics", .missing = "no statistics"};
    return hi_sq_read1(base, &q, out);
}
