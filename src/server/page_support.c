/*
 * page_support.c — the operator's directory of support services for
 * small businesses (issue 13 part 4): /support lists them, filtered by
 * prefecture, price band, kind and self-diagnosis item; the diagnosis
 * result links each item of the action plan to the services that help
 * with it (/support?item=N).  The services are the operator's data
 * (DATADIR/support, read once at start by hoshi_support_open, which
 * refuses bad files with their file and line); every value is escaped
 * here, and the services' addresses are shown as outside links.
 */
#include "server.h"

#include <stdio.h>
#include <string.h>

#define PREFECTURES 47

hoshi_err srv_support_load(srv *s)
{
    char path[1024];
    srv_content_dir(s, s->cfg.support_dir, "support", path, sizeof path);
    return hoshi_support_open(path, &s->support);
}

void srv_support_free(srv *s)
{
    hoshi_support_free(s->support);
    s->support = NULL;
}

/* The filters of a request: 0 none, -1 a value that is not a choice. */
typedef struct support_filter {
    int region, price, kind, item;
} support_filter;

/* A named choice (kind, price band) from the query: 0 none, -1 unknown. */
static int query_name(srv_req *r, const char *name, int (*code)(const char *))
{
    const char *v = srv_req_query(r, name);
    if (v == NULL || v[0] == '\0')
        return 0;
    int c = code(v);
    return c != 0 ? c : -1;
}

static bool matches(const hoshi_service *sv, const support_filter *f)
{
    return (f->region == 0 || hoshi_service_serves(sv, f->region)) && (f->price == 0 || sv->price == f->price) &&
           (f->kind == 0 || (sv->kinds >> (f->kind - 1) & 1)) && (f->item == 0 || hoshi_service_covers(sv, f->item));
}

/* <option>s of a named choice: the empty "any", then each name with its
 * label [support] <prefix>_<name>. */
static void name_options(hoshi_buf *b, srv_req *r, const char *prefix, const char *const *names, int n, int chosen)
{
    hoshi_buf_puts(b, "<option value=\"\">");
    hoshi_buf_html(b, srv_text(r, "support", "any"));
    hoshi_buf_puts(b, "</option>");
    for (int i = 0; i < n; i++) {
        char key[48];
        snprintf(key, sizeof key, "%s_%s", prefix, names[i]);
        hoshi_buf_printf(b, "<option value=\"%s\"%s>", names[i], i + 1 == chosen ? " selected" : "");
        hoshi_buf_html(b, srv_text(r, "support", key));
        hoshi_buf_puts(b, "</option>");
    }
}

static void item_options(hoshi_buf *b, srv_req *r, int chosen)
{
    hoshi_buf_puts(b, "<option value=\"\">");
    hoshi_buf_html(b, srv_text(r, "support", "any"));
    hoshi_buf_puts(b, "</option>");
    for (int i = 1; i <= HOSHI_DIAG_ITEMS; i++) {
        hoshi_buf_printf(b, "<option value=\"%d\"%s>%d. ", i, i == chosen ? " selected" : "", i);
        hoshi_buf_html(b, hoshi_catalog_item(r->s->cat[r->lang], i)->title);
        hoshi_buf_puts(b, "</option>");
    }
}

/* Between the words of a list: 、 in Japanese, ", " in English (a
 * value of web.ini cannot end in a blank, so the space is added here). */
static void list_sep(hoshi_buf *b, srv_req *r, bool first)
{
    if (first)
        return;
    hoshi_buf_html(b, srv_text(r, "support", "list_sep"));
    if (r->lang == HOSHI_LANG_EN)
        hoshi_buf_putc(b, ' ');
}

/* One service: its name linked to its address, provider, covers, facts. */
static void service_entry(hoshi_buf *b, srv_req *r, const hoshi_service *sv)
{
    const hoshi_support *ss = r->s->support;
    hoshi_buf_puts(b, "<li class=\"card service\">\n<h2><a rel=\"noopener noreferrer\" href=\"");
    hoshi_buf_html(b, sv->url);
    hoshi_buf_puts(b, "\">");
    hoshi_buf_html(b, hoshi_service_text(ss, sv, r->lang, "name", 0));
    hoshi_buf_puts(b, "</a></h2>\n<p class=\"muted\">");
    hoshi_buf_html(b, hoshi_service_text(ss, sv, r->lang, "provider", 0));
    hoshi_buf_puts(b, "</p>\n");
    for (size_t n = 0; hoshi_service_text(ss, sv, r->lang, "covers", n) != NULL; n++) {
        hoshi_buf_puts(b, "<p>");
        hoshi_buf_html(b, hoshi_service_text(ss, sv, r->lang, "covers", n));
        hoshi_buf_puts(b, "</p>\n");
    }
    hoshi_buf_puts(b, "<dl class=\"facts\">\n<dt>");
    hoshi_buf_html(b, srv_text(r, "support", "kind"));
    hoshi_buf_puts(b, "</dt><dd>");
    bool first = true;
    for (int k = 0; k < HOSHI_SUPPORT_KINDS; k++) {
        if (!(sv->kinds >> k & 1))
            continue;
        char key[48];
        snprintf(key, sizeof key, "kind_%s", hoshi_support_kind_names[k]);
        list_sep(b, r, first);
        hoshi_buf_html(b, srv_text(r, "support", key));
        first = false;
    }
    hoshi_buf_puts(b, "</dd>\n<dt>");
    hoshi_buf_html(b, srv_text(r, "support", "region"));
    hoshi_buf_puts(b, "</dt><dd>");
    if (sv->nationwide) {
        hoshi_buf_html(b, srv_text(r, "support", "nationwide"));
    } else {
        first = true;
        for (int pref = 1; pref <= PREFECTURES; pref++) {
            if (!hoshi_service_serves(sv, pref))
                continue;
            list_sep(b, r, first);
            hoshi_buf_html(b, srv_prefecture_name(r, pref));
            first = false;
        }
    }
    char key[48];
    snprintf(key, sizeof key, "price_%s", hoshi_support_price_names[sv->price - 1]);
    hoshi_buf_puts(b, "</dd>\n<dt>");
    hoshi_buf_html(b, srv_text(r, "support", "price"));
    hoshi_buf_puts(b, "</dt><dd>");
    hoshi_buf_html(b, srv_text(r, "support", key));
    hoshi_buf_puts(b, "</dd>\n<dt>");
    hoshi_buf_html(b, srv_text(r, "support", "items"));
    hoshi_buf_puts(b, "</dt><dd>");
    first = true;
    for (int i = 1; i <= HOSHI_DIAG_ITEMS; i++) {
        if (!hoshi_service_covers(sv, i))
            continue;
        hoshi_buf_printf(b, "%s<a href=\"/support?item=%d\">%d</a>", first ? "" : " ", i, i);
        first = false;
    }
    hoshi_buf_puts(b, "</dd>\n</dl>\n</li>\n");
}

