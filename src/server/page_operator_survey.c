/*
 * page_operator_survey.c — the operator's surveys (issue 9 item 3): the
 * list with each survey's state, dates and progress; creating one from a
 * questionnaire shipped in DATADIR/surveys/; one survey's page (progress
 * overall and by ★ level, size and industry, the open and close dates,
 * closing it, choosing recipients, links to its tables and downloads);
 * and the preview of every page as a respondent sees it (a read-only
 * render of our own: the respondent's renderer is another helper's).
 * Requests under /operator/surveys/{id}/ arrive here and are handed to
 * the part that serves them.  Only operators get anything but a 404.
 */
#include "server.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_MAX 100
#define SHIPPED_MAX 16

static const char *datadir(srv_req *r)
{
    return r->s->cfg.datadir ? r->s->cfg.datadir : hoshi_datadir_default();
}

static void today_iso(char out[16])
{
    hoshi_date_iso(hoshi_date_today(), out, 16);
}

static const char *state_key(hoshi_survey_state st)
{
    static const char *const keys[] = {"state_open", "state_closed", "state_not_yet", "state_ended"};
    return keys[st];
}

static void rate(hoshi_buf *b, const hoshi_survey_counts *c)
{
    if (c->invited == 0)
        hoshi_buf_puts(b, "—");
    else
        hoshi_buf_printf(b, "%.1f%%", 100.0 * (double)c->submitted / (double)c->invited);
}

/* A shipped questionnaire's name: a directory under DATADIR/surveys. */
static bool shipped_name_ok(const char *n)
{
    size_t len = strlen(n);
    if (len == 0 || len > 40)
        return false;
    for (const char *c = n; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
            return false;
    return true;
}

static size_t shipped_list(srv_req *r, char names[SHIPPED_MAX][48])
{
    char path[1024];
    snprintf(path, sizeof path, "%s/surveys", datadir(r));
    DIR *d = opendir(path);
    size_t n = 0;
    if (d == NULL)
        return 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && n < SHIPPED_MAX)
        if (shipped_name_ok(de->d_name)) /* at most 40 bytes */
            memcpy(names[n++], de->d_name, strlen(de->d_name) + 1);
    closedir(d);
    return n;
}

static void list_rows(hoshi_buf *b, srv_req *r, const hoshi_survey *v, size_t n)
{
    char d1[64], d2[64];
    for (size_t i = 0; i < n; i++) {
        hoshi_buf_printf(b, "<tr><td><a href=\"/operator/surveys/%lld\">", v[i].id);
        srv_html_shown(b, v[i].title);
        hoshi_buf_puts(b, "</a></td><td class=\"state\">");
        hoshi_buf_html(b, srv_text(r, "operator_surveys", state_key(v[i].state)));
        hoshi_buf_puts(b, "</td><td>");
        hoshi_buf_html(b, v[i].opens_on[0] ? srv_fmt_date(r, v[i].opens_on, d1, sizeof d1) : "—");
        hoshi_buf_puts(b, " – ");
        hoshi_buf_html(b, v[i].closes_on[0] ? srv_fmt_date(r, v[i].closes_on, d2, sizeof d2) : "—");
        hoshi_buf_printf(b, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
                            "<td class=\"num\">",
                         v[i].counts.invited, v[i].counts.started, v[i].counts.submitted);
        rate(b, &v[i].counts);
        hoshi_buf_puts(b, "</td></tr>");
    }
}

