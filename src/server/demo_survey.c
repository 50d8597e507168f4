/*
 * demo_survey.c — `hoshi serve --demo` adds the shipped 2018 declarant
 * questionnaire (DATADIR/surveys/sa2018) as a closed survey answered by
 * the demo organisations with a declaration (issue 9 item 7; a few
 * thousand of them are invited, prefecture by prefecture), so the
 * operator's survey pages show real-looking tables on first start.  The
 * answers are synthetic and the same on every run (a fixed seed per
 * organisation): every relevant question is answered through the form's
 * own rules (so a routed question only when it is shown, exclusive
 * choices alone), with choices leaning on the organisation's size, and
 * each response is submitted through the store as a respondent's would
 * be.  Once seeded (a survey of that form exists), nothing is added.
 */
#include "server.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_FORM "sa2018"
#define DEMO_OPENED "2018-10-01"
/* Organisations invited and answering at most about this many (the 2018
 * survey had 5,162): plain --demo (SRV_DEMO_COUNT organisations) gets
 * about 3,000 submitted responses, and a demo of 100,000 organisations
 * still starts fast. */
#define DEMO_ANSWERS SRV_DEMO_COUNT

typedef struct demo_ctx {
    srv *s;
    const hoshi_datafile *ini;
    const hoshi_form *form;
    hoshi_answers *a;
    hoshi_form_texts *tx;
    char today[16];
    long long n;
    hoshi_err err;
} demo_ctx;

