/*
 * page_operator_survey_data.c — a survey's submitted responses as the
 * data the operator's tables are counted from (issue 9 item 5).  The
 * responses are read once, decoded with the survey's form and written as
 * the export's codebook and data by the one export writer
 * (hoshi/survey_export.h, as `hoshi survey export`), which the engine of
 * `hoshi tab` parses into its in-memory columns.  For the tables the
 * writer adds its R__NAME "shown" columns, so a routed question's base is
 * the respondents it was shown to.  Free answers are kept aside with
 * the respondent's attributes only.  The result is kept per survey and language until the survey's
 * submitted count moves (responses are never deleted, so the count is a
 * generation), so a page view does not rebuild it.  One lock guards the
 * cache and is held while a page is tabulated (operators are few).
 */
#include "server.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SVCACHE_SLOTS 6

struct srv_svcache {
    pthread_mutex_t lock;
    srv_svdata slot[SVCACHE_SLOTS];
    unsigned long long clock;
};

static void data_clear(srv_svdata *d)
{
    for (size_t i = 0; i < d->n_fa; i++)
        free(d->fa[i].text);
    free(d->fa);
    hoshi_dataset_free(d->ds);
    hoshi_form_free(d->form);
    memset(d, 0, sizeof *d);
}

hoshi_err srv_svcache_new(srv_svcache **out)
{
    srv_svcache *c = calloc(1, sizeof *c);
    if (c == NULL)
        return HOSHI_ERR_NOMEM;
    pthread_mutex_init(&c->lock, NULL);
    *out = c;
    return HOSHI_OK;
}

void srv_svcache_free(srv_svcache *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < SVCACHE_SLOTS; i++)
        data_clear(&c->slot[i]);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* What the reading of responses writes to. */
typedef struct build_ctx {
    hoshi_survey_export *w;
    const hoshi_form *form;
    hoshi_answers *a;             /* NULL: free answers not kept */
    hoshi_lang lang;
    srv_svfa *fa;
    size_t n_fa, cap_fa;
} build_ctx;

static hoshi_err keep_fa(build_ctx *c, const hoshi_org_attrs *who, size_t q, const char *text)
{
    if (c->n_fa == c->cap_fa) {
        size_t cap = c->cap_fa ? 2 * c->cap_fa : 64;
        srv_svfa *v = realloc(c->fa, cap * sizeof *v);
        if (v == NULL)
            return HOSHI_ERR_NOMEM;
        c->fa = v;
        c->cap_fa = cap;
    }
    char *t = strdup(text);
    if (t == NULL)
        return HOSHI_ERR_NOMEM;
    c->fa[c->n_fa++] = (srv_svfa){*who, q, t};
    return HOSHI_OK;
}

/* The free answers of one response, kept with its attributes. */
static hoshi_err add_fa(build_ctx *c, const hoshi_response_row *row, const hoshi_org_attrs *who)
{
    hoshi_err err = hoshi_answers_decode(c->a, row->answers, row->answers_len);
    size_t nq = hoshi_form_question_count(c->form);
    for (size_t i = 0; err == HOSHI_OK && i < nq; i++) {
        const hoshi_form_item *q = hoshi_form_question(c->form, i, c->lang);
        const char *const *v;
        size_t n;
        if (q->kind != HOSHI_FORM_TEXT)
            continue;
        hoshi_answers_get(c->a, q->name, &v, &n);
        if (n > 0)
            err = keep_fa(c, who, i, v[0]);
    }
    return err;
}

static hoshi_err add_response(void *ctx, const hoshi_response_row *row)
{
    build_ctx *c = ctx;
    hoshi_org_attrs who = {row->level, row->size, hoshi_attrs_industry_code(row->industry),
                           row->prefecture, row->has_score, row->score};
    hoshi_err err = hoshi_survey_export_add(c->w, row->respondent, row->answers, row->answers_len, &who);
    if (err == HOSHI_OK && c->a != NULL)
        err = add_fa(c, row, &who);
    return err;
}