/* The list and the creation form; err_key names a problem of the form. */
static void list_page(srv_req *r, srv_resp *p, const char *err_key, const char *detail)
{
    char today[16];
    today_iso(today);
    hoshi_survey *v = calloc(LIST_MAX, sizeof *v);
    size_t n = 0;
    if (v == NULL || hoshi_store_survey_list(r->s->store, today, v, LIST_MAX, &n) != HOSHI_OK) {
        free(v);
        srv_page_store_error(r, p, "survey_list", false);
        return;
    }
    srv_vars vars = {0};
    list_rows(srv_var(&vars, "rows"), r, v, n);
    free(v);
    if (n == 0)
        srv_var_text(&vars, "empty", srv_text(r, "operator_surveys", "empty"));
    char names[SHIPPED_MAX][48];
    size_t ns = shipped_list(r, names);
    hoshi_buf *ob = srv_var(&vars, "shipped");
    const char *chosen = srv_req_form(r, "shipped");
    for (size_t i = 0; i < ns; i++) {
        hoshi_buf_printf(ob, "<option value=\"%s\"%s>%s</option>", names[i],
                         strcmp(chosen, names[i]) == 0 ? " selected" : "", names[i]);
    }
    srv_csrf_input(srv_var(&vars, "csrf"), r);
    srv_var_shown(&vars, "opens_on", srv_req_form(r, "opens_on"));
    srv_var_shown(&vars, "closes_on", srv_req_form(r, "closes_on"));
    if (err_key != NULL) {
        hoshi_buf *eb = srv_var(&vars, "error");
        hoshi_buf_puts(eb, "<p class=\"error\" role=\"alert\">");
        hoshi_buf_html(eb, srv_text(r, "operator_surveys", err_key));
        if (detail != NULL && detail[0]) {
            hoshi_buf_puts(eb, " <code>");
            srv_html_shown(eb, detail);
            hoshi_buf_puts(eb, "</code>");
        }
        hoshi_buf_puts(eb, "</p>");
    }
    srv_page_render(r, p, "operator_surveys", &vars);
}

/* Stores form f as a new survey; *id its id. */
static hoshi_err create_from(srv_req *r, const hoshi_form *f, long long *id)
{
    char *blob = NULL, today[16];
    size_t len = 0;
    today_iso(today);
    hoshi_err err = hoshi_form_serialize(f, &blob, &len);
    if (err != HOSHI_OK)
        return err;
    hoshi_survey_new in = {hoshi_form_id(f), hoshi_form_title(f, r->lang), hoshi_form_version(f),
                           blob, len, today, srv_req_form(r, "opens_on"), srv_req_form(r, "closes_on")};
    err = hoshi_store_survey_create(r->s->store, &in, id);
    free(blob);
    return err;
}

/* The form to create from: the uploaded definition, else the shipped
 * questionnaire named; NULL (the page made) when it cannot be read. */
static hoshi_form *chosen_form(srv_req *r, srv_resp *p, const char **name)
{
    char path[1024];
    hoshi_form *f = NULL;
    *name = r->upload != NULL ? r->upload_name : srv_req_form(r, "shipped");
    if (r->upload == NULL && !shipped_name_ok(*name)) {
        p->status = 422;
        list_page(r, p, r->upload_name[0] || srv_req_form_has(r, "upload") ? "err_no_file" : "err_shipped", NULL);
        return NULL;
    }
    snprintf(path, sizeof path, "%s/surveys/%s", datadir(r), *name);
    hoshi_err err = r->upload != NULL ? hoshi_form_parse(r->upload_name, r->upload, r->upload_len, &f)
                                      : hoshi_form_load(path, &f);
    if (err != HOSHI_OK) {
        /* The message is copied: the list's reads set the error detail anew. */
        char detail[512];
        snprintf(detail, sizeof detail, "%s", hoshi_error_detail());
        p->status = 422;
        list_page(r, p, err == HOSHI_ERR_IO && r->upload == NULL ? "err_shipped" : "err_definition", detail);
        return NULL;
    }
    return f;
}

static void create(srv_req *r, srv_resp *p)
{
    const char *name;
    char path[1024], user[24], sid[24];
    hoshi_form *f = chosen_form(r, p, &name);
    hoshi_err err;
    if (f == NULL)
        return;
    long long id = 0;
    err = create_from(r, f, &id);
    hoshi_form_free(f);
    if (err == HOSHI_ERR_INPUT) {
        p->status = 422;
        list_page(r, p, "err_dates", NULL);
        return;
    }
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "survey_create", true);
        return;
    }
    snprintf(user, sizeof user, "%lld", r->ses.user_id);
    snprintf(sid, sizeof sid, "%lld", id);
    srv_log(r, "info", "survey_created", "operator", user, "survey", sid, "definition",
            r->upload != NULL ? "upload" : name, (const char *)NULL);
    snprintf(path, sizeof path, "/operator/surveys/%lld", id);
    srv_redirect(p, path);
}

