/*
 * page_survey_answer.c — answering a survey (issue 9 item 4; the contract
 * is SPEC-survey-collection.md, "Answering").  A respondent reaches the
 * questionnaire through the link of an invitation (/s/{token}, no
 * account) or, as the signed-in owner of an invited organisation, through
 * /surveys/{id}; both lead to the same pages.  Each POST sets the answers
 * it carries, saves the draft and moves to the next or previous relevant
 * page; submit validates the whole response and stores it once.  The
 * store decides what a save or a submission may do (already submitted,
 * survey not open), so two racing requests cannot both succeed.
 * The logs name the survey, never the token.
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum action { ACT_NEXT, ACT_BACK, ACT_SAVE, ACT_SUBMIT, ACT_BAD };

typedef struct answering {
    hoshi_invitation inv;
    hoshi_form *form;
    bool owned;                   /* form is ours to free (the cache was full) */
    hoshi_answers *ans;
    const hoshi_form_texts *tx;
    char today[HOSHI_STORE_DATE];
    char url[96];                 /* where the form posts: /s/TOKEN or /surveys/ID */
    char sid[24];                 /* the survey id, for the log */
} answering;

/* A short page of the [survey] texts: key_title as heading, key as text. */
static void survey_message(srv_req *r, srv_resp *p, int status, const char *key)
{
    char k[64];
    snprintf(k, sizeof k, "%s_title", key);
    hoshi_buf body = HOSHI_BUF_INIT, msg = HOSHI_BUF_INIT;
    hoshi_buf_html(&msg, srv_text(r, "survey", key));
    const char *vl[] = {"message", msg.data ? msg.data : "", NULL};
    hoshi_buf_puts(&body, "<section class=\"card narrow\"><h1>");
    hoshi_buf_html(&body, srv_text(r, "survey", k));
    hoshi_buf_puts(&body, "</h1>");
    srv_tpl_render(&body, r, "message", "messages", vl);
    hoshi_buf_puts(&body, "</section>");
    hoshi_buf_free(&msg);
    p->status = status;
    p->ctype = "text/html; charset=utf-8";
    hoshi_buf_free(&p->body);
    srv_page_finish(r, p, srv_text(r, "survey", k), &body);
}

static const char *const state_key[] = {"open", "closed", "not_open", "ended"};

/* 409 once submitted, 410 when the survey does not answer today; true
 * when the invitation may be answered. */
static bool answerable(srv_req *r, srv_resp *p, const answering *A)
{
    if (A->inv.response_state == HOSHI_RESPONSE_SUBMITTED) {
        survey_message(r, p, 409, "submitted");
        return false;
    }
    if (A->inv.survey_state != HOSHI_SURVEY_OPEN) {
        survey_message(r, p, 410, state_key[A->inv.survey_state]);
        return false;
    }
    return true;
}

/* The page holding question name (a GRID row counts as its GRID's). */
static size_t page_of(const hoshi_form *f, const char *name)
{
    for (size_t i = 0; i < hoshi_form_page_count(f); i++) {
        const hoshi_form_page *pg = hoshi_form_page_get(f, i, HOSHI_LANG_JA);
        for (size_t k = 0; k < pg->n_items; k++) {
            const hoshi_form_item *it = &pg->items[k];
            if (strcmp(it->name, name) == 0)
                return i;
            for (size_t j = 0; j < it->n_rows; j++)
                if (strcmp(it->rows[j].name, name) == 0)
                    return i;
        }
    }
    return 0;
}

/* The page to show on arrival: the saved one while it is relevant,
 * else the first relevant page. */
static size_t arrival_page(const answering *A)
{
    size_t n = hoshi_form_page_count(A->form);
    if (A->inv.response_state == HOSHI_RESPONSE_STARTED && A->inv.page >= 0 && (size_t)A->inv.page < n &&
        hoshi_form_page_relevant(A->ans, (size_t)A->inv.page))
        return (size_t)A->inv.page;
    size_t first = hoshi_form_page_step(A->ans, HOSHI_FORM_ALL, true);
    return first < n ? first : 0;
}