/* The export of survey sv with form f in lang and enc (flags as
 * hoshi_survey_export_new's); with keep_fa, the free answers into c. */
static hoshi_err write_pair(srv *s, const hoshi_survey *sv, const hoshi_form *f, hoshi_lang lang,
                            unsigned flags, hoshi_encoding enc, bool keep_fa, build_ctx *c, char **cb,
                            size_t *cb_len, char **data, size_t *data_len)
{
    c->form = f;
    c->lang = lang;
    hoshi_err err = hoshi_survey_export_new(f, s->attrs[lang], lang, flags, &c->w);
    if (err == HOSHI_OK && keep_fa)
        err = hoshi_answers_new(f, &c->a);
    if (err == HOSHI_OK && (err = hoshi_store_survey_responses(s->store, sv->id, add_response, c)) == HOSHI_OK)
        err = hoshi_survey_export_finish(c->w, enc, cb, cb_len, data, data_len);
    hoshi_answers_free(c->a);
    c->a = NULL;
    hoshi_survey_export_free(c->w);
    c->w = NULL;
    return err;
}

hoshi_err srv_survey_export(srv *s, const hoshi_survey *sv, hoshi_lang lang, hoshi_encoding enc,
                            char **cb, size_t *cb_len, char **data, size_t *data_len)
{
    hoshi_form *f = NULL;
    hoshi_err err = hoshi_form_parse("definition", (const char *)sv->definition, sv->definition_len, &f);
    build_ctx c = {0};
    if (err == HOSHI_OK)
        err = write_pair(s, sv, f, lang, 0, enc, false, &c, cb, cb_len, data, data_len);
    hoshi_form_free(f);
    return err;
}

/* Builds d for sv in lang from scratch. */
static hoshi_err build(srv *s, const hoshi_survey *sv, hoshi_lang lang, srv_svdata *d)
{
    char *cb = NULL, *data = NULL;
    size_t cb_len = 0, data_len = 0;
    build_ctx c = {0};
    d->survey_id = sv->id;
    d->submitted = sv->counts.submitted;
    d->lang = lang;
    hoshi_err err = hoshi_form_parse("definition", (const char *)sv->definition, sv->definition_len,
                                     &d->form);
    if (err == HOSHI_OK &&
        (err = write_pair(s, sv, d->form, lang, HOSHI_EXPORT_SHOWN, HOSHI_ENC_UTF8, true, &c, &cb, &cb_len,
                          &data, &data_len)) == HOSHI_OK)
        err = hoshi_dataset_parse("codebook.csv", cb, cb_len, "data.csv", data, data_len, HOSHI_ENC_UTF8,
                                  &d->ds);
    d->fa = c.fa;
    d->n_fa = c.n_fa;
    free(cb);
    free(data);
    if (err != HOSHI_OK)
        data_clear(d);
    return err;
}

hoshi_err srv_svdata_get(srv *s, const hoshi_survey *sv, hoshi_lang lang, const srv_svdata **out)
{
    srv_svcache *c = s->svcache;
    pthread_mutex_lock(&c->lock);
    c->clock++;
    srv_svdata *hit = NULL, *lru = &c->slot[0];
    for (size_t i = 0; i < SVCACHE_SLOTS; i++) {
        srv_svdata *d = &c->slot[i];
        if (d->ds != NULL && d->survey_id == sv->id && d->lang == lang)
            hit = d;
        if (d->used < lru->used)
            lru = d;
    }
    if (hit != NULL && hit->submitted == sv->counts.submitted) {
        hit->used = c->clock;
        *out = hit;
        return HOSHI_OK;
    }
    srv_svdata *d = hit != NULL ? hit : lru;
    data_clear(d);
    hoshi_err err = build(s, sv, lang, d);
    d->used = c->clock;
    *out = d;
    return err;
}

void srv_svdata_release(srv *s)
{
    pthread_mutex_unlock(&s->svcache->lock);
}