void srv_page_operator_surveys(srv_req *r, srv_resp *p)
{
    if (!srv_need_operator(r, p))
        return;
    if (r->is_post)
        create(r, p);
    else
        list_page(r, p, NULL, NULL);
}

/* One row of the progress table. */
static void progress_row(hoshi_buf *b, const char *label, const hoshi_survey_counts *c)
{
    hoshi_buf_puts(b, "<tr><th>");
    hoshi_buf_html(b, label);
    hoshi_buf_printf(b, "</th><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
                        "<td class=\"num\">",
                     c->invited, c->started, c->submitted);
    rate(b, c);
    hoshi_buf_puts(b, "</td></tr>");
}

/* Progress overall and by level, size and industry (attributes not given
 * are the "not given" row, shown when it counts anyone). */
static void progress(hoshi_buf *b, srv_req *r, const hoshi_survey_progress *pg)
{
    const hoshi_attrs *at = r->s->attrs[r->lang];
    const char *none = srv_text(r, "operator_survey", "not_given");
    progress_row(b, srv_text(r, "operator_survey", "all"), &pg->all);
    struct { hoshi_attr which; const char *key; const hoshi_survey_counts *c; } parts[] = {
        {HOSHI_ATTR_LEVEL, "by_level", pg->level},
        {HOSHI_ATTR_SIZE, "by_size", pg->size},
        {HOSHI_ATTR_INDUSTRY, "by_industry", pg->industry},
    };
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        hoshi_buf_puts(b, "<tr class=\"group\"><th colspan=\"5\">");
        hoshi_buf_html(b, srv_text(r, "operator_survey", parts[k].key));
        hoshi_buf_puts(b, "</th></tr>");
        int n = hoshi_attrs_count(parts[k].which);
        for (int i = 1; i <= n; i++)
            if (parts[k].c[i].invited > 0)
                progress_row(b, hoshi_attrs_label(at, parts[k].which, i), &parts[k].c[i]);
        if (parts[k].c[0].invited > 0)
            progress_row(b, none, &parts[k].c[0]);
    }
}

static void detail(srv_req *r, srv_resp *p, const hoshi_survey *sv, const char *err_key)
{
    hoshi_survey_progress *pg = calloc(1, sizeof *pg);
    if (pg == NULL || hoshi_store_survey_progress(r->s->store, sv->id, pg) != HOSHI_OK) {
        free(pg);
        srv_page_store_error(r, p, "survey_progress", false);
        return;
    }
    srv_vars v = {0};
    char d[64];
    hoshi_buf_printf(srv_var(&v, "id"), "%lld", sv->id);
    srv_var_shown(&v, "name", sv->title);
    srv_var_shown(&v, "form_id", sv->form_id);
    srv_var_text(&v, "state", srv_text(r, "operator_surveys", state_key(sv->state)));
    srv_var_text(&v, "created_on", srv_fmt_date(r, sv->created_on, d, sizeof d));
    srv_var_text(&v, "opens_on", sv->opens_on);
    srv_var_text(&v, "closes_on", sv->closes_on);
    if (sv->closed_on[0])
        srv_var_text(&v, "closed_on", srv_fmt_date(r, sv->closed_on, d, sizeof d));
    progress(srv_var(&v, "progress"), r, pg);
    free(pg);
    srv_csrf_input(srv_var(&v, "csrf"), r);
    srv_survey_filter_fields(srv_var(&v, "filter"), r);
    if (sv->state != HOSHI_SURVEY_CLOSED)
        srv_var_text(&v, "can_close", "1");
    srv_var_error(&v, r, "error", "operator_survey", err_key);
    if (srv_req_query(r, "closed") != NULL)
        srv_var_text(&v, "notice", srv_text(r, "operator_survey", "closed_done"));
    srv_page_render(r, p, "operator_survey", &v);
}

static void set_dates(srv_req *r, srv_resp *p, const hoshi_survey *sv)
{
    hoshi_err err = hoshi_store_survey_set_dates(r->s->store, sv->id, srv_req_form(r, "opens_on"),
                                                 srv_req_form(r, "closes_on"));
    if (err == HOSHI_ERR_INPUT) {
        p->status = 422;
        detail(r, p, sv, "err_dates");
        return;
    }
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "survey_set_dates", true);
        return;
    }
    char loc[64];
    snprintf(loc, sizeof loc, "/operator/surveys/%lld", sv->id);
    srv_redirect(p, loc);
}

