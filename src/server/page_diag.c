/*
 * page_diag.c — the 25-item self-diagnosis in the browser: one part per
 * page, answers kept as a draft in the database (on every page change,
 * and by app.js on every click) so it can be resumed any time; the result
 * page built from the library's report, and the history with a trend
 * chart of the scores.
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HISTORY_MAX 60

static const int part_first[4] = {0, 1, 6, 19};
static const int part_last[4] = {0, 5, 18, 25};

/* Reads a1..a25 of the form into draft; false when a value is not 1..4. */
static bool merge_answers(srv_req *r, char draft[HOSHI_DIAG_ITEMS + 1])
{
    for (int i = 1; i <= HOSHI_DIAG_ITEMS; i++) {
        char k[16];
        snprintf(k, sizeof k, "a%d", i);
        if (!srv_req_form_has(r, k))
            continue;
        const char *v = srv_req_form(r, k);
        if (strlen(v) != 1 || v[0] < '1' || v[0] > '4')
            return false;
        draft[i - 1] = v[0];
    }
    return true;
}

static int first_unanswered_part(const char *draft)
{
    for (int part = 1; part <= 3; part++)
        for (int i = part_first[part]; i <= part_last[part]; i++)
            if (draft[i - 1] == '0')
                return part;
    return 0;
}

static void progress(hoshi_buf *b, srv_req *r, const char *draft, int part)
{
    int answered = 0;
    for (int i = 0; i < HOSHI_DIAG_ITEMS; i++)
        answered += draft[i] != '0';
    hoshi_buf_puts(b, "<ol class=\"steps\">");
    for (int k = 1; k <= 3; k++) {
        hoshi_buf_printf(b, "<li class=\"%s\"><a href=\"/diagnosis/part/%d\">", k == part ? "current" : "", k);
        hoshi_buf_html(b, hoshi_catalog_part_title(r->s->cat[r->lang], k));
        hoshi_buf_puts(b, "</a></li>");
    }
    /* data-other: answers on the other pages, so app.js can keep the
     * count right as answers on this page are clicked. */
    int other = 0;
    for (int i = 0; i < HOSHI_DIAG_ITEMS; i++)
        other += draft[i] != '0' && hoshi_diag_item_part(i + 1) != part;
    hoshi_buf_printf(b, "</ol><p class=\"muted progress\" data-other=\"%d\"><progress max=\"25\" value=\"%d\">"
                     "</progress> <span class=\"count\">%d</span> / 25</p>",
                  other, answered, answered);
}

