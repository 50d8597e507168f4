/*
 * page_policy_public.c — the published basic policy as the public sees it
 * (/policies/<organisation>, issue 11 parts 7 and 9): the version in
 * force rendered as HTML with the document's own title as the page's h1
 * and its sections as h2, the representative once, the version's number,
 * publication and review dates, and the list of earlier versions, each
 * viewable (?v=N) and marked as not the one in force.  Also the text to
 * HTML conversion the verification page shares.
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A generator underline: three or more of '=' (the title) or '-' (a
 * section), nothing else once trimmed; 0 when the line is not one. */
static char underline(const char *s)
{
    size_t n = strlen(s);
    if (n >= 3 && (strspn(s, "=") == n || strspn(s, "-") == n))
        return s[0];
    return 0;
}

/* "(12) text" (the generator's list items): the text after the number,
 * or NULL. */
static const char *list_item(const char *s)
{
    if (*s != '(')
        return NULL;
    size_t d = strspn(s + 1, "0123456789");
    if (d == 0 || d > 3 || s[1 + d] != ')')
        return NULL;
    s += 2 + d;
    while (*s == ' ')
        s++;
    return *s ? s : NULL;
}

/* Splits text into trimmed lines (the copy is cut in place); *n lines. */
static char **split_lines(char *copy, size_t *n)
{
    size_t cap = 1;
    for (const char *p = copy; *p; p++)
        cap += *p == '\n';
    char **line = malloc(cap * sizeof *line);
    if (line == NULL)
        return NULL;
    *n = 0;
    for (char *p = copy; p != NULL;) {
        char *end = strchr(p, '\n');
        if (end != NULL)
            *end = '\0';
        line[(*n)++] = srv_trim(p);
        p = end ? end + 1 : NULL;
    }
    return line;
}

bool srv_policy_text_html(hoshi_buf *b, const char *text, int top)
{
    bool titled = false;
    char *copy = strdup(text ? text : "");
    size_t n = 0;
    char **line = copy ? split_lines(copy, &n) : NULL;
    if (line == NULL) {
        free(copy);
        b->err = HOSHI_ERR_NOMEM;
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char u = i + 1 < n && *line[i] ? underline(line[i + 1]) : 0;
        if (u != 0) {
            int level = u == '=' ? top : top + 1;
            titled |= level == top;
            hoshi_buf_printf(b, "<h%d>", level);
            srv_html_shown(b, line[i]);
            hoshi_buf_printf(b, "</h%d>\n", level);
            i++;
        } else if (list_item(line[i]) != NULL) {
            hoshi_buf_puts(b, "<ol class=\"policy-items\">\n");
            for (; i < n && list_item(line[i]) != NULL; i++) {
                hoshi_buf_puts(b, "<li>");
                srv_html_shown(b, list_item(line[i]));
                hoshi_buf_puts(b, "</li>\n");
            }
            hoshi_buf_puts(b, "</ol>\n");
            i--;
        } else if (*line[i] && underline(line[i]) == 0) {
            /* A stray underline (its title deleted) is no text: left out. */
            hoshi_buf_puts(b, "<p>");
            srv_html_shown(b, line[i]);
            hoshi_buf_puts(b, "</p>\n");
        }
    }
    free(line);
    free(copy);
    return titled;
}

/* The facts of the version shown and the history list, newest first;
 * `shown` is the number on the page. */
static void versions_html(srv_req *r, srv_vars *v, long long org_id, const hoshi_policy_version *list, size_t n,
                          int shown)
{
    char date[40];
    const hoshi_policy_version *cur = NULL;
    for (size_t i = 0; i < n; i++)
        if (list[i].number == shown)
            cur = &list[i];
    if (cur == NULL)
        return;
    hoshi_buf *f = srv_var(v, "version_facts");
    hoshi_buf_puts(f, "<dt>");
    hoshi_buf_html(f, srv_text(r, "policy_public", "version"));
    hoshi_buf_printf(f, "</dt><dd>%d</dd><dt>", cur->number);
    hoshi_buf_html(f, srv_text(r, "policy_public", "published_on"));
    hoshi_buf_puts(f, "</dt><dd>");
    hoshi_buf_html(f, srv_fmt_date(r, cur->published_on, date, sizeof date));
    hoshi_buf_puts(f, "</dd>");
    if (cur == &list[0]) {
        hoshi_buf_puts(f, "<dt>");
        hoshi_buf_html(f, srv_text(r, "policy_public", "review_on"));
        hoshi_buf_puts(f, "</dt><dd>");
        hoshi_buf_html(f, srv_fmt_date(r, cur->review_on, date, sizeof date));
        hoshi_buf_puts(f, "</dd>");
    } else {
        hoshi_buf *o = srv_var(v, "old");
        char num[16];
        snprintf(num, sizeof num, "%d", list[0].number);
        const char *sv[] = {"number", num, NULL};
        hoshi_buf_puts(o, "<p class=\"notice\" role=\"note\">");
        hoshi_buf_subst(o, srv_text(r, "policy_public", "old_version"), sv, hoshi_buf_html);
        hoshi_buf_printf(o, " <a href=\"/policies/%lld\">", org_id);
        hoshi_buf_html(o, srv_text(r, "policy_public", "see_current"));
        hoshi_buf_puts(o, "</a></p>");
    }
    hoshi_buf *h = srv_var(v, "history");
    hoshi_buf_puts(h, "<section class=\"card\" aria-labelledby=\"versions-h\"><h2 id=\"versions-h\">");
    hoshi_buf_html(h, srv_text(r, "policy_public", "versions"));
    hoshi_buf_puts(h, "</h2>\n<ol class=\"versions\" reversed>\n");
    for (size_t i = 0; i < n; i++) {
        hoshi_buf_puts(h, "<li>");
        if (list[i].number == shown)
            hoshi_buf_puts(h, "<span aria-current=\"page\">");
        else if (i == 0)
            hoshi_buf_printf(h, "<a href=\"/policies/%lld\">", org_id);
        else
            hoshi_buf_printf(h, "<a href=\"/policies/%lld?v=%d\">", org_id, list[i].number);
        char num[16];
        snprintf(num, sizeof num, "%d", list[i].number);
        const char *hv[] = {"number", num, "date", srv_fmt_date(r, list[i].published_on, date, sizeof date), NULL};
        hoshi_buf_subst(h, srv_text(r, "policy_public", "version_item"), hv, hoshi_buf_html);
        hoshi_buf_puts(h, list[i].number == shown ? "</span>" : "</a>");
        if (i == 0) {
            hoshi_buf_puts(h, " ");
            hoshi_buf_html(h, srv_text(r, "policy_public", "in_force"));
        }
        hoshi_buf_puts(h, "</li>\n");
    }
    hoshi_buf_puts(h, "</ol></section>");
}