static void error_summary(hoshi_buf *b, srv_req *r, const answering *A, size_t page,
                          const hoshi_form_problems *pr)
{
    bool any = false;
    for (size_t i = 0; i < pr->n; i++) {
        if (page_of(A->form, pr->v[i].name) != page)
            continue;
        if (!any)
            hoshi_buf_printf(b, "<div class=\"errsum\" role=\"alert\"><p>%s</p><ul>",
                             srv_text(r, "survey", "problems"));
        any = true;
        const hoshi_form_item *it = hoshi_form_find(A->form, pr->v[i].name, r->lang);
        hoshi_buf_puts(b, "<li><a href=\"#q-");
        hoshi_buf_html(b, pr->v[i].name);
        hoshi_buf_puts(b, "\">");
        hoshi_buf_html(b, it != NULL ? it->label : pr->v[i].name);
        hoshi_buf_puts(b, "</a>: ");
        hoshi_buf_html(b, pr->v[i].message);
        hoshi_buf_puts(b, "</li>");
    }
    if (any)
        hoshi_buf_puts(b, "</ul></div>");
}

static void button(hoshi_buf *b, srv_req *r, const char *action, const char *cls)
{
    hoshi_buf_printf(b, "<button type=\"submit\" name=\"action\" value=\"%s\" class=\"%s\">", action, cls);
    hoshi_buf_html(b, srv_text(r, "survey", action));
    hoshi_buf_puts(b, "</button>");
}

/* Renders page `page` with the answers, the problems (may be NULL) and a
 * notice key (or NULL), with the given status. */
static void show(srv_req *r, srv_resp *p, const answering *A, size_t page, const hoshi_form_problems *pr,
                 bool reshow, const char *notice, int status)
{
    const hoshi_form_page *pg = hoshi_form_page_get(A->form, page, r->lang);
    if (pg == NULL) { /* a form without pages: nothing to answer */
        hoshi_error_set(HOSHI_ERR_INPUT, "survey %s: page %zu of %zu", A->sid, page + 1,
                        hoshi_form_page_count(A->form));
        srv_page_message(r, p, 500, "internal");
        return;
    }
    size_t n = hoshi_form_page_count(A->form), pos = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!hoshi_form_page_relevant(A->ans, i) && i != page)
            continue;
        total++;
        if (i <= page)
            pos++;
    }
    srv_vars v = {0};
    srv_var_shown(&v, "title", hoshi_form_title(A->form, r->lang));
    srv_var_text(&v, "url", A->url);
    hoshi_buf_printf(srv_var(&v, "page"), "%zu", page);
    hoshi_buf_printf(srv_var(&v, "pos"), "%zu", pos);
    hoshi_buf_printf(srv_var(&v, "total"), "%zu", total);
    if (pg->label[0] != '\0') {
        hoshi_buf *h = srv_var(&v, "page_label");
        hoshi_buf_puts(h, "<h2>");
        srv_html_shown(h, pg->label);
        hoshi_buf_puts(h, "</h2>");
    }
    if (notice != NULL) {
        hoshi_buf *nb = srv_var(&v, "notice");
        hoshi_buf_puts(nb, "<p class=\"notice\" role=\"status\">");
        hoshi_buf_html(nb, srv_text(r, "survey", notice));
        hoshi_buf_puts(nb, "</p>");
    }
    if (pr != NULL)
        error_summary(srv_var(&v, "errors"), r, A, page, pr);
    hoshi_buf json = HOSHI_BUF_INIT;
    srv_survey_answers_json(&json, A->ans);
    hoshi_buf_html(srv_var(&v, "answers"), json.data ? json.data : "{}");
    hoshi_buf_free(&json);
    srv_survey_render_items(srv_var(&v, "items"), r, pg, A->ans, pr, reshow);
    hoshi_buf *bt = srv_var(&v, "buttons");
    bool last = hoshi_form_page_step(A->ans, page, true) >= n;
    button(bt, r, last ? "submit" : "next", "primary");
    if (hoshi_form_page_step(A->ans, page, false) != HOSHI_FORM_ALL)
        button(bt, r, "back", "secondary");
    button(bt, r, "save", "secondary");
    srv_csrf_input(srv_var(&v, "csrf"), r);
    hoshi_buf body = HOSHI_BUF_INIT;
    srv_tpl_render(&body, r, "survey_page", "survey", srv_vars_list(&v));
    srv_vars_free(&v);
    p->status = status;
    srv_page_finish(r, p, hoshi_form_title(A->form, r->lang), &body);
}

