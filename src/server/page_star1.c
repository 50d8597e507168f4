/*
 * page_star1.c — the ★ self-check: the five principles from the
 * catalogue, each explained with how to do it, marked in place or to do,
 * and the commitment that ★ asks for.  Nothing is saved until every
 * principle is marked and the commitment ticked, and the marks the owner
 * made stay on the page when something is missing.
 */
#include "server.h"

#include <stdio.h>
#include <string.h>

void srv_page_star1(srv_req *r, srv_resp *p)
{
    hoshi_org org;
    if (!srv_load_org(r, p, &org))
        return;
    const hoshi_catalog *c = r->s->cat[r->lang];
    bool missing[5] = {false}, commit_missing = false, posted = r->is_post;
    if (posted) {
        hoshi_org in = org;
        bool ok = true;
        for (int i = 0; i < 5; i++) {
            char k[16];
            snprintf(k, sizeof k, "p%d", i + 1);
            const char *val = srv_req_form(r, k);
            if (strcmp(val, "done") == 0)
                in.star1[i] = '1';
            else if (strcmp(val, "todo") == 0)
                in.star1[i] = '0';
            else
                missing[i] = true, ok = false;
        }
        in.star1[5] = '\0';
        in.star1_committed = strcmp(srv_req_form(r, "commit"), "1") == 0;
        if (!in.star1_committed)
            commit_missing = true, ok = false;
        org = in;
        if (ok) {
            if (hoshi_store_org_update(r->s->store, &in) != HOSHI_OK) {
                srv_page_store_error(r, p, "org_update", true);
                return;
            }
            srv_redirect(p, "/dashboard");
            return;
        }
        p->status = 422;
    }
    srv_vars v = {0};
    srv_csrf_input(srv_var(&v, "csrf"), r);
    hoshi_buf *list = srv_var(&v, "principles");
    for (int i = 1; i <= 5; i++) {
        const hoshi_principle_info *pi = hoshi_catalog_principle(c, i);
        bool done = org.star1[i - 1] == '1';
        bool chosen = !posted ? org.star1_committed || done : !missing[i - 1];
        hoshi_buf_printf(list, "<fieldset class=\"card principle\" id=\"p%d\"><legend><span class=\"num\">%d</span> ", i, i);
        hoshi_buf_html(list, pi->title);
        hoshi_buf_puts(list, "</legend><p class=\"summary\">");
        hoshi_buf_html(list, pi->summary);
        hoshi_buf_puts(list, "</p><p>");
        hoshi_buf_html(list, pi->explain);
        hoshi_buf_puts(list, "</p><details><summary>");
        hoshi_buf_html(list, srv_text(r, "star1", "howto"));
        hoshi_buf_puts(list, "</summary><ul>");
        for (size_t k = 0; k < pi->n_todo; k++) {
            hoshi_buf_puts(list, "<li>");
            hoshi_buf_html(list, pi->todo[k]);
            hoshi_buf_puts(list, "</li>");
        }
        hoshi_buf_puts(list, "</ul></details><div class=\"choices\">");
        hoshi_buf_printf(list, "<label><input type=\"radio\" name=\"p%d\" value=\"done\"%s> ", i,
                      chosen && done ? " checked" : "");
        hoshi_buf_html(list, srv_text(r, "star1", "done"));
        hoshi_buf_printf(list, "</label><label><input type=\"radio\" name=\"p%d\" value=\"todo\"%s> ", i,
                      chosen && !done ? " checked" : "");
        hoshi_buf_html(list, srv_text(r, "star1", "todo"));
        hoshi_buf_puts(list, "</label></div>");
        if (missing[i - 1])
            srv_field_error(list, r, "star1", "err_choose");
        hoshi_buf_puts(list, "</fieldset>\n");
    }
    hoshi_buf_puts(srv_var(&v, "commit_checked"), org.star1_committed ? " checked" : "");
    bool any_missing = false;
    for (int i = 0; i < 5; i++)
        any_missing = any_missing || missing[i];
    /* the error summary (form_errors.c) lists it: the radios have no one field */
    srv_var_error(&v, r, "err", "star1", any_missing ? "err_choose_some" : NULL);
    srv_var_error(&v, r, "err_commit", "star1", commit_missing ? "err_commit" : NULL);
    srv_page_render(r, p, "star1", &v);
}