static void close_survey(srv_req *r, srv_resp *p, const hoshi_survey *sv)
{
    char today[16], user[24], sid[24], loc[64];
    today_iso(today);
    if (hoshi_store_survey_close(r->s->store, sv->id, today) != HOSHI_OK) {
        srv_page_store_error(r, p, "survey_close", true);
        return;
    }
    snprintf(user, sizeof user, "%lld", r->ses.user_id);
    snprintf(sid, sizeof sid, "%lld", sv->id);
    srv_log(r, "info", "survey_closed", "operator", user, "survey", sid, (const char *)NULL);
    snprintf(loc, sizeof loc, "/operator/surveys/%lld?closed=1", sv->id);
    srv_redirect(p, loc);
}

static void preview(srv_req *r, srv_resp *p, const hoshi_survey *sv)
{
    hoshi_form *f = NULL;
    hoshi_answers *none = NULL;
    if (hoshi_form_parse("definition", (const char *)sv->definition, sv->definition_len, &f) != HOSHI_OK ||
        hoshi_answers_new(f, &none) != HOSHI_OK) {
        hoshi_form_free(f);
        srv_page_message(r, p, 500, "internal");
        return;
    }
    srv_vars v = {0};
    hoshi_buf_printf(srv_var(&v, "id"), "%lld", sv->id);
    srv_var_shown(&v, "name", hoshi_form_title(f, r->lang));
    hoshi_buf *b = srv_var(&v, "pages");
    size_t np = hoshi_form_page_count(f);
    for (size_t i = 0; i < np; i++) {
        const hoshi_form_page *pg = hoshi_form_page_get(f, i, r->lang);
        hoshi_buf_printf(b, "<section class=\"card page\"><h2>%zu / %zu ", i + 1, np);
        srv_html_shown(b, pg->label);
        hoshi_buf_puts(b, "</h2>");
        srv_survey_render_preview(b, r, pg, none);
        hoshi_buf_puts(b, "</section>");
    }
    hoshi_answers_free(none);
    hoshi_form_free(f);
    srv_page_render(r, p, "operator_survey_preview", &v);
}

/* "/operator/surveys/" is followed by tail: "ID" or "ID/WHAT". */
void srv_page_operator_survey(srv_req *r, srv_resp *p, const char *tail)
{
    if (!srv_need_operator(r, p))
        return;
    char idtext[24];
    const char *slash = strchr(tail, '/');
    size_t n = slash ? (size_t)(slash - tail) : strlen(tail);
    const char *what = slash ? slash + 1 : "";
    long id = 0;
    if (n == 0 || n >= sizeof idtext) {
        srv_page_message(r, p, 404, "not_found");
        return;
    }
    memcpy(idtext, tail, n);
    idtext[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (idtext[i] < '0' || idtext[i] > '9')
            n = 0;
    if (n == 0 || !hoshi_parse_long(idtext, 1, 999999999999L, &id)) {
        srv_page_message(r, p, 404, "not_found");
        return;
    }
    char today[16];
    today_iso(today);
    hoshi_survey sv;
    hoshi_err err = hoshi_store_survey_get(r->s->store, id, today, &sv);
    if (err == HOSHI_ERR_NOTFOUND) {
        srv_page_message(r, p, 404, "not_found");
        return;
    }
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "survey_get", false);
        return;
    }
    bool post = r->is_post;
    if (!post && what[0] == '\0')
        detail(r, p, &sv, NULL);
    else if (!post && strcmp(what, "preview") == 0)
        preview(r, p, &sv);
    else if (post && strcmp(what, "dates") == 0)
        set_dates(r, p, &sv);
    else if (post && strcmp(what, "close") == 0)
        close_survey(r, p, &sv);
    else if (strcmp(what, "invite") == 0)
        srv_survey_invite(r, p, &sv, post);
    else if (!post && what[0] != '\0')
        srv_survey_tables(r, p, &sv, what);
    else
        srv_page_message(r, p, 404, "not_found");
    free(sv.definition);
}