static enum action parse_action(const char *s)
{
    static const char *const names[] = {"next", "back", "save", "submit"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0)
            return (enum action)i;
    return ACT_BAD;
}

/* The store's refusal of a save or submission as a page; true when stored. */
static bool stored(srv_req *r, srv_resp *p, hoshi_answers_outcome oc, const char *op)
{
    switch (oc) {
    case HOSHI_ANSWERS_STORED:
        return true;
    case HOSHI_ANSWERS_UNKNOWN:
        srv_page_message(r, p, 404, "not_found");
        return false;
    case HOSHI_ANSWERS_ALREADY_SUBMITTED:
        survey_message(r, p, 409, "submitted");
        return false;
    case HOSHI_ANSWERS_NOT_OPEN:
        survey_message(r, p, 410, "closed");
        return false;
    default:
        srv_page_store_error(r, p, op, true);
        return false;
    }
}

static void submit(srv_req *r, srv_resp *p, answering *A, const char *text)
{
    hoshi_answers_outcome oc = HOSHI_ANSWERS_FAILED;
    long long respondent = 0;
    hoshi_store_response_submit(r->s->store, A->inv.id, text, A->today, &oc, &respondent);
    if (!stored(r, p, oc, "response_submit"))
        return;
    srv_log(r, "info", "survey_submit", "survey", A->sid, (const char *)NULL);
    srv_redirect(p, "/s/thanks");
}

static void post(srv_req *r, srv_resp *p, answering *A)
{
    enum action act = parse_action(srv_req_form(r, "action"));
    if (act == ACT_BAD) {
        srv_page_message(r, p, 400, "bad_form");
        return;
    }
    size_t n = hoshi_form_page_count(A->form);
    long pl;
    /* Without a page number nothing is cleared: only what came is set. */
    size_t page = hoshi_parse_long(srv_req_form(r, "page"), 0, (long)n - 1, &pl) ? (size_t)pl : HOSHI_FORM_ALL - 1;
    hoshi_form_field fields[SRV_FIELDS_MAX];
    for (size_t i = 0; i < r->n_form; i++)
        fields[i] = (hoshi_form_field){r->form[i].name, r->form[i].value};
    hoshi_form_problems pr = HOSHI_FORM_PROBLEMS_INIT;
    char *text = NULL;
    size_t len;
    hoshi_err err = hoshi_answers_post(A->ans, page, fields, r->n_form, A->tx, &pr);
    if (page >= n)
        page = arrival_page(A);
    size_t target = page;
    if (err == HOSHI_OK && pr.n == 0) {
        if (act == ACT_NEXT || act == ACT_SUBMIT)
            err = hoshi_answers_validate(A->ans, act == ACT_NEXT ? page : HOSHI_FORM_ALL, A->tx, &pr);
        if (pr.n > 0)
            target = page_of(A->form, pr.v[0].name);
        else if (act == ACT_NEXT || act == ACT_BACK) {
            size_t t = hoshi_form_page_step(A->ans, page, act == ACT_NEXT);
            target = t < n ? t : page;
        }
    }
    if (err == HOSHI_OK)
        err = hoshi_answers_encode(A->ans, &text, &len);
    if (err != HOSHI_OK) {
        srv_page_message(r, p, 500, "internal");
        goto free_problems;
    }
    if (act == ACT_SUBMIT && pr.n == 0) {
        submit(r, p, A, text);
        goto free_problems;
    }
    hoshi_answers_outcome oc = HOSHI_ANSWERS_FAILED;
    hoshi_store_response_save(r->s->store, A->inv.id, text, (int)target, A->today, &oc);
    if (!stored(r, p, oc, "response_save"))
        goto free_problems;
    char pg[24];
    snprintf(pg, sizeof pg, "%zu", target + 1);
    srv_log(r, "info", "survey_save", "survey", A->sid, "page", pg, (const char *)NULL);
    show(r, p, A, target, &pr, target == page, pr.n == 0 && act == ACT_SAVE ? "saved" : NULL,
         pr.n > 0 ? 422 : 200);
free_problems:
    free(text);
    hoshi_form_problems_free(&pr);
}