void srv_page_support(srv_req *r, srv_resp *p)
{
    support_filter f = {srv_query_number(r, "region", 1, PREFECTURES),
                        query_name(r, "price", hoshi_support_price_code), query_name(r, "kind", hoshi_support_kind_code),
                        srv_query_number(r, "item", 1, HOSHI_DIAG_ITEMS)};
    srv_vars v = {0};
    srv_select_options(srv_var(&v, "region_options"), r, srv_text(r, "support", "any"), HOSHI_ATTR_PREF,
                       f.region > 0 ? f.region : 0, false);
    name_options(srv_var(&v, "price_options"), r, "price", hoshi_support_price_names, HOSHI_SUPPORT_PRICES,
                 f.price);
    name_options(srv_var(&v, "kind_options"), r, "kind", hoshi_support_kind_names, HOSHI_SUPPORT_KINDS, f.kind);
    item_options(srv_var(&v, "item_options"), r, f.item);
    if (f.region < 0 || f.price < 0 || f.kind < 0 || f.item < 0) {
        /* A value no choice of the form sends: say which, list nothing. */
        srv_var_error(&v, r, "err_region", "support", f.region < 0 ? "bad_region" : NULL);
        srv_var_error(&v, r, "err_price", "support", f.price < 0 ? "bad_price" : NULL);
        srv_var_error(&v, r, "err_kind", "support", f.kind < 0 ? "bad_kind" : NULL);
        srv_var_error(&v, r, "err_item", "support", f.item < 0 ? "bad_item" : NULL);
        p->status = 400;
        srv_page_render(r, p, "support", &v);
        return;
    }
    if (f.item > 0) {
        char n[8];
        snprintf(n, sizeof n, "%d", f.item);
        const char *vars[] = {"n", n, "title", hoshi_catalog_item(r->s->cat[r->lang], f.item)->title, NULL};
        hoshi_buf *h = srv_var(&v, "item_heading");
        hoshi_buf_puts(h, "<h2>");
        hoshi_buf_subst(h, srv_text(r, "support", "item_heading"), vars, hoshi_buf_html);
        hoshi_buf_puts(h, "</h2>");
    }
    const hoshi_support *ss = r->s->support;
    hoshi_buf *list = srv_var(&v, "list");
    size_t shown = 0;
    for (size_t i = 0; i < hoshi_support_count(ss); i++) {
        const hoshi_service *sv = hoshi_support_at(ss, i);
        if (matches(sv, &f)) {
            service_entry(list, r, sv);
            shown++;
        }
    }
    srv_count_line(srv_var(&v, "count"), r, "support", shown);
    srv_page_render(r, p, "support", &v);
}

void srv_plan_support(hoshi_buf *b, srv_req *r, const hoshi_answer answers[HOSHI_DIAG_ITEMS])
{
    int plan[HOSHI_DIAG_ITEMS];
    const hoshi_catalog *c = r->s->cat[r->lang];
    size_t n = hoshi_plan_build(c, answers, plan);
    if (n == 0)
        return;
    hoshi_buf_puts(b, "<section class=\"card plan-support noprint\" aria-labelledby=\"plan-support\">\n"
                      "<h2 id=\"plan-support\">");
    hoshi_buf_html(b, srv_text(r, "result", "support_heading"));
    hoshi_buf_puts(b, "</h2>\n<p>");
    hoshi_buf_html(b, srv_text(r, "result", "support_lead"));
    hoshi_buf_puts(b, "</p>\n<ol class=\"plan-links\">\n");
    for (size_t i = 0; i < n; i++) {
        size_t k = hoshi_support_covering(r->s->support, plan[i]);
        char num[24];
        hoshi_buf_printf(b, "<li value=\"%d\">", plan[i]);
        hoshi_buf_html(b, hoshi_catalog_item(c, plan[i])->title);
        hoshi_buf_puts(b, " — ");
        if (k == 0) {
            hoshi_buf_puts(b, "<span class=\"muted\">");
            hoshi_buf_html(b, srv_text(r, "result", "support_none"));
            hoshi_buf_puts(b, "</span></li>\n");
            continue;
        }
        snprintf(num, sizeof num, "%zu", k);
        const char *vars[] = {"n", num, NULL};
        hoshi_buf_printf(b, "<a href=\"/support?item=%d\">", plan[i]);
        hoshi_buf_subst(b, srv_text(r, "result", "support_link"), vars, hoshi_buf_html);
        hoshi_buf_puts(b, "</a></li>\n");
    }
    hoshi_buf_puts(b, "</ol>\n</section>\n");
}