/* splitmix64: a fixed sequence per organisation. */
static uint64_t next(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static const char *nth(const hoshi_datafile *ini, const char *key, uint64_t i)
{
    size_t n = hoshi_datafile_count(ini, "demo", key);
    return n ? hoshi_datafile_nth(ini, "demo", key, (size_t)(i % n)) : "";
}

/* One SA choice: larger organisations lean to the earlier choices (the
 * questionnaire lists the more engaged answers first). */
static void pick_one(hoshi_answers *a, const hoshi_form_item *q, uint64_t *rng, int size)
{
    char code[24];
    size_t n = q->n_choices, i = (size_t)(next(rng) % n);
    if (size >= 4 && i > 0 && next(rng) % 3 == 0)
        i--;
    snprintf(code, sizeof code, "%ld", q->choices[i].code);
    const char *v = code;
    hoshi_answers_set(a, q->name, &v, 1);
}

/* An MA answer: each choice with a chance growing with size; at least one. */
static void pick_many(hoshi_answers *a, const hoshi_form_item *q, uint64_t *rng, int size)
{
    char codes[32][24];
    const char *v[32];
    size_t k = 0;
    for (size_t i = 0; i < q->n_choices && k < 32; i++)
        if (next(rng) % 100 < (uint64_t)(15 + 4 * size + (i < 3 ? 15 : 0))) {
            snprintf(codes[k], sizeof codes[k], "%ld", q->choices[i].code);
            v[k] = codes[k];
            k++;
        }
    if (k == 0) {
        snprintf(codes[0], sizeof codes[0], "%ld", q->choices[next(rng) % q->n_choices].code);
        v[k++] = codes[0];
    }
    hoshi_answers_set(a, q->name, v, k);
}

static void answer(demo_ctx *c, const hoshi_form_item *q, uint64_t *rng, int size)
{
    hoshi_answers *a = c->a;
    char num[24];
    const char *v = num;
    if (!hoshi_form_relevant(a, q->name))
        return;
    switch (q->kind) {
    case HOSHI_FORM_SA: pick_one(a, q, rng, size); break;
    case HOSHI_FORM_MA: pick_many(a, q, rng, size); break;
    case HOSHI_FORM_GRID:
        for (size_t i = 0; i < q->n_rows; i++)
            pick_one(a, &q->rows[i], rng, size);
        break;
    case HOSHI_FORM_INT:
    case HOSHI_FORM_DEC:
        if (q->required || next(rng) % 2 == 0) {
            snprintf(num, sizeof num, "%d", (int)(next(rng) % 50) * size * 10);
            hoshi_answers_set(a, q->name, &v, 1);
        }
        break;
    case HOSHI_FORM_TEXT:
        if (q->required || next(rng) % 5 == 0) {
            v = nth(c->ini, q->required ? "survey_other" : "survey_wish", next(rng));
            hoshi_answers_set(a, q->name, &v, 1);
        }
        break;
    default: break;
    }
}

/* A question that breaks its constraint (an exclusive choice with
 * others) keeps its first choice only. */
static hoshi_err settle(demo_ctx *c)
{
    for (int round = 0; round < 4; round++) {
        hoshi_form_problems pr = HOSHI_FORM_PROBLEMS_INIT;
        hoshi_answers_prune(c->a);
        hoshi_err err = hoshi_answers_validate(c->a, HOSHI_FORM_ALL, c->tx, &pr);
        size_t n = pr.n;
        for (size_t i = 0; err == HOSHI_OK && i < pr.n; i++) {
            const char *const *v;
            size_t k;
            hoshi_answers_get(c->a, pr.v[i].name, &v, &k);
            char first[24] = "";
            if (k > 0)
                snprintf(first, sizeof first, "%s", v[0]);
            const char *one = first;
            hoshi_answers_set(c->a, pr.v[i].name, &one, first[0] ? 1 : 0);
        }
        hoshi_form_problems_free(&pr);
        if (err != HOSHI_OK || n == 0)
            return err;
    }
    return hoshi_error_set(HOSHI_ERR_DATA, "demo survey: synthetic answers do not validate");
}

static hoshi_err respond(void *ctx, const hoshi_invitation_new *inv)
{
    demo_ctx *c = ctx;
    hoshi_org org;
    hoshi_err err = hoshi_store_org_get(c->s->store, inv->org_id, &org);
    if (err != HOSHI_OK)
        return err;
    uint64_t rng = 2018u * 1000003u + (uint64_t)inv->org_id;
    int size = org.employees > 0 ? org.employees : 1;
    hoshi_answers_free(c->a);
    c->a = NULL;
    if ((err = hoshi_answers_new(c->form, &c->a)) != HOSHI_OK)
        return err;
    for (size_t i = 0; i < hoshi_form_question_count(c->form); i++)
        answer(c, hoshi_form_question(c->form, i, HOSHI_LANG_JA), &rng, size);
    return settle(c);
}

/* The invitations are collected first (the store hands them out inside
 * its transaction); then each organisation answers. */
typedef struct demo_inv {
    long long id, org_id;
} demo_inv;

/* Appends the invitation to the hoshi_buf ctx, as a demo_inv. */
static hoshi_err collect(void *ctx, const hoshi_invitation_new *inv)
{
    hoshi_buf *b = ctx;
    demo_inv one = {inv->invitation_id, inv->org_id};
    hoshi_buf_append(b, &one, sizeof one);
    return b->err;
}

static hoshi_err already(srv *s, const char *today, bool *yes)
{
    hoshi_survey *v = calloc(100, sizeof *v);
    size_t n = 0;
    if (v == NULL)
        return HOSHI_ERR_NOMEM;
    hoshi_err err = hoshi_store_survey_list(s->store, today, v, 100, &n);
    *yes = false;
    for (size_t i = 0; err == HOSHI_OK && i < n; i++)
        *yes = *yes || strcmp(v[i].form_id, DEMO_FORM) == 0;
    free(v);
    return err;
}

hoshi_err srv_seed_demo_survey(srv *s, const hoshi_datafile *ini)
{
    const char *dir = s->cfg.datadir ? s->cfg.datadir : hoshi_datadir_default();
    char path[1024];
    demo_ctx c = {.s = s, .ini = ini};
    hoshi_date_iso(hoshi_date_today(), c.today, sizeof c.today);
    bool done = false;
    hoshi_err err = already(s, c.today, &done);
    if (err != HOSHI_OK || done)
        return err;
    snprintf(path, sizeof path, "%s/surveys/%s", dir, DEMO_FORM);
    hoshi_form *f = NULL;
    char *blob = NULL;
    size_t len = 0;
    hoshi_buf invs = HOSHI_BUF_INIT;
    size_t n_invs = 0;
    long long id = 0, invited = 0, skipped = 0;
    if ((err = hoshi_form_load(path, &f)) != HOSHI_OK || (err = hoshi_form_serialize(f, &blob, &len)) != HOSHI_OK ||
        (err = hoshi_form_texts_open(s->cfg.datadir, HOSHI_LANG_JA, &c.tx)) != HOSHI_OK)
        goto free_form;
    c.form = f;
    hoshi_survey_new in = {hoshi_form_id(f), hoshi_form_title(f, HOSHI_LANG_JA), hoshi_form_version(f),
                           blob, len, DEMO_OPENED, DEMO_OPENED, NULL};
    if ((err = hoshi_store_survey_create(s->store, &in, &id)) != HOSHI_OK)
        goto free_form;
    /* Prefecture by prefecture until enough are invited: a registry of
     * 100,000 gets a sample of a few thousand, a small one everybody. */
    for (int pref = 1; pref <= 47 && invs.len / sizeof(demo_inv) < DEMO_ANSWERS && err == HOSHI_OK; pref++) {
        hoshi_invite_filter one = {.prefecture = pref};
        err = hoshi_store_survey_invite(s->store, id, &one, c.today, collect, &invs, &invited, &skipped);
    }
    n_invs = invs.len / sizeof(demo_inv);
    for (size_t i = 0; i < n_invs && i < DEMO_ANSWERS && err == HOSHI_OK; i++) {
        demo_inv one;
        memcpy(&one, invs.data + i * sizeof one, sizeof one);
        hoshi_invitation_new inv = {.invitation_id = one.id, .org_id = one.org_id};
        char *text = NULL;
        size_t tlen;
        hoshi_answers_outcome outcome;
        long long respondent;
        /* One in eight invited organisations leaves a draft only; one in
         * eight does not answer: the progress has all three states. */
        if (i % 8 == 7)
            continue;
        if ((err = respond(&c, &inv)) == HOSHI_OK && (err = hoshi_answers_encode(c.a, &text, &tlen)) == HOSHI_OK)
            err = i % 8 == 6 ? hoshi_store_response_save(s->store, inv.invitation_id, text, 0, c.today, &outcome)
                             : hoshi_store_response_submit(s->store, inv.invitation_id, text, c.today, &outcome,
                                                           &respondent);
        free(text);
    }
    if (err == HOSHI_OK)
        err = hoshi_store_survey_close(s->store, id, c.today);
free_form:
    hoshi_answers_free(c.a);
    hoshi_form_texts_free(c.tx);
    hoshi_buf_free(&invs);
    free(blob);
    hoshi_form_free(f);
    return err;
}
