/*
 * page_cases.c — the case studies (issue 13 part 3): /cases lists them,
 * filtered by employee band and industry; /cases/<id> tells one story;
 * the owner's dashboard shows the one closest to the organisation.  The
 * stories are the operator's data (DATADIR/cases, read once at start by
 * the library's hoshi_cases_open, which refuses bad files with their
 * file and line); this file only shows them, every value escaped.
 */
#include "server.h"

#include <stdio.h>
#include <string.h>

hoshi_err srv_cases_load(srv *s)
{
    char path[1024];
    srv_content_dir(s, s->cfg.cases_dir, "cases", path, sizeof path);
    return hoshi_cases_open(path, &s->cases);
}

void srv_cases_free(srv *s)
{
    hoshi_cases_free(s->cases);
    s->cases = NULL;
}

/* The industry filter: 0 when none, -1 when not a JSIC division letter. */
static int query_industry(srv_req *r)
{
    const char *v = srv_req_query(r, "industry");
    if (v == NULL || v[0] == '\0')
        return 0;
    int code = hoshi_attrs_industry_code(v);
    return code != 0 ? code : -1;
}

/* The facts of k as tags: employees, industry, the level declared. */
static void case_tags(hoshi_buf *b, srv_req *r, const hoshi_case *k)
{
    char letter[2] = {(char)('A' + k->industry - 1), '\0'};
    hoshi_buf_puts(b, "<p class=\"tags\"><span class=\"tag\">");
    hoshi_buf_html(b, srv_text(r, "cases", "employees"));
    hoshi_buf_puts(b, " ");
    hoshi_buf_html(b, hoshi_attrs_label(r->s->attrs[r->lang], HOSHI_ATTR_SIZE, k->size));
    hoshi_buf_puts(b, "</span> <span class=\"tag\">");
    hoshi_buf_html(b, srv_industry_name(r, letter));
    hoshi_buf_puts(b, "</span> <span class=\"tag\">");
    hoshi_buf_html(b, srv_text(r, "cases", "declared_level"));
    hoshi_buf_printf(b, " <span class=\"stars\">%s</span></span></p>\n", srv_level_stars(k->level));
}

/* A case as a list entry: its title linked, the firm, the tags. */
static void case_card(hoshi_buf *b, srv_req *r, const hoshi_case *k, int heading)
{
    const hoshi_cases *cs = r->s->cases;
    hoshi_buf_printf(b, "<h%d><a href=\"/cases/", heading);
    hoshi_buf_url(b, k->id);
    hoshi_buf_puts(b, "\">");
    hoshi_buf_html(b, hoshi_case_text(cs, k, r->lang, "title", 0));
    hoshi_buf_printf(b, "</a></h%d>\n<p>", heading);
    hoshi_buf_html(b, hoshi_case_text(cs, k, r->lang, "firm", 0));
    hoshi_buf_puts(b, "</p>\n");
    case_tags(b, r, k);
}

void srv_page_cases(srv_req *r, srv_resp *p)
{
    int size = srv_query_number(r, "size", 1, hoshi_attrs_count(HOSHI_ATTR_SIZE));
    int industry = query_industry(r);
    srv_vars v = {0};
    srv_select_options(srv_var(&v, "size_options"), r, srv_text(r, "cases", "any"), HOSHI_ATTR_SIZE,
                       size > 0 ? size : 0, false);
    srv_select_options(srv_var(&v, "industry_options"), r, srv_text(r, "cases", "any"), HOSHI_ATTR_INDUSTRY,
                       industry > 0 ? industry : 0, true);
    if (size < 0 || industry < 0) {
        /* A value no choice of the form sends: say which, list nothing. */
        if (size < 0)
            srv_var_error(&v, r, "err_size", "cases", "bad_size");
        if (industry < 0)
            srv_var_error(&v, r, "err_industry", "cases", "bad_industry");
        p->status = 400;
        srv_page_render(r, p, "cases", &v);
        return;
    }
    const hoshi_cases *cs = r->s->cases;
    hoshi_buf *list = srv_var(&v, "list");
    size_t shown = 0;
    for (size_t i = 0; i < hoshi_cases_count(cs); i++) {
        const hoshi_case *k = hoshi_cases_at(cs, i);
        if ((size != 0 && k->size != size) || (industry != 0 && k->industry != industry))
            continue;
        hoshi_buf_puts(list, "<li class=\"card case\">\n");
        case_card(list, r, k, 2);
        hoshi_buf_puts(list, "</li>\n");
        shown++;
    }
    srv_count_line(srv_var(&v, "count"), r, "cases", shown);
    srv_page_render(r, p, "cases", &v);
}

void srv_page_case(srv_req *r, srv_resp *p, const char *id)
{
    const hoshi_cases *cs = r->s->cases;
    const hoshi_case *k = hoshi_cases_find(cs, id);
    if (k == NULL) {
        srv_page_message(r, p, 404, "not_found");
        return;
    }
    srv_vars v = {0};
    const char *title = hoshi_case_text(cs, k, r->lang, "title", 0);
    srv_var_text(&v, "case_title", title);
    srv_var_text(&v, "firm", hoshi_case_text(cs, k, r->lang, "firm", 0));
    case_tags(srv_var(&v, "tags"), r, k);
    hoshi_buf *story = srv_var(&v, "story");
    for (size_t i = 0; i < HOSHI_CASE_PARTS; i++) {
        const char *part = hoshi_case_parts[i];
        char key[32];
        snprintf(key, sizeof key, "part_%s", part);
        hoshi_buf_puts(story, "<section>\n<h2>");
        hoshi_buf_html(story, srv_text(r, "case", key));
        hoshi_buf_puts(story, "</h2>\n");
        for (size_t n = 0; hoshi_case_text(cs, k, r->lang, part, n) != NULL; n++) {
            hoshi_buf_puts(story, "<p>");
            hoshi_buf_html(story, hoshi_case_text(cs, k, r->lang, part, n));
            hoshi_buf_puts(story, "</p>\n");
        }
        hoshi_buf_puts(story, "</section>\n");
    }
    hoshi_buf body = HOSHI_BUF_INIT;
    srv_render_form(&body, r, "case", "case", &v);
    srv_page_finish(r, p, title, &body);
}

void srv_case_block(hoshi_buf *b, srv_req *r, const hoshi_org *org)
{
    const hoshi_case *k = hoshi_cases_match(r->s->cases, org->employees, hoshi_attrs_industry_code(org->industry));
    if (k == NULL)
        return;
    hoshi_buf_puts(b, "<section class=\"card case-match\" aria-labelledby=\"case-match\">\n<h2 id=\"case-match\">");
    hoshi_buf_html(b, srv_text(r, "dashboard", "case_heading"));
    hoshi_buf_puts(b, "</h2>\n");
    case_card(b, r, k, 3);
    hoshi_buf_puts(b, "<p class=\"muted\">");
    hoshi_buf_html(b, srv_text(r, "cases", "illustrative"));
    hoshi_buf_puts(b, " <a href=\"/cases\">");
    hoshi_buf_html(b, srv_text(r, "dashboard", "case_more"));
    hoshi_buf_puts(b, "</a></p>\n</section>\n");
}