static void part_page(srv_req *r, srv_resp *p, const char *draft, int part, bool show_missing)
{
    const hoshi_catalog *c = r->s->cat[r->lang];
    srv_vars v = {0};
    srv_csrf_input(srv_var(&v, "csrf"), r);
    hoshi_buf_printf(srv_var(&v, "part"), "%d", part);
    srv_var_text(&v, "part_title", hoshi_catalog_part_title(c, part));
    srv_var_text(&v, "part_summary", hoshi_catalog_part_summary(c, part));
    progress(srv_var(&v, "progress"), r, draft, part);
    hoshi_buf *items = srv_var(&v, "items");
    for (int i = part_first[part]; i <= part_last[part]; i++) {
        const hoshi_item_info *it = hoshi_catalog_item(c, i);
        bool missing = show_missing && draft[i - 1] == '0';
        hoshi_buf_printf(items, "<fieldset class=\"card item%s\" id=\"item%d\"><legend><span class=\"num\">%d</span> ",
                      missing ? " missing" : "", i, i);
        hoshi_buf_html(items, it->title);
        hoshi_buf_puts(items, "</legend><p class=\"question\">");
        hoshi_buf_html(items, it->question);
        hoshi_buf_puts(items, "</p><div class=\"choices\">");
        for (int a = 1; a <= 4; a++) {
            hoshi_buf_printf(items, "<label title=\"");
            hoshi_buf_html(items, hoshi_catalog_answer_hint(c, a));
            hoshi_buf_printf(items, "\"><input type=\"radio\" name=\"a%d\" value=\"%d\"%s> ", i, a,
                          draft[i - 1] == '0' + a ? " checked" : "");
            hoshi_buf_html(items, hoshi_catalog_answer_label(c, a));
            hoshi_buf_puts(items, "</label>");
        }
        hoshi_buf_puts(items, "</div>");
        if (missing)
            srv_field_error(items, r, "diagnosis", "err_missing");
        hoshi_buf_puts(items, "<details><summary>");
        hoshi_buf_html(items, srv_text(r, "diagnosis", "why_how"));
        hoshi_buf_puts(items, "</summary><p>");
        hoshi_buf_html(items, it->why);
        hoshi_buf_puts(items, "</p><ul>");
        for (size_t k = 0; k < it->n_steps; k++) {
            hoshi_buf_puts(items, "<li>");
            hoshi_buf_html(items, it->steps[k]);
            hoshi_buf_puts(items, "</li>");
        }
        hoshi_buf_puts(items, "</ul></details></fieldset>\n");
    }
    hoshi_buf *nav = srv_var(&v, "nav");
    if (part > 1) {
        hoshi_buf_puts(nav, "<button type=\"submit\" name=\"nav\" value=\"prev\" class=\"secondary\">");
        hoshi_buf_html(nav, srv_text(r, "diagnosis", "prev"));
        hoshi_buf_puts(nav, "</button>");
    }
    hoshi_buf_printf(nav, "<button type=\"submit\" name=\"nav\" value=\"%s\">", part < 3 ? "next" : "finish");
    hoshi_buf_html(nav, srv_text(r, "diagnosis", part < 3 ? "next" : "finish"));
    hoshi_buf_puts(nav, "</button>");
    if (show_missing)
        srv_var_error(&v, r, "err", "diagnosis", "err_incomplete");
    if (show_missing)
        p->status = 422;
    srv_page_render(r, p, "diagnosis", &v);
}

void srv_page_diag_part(srv_req *r, srv_resp *p, int part)
{
    hoshi_org org;
    if (!srv_load_org(r, p, &org))
        return;
    if (part == 0) {
        int first = first_unanswered_part(org.draft);
        char loc[32];
        snprintf(loc, sizeof loc, "/diagnosis/part/%d", first ? first : 1);
        srv_redirect(p, loc);
        return;
    }
    if (!r->is_post) {
        part_page(r, p, org.draft, part, srv_req_query(r, "missing") != NULL);
        return;
    }
    if (!merge_answers(r, org.draft)) {
        srv_page_message(r, p, 400, "bad_form");
        return;
    }
    if (hoshi_store_draft_save(r->s->store, org.id, org.draft) != HOSHI_OK) {
        srv_page_store_error(r, p, "draft_save", true);
        return;
    }
    const char *nav = srv_req_form(r, "nav");
    char loc[48];
    if (strcmp(nav, "prev") == 0 && part > 1) {
        snprintf(loc, sizeof loc, "/diagnosis/part/%d", part - 1);
    } else if (strcmp(nav, "finish") == 0) {
        int missing = first_unanswered_part(org.draft);
        if (missing != 0) {
            snprintf(loc, sizeof loc, "/diagnosis/part/%d?missing=1", missing);
            srv_redirect(p, loc);
            return;
        }
        hoshi_answer ans[HOSHI_DIAG_ITEMS];
        for (int i = 0; i < HOSHI_DIAG_ITEMS; i++)
            ans[i] = (hoshi_answer)(org.draft[i] - '0');
        hoshi_diag_result res;
        char today[16];
        long long id;
        hoshi_date_iso(hoshi_date_today(), today, sizeof today);
        if (hoshi_diag_score(ans, &res) != HOSHI_OK) {
            srv_page_message(r, p, 500, "internal");
            return;
        }
        if (hoshi_store_diagnosis_add(r->s->store, org.id, org.draft, res.score, today, &id) != HOSHI_OK) {
            srv_page_store_error(r, p, "diagnosis_add", true);
            return;
        }
        snprintf(loc, sizeof loc, "/diagnosis/%lld", id);
    } else {
        snprintf(loc, sizeof loc, "/diagnosis/part/%d", part < 3 ? part + 1 : 3);
    }
    srv_redirect(p, loc);
}

