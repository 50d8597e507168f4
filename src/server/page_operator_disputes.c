/*
 * page_operator_disputes.c — claims on a 法人番号 that another
 * organisation's declaration already holds (issue 11 part 1): the
 * operator's list of them, open ones first, and resolving one: uphold
 * (the holder's declaration is withdrawn, and the claimant may declare)
 * or reject (the holder keeps it).  Every resolution is a security event
 * in the log: who, which dispute, what came of it.
 */
#include "server.h"

#include <stdio.h>
#include <string.h>

#define DISPUTE_ROWS 100

static void resolve_form(hoshi_buf *b, srv_req *r, long long id)
{
    static const char *const actions[] = {"uphold", "reject"};
    for (int i = 0; i < 2; i++) {
        hoshi_buf_puts(b, "<form method=\"post\" action=\"/operator/disputes\" class=\"inline\">");
        srv_csrf_input(b, r);
        hoshi_buf_printf(b, "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
                            "<input type=\"hidden\" name=\"action\" value=\"%s\">"
                            "<button type=\"submit\" class=\"%s\">", id, actions[i],
                         i == 0 ? "danger" : "secondary");
        hoshi_buf_html(b, srv_text(r, "operator_disputes", actions[i]));
        hoshi_buf_puts(b, "</button></form> ");
    }
}

static void dispute_row(hoshi_buf *b, srv_req *r, const hoshi_dispute *d)
{
    char date[40];
    hoshi_buf_printf(b, "<tr><td class=\"declid\">%s</td><td>", d->corpnum);
    srv_html_shown(b, d->org_name);
    hoshi_buf_printf(b, " <span class=\"stars\">%s</span></td><td>", srv_level_stars(d->level));
    srv_html_shown(b, d->holder_name);
    if (d->holder_decl[0])
        hoshi_buf_printf(b, " <a class=\"declid\" href=\"/verify/%s\">%s</a>", d->holder_decl, d->holder_decl);
    hoshi_buf_puts(b, "</td><td>");
    hoshi_buf_html(b, srv_fmt_date(r, d->opened_on, date, sizeof date));
    hoshi_buf_puts(b, "</td><td>");
    if (d->status == HOSHI_DISPUTE_OPEN) {
        resolve_form(b, r, d->id);
    } else {
        hoshi_buf_html(b, srv_text(r, "operator_disputes",
                                   d->status == HOSHI_DISPUTE_UPHELD ? "upheld" : "rejected"));
        hoshi_buf_puts(b, " ");
        hoshi_buf_html(b, srv_fmt_date(r, d->resolved_on, date, sizeof date));
    }
    hoshi_buf_puts(b, "</td></tr>");
}

static void list_page(srv_req *r, srv_resp *p)
{
    static _Thread_local hoshi_dispute rows[DISPUTE_ROWS];
    size_t n = 0;
    if (hoshi_store_dispute_list(r->s->store, rows, DISPUTE_ROWS, &n) != HOSHI_OK) {
        srv_page_store_error(r, p, "dispute_list", false);
        return;
    }
    srv_vars v = {0};
    hoshi_buf *lb = srv_var(&v, "rows");
    for (size_t i = 0; i < n; i++)
        dispute_row(lb, r, &rows[i]);
    if (n == 0) {
        hoshi_buf_puts(lb, "<tr><td colspan=\"5\">");
        hoshi_buf_html(lb, srv_text(r, "operator_disputes", "none"));
        hoshi_buf_puts(lb, "</td></tr>");
    }
    if (srv_req_query(r, "done") != NULL) {
        hoshi_buf_puts(srv_var(&v, "notice"), "<p class=\"notice\" role=\"status\">");
        hoshi_buf_html(srv_var(&v, "notice"), srv_text(r, "operator_disputes", "done"));
        hoshi_buf_puts(srv_var(&v, "notice"), "</p>");
    }
    srv_page_render(r, p, "operator_disputes", &v);
}

/* The open dispute with this id, looked up in the list the page shows
 * (open ones come first); false when it is not there. */
static bool find_open(srv_req *r, long id, hoshi_dispute *out)
{
    static _Thread_local hoshi_dispute rows[DISPUTE_ROWS];
    size_t n = 0;
    if (hoshi_store_dispute_list(r->s->store, rows, DISPUTE_ROWS, &n) != HOSHI_OK)
        return false;
    for (size_t i = 0; i < n; i++)
        if (rows[i].id == id && rows[i].status == HOSHI_DISPUTE_OPEN) {
            *out = rows[i];
            return true;
        }
    return false;
}

void srv_page_operator_disputes(srv_req *r, srv_resp *p)
{
    if (!srv_need_operator(r, p))
        return;
    if (!r->is_post) {
        list_page(r, p);
        return;
    }
    long id = 0;
    const char *action = srv_req_form(r, "action");
    bool upheld = strcmp(action, "uphold") == 0;
    if (!hoshi_parse_long(srv_req_form(r, "id"), 1, 999999999999L, &id) ||
        (!upheld && strcmp(action, "reject") != 0)) {
        srv_page_message(r, p, 400, "bad_form");
        return;
    }
    char today[16], user[24], ids[24];
    hoshi_date_iso(hoshi_date_today(), today, sizeof today);
    snprintf(user, sizeof user, "%lld", r->ses.user_id);
    snprintf(ids, sizeof ids, "%ld", id);
    /* The holder's declaration as it stands before the decision: the audit
     * row names it, and an upheld claim withdraws it and tells its owner. */
    hoshi_dispute open;
    bool known = find_open(r, id, &open);
    hoshi_err err = hoshi_store_dispute_resolve(r->s->store, id, upheld, today);
    const char *result = err == HOSHI_OK ? (upheld ? "upheld" : "rejected")
                         : err == HOSHI_ERR_NOTFOUND ? "not_found" : "store_error";
    srv_log(r, err == HOSHI_OK ? "info" : "warn", "operator_dispute", "operator", user, "dispute", ids,
            "result", result, (const char *)NULL);
    if (err == HOSHI_OK && !srv_audit(r, upheld ? "dispute_uphold" : "dispute_reject", known ? open.holder_decl : "",
                                      known ? open.holder_org_id : 0, ids))
        err = HOSHI_ERR_IO;  /* the decision stands; its record did not: say so (issue 11 part 6) */
    hoshi_decl after;
    if (err == HOSHI_OK && upheld && known && open.holder_decl[0] &&
        hoshi_store_decl_get(r->s->store, open.holder_decl, &after) == HOSHI_OK)
        srv_withdrawal_notify(r, &after);
    if (err == HOSHI_ERR_NOTFOUND) {
        srv_page_message(r, p, 404, "not_found");
        return;
    }
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "dispute_resolve", true);
        return;
    }
    srv_redirect(p, "/operator/disputes?done=1");
}
