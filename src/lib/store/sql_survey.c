/*
 * sql_survey.c — surveys and invitations in the SQL store
 * (issue 9): storing a survey with its definition as an opaque blob, its
 * dates and closing, inviting the declared organisations a filter picks
 * (random tokens of which only a hash is stored, streamed to the caller
 * inside the one transaction), and finding an invitation again by token
 * or by organisation.  Responses and the figures over them are in
 * sql_response.c.
 */
#include "sql_int.h"
#include "alloc.h"
#include "internal.h"
#include "hoshi/date.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* --- dates and states ---------------------------------------------------- */

hoshi_err hi_sq_check_day(const char *what, const char *date)
{
    hoshi_date d;
    if (date == NULL || hoshi_date_parse(date, &d) != HOSHI_OK)
        return hi_fail(HOSHI_ERR_INPUT, "store: %s is not a date (YYYY-MM-DD): \"%.10s\"", what,
                       date ? date : "");
    return HOSHI_OK;
}

/* Opening and closing dates: each may be NULL or "" (unbounded), and the
 * survey cannot close before it opens. */
static hoshi_err check_window(const char *opens_on, const char *closes_on)
{
    hoshi_err err;
    bool opens = opens_on != NULL && *opens_on, closes = closes_on != NULL && *closes_on;
    if ((opens && (err = hi_sq_check_day("the opening date", opens_on)) != HOSHI_OK) ||
        (closes && (err = hi_sq_check_day("the closing date", closes_on)) != HOSHI_OK))
        return err;
    if (opens && closes && strcmp(opens_on, closes_on) > 0)
        return hi_fail(HOSHI_ERR_INPUT, "store: the survey would close (%s) before it opens (%s)",
                       closes_on, opens_on);
    return HOSHI_OK;
}

static hoshi_survey_state survey_state(const char *closed_on, const char *opens_on, const char *closes_on,
                                       const char *today)
{
    /* ISO dates compare as text. */
    if (*closed_on)
        return HOSHI_SURVEY_CLOSED;
    if (*opens_on && strcmp(today, opens_on) < 0)
        return HOSHI_SURVEY_NOT_YET_OPEN;
    if (*closes_on && strcmp(today, closes_on) > 0)
        return HOSHI_SURVEY_ENDED;
    return HOSHI_SURVEY_OPEN;
}

hoshi_err hi_sq_survey_state_at(hi_conn *c, hi_stmt *st, int col, const char *today,
                                hoshi_survey_state *out)
{
    char closed[HOSHI_STORE_DATE], opens[HOSHI_STORE_DATE], closes[HOSHI_STORE_DATE];
    hi_sq_text(st, col, closed, sizeof closed);
    hi_sq_text(st, col + 1, opens, sizeof opens);
    hi_sq_text(st, col + 2, closes, sizeof closes);
    *out = survey_state(closed, opens, closes, today);
    return hi_sq_read_ok(c, "survey dates");
}

/* --- surveys ------------------------------------------------------------- */

