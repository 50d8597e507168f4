/*
 * page_registry.c — the public registry of declarations (search by name,
 * prefecture, industry and level, paginated) and the JSON API over the
 * same data.  Names are compared by search key (hoshi/namekey.h); a
 * 法人番号 or a declaration ID typed in the name box is looked up
 * directly, and the page goes straight to a single match.  Every query
 * value is capped and checked before it reaches the store; the store
 * binds it as a parameter.
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUERY_MAX 100 /* characters of a name search */
/* A search with more than HOSHI_STORE_COUNT_CAP matches offers this many
 * pages of its newest: the store walks the newest declarations to reach
 * a page, and past these a page costs more than narrowing the search. */
#define CAPPED_PAGES 50

typedef struct search {
    char name[QUERY_MAX * 4 + 1]; /* NFC, as the names it looks for */
    int prefecture, level;
    char industry[2];
    long page;
    bool bad;                     /* some parameter was invalid */
    hoshi_text_problem q_why;     /* what is wrong with the name, if anything */
    bool failed;                  /* the name could not be checked (memory) */
    hoshi_lookup kind;            /* what the name box holds */
    char digits[HOSHI_CORPNUM_LEN + 1]; /* the 法人番号 or ID it holds */
} search;

static void parse_search(srv_req *r, search *s)
{
    memset(s, 0, sizeof *s);
    s->page = 1;
    const char *q = srv_req_query(r, "q");
    /* The name goes through the rule typed names go through, so "が"
     * typed as か + U+3099 finds the が that was stored. */
    if (q != NULL && !srv_form_text(q, QUERY_MAX, 0, s->name, sizeof s->name, &s->q_why)) {
        s->bad = true;
        s->failed = s->q_why.fault == HOSHI_TEXT_OK;
    }
    s->kind = s->bad ? HOSHI_LOOKUP_NAME : hoshi_lookup_of(s->name, s->digits);
    long v;
    const char *pref = srv_req_query(r, "prefecture"), *lvl = srv_req_query(r, "level"),
               *ind = srv_req_query(r, "industry"), *page = srv_req_query(r, "page");
    if (pref && *pref) {
        if (hoshi_parse_long(pref, 1, 47, &v))
            s->prefecture = (int)v;
        else
            s->bad = true;
    }
    if (lvl && *lvl) {
        if (hoshi_parse_long(lvl, 1, 2, &v))
            s->level = (int)v;
        else
            s->bad = true;
    }
    if (ind && *ind) {
        if (strlen(ind) == 1 && ind[0] >= 'A' && ind[0] <= 'T')
            s->industry[0] = ind[0];
        else
            s->bad = true;
    }
    if (page && *page) {
        if (hoshi_parse_long(page, 1, SRV_PAGE_MAX, &v))
            s->page = v;
        else
            s->bad = true;
    }
}

/* n with a comma between thousands ("10,000"), as both languages write
 * counts. */
