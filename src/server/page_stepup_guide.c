/*
 * page_stepup_guide.c — the step-up box on the dashboard of an
 * organisation whose declaration in force is ★ (issue 13 part 2): what ★★
 * adds (the diagnosis and a short basic policy, nothing more), how long it
 * takes, which of the owner's own "will work on it" principles to start
 * with, and what declarants reported in IPA's survey.  Its own template
 * (stepup_guide.html) and texts ([stepup_guide] of web.ini), so the
 * dashboard only places it; the handler decides whether it shows.
 */
#include "server.h"

#include <stdio.h>
#include <string.h>

/* One of the two things ★★ adds, with whether it is done and where to do it. */
static void add_step(hoshi_buf *b, srv_req *r, bool done, const char *key, const char *href,
                     const char *link_key)
{
    hoshi_buf_printf(b, "<span class=\"status %s\">", done ? "done" : "todo");
    hoshi_buf_html(b, srv_text(r, "dashboard", done ? "done" : "todo"));
    hoshi_buf_puts(b, "</span> ");
    hoshi_buf_html(b, srv_text(r, "stepup_guide", key));
    if (!done) {
        hoshi_buf_printf(b, " <a href=\"%s\">", href);
        hoshi_buf_html(b, srv_text(r, "stepup_guide", link_key));
        hoshi_buf_puts(b, "</a>");
    }
}

/* The principles the owner marked "will work on it" (star1 '0'), in the
 * action plan's order: the item's impact class first, then its number.
 * Returns how many were written to order[]. */
static int todo_principles(const hoshi_catalog *c, const char *star1, int order[5])
{
    int n = 0;
    for (int cls = 1; cls <= 3; cls++)
        for (int i = 1; i <= 5; i++) {
            const hoshi_item_info *it = hoshi_catalog_item(c, i);
            if (star1[i - 1] == '0' && it != NULL && it->priority == cls)
                order[n++] = i;
        }
    return n;
}

/* The list of principles to start with, the first marked and with its
 * first step; or the note that all five are in place. */
static void start_list(hoshi_buf *b, srv_req *r, const char *star1)
{
    const hoshi_catalog *c = r->s->cat[r->lang];
    int order[5];
    if (strlen(star1) != 5) /* no ★ check saved: nothing to start from */
        return;
    int n = todo_principles(c, star1, order);
    hoshi_buf_puts(b, "<p>");
    hoshi_buf_html(b, srv_text(r, "stepup_guide", n > 0 ? "start_lead" : "start_none"));
    hoshi_buf_puts(b, "</p>");
    if (n == 0)
        return;
    hoshi_buf_puts(b, "<ol class=\"stepup-start\">");
    for (int k = 0; k < n; k++) {
        const hoshi_principle_info *pi = hoshi_catalog_principle(c, order[k]);
        char num[4];
        snprintf(num, sizeof num, "%d", order[k]);
        const char *vv[] = {"n", num, NULL};
        hoshi_buf_printf(b, "<li%s><a href=\"/star1#p%d\">", k == 0 ? " class=\"first\"" : "", order[k]);
        hoshi_buf_html(b, pi->title);
        hoshi_buf_puts(b, "</a> <span class=\"muted\">(");
        hoshi_buf_subst(b, srv_text(r, "stepup_guide", "item_n"), vv, hoshi_buf_html);
        hoshi_buf_puts(b, ")</span>");
        if (k == 0) {
            hoshi_buf_puts(b, " <strong class=\"badge-first\">");
            hoshi_buf_html(b, srv_text(r, "stepup_guide", "start_first"));
            hoshi_buf_puts(b, "</strong>");
            if (pi->n_todo > 0) {
                hoshi_buf_puts(b, "<br>");
                hoshi_buf_html(b, srv_text(r, "stepup_guide", "first_step"));
                hoshi_buf_putc(b, ' ');
                hoshi_buf_html(b, pi->todo[0]);
            }
        }
        hoshi_buf_puts(b, "</li>");
    }
    hoshi_buf_puts(b, "</ol>");
}

void srv_stepup_guide(hoshi_buf *out, srv_req *r, const hoshi_org *org, bool diagnosed, bool published)
{
    srv_vars v = {0};
    add_step(srv_var(&v, "diag_step"), r, diagnosed, "diag", "/diagnosis", "diag_link");
    add_step(srv_var(&v, "policy_step"), r, published, "policy", "/policy", "policy_link");
    start_list(srv_var(&v, "start"), r, org->star1);
    if (diagnosed && published) {
        hoshi_buf *nx = srv_var(&v, "next");
        hoshi_buf_puts(nx, "<p class=\"notice\">");
        hoshi_buf_html(nx, srv_text(r, "stepup_guide", "ready"));
        hoshi_buf_puts(nx, " <a class=\"button\" href=\"/declare\">");
        hoshi_buf_html(nx, srv_text(r, "stepup_guide", "declare_link"));
        hoshi_buf_puts(nx, "</a></p>");
    }
    srv_tpl_render(out, r, "stepup_guide", "stepup_guide", srv_vars_list(&v));
    srv_vars_free(&v);
}