hoshi_err hi_sq_survey_create(hoshi_store *base, const hoshi_survey_new *in, long long *id)
{
    *id = 0;
    hi_sq_field f[] = {HI_SQ_UTF8("form_id", in->form_id, HOSHI_STORE_FORM_ID_CHARS),
                       HI_SQ_UTF8("survey title", in->title, HOSHI_STORE_TITLE_CHARS),
                       HI_SQ_UTF8("form version", in->version, HOSHI_STORE_VERSION_CHARS)};
    hoshi_err err;
    if ((err = hi_sq_check(f, sizeof f / sizeof f[0])) != HOSHI_OK ||
        (err = hi_sq_check_day("the creation date", in->created_on)) != HOSHI_OK ||
        (err = check_window(in->opens_on, in->closes_on)) != HOSHI_OK)
        return err;
    if (in->definition == NULL || in->definition_len == 0 || in->definition_len > HOSHI_STORE_DEFINITION_MAX)
        return hi_fail(HOSHI_ERR_INPUT, "store: a survey definition must hold 1 to %d bytes (it has %zu)",
                       HOSHI_STORE_DEFINITION_MAX, in->definition ? in->definition_len : 0);
    if (in->form_id == NULL || *in->form_id == '\0' || in->title == NULL || *in->title == '\0')
        return hi_fail(HOSHI_ERR_INPUT, "store: a survey needs a form_id and a title");
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    hi_stmt *st;
    if ((err = hi_sq_prep(c, "INSERT INTO surveys(form_id, title, version, definition, created_on,"
                             " opens_on, closes_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id", &st)) != HOSHI_OK)
        goto release;
    hi_bind_text(st, 1, in->form_id);
    hi_bind_text(st, 2, in->title);
    hi_bind_text(st, 3, in->version);
    hi_bind_blob(st, 4, in->definition, in->definition_len);
    hi_bind_text(st, 5, in->created_on);
    hi_bind_text(st, 6, in->opens_on);
    hi_bind_text(st, 7, in->closes_on);
    err = hi_sq_insert_id(c, st, "insert survey", id);
    hi_sq_done(st);
release:
    hi_sq_release(HI_SQ(base), c);
    return err;
}

/* The counts use the (survey_id, …) unique indexes of both tables. */
#define SURVEY_COLS "s.id, s.form_id, s.title, s.version, s.created_on, s.opens_on, s.closes_on," \
                    " s.closed_on," \
                    " (SELECT count(*) FROM invitations i WHERE i.survey_id = s.id)," \
                    " (SELECT count(*) FROM responses r WHERE r.survey_id = s.id AND r.respondent IS NULL)," \
                    " (SELECT count(*) FROM responses r WHERE r.survey_id = s.id AND r.respondent IS NOT NULL)"

static void copy_survey(hi_stmt *st, void *rec)
{
    hoshi_survey *v = rec;
    v->id = hi_col_int64(st, 0);
    hi_sq_text(st, 1, v->form_id, sizeof v->form_id);
    hi_sq_text(st, 2, v->title, sizeof v->title);
    hi_sq_text(st, 3, v->version, sizeof v->version);
    hi_sq_text(st, 4, v->created_on, sizeof v->created_on);
    hi_sq_text(st, 5, v->opens_on, sizeof v->opens_on);
    hi_sq_text(st, 6, v->closes_on, sizeof v->closes_on);
    hi_sq_text(st, 7, v->closed_on, sizeof v->closed_on);
    v->counts.invited = hi_col_int64(st, 8);
    v->counts.started = hi_col_int64(st, 9);
    v->counts.submitted = hi_col_int64(st, 10);
    v->definition = NULL;
    v->definition_len = 0;
}