void srv_page_diag_autosave(srv_req *r, srv_resp *p)
{
    p->ctype = "application/json";
    hoshi_org org;
    if (!r->logged_in) {
        p->status = 401;
        hoshi_buf_puts(&p->body, "{\"error\":\"not logged in\"}\n");
        return;
    }
    if (hoshi_store_org_get(r->s->store, r->ses.org_id, &org) != HOSHI_OK) {
        srv_log(r, "error", "store_error", "op", "org_get", "path", r->path, "detail", hoshi_error_detail(),
                (const char *)NULL);
        p->status = 503;
        hoshi_buf_puts(&p->body, "{\"error\":\"not saved\"}\n");
        return;
    }
    if (!merge_answers(r, org.draft)) {
        p->status = 400;
        hoshi_buf_puts(&p->body, "{\"error\":\"bad answer\"}\n");
        return;
    }
    if (hoshi_store_draft_save(r->s->store, org.id, org.draft) != HOSHI_OK) {
        /* app.js keeps the answers on the page and sends them again with
         * the next click or page change. */
        srv_log(r, "error", "store_error", "op", "draft_save", "path", r->path, "detail", hoshi_error_detail(),
                (const char *)NULL);
        p->status = 503;
        hoshi_buf_puts(&p->body, "{\"error\":\"not saved\"}\n");
        return;
    }
    hoshi_buf_puts(&p->body, "{\"saved\":true}\n");
}

static bool load_answers(const hoshi_diagnosis *d, hoshi_answer ans[HOSHI_DIAG_ITEMS])
{
    for (int i = 0; i < HOSHI_DIAG_ITEMS; i++) {
        if (d->answers[i] < '1' || d->answers[i] > '4')
            return false;
        ans[i] = (hoshi_answer)(d->answers[i] - '0');
    }
    return true;
}

void srv_page_diag_result(srv_req *r, srv_resp *p, long long id, bool print)
{
    /* Only logged-in visitors get here (route.c, LOGIN). */
    hoshi_diagnosis d;
    hoshi_org org;
    hoshi_answer ans[HOSHI_DIAG_ITEMS];
    /* diagnosis_get matches the session's organisation: another
     * organisation's id is simply not found. */
    hoshi_err err = hoshi_store_diagnosis_get(r->s->store, r->ses.org_id, id, &d);
    if (err == HOSHI_ERR_NOTFOUND) {
        srv_page_message(r, p, 404, "not_found");
        return;
    }
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "diagnosis_get", false);
        return;
    }
    if (hoshi_store_org_get(r->s->store, r->ses.org_id, &org) != HOSHI_OK) {
        srv_page_store_error(r, p, "org_get", false);
        return;
    }
    if (!load_answers(&d, ans)) {
        hoshi_error_set(HOSHI_ERR_DATA, "diagnosis %lld has stored answers that are not 1-4", id);
        srv_page_message(r, p, 500, "internal");
        return;
    }
    char date[40], *name = NULL;
    if (hoshi_text_sanitize(org.name, &name) != HOSHI_OK) {
        srv_page_message(r, p, 500, "internal");
        return;
    }
    hoshi_report_opts opts = {name, srv_fmt_date(r, d.taken_on, date, sizeof date)};
    char *html = NULL;
    size_t len = 0;
    const hoshi_catalog *c = r->s->cat[r->lang];
    if (print) {
        err = hoshi_report_render(c, ans, HOSHI_REPORT_HTML, &opts, &html, &len);
        free(name);
        if (err != HOSHI_OK) {
            srv_page_message(r, p, 500, "internal");
            return;
        }
        /* The library's printable page carries its stylesheet inline. */
        p->csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
                 "base-uri 'none'; form-action 'none'";
        hoshi_buf_append(&p->body, html, len);
        free(html);
        return;
    }
    err = hoshi_report_render(c, ans, HOSHI_REPORT_HTML_FRAGMENT, &opts, &html, &len);
    free(name);
    if (err != HOSHI_OK) {
        srv_page_message(r, p, 500, "internal");
        return;
    }
    srv_vars v = {0};
    hoshi_buf_append(srv_var(&v, "report"), html, len);
    free(html);
    hoshi_buf_printf(srv_var(&v, "print_href"), "/diagnosis/%lld/print", id);
    hoshi_diag_result res;
    if (hoshi_diag_score(ans, &res) == HOSHI_OK) {
        hoshi_buf *next = srv_var(&v, "next");
        hoshi_buf_puts(next, "<p>");
        hoshi_buf_html(next, srv_text(r, "result", res.star2_ready ? "star2_ready" : "star2_later"));
        hoshi_buf_puts(next, "</p>");
    }
    srv_plan_support(srv_var(&v, "support"), r, ans);
    srv_page_render(r, p, "result", &v);
}