static void thousands(char *out, size_t size, long long n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", n < 0 ? 0 : n);
    size_t o = 0;
    for (int i = 0; i < len && o + 1 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 2 < size)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

/* A 法人番号 or an ID is looked up whatever the other fields say: its
 * matches fit on the first page. */
static hoshi_err run_lookup(srv_req *r, const search *s, hoshi_decl *out, size_t *n, long long *total)
{
    hoshi_err err;
    if (s->kind == HOSHI_LOOKUP_CORPNUM) {
        err = hoshi_store_decl_by_corpnum(r->s->store, s->digits, out, SRV_PAGE_SIZE, n);
    } else {
        err = hoshi_store_decl_get(r->s->store, s->digits, out);
        *n = err == HOSHI_OK;
        if (err == HOSHI_ERR_NOTFOUND)
            err = HOSHI_OK;
    }
    *total = err == HOSHI_OK ? (long long)*n : 0;
    if (err != HOSHI_OK || s->page > 1)
        *n = 0;
    return err;
}

static hoshi_err run_search(srv_req *r, const search *s, hoshi_decl *out, size_t *n, long long *total)
{
    if (s->kind != HOSHI_LOOKUP_NAME)
        return run_lookup(r, s, out, n, total);
    /* Past the pages a capped search offers, no rows (and no walk). */
    hoshi_decl_query q = {s->name, s->prefecture, s->industry, s->level, false,
                          (s->page - 1) * SRV_PAGE_SIZE, SRV_PAGE_SIZE, (long long)CAPPED_PAGES * SRV_PAGE_SIZE};
    return hoshi_store_decl_search(r->s->store, &q, out, n, total);
}

/* A link to another page of the same search. */
static void page_link(hoshi_buf *b, const search *s, long page, const char *label)
{
    hoshi_buf_puts(b, "<a href=\"/registry?q=");
    hoshi_buf_url(b, s->name);
    hoshi_buf_printf(b, "&amp;prefecture=%d&amp;industry=%s&amp;level=%d&amp;page=%ld\">",
                  s->prefecture, s->industry, s->level, page);
    hoshi_buf_html(b, label);
    hoshi_buf_puts(b, "</a>");
}

void srv_page_registry(srv_req *r, srv_resp *p)
{
    search s;
    parse_search(r, &s);
    hoshi_decl rows[SRV_PAGE_SIZE];
    size_t n = 0;
    long long total = 0;
    if (s.failed) {
        srv_page_message(r, p, 500, "internal");
        return;
    }
    if (!s.bad && run_search(r, &s, rows, &n, &total) != HOSHI_OK) {
        srv_page_store_error(r, p, "decl_search", false);
        return;
    }
    if (s.kind != HOSHI_LOOKUP_NAME && n == 1 && total == 1) {
        char loc[64];
        snprintf(loc, sizeof loc, "/verify/%s", rows[0].id);
        srv_redirect(p, loc);
        return;
    }
    srv_vars v = {0};
    srv_var_shown(&v, "q", s.q_why.fault != HOSHI_TEXT_OK ? srv_req_query(r, "q") : s.name);
    const char *any = srv_text(r, "registry", "any");
    srv_select_options(srv_var(&v, "prefecture_options"), r, any, HOSHI_ATTR_PREF, s.prefecture, false);
    srv_select_options(srv_var(&v, "industry_options"), r, any, HOSHI_ATTR_INDUSTRY,
                       hoshi_attrs_industry_code(s.industry), true);
    hoshi_buf *lv = srv_var(&v, "level_options");
    hoshi_buf_puts(lv, "<option value=\"\">");
    hoshi_buf_html(lv, srv_text(r, "registry", "any"));
    hoshi_buf_printf(lv, "</option><option value=\"1\"%s>\xe2\x98\x85</option><option value=\"2\"%s>\xe2\x98\x85\xe2\x98\x85</option>",
                  s.level == 1 ? " selected" : "", s.level == 2 ? " selected" : "");
    if (s.q_why.fault != HOSHI_TEXT_OK) {
        srv_text_error(srv_var(&v, "err"), r, srv_text(r, "registry", "q"), &s.q_why, QUERY_MAX);
        p->status = 400;
    } else if (s.bad) {
        srv_var_error(&v, r, "err", "registry", "err_query");
        p->status = 400;
    }
    hoshi_buf *res = srv_var(&v, "results");
    bool capped = total > HOSHI_STORE_COUNT_CAP;
    char num[32], shown[32];
    thousands(num, sizeof num, capped ? HOSHI_STORE_COUNT_CAP : total);
    thousands(shown, sizeof shown, (long long)CAPPED_PAGES * SRV_PAGE_SIZE);
    const char *cnt[] = {"n", num, "shown", shown, NULL};
    hoshi_buf_puts(res, "<p class=\"count\">");
    hoshi_buf_subst(res, srv_text(r, "registry", capped ? "count_capped" : "count"), cnt, hoshi_buf_html);
    hoshi_buf_puts(res, "</p>");
    if (total == 0 && !s.bad && s.name[0]) {
        hoshi_buf_puts(res, "<p class=\"none\">");
        hoshi_buf_html(res, srv_text(r, "registry", s.kind == HOSHI_LOOKUP_NAME ? "none" : "none_number"));
        hoshi_buf_puts(res, "</p>");
    }
    if (n > 0) {
        hoshi_buf_puts(res, "<table class=\"list\"><thead><tr><th>");
        hoshi_buf_html(res, srv_text(r, "registry", "col_org"));
        hoshi_buf_puts(res, "</th><th>");
        hoshi_buf_html(res, srv_text(r, "registry", "col_level"));
        hoshi_buf_puts(res, "</th><th>");
        hoshi_buf_html(res, srv_text(r, "registry", "col_prefecture"));
        hoshi_buf_puts(res, "</th><th class=\"wide\">");
        hoshi_buf_html(res, srv_text(r, "registry", "col_industry"));
        hoshi_buf_puts(res, "</th><th>");
        hoshi_buf_html(res, srv_text(r, "registry", "col_date"));
        hoshi_buf_puts(res, "</th></tr></thead><tbody>");
        for (size_t i = 0; i < n; i++) {
            char date[40];
            hoshi_buf_printf(res, "<tr><td><a href=\"/verify/%s\">", rows[i].id);
            srv_html_shown(res, rows[i].org_name);
            hoshi_buf_printf(res, "</a></td><td class=\"stars\">%s</td><td>", srv_level_stars(rows[i].level));
            hoshi_buf_html(res, srv_prefecture_name(r, rows[i].prefecture));
            hoshi_buf_puts(res, "</td><td class=\"wide\">");
            hoshi_buf_html(res, srv_industry_name(r, rows[i].industry));
            hoshi_buf_puts(res, "</td><td>");
            hoshi_buf_html(res, srv_fmt_date(r, rows[i].declared_on, date, sizeof date));
            hoshi_buf_puts(res, "</td></tr>");
        }
        hoshi_buf_puts(res, "</tbody></table>");
    }
    long pages = capped ? CAPPED_PAGES : (long)((total + SRV_PAGE_SIZE - 1) / SRV_PAGE_SIZE);
    if (pages > 1) {
        hoshi_buf_puts(res, "<nav class=\"pager\">");
        if (s.page > 1)
            page_link(res, &s, s.page - 1, srv_text(r, "registry", "prev"));
        hoshi_buf_printf(res, "<span>%ld / %ld</span>", s.page, pages);
        if (s.page < pages && s.page < SRV_PAGE_MAX)
            page_link(res, &s, s.page + 1, srv_text(r, "registry", "next"));
        hoshi_buf_puts(res, "</nav>");
    }
    srv_page_render(r, p, "registry", &v);
}

/* A stored name as a JSON string, sanitised as on the pages. */
static void json_shown(hoshi_buf *b, const char *text)
{
    char *safe = NULL;
    if (hoshi_text_sanitize(text, &safe) != HOSHI_OK) {
        if (b->err == HOSHI_OK)
            b->err = HOSHI_ERR_NOMEM;
        return;
    }
    hoshi_buf_json_str(b, safe);
    free(safe);
}

/* One declaration as the API's JSON object.  Names of prefectures and
 * industries are given in the request's language; codes are stable. */
static void decl_json(hoshi_buf *b, srv_req *r, const hoshi_decl *d)
{
    hoshi_buf_puts(b, "{\"id\":");
    hoshi_buf_json_str(b, d->id);
    hoshi_buf_printf(b, ",\"level\":%d,\"organization\":", d->level);
    json_shown(b, d->org_name);
    hoshi_buf_puts(b, ",\"prefecture\":");
    hoshi_buf_json_str(b, srv_prefecture_name(r, d->prefecture));
    hoshi_buf_printf(b, ",\"prefecture_code\":%d,\"industry\":", d->prefecture);
    hoshi_buf_json_str(b, srv_industry_name(r, d->industry));
    hoshi_buf_puts(b, ",\"industry_code\":");
    hoshi_buf_json_str(b, d->industry);
    hoshi_buf_puts(b, ",\"corporate_number\":");
    if (d->corpnum[0])
        hoshi_buf_json_str(b, d->corpnum);
    else
        hoshi_buf_puts(b, "null");
    hoshi_buf_puts(b, ",\"declared_at\":");
    hoshi_buf_json_str(b, d->declared_on);
    hoshi_buf_printf(b, ",\"status\":\"%s\"", d->status == HOSHI_DECL_ACTIVE ? "active" : "withdrawn");
    if (d->status != HOSHI_DECL_ACTIVE) {
        hoshi_buf_puts(b, ",\"withdrawn_at\":");
        hoshi_buf_json_str(b, d->withdrawn_on);
        /* Who withdrew it, and the programme's reason (issue 11 part 6). */
        hoshi_buf_printf(b, ",\"withdrawn_by\":\"%s\",\"withdrawn_reason\":", d->by_programme ? "programme" : "owner");
        if (d->by_programme) {
            hoshi_buf_puts(b, "{\"code\":");
            hoshi_buf_json_str(b, d->withdraw_reason);
            hoshi_buf_puts(b, ",\"label\":");
            hoshi_buf_json_str(b, srv_reason_label(r->s, d->withdraw_reason, r->lang));
            hoshi_buf_puts(b, "}");
        } else {
            hoshi_buf_puts(b, "null");
        }
    }
    hoshi_buf_puts(b, ",\"verify_url\":");
    hoshi_buf path = HOSHI_BUF_INIT;
    hoshi_buf_printf(&path, "/verify/%s", d->id);
    hoshi_buf_json_str(b, path.data ? path.data : "");
    hoshi_buf_free(&path);
    /* null only when it could not be signed (logged by srv_decl_token). */
    hoshi_buf_puts(b, ",\"signed\":");
    hoshi_buf tok = HOSHI_BUF_INIT;
    if (srv_decl_token(r, d, &tok) && tok.err == HOSHI_OK)
        hoshi_buf_json_str(b, tok.data);
    else
        hoshi_buf_puts(b, "null");
    hoshi_buf_free(&tok);
    hoshi_buf_puts(b, "}");
}

static void json_error(srv_resp *p, int status, const char *code, const char *message)
{
    p->status = status;
    p->ctype = "application/json";
    hoshi_buf_puts(&p->body, "{\"error\":{\"code\":");
    hoshi_buf_json_str(&p->body, code);
    hoshi_buf_puts(&p->body, ",\"message\":");
    hoshi_buf_json_str(&p->body, message);
    hoshi_buf_puts(&p->body, "}}\n");
}

void srv_api_declarations(srv_req *r, srv_resp *p)
{
    search s;
    parse_search(r, &s);
    if (s.bad && !s.failed) {
        json_error(p, 400, "bad_query", s.q_why.fault != HOSHI_TEXT_OK ? hoshi_error_detail()
                                                                       : "a query parameter is invalid or too long");
        p->cacheable = true;
        return;
    }
    hoshi_decl rows[SRV_PAGE_SIZE];
    size_t n = 0;
    long long total = 0;
    if (s.failed || run_search(r, &s, rows, &n, &total) != HOSHI_OK) {
        srv_log(r, "error", "store_error", "op", "decl_search", "path", r->path, "detail", hoshi_error_detail(),
                (const char *)NULL);
        json_error(p, 500, "internal", "the registry could not be searched");
        return;
    }
    p->ctype = "application/json";
    hoshi_buf_puts(&p->body, "{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            hoshi_buf_putc(&p->body, ',');
        decl_json(&p->body, r, &rows[i]);
    }
    /* Above the cap, total is the cap and total_capped says there are more. */
    bool capped = total > HOSHI_STORE_COUNT_CAP;
    hoshi_buf_printf(&p->body, "],\"total\":%lld,\"total_capped\":%s,\"pages\":%ld,\"page\":%ld,\"per_page\":%d}\n",
                     capped ? (long long)HOSHI_STORE_COUNT_CAP : total, capped ? "true" : "false",
                     capped ? (long)CAPPED_PAGES : (long)((total + SRV_PAGE_SIZE - 1) / SRV_PAGE_SIZE), s.page,
                     SRV_PAGE_SIZE);
}

void srv_api_declaration(srv_req *r, srv_resp *p, const char *id)
{
    hoshi_decl d;
    hoshi_err err = hoshi_decl_id_is_valid(id) ? hoshi_store_decl_get(r->s->store, id, &d) : HOSHI_ERR_NOTFOUND;
    if (err == HOSHI_ERR_NOTFOUND) {
        json_error(p, 404, "not_found", "no declaration with this ID");
        return;
    }
    if (err != HOSHI_OK) {
        srv_log(r, "error", "store_error", "op", "decl_get", "path", r->path, "detail", hoshi_error_detail(),
                (const char *)NULL);
        json_error(p, 500, "internal", "the declaration could not be read");
        return;
    }
    p->ctype = "application/json";
    decl_json(&p->body, r, &d);
    hoshi_buf_putc(&p->body, '\n');
}
