/*
 * page_operator.c — the programme operator's page: counts of
 * organisations, diagnoses, policies and declarations, the latest
 * declarations (searchable by name), each in force with the way to
 * withdraw it (page_operator_withdraw.c: a reason, a note, a
 * confirmation).  Only users with the operator role see it; everyone
 * else gets the same 404 as for a page that does not exist, and every
 * attempt by someone who is not an operator to post to an operator page
 * is a security event in the log.
 */
#include "server.h"

#include <stdio.h>
#include <string.h>

#define OPERATOR_ROWS 50
#define QUERY_MAX 100 /* characters of a name search */

bool srv_need_operator(srv_req *r, srv_resp *p)
{
    if (r->logged_in && r->ses.is_operator)
        return true;
    if (r->is_post) {
        char user[24] = "";
        if (r->logged_in)
            snprintf(user, sizeof user, "%lld", r->ses.user_id);
        srv_log(r, "warn", "operator_denied", "path", r->path, "user", r->logged_in ? user : "anonymous",
                (const char *)NULL);
    }
    srv_page_message(r, p, 404, "not_found");
    return false;
}

static void stat_row(hoshi_buf *b, srv_req *r, const char *key, long long n)
{
    hoshi_buf_puts(b, "<tr><th>");
    hoshi_buf_html(b, srv_text(r, "operator", key));
    hoshi_buf_printf(b, "</th><td class=\"num\">%lld</td></tr>", n);
}

void srv_page_operator(srv_req *r, srv_resp *p)
{
    if (!srv_need_operator(r, p))
        return;
    hoshi_stats st;
    if (hoshi_store_stats(r->s->store, &st) != HOSHI_OK) {
        srv_page_store_error(r, p, "stats", false);
        return;
    }
    srv_vars v = {0};
    hoshi_buf *sb = srv_var(&v, "stats");
    stat_row(sb, r, "orgs", st.orgs);
    stat_row(sb, r, "users", st.users);
    stat_row(sb, r, "diagnoses", st.diagnoses);
    stat_row(sb, r, "policies", st.policies);
    stat_row(sb, r, "active1", st.active[1]);
    stat_row(sb, r, "active2", st.active[2]);
    stat_row(sb, r, "withdrawn", st.withdrawn);
    /* The supply chain (issue 13 part 5): invitations through clients. */
    hoshi_supplier_counts sc;
    if (hoshi_store_supplier_counts(r->s->store, &sc) != HOSHI_OK) {
        srv_vars_free(&v);
        srv_page_store_error(r, p, "supplier_counts", false);
        return;
    }
    stat_row(sb, r, "suppliers_invited", sc.invited);
    stat_row(sb, r, "suppliers_joined", sc.joined);
    stat_row(sb, r, "suppliers_declared", sc.declared);

    /* The search word goes through the same rule as the names it looks
     * for, so a name typed decomposed (NFD) finds the stored NFC one. */
    char name[QUERY_MAX * 4 + 1] = "";
    const char *q = srv_req_query(r, "q");
    hoshi_text_problem why = {0};
    bool q_ok = q == NULL || srv_form_text(q, QUERY_MAX, 0, name, sizeof name, &why);
    if (!q_ok && why.fault == HOSHI_TEXT_OK) {
        srv_vars_free(&v);
        srv_page_message(r, p, 500, "internal");
        return;
    }
    srv_var_shown(&v, "q", q_ok ? name : q);
    hoshi_decl rows[OPERATOR_ROWS];
    size_t n = 0;
    long long total = 0;
    hoshi_decl_query dq = {name, 0, NULL, 0, true, 0, OPERATOR_ROWS, 0};
    if (!q_ok) {
        srv_text_error(srv_var(&v, "err_q"), r, srv_text(r, "operator", "q"), &why, QUERY_MAX);
        p->status = 400;
    } else if (hoshi_store_decl_search(r->s->store, &dq, rows, &n, &total) != HOSHI_OK) {
        srv_vars_free(&v);
        srv_page_store_error(r, p, "decl_search", false);
        return;
    }
    hoshi_buf *lb = srv_var(&v, "rows");
    for (size_t i = 0; i < n; i++) {
        bool active = rows[i].status == HOSHI_DECL_ACTIVE;
        hoshi_buf_printf(lb, "<tr><td class=\"declid\"><a href=\"/verify/%s\">%s</a></td><td>", rows[i].id,
                      rows[i].id);
        srv_html_shown(lb, rows[i].org_name);
        hoshi_buf_printf(lb, "</td><td class=\"stars\">%s</td><td>", srv_level_stars(rows[i].level));
        hoshi_buf_html(lb, rows[i].declared_on);
        hoshi_buf_puts(lb, "</td><td>");
        if (active) {
            /* The form asks for the reason and a note, then confirms
             * (page_operator_withdraw.c). */
            hoshi_buf_puts(lb, "<form method=\"get\" action=\"/operator/withdraw\" class=\"inline\">");
            hoshi_buf_printf(lb, "<input type=\"hidden\" name=\"id\" value=\"%s\"><button type=\"submit\" class=\"danger\">",
                          rows[i].id);
            hoshi_buf_html(lb, srv_text(r, "operator", "withdraw_link"));
            hoshi_buf_puts(lb, "</button></form>");
        } else {
            hoshi_buf_html(lb, srv_text(r, "operator", "withdrawn_on"));
            hoshi_buf_puts(lb, " ");
            hoshi_buf_html(lb, rows[i].withdrawn_on);
        }
        hoshi_buf_puts(lb, "</td></tr>");
    }
    srv_var_done(&v, r, "operator");
    srv_page_render(r, p, "operator", &v);
}