/* A line chart of the scores, oldest on the left; −25..100 on the y axis. */
static void trend_svg(hoshi_buf *b, srv_req *r, const hoshi_diagnosis *d, size_t n)
{
    const int W = 640, H = 220, L = 44, R = 16, TOP = 16, B = 36;
    hoshi_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trend\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"trend-title\"><title id=\"trend-title\">", W, H);
    hoshi_buf_html(b, srv_text(r, "history", "chart_title"));
    hoshi_buf_puts(b, "</title>");
    for (int s = -25; s <= 100; s += 25) {
        double y = TOP + (double)(100 - s) * (H - TOP - B) / 125.0;
        hoshi_buf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>"
                         "<text x=\"%d\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%d</text>",
                      L, y, W - R, y, L - 6, y + 4, s);
    }
    hoshi_buf_puts(b, "<polyline class=\"line\" points=\"");
    for (size_t k = 0; k < n; k++) {
        const hoshi_diagnosis *e = &d[n - 1 - k];
        double x = n == 1 ? (L + W - R) / 2.0 : L + (double)k * (W - L - R) / (double)(n - 1);
        double y = TOP + (double)(100 - e->score) * (H - TOP - B) / 125.0;
        hoshi_buf_printf(b, "%.1f,%.1f ", x, y);
    }
    hoshi_buf_puts(b, "\"/>");
    for (size_t k = 0; k < n; k++) {
        const hoshi_diagnosis *e = &d[n - 1 - k];
        double x = n == 1 ? (L + W - R) / 2.0 : L + (double)k * (W - L - R) / (double)(n - 1);
        double y = TOP + (double)(100 - e->score) * (H - TOP - B) / 125.0;
        hoshi_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" class=\"dot\"><title>", x, y);
        hoshi_buf_html(b, e->taken_on);
        hoshi_buf_printf(b, ": %d</title></circle>", e->score);
        if (n <= 12 || k == 0 || k == n - 1)
            hoshi_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">%.7s</text>",
                          x, H - 12, e->taken_on);
    }
    hoshi_buf_puts(b, "</svg>");
}

void srv_page_history(srv_req *r, srv_resp *p)
{
    /* Only logged-in visitors get here (route.c, LOGIN). */
    hoshi_diagnosis *d = calloc(HISTORY_MAX, sizeof *d);
    size_t n = 0;
    if (d == NULL) {
        hoshi_error_set(HOSHI_ERR_NOMEM, "out of memory for %d diagnoses", HISTORY_MAX);
        srv_page_message(r, p, 500, "internal");
        return;
    }
    if (hoshi_store_diagnosis_list(r->s->store, r->ses.org_id, d, HISTORY_MAX, &n) != HOSHI_OK) {
        free(d);
        srv_page_store_error(r, p, "diagnosis_list", false);
        return;
    }
    srv_vars v = {0};
    hoshi_buf *rows = srv_var(&v, "rows");
    for (size_t i = 0; i < n; i++) {
        char date[40];
        hoshi_buf_printf(rows, "<tr><td><a href=\"/diagnosis/%lld\">", d[i].id);
        hoshi_buf_html(rows, srv_fmt_date(r, d[i].taken_on, date, sizeof date));
        hoshi_buf_printf(rows, "</a></td><td class=\"num\">%d</td></tr>", d[i].score);
    }
    if (n == 0) {
        hoshi_buf_puts(srv_var(&v, "chart"), "<p>");
        hoshi_buf_html(srv_var(&v, "chart"), srv_text(r, "history", "none"));
        hoshi_buf_puts(srv_var(&v, "chart"), "</p>");
    } else {
        trend_svg(srv_var(&v, "chart"), r, d, n);
    }
    free(d);
    srv_page_render(r, p, "history", &v);
}