/* The definition, malloc'd with a NUL after it. */
static hoshi_err finish_survey(hi_stmt *st, void *rec)
{
    hoshi_survey *v = rec;
    const void *blob = hi_col_blob(st, 11);
    size_t len = (size_t)hi_col_bytes(st, 11);
    if (blob == NULL && len > 0)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading a survey definition");
    if ((v->definition = hi_malloc(len + 1)) == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading a survey definition");
    if (len > 0)
        memcpy(v->definition, blob, len);
    v->definition[len] = '\0';
    v->definition_len = len;
    return HOSHI_OK;
}

hoshi_err hi_sq_survey_get(hoshi_store *base, long long id, const char *today, hoshi_survey *out)
{
    out->definition = NULL;
    hoshi_err err = hi_sq_check_day("today", today);
    if (err != HOSHI_OK)
        return err;
    hi_sq_query q = {.sql = "SELECT " SURVEY_COLS ", s.definition FROM surveys s WHERE s.id = ?1",
                     .bind = hi_sq_bind_key_id, .ctx = &id, .copy = copy_survey,
                     .finish = finish_survey, .what = "survey", .missing = "no such survey"};
    if ((err = hi_sq_read1(base, &q, out)) != HOSHI_OK)
        return err;
    out->state = survey_state(out->closed_on, out->opens_on, out->closes_on, today);
    return HOSHI_OK;
}

static void bind_limit(hi_stmt *st, const void *ctx)
{
    hi_bind_int64(st, 1, (long long)*(const size_t *)ctx);
}

hoshi_err hi_sq_survey_list(hoshi_store *base, const char *today, hoshi_survey *out, size_t max,
                            size_t *n)
{
    *n = 0;
    hoshi_err err = hi_sq_check_day("today", today);
    if (err != HOSHI_OK)
        return err;
    hi_sq_query q = {.sql = "SELECT " SURVEY_COLS " FROM surveys s ORDER BY s.id DESC LIMIT ?1",
                     .bind = bind_limit, .ctx = &max, .copy = copy_survey, .what = "surveys"};
    if ((err = hi_sq_readn(base, &q, out, sizeof *out, max, n)) != HOSHI_OK)
        return err;
    for (size_t i = 0; i < *n; i++)
        out[i].state = survey_state(out[i].closed_on, out[i].opens_on, out[i].closes_on, today);
    return HOSHI_OK;
}

struct dates_args {
    long long id;
    const char *a, *b;
};

static void bind_dates(hi_stmt *st, const void *ctx)
{
    const struct dates_args *d = ctx;
    hi_bind_int64(st, 1, d->id);
    hi_bind_text(st, 2, d->a);
    hi_bind_text(st, 3, d->b);
}

/* One UPDATE of a survey by id: NOTFOUND when there is none. */
static hoshi_err survey_update(hoshi_store *base, const char *sql, const struct dates_args *d)
{
    int changes = 0;
    hoshi_err err = hi_sq_write1(base, sql, bind_dates, d, &changes);
    if (err == HOSHI_OK && changes == 0)
        err = hi_fail(HOSHI_ERR_NOTFOUND, "no such survey");
    return err;
}

hoshi_err hi_sq_survey_set_dates(hoshi_store *base, long long id, const char *opens_on,
                                 const char *closes_on)
{
    hoshi_err err = check_window(opens_on, closes_on);
    if (err != HOSHI_OK)
        return err;
    struct dates_args d = {id, opens_on, closes_on};
    return survey_update(base, "UPDATE surveys SET opens_on = ?2, closes_on = ?3 WHERE id = ?1", &d);
}

hoshi_err hi_sq_survey_close(hoshi_store *base, long long id, const char *date)
{
    hoshi_err err = hi_sq_check_day("the closing day", date);
    if (err != HOSHI_OK)
        return err;
    struct dates_args d = {id, date, NULL};
    return survey_update(base, "UPDATE surveys SET closed_on = CASE closed_on WHEN '' THEN ?2"
                               " ELSE closed_on END WHERE id = ?1", &d);
}

/* --- invitations --------------------------------------------------------- */

static hoshi_err check_filter(const hoshi_invite_filter *f)
{
    const char *ind = f->industry ? f->industry : "";
    if (f->level < 0 || f->level > 2)
        return hi_fail(HOSHI_ERR_INPUT, "store: invitation filter: level %d is not 1 or 2", f->level);
    if (f->prefecture < 0 || f->prefecture > 47)
        return hi_fail(HOSHI_ERR_INPUT, "store: invitation filter: prefecture %d is not 1..47", f->prefecture);
    if (f->size < 0 || f->size > 6)
        return hi_fail(HOSHI_ERR_INPUT, "store: invitation filter: size band %d is not 1..6", f->size);
    if (*ind && (ind[1] != '\0' || ind[0] < 'A' || ind[0] >= 'A' + HOSHI_STORE_INDUSTRIES))
        return hi_fail(HOSHI_ERR_INPUT, "store: invitation filter: industry \"%.8s\" is not a JSIC"
                       " division A..T", ind);
    return HOSHI_OK;
}

static void token_hash(const char *token, unsigned char h[crypto_generichash_BYTES])
{
    crypto_generichash(h, crypto_generichash_BYTES, (const unsigned char *)token, strlen(token), NULL, 0);
}

/* Reads the survey inside the transaction: NOTFOUND, or INPUT when it no
 * longer takes invitations. */
static hoshi_err survey_invitable(hi_conn *c, long long survey_id, const char *today)
{
    hi_stmt *st;
    hoshi_err err = hi_sq_prep(c, "SELECT closed_on, opens_on, closes_on FROM surveys WHERE id = ?1", &st);
    if (err != HOSHI_OK)
        return err;
    hi_bind_int64(st, 1, survey_id);
    int rc = hi_step(st);
    hoshi_survey_state state;
    if (rc == HI_ROW) {
        err = hi_sq_survey_state_at(c, st, 0, today, &state);
        if (err == HOSHI_OK && (state == HOSHI_SURVEY_CLOSED || state == HOSHI_SURVEY_ENDED))
            err = hi_fail(HOSHI_ERR_INPUT, "store: survey %lld is %s: no more invitations", survey_id,
                          state == HOSHI_SURVEY_CLOSED ? "closed" : "past its closing date");
    } else if (rc == HI_DONE) {
        err = hi_fail(HOSHI_ERR_NOTFOUND, "no such survey");
    } else {
        err = hi_sq_fail(c, "read survey");
    }
    hi_sq_done(st);
    return err;
}

/* Makes one invitation for the current row of `pick` and hands it on. */
static hoshi_err invite_one(hi_conn *c, hi_stmt *pick, hi_stmt *ins, long long survey_id,
                            hoshi_invite_fn fn, void *ctx)
{
    hoshi_invitation_new inv;
    hi_sq_text(pick, 0, inv.decl_id, sizeof inv.decl_id);
    inv.org_id = hi_col_int64(pick, 1);
    hi_sq_text(pick, 2, inv.org_name, sizeof inv.org_name);
    char industry[HOSHI_STORE_ASCII_SIZE(HOSHI_STORE_INDUSTRY_CHARS)];
    hi_sq_text(pick, 5, industry, sizeof industry);
    hoshi_err err = hi_sq_read_ok(c, "organisations to invite");
    if (err != HOSHI_OK)
        return err;
    unsigned char raw[32], h[crypto_generichash_BYTES];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(inv.token, sizeof inv.token, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    token_hash(inv.token, h);
    hi_bind_int64(ins, 1, survey_id);
    hi_bind_int64(ins, 2, inv.org_id);
    hi_bind_blob(ins, 3, h, sizeof h);
    hi_bind_text(ins, 4, inv.decl_id);
    hi_bind_int64(ins, 5, hi_col_int(pick, 3));
    hi_bind_int64(ins, 6, hi_col_int(pick, 4));
    hi_bind_text(ins, 7, industry);
    hi_bind_int64(ins, 8, hi_col_int(pick, 6));
    err = hi_sq_insert_id(c, ins, "insert invitation", &inv.invitation_id);
    if (err != HOSHI_OK)
        return err;
    err = fn != NULL ? fn(ctx, &inv) : HOSHI_OK;
    sodium_memzero(inv.token, sizeof inv.token);
    return err;
}

/* Every optional condition is written once with its "any" value, so one
 * prepared statement serves every filter; the active declarations are
 * read in full either way. */
static const char pick_sql[] =
    "SELECT d.id, o.id, o.name, d.level, o.employees, o.industry, o.prefecture,"
    " EXISTS (SELECT 1 FROM invitations i WHERE i.survey_id = ?1 AND i.org_id = o.id)"
    " FROM declarations d JOIN orgs o ON o.id = d.org_id"
    " WHERE d.status = 1 AND (?2 = 0 OR d.level = ?2) AND (?3 = 0 OR o.prefecture = ?3)"
    " AND (?4 = '' OR o.industry = ?4) AND (?5 = 0 OR o.employees = ?5)"
    " ORDER BY d.seq";

static hoshi_err invite_all(hi_conn *c, long long survey_id, const hoshi_invite_filter *f,
                            hoshi_invite_fn fn, void *ctx, long long *invited, long long *skipped)
{
    hi_stmt *pick, *ins;
    hoshi_err err;
    if ((err = hi_sq_prep(c, pick_sql, &pick)) != HOSHI_OK ||
        (err = hi_sq_prep(c, "INSERT INTO invitations(survey_id, org_id, token_hash, decl_id, level, size,"
                             " industry, prefecture) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id", &ins)) != HOSHI_OK)
        return err;
    hi_bind_int64(pick, 1, survey_id);
    hi_bind_int64(pick, 2, f->level);
    hi_bind_int64(pick, 3, f->prefecture);
    hi_bind_text(pick, 4, f->industry);
    hi_bind_int64(pick, 5, f->size);
    int rc = HI_DONE;
    while (err == HOSHI_OK && (rc = hi_step(pick)) == HI_ROW) {
        if (hi_col_int(pick, 7)) {
            ++*skipped;
        } else if ((err = invite_one(c, pick, ins, survey_id, fn, ctx)) == HOSHI_OK) {
            ++*invited;
        }
    }
    if (err == HOSHI_OK && rc != HI_DONE)
        err = hi_sq_fail(c, "read organisations to invite");
    hi_sq_done(pick);
    return err;
}

hoshi_err hi_sq_survey_invite(hoshi_store *base, long long survey_id, const hoshi_invite_filter *f,
                              const char *today, hoshi_invite_fn fn, void *ctx, long long *invited,
                              long long *skipped)
{
    *invited = *skipped = 0;
    hoshi_err err;
    if ((err = check_filter(f)) != HOSHI_OK || (err = hi_sq_check_day("today", today)) != HOSHI_OK)
        return err;
    hi_conn *c = hi_sq_acquire(HI_SQ(base));
    if ((err = hi_sq_begin(c)) != HOSHI_OK)
        goto release;
    if ((err = survey_invitable(c, survey_id, today)) != HOSHI_OK ||
        (err = invite_all(c, survey_id, f, fn, ctx, invited, skipped)) != HOSHI_OK ||
        (err = hi_sq_exec(c, "COMMIT")) != HOSHI_OK)
        hi_sq_rollback(c, err);
release:
    hi_sq_release(HI_SQ(base), c);
    if (err != HOSHI_OK)
        *invited = *skipped = 0;
    return err;
}

/* --- finding an invitation again ----------------------------------------- */

/* An invitation with its survey's stored dates, from which the state on
 * `today` is worked out once the row is read. */
struct inv_rec {
    hoshi_invitation inv;
    char closed[HOSHI_STORE_DATE], opens[HOSHI_STORE_DATE], closes[HOSHI_STORE_DATE];
};

#define INV_SQL "SELECT i.id, i.survey_id, i.org_id, s.closed_on, s.opens_on, s.closes_on," \
                " r.invitation_id IS NOT NULL, r.respondent IS NOT NULL, coalesce(r.page, 0)," \
                " coalesce(r.answers, '')" \
                " FROM invitations i JOIN surveys s ON s.id = i.survey_id" \
                " LEFT JOIN responses r ON r.invitation_id = i.id"

static void copy_inv(hi_stmt *st, void *rec)
{
    struct inv_rec *r = rec;
    r->inv.id = hi_col_int64(st, 0);
    r->inv.survey_id = hi_col_int64(st, 1);
    r->inv.org_id = hi_col_int64(st, 2);
    hi_sq_text(st, 3, r->closed, sizeof r->closed);
    hi_sq_text(st, 4, r->opens, sizeof r->opens);
    hi_sq_text(st, 5, r->closes, sizeof r->closes);
    r->inv.response_state = hi_col_int(st, 7)   ? HOSHI_RESPONSE_SUBMITTED
                            : hi_col_int(st, 6) ? HOSHI_RESPONSE_STARTED
                                                        : HOSHI_RESPONSE_NONE;
    r->inv.page = hi_col_int(st, 8);
}

static hoshi_err finish_inv(hi_stmt *st, void *rec)
{
    struct inv_rec *r = rec;
    const char *answers = hi_col_text(st, 9);
    if (answers == NULL || (r->inv.answers = hi_strdup(answers)) == NULL)
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory reading saved answers");
    return HOSHI_OK;
}

static hoshi_err inv_read(hoshi_store *base, const char *sql, hi_sq_binder bind, const void *ctx,
                          const char *today, hoshi_invitation *out)
{
    out->answers = NULL;
    hoshi_err err = hi_sq_check_day("today", today);
    if (err != HOSHI_OK)
        return err;
    struct inv_rec r = {0};
    hi_sq_query q = {.sql = sql, .bind = bind, .ctx = ctx, .copy = copy_inv, .finish = finish_inv,
                     .what = "invitation", .missing = "no such invitation"};
    if ((err = hi_sq_read1(base, &q, &r)) != HOSHI_OK) {
        free(r.inv.answers);
        return err;
    }
    r.inv.survey_state = survey_state(r.closed, r.opens, r.closes, today);
    *out = r.inv;
    return HOSHI_OK;
}

static void bind_hash(hi_stmt *st, const void *ctx)
{
    hi_bind_blob(st, 1, ctx, crypto_generichash_BYTES);
}

hoshi_err hi_sq_invitation_by_token(hoshi_store *base, const char *token, const char *today,
                                    hoshi_invitation *out)
{
    unsigned char h[crypto_generichash_BYTES];
    token_hash(token != NULL ? token : "", h);
    return inv_read(base, INV_SQL " WHERE i.token_hash = ?1", bind_hash, h, today, out);
}

static void bind_pair(hi_stmt *st, const void *ctx)
{
    const long long *k = ctx;
    hi_bind_int64(st, 1, k[0]);
    hi_bind_int64(st, 2, k[1]);
}

hoshi_err hi_sq_invitation_by_org(hoshi_store *base, long long org_id, long long survey_id,
                                  const char *today, hoshi_invitation *out)
{
    long long k[2] = {org_id, survey_id};
    return inv_read(base, INV_SQL " WHERE i.org_id = ?1 AND i.survey_id = ?2", bind_pair, k, today, out);
}

struct pending_args {
    long long org_id;
    const char *today;
    size_t max;
};

static void bind_pending(hi_stmt *st, const void *ctx)
{
    const struct pending_args *a = ctx;
    hi_bind_int64(st, 1, a->org_id);
    hi_bind_text(st, 2, a->today);
    hi_bind_int64(st, 3, (long long)a->max);
}

static void copy_pending(hi_stmt *st, void *rec)
{
    hoshi_survey_pending *p = rec;
    p->survey_id = hi_col_int64(st, 0);
    p->invitation_id = hi_col_int64(st, 1);
    hi_sq_text(st, 2, p->title, sizeof p->title);
    hi_sq_text(st, 3, p->closes_on, sizeof p->closes_on);
    p->started = hi_col_int(st, 4) != 0;
}

hoshi_err hi_sq_survey_pending(hoshi_store *base, long long org_id, const char *today,
                               hoshi_survey_pending *out, size_t max, size_t *n)
{
    *n = 0;
    hoshi_err err = hi_sq_check_day("today", today);
    if (err != HOSHI_OK)
        return err;
    struct pending_args a = {org_id, today, max};
    hi_sq_query q = {.sql = "SELECT s.id, i.id, s.title, s.closes_on, r.invitation_id IS NOT NULL"
                            " FROM invitations i JOIN surveys s ON s.id = i.survey_id"
                            " LEFT JOIN responses r ON r.invitation_id = i.id"
                            " WHERE i.org_id = ?1 AND s.closed_on = '' AND r.respondent IS NULL"
                            " AND (s.opens_on = '' OR s.opens_on <= ?2)"
                            " AND (s.closes_on = '' OR s.closes_on >= ?2)"
                            " ORDER BY s.id DESC LIMIT ?3",
                     .bind = bind_pending, .ctx = &a, .copy = copy_pending, .what = "pending surveys"};
    return hi_sq_readn(base, &q, out, sizeof *out, max, n);
}