/* Everything after the invitation is found, for both ways in. */
static void answer(srv_req *r, srv_resp *p, answering *A)
{
    snprintf(A->sid, sizeof A->sid, "%lld", A->inv.survey_id);
    if (!answerable(r, p, A))
        return;
    hoshi_err err = srv_surveyforms_get(r->s->surveyforms, r->s->store, A->inv.survey_id, A->today,
                                        &A->form, &A->owned);
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "survey_get", false);
        return;
    }
    A->tx = srv_surveyforms_texts(r->s->surveyforms, r->lang);
    if (hoshi_answers_new(A->form, &A->ans) != HOSHI_OK) {
        srv_page_message(r, p, 500, "internal");
        goto free_form;
    }
    /* A draft the form no longer reads is started afresh, not an error
     * page the respondent cannot get past. */
    if (A->inv.answers != NULL && A->inv.answers[0] != '\0' &&
        hoshi_answers_decode(A->ans, A->inv.answers, strlen(A->inv.answers)) != HOSHI_OK)
        srv_log(r, "warn", "survey_draft_unreadable", "survey", A->sid, "detail", hoshi_error_detail(),
                (const char *)NULL);
    if (r->is_post) {
        post(r, p, A);
    } else {
        size_t page = arrival_page(A);
        char pg[24];
        snprintf(pg, sizeof pg, "%zu", page + 1);
        srv_log(r, "info", "survey_view", "survey", A->sid, "page", pg, (const char *)NULL);
        show(r, p, A, page, NULL, false, NULL, 200);
    }
    hoshi_answers_free(A->ans);
free_form:
    if (A->owned)
        hoshi_form_free(A->form);
}

static void today(answering *A)
{
    hoshi_date_iso(hoshi_date_today(), A->today, sizeof A->today);
}

/* What a look-up of the invitation found: 404, a store error, or the pages. */
static void answer_found(srv_req *r, srv_resp *p, answering *A, hoshi_err err, const char *op)
{
    if (err == HOSHI_ERR_NOTFOUND) {
        srv_page_message(r, p, 404, "not_found");
    } else if (err != HOSHI_OK) {
        srv_page_store_error(r, p, op, false);
    } else {
        answer(r, p, A);
        free(A->inv.answers);
    }
}

void srv_page_survey_token(srv_req *r, srv_resp *p, const char *token)
{
    answering A = {0};
    today(&A);
    hoshi_buf u = HOSHI_BUF_INIT;
    hoshi_buf_puts(&u, "/s/");
    hoshi_buf_url(&u, token);
    snprintf(A.url, sizeof A.url, "%s", u.data ? u.data : "/s/");
    hoshi_buf_free(&u);
    hoshi_err err = hoshi_store_invitation_by_token(r->s->store, token, A.today, &A.inv);
    answer_found(r, p, &A, err, "invitation_by_token");
}

void srv_page_survey_owner(srv_req *r, srv_resp *p, long long survey_id, bool print)
{
    (void)print;
    hoshi_org org;
    if (!srv_load_org(r, p, &org))
        return;
    answering A = {0};
    today(&A);
    snprintf(A.url, sizeof A.url, "/surveys/%lld", survey_id);
    hoshi_err err = hoshi_store_invitation_by_org(r->s->store, org.id, survey_id, A.today, &A.inv);
    answer_found(r, p, &A, err, "invitation_by_org");
}

void srv_page_survey_thanks(srv_req *r, srv_resp *p)
{
    survey_message(r, p, 200, "thanks");
}