/* The number asked for with ?v=, 0 for the version in force; -1 when
 * the parameter is not a plausible number. */
static int asked_version(srv_req *r)
{
    const char *q = srv_req_query(r, "v");
    long n = 0;
    if (q == NULL)
        return 0;
    return hoshi_parse_long(q, 1, 1000000, &n) ? (int)n : -1;
}

void srv_page_policy_public(srv_req *r, srv_resp *p, long long org_id)
{
    hoshi_org org;
    hoshi_policy_rec pol;
    memset(&pol, 0, sizeof pol);
    hoshi_policy_version old;
    memset(&old, 0, sizeof old);
    size_t n = 0;
    int want = asked_version(r);
    /* Off the stack: fifty versions are some 90 KB. */
    hoshi_policy_version *list = calloc(HOSHI_POLICY_VERSIONS_MAX, sizeof *list);
    if (list == NULL) {
        srv_page_message(r, p, 500, "internal");
        return;
    }
    hoshi_err err = want < 0 ? HOSHI_ERR_NOTFOUND : hoshi_store_org_get(r->s->store, org_id, &org);
    if (err == HOSHI_OK)
        err = hoshi_store_policy_get_public(r->s->store, org_id, &pol);
    if (err == HOSHI_OK)
        err = hoshi_store_policy_versions(r->s->store, org_id, list, HOSHI_POLICY_VERSIONS_MAX, &n);
    if (err == HOSHI_OK && want > 0 && (n == 0 || want != list[0].number))
        err = hoshi_store_policy_version_get(r->s->store, org_id, want, &old);
    if (err != HOSHI_OK) {
        free(pol.body);
        free(list);
        /* Only a policy that is not there is a (cacheable) 404. */
        if (err == HOSHI_ERR_NOTFOUND)
            srv_page_message(r, p, 404, "not_found");
        else
            srv_page_store_error(r, p, "policy_get_public", false);
        return;
    }
    if (n > 0)
        /* The public copy's own date is the one in force (the two agree
         * unless the row was dated by hand, as an import would). */
        snprintf(list[0].published_on, sizeof list[0].published_on, "%s", pol.published_on);
    const char *body = old.body ? old.body : pol.body;
    const char *rep = old.body ? old.representative : pol.representative;
    int shown = old.body ? old.number : n > 0 ? list[0].number : 0;
    srv_vars v = {0};
    srv_var_shown(&v, "org", org.name);
    hoshi_buf text = HOSHI_BUF_INIT;
    if (!srv_policy_text_html(&text, body, 1)) {
        /* The owner's text has no title of its own: the page still needs one. */
        hoshi_buf *t = srv_var(&v, "title");
        hoshi_buf_puts(t, "<h1>");
        hoshi_buf_html(t, srv_text(r, "policy_public", "title"));
        hoshi_buf_puts(t, "</h1>");
    }
    hoshi_buf_puts(srv_var(&v, "policy"), text.data ? text.data : "");
    hoshi_buf_free(&text);
    if (*rep && strstr(body, rep) == NULL) {
        /* Shown once: only when the text itself does not name them. */
        hoshi_buf *f = srv_var(&v, "rep");
        hoshi_buf_puts(f, "<dt>");
        hoshi_buf_html(f, srv_text(r, "policy_public", "representative"));
        hoshi_buf_puts(f, "</dt><dd>");
        srv_html_shown(f, rep);
        hoshi_buf_puts(f, "</dd>");
    }
    if (n == 0) {
        /* Published before versions were kept (seeded data): its date only. */
        char date[40];
        hoshi_buf *f = srv_var(&v, "version_facts");
        hoshi_buf_puts(f, "<dt>");
        hoshi_buf_html(f, srv_text(r, "policy_public", "published_on"));
        hoshi_buf_puts(f, "</dt><dd>");
        hoshi_buf_html(f, srv_fmt_date(r, pol.published_on, date, sizeof date));
        hoshi_buf_puts(f, "</dd>");
    }
    versions_html(r, &v, org_id, list, n, shown);
    free(pol.body);
    free(old.body);
    free(list);
    hoshi_buf page = HOSHI_BUF_INIT;
    srv_tpl_render(&page, r, "policy_public", "policy_public", srv_vars_list(&v));
    srv_vars_free(&v);
    char *title = NULL;
    if (hoshi_text_sanitize(org.name, &title) != HOSHI_OK) {
        hoshi_buf_free(&page);
        srv_page_message(r, p, 500, "internal");
        return;
    }
    srv_page_finish(r, p, title, &page);
    free(title);
}
