/*
 * page_operator_outbox.c — the operator's view of e-mail delivery (issue
 * 11 part 4): how many messages wait, were sent, or were given up by the
 * sender (mailer.c, after --mail-attempts tries), the given-up ones with
 * their last error, and a button that queues one again.  A retry is
 * written to the audit log and wakes the sender.
 */
#include "server.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DEAD_ROWS 100

static void dead_row(hoshi_buf *b, srv_req *r, const hoshi_outbox_msg *m)
{
    hoshi_buf_printf(b, "<tr><td class=\"num\">%lld</td><td>", m->id);
    hoshi_buf_html(b, m->kind);
    hoshi_buf_puts(b, "</td><td>");
    hoshi_buf_html(b, m->to);
    hoshi_buf_puts(b, "</td><td>");
    srv_html_shown(b, m->subject);
    hoshi_buf_printf(b, "</td><td class=\"num\">%d</td><td class=\"error-text\">", m->attempts);
    hoshi_buf_html(b, m->last_error);
    hoshi_buf_puts(b, "</td><td><form method=\"post\" action=\"/operator/outbox\" class=\"inline\">");
    srv_csrf_input(b, r);
    hoshi_buf_printf(b, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><button type=\"submit\" class=\"secondary\">",
                     m->id);
    hoshi_buf_html(b, srv_text(r, "operator_outbox", "retry"));
    hoshi_buf_puts(b, "</button></form></td></tr>");
}

static void list_page(srv_req *r, srv_resp *p)
{
    hoshi_outbox_counts c;
    static _Thread_local hoshi_outbox_msg dead[DEAD_ROWS];
    size_t n = 0;
    if (hoshi_store_outbox_counts(r->s->store, &c) != HOSHI_OK ||
        hoshi_store_outbox_dead(r->s->store, dead, DEAD_ROWS, &n) != HOSHI_OK) {
        srv_page_store_error(r, p, "outbox", false);
        return;
    }
    srv_vars v = {0};
    hoshi_buf_printf(srv_var(&v, "queued"), "%lld", c.queued);
    hoshi_buf_printf(srv_var(&v, "sent"), "%lld", c.sent);
    hoshi_buf_printf(srv_var(&v, "failed"), "%lld", c.failed);
    hoshi_buf *lb = srv_var(&v, "rows");
    for (size_t i = 0; i < n; i++) {
        dead_row(lb, r, &dead[i]);
        hoshi_outbox_msg_clear(&dead[i]);
    }
    if (n == 0)
        srv_none_row(lb, r, "operator_outbox", 7);
    srv_var_done(&v, r, "operator_outbox");
    srv_page_render(r, p, "operator_outbox", &v);
}

void srv_page_operator_outbox(srv_req *r, srv_resp *p)
{
    if (!srv_need_operator(r, p))
        return;
    if (!r->is_post) {
        list_page(r, p);
        return;
    }
    long id = 0;
    if (!hoshi_parse_long(srv_req_form(r, "id"), 1, 999999999999L, &id)) {
        srv_page_message(r, p, 400, "bad_form");
        return;
    }
    char ids[32], user[24];
    snprintf(ids, sizeof ids, "message %ld", id);
    snprintf(user, sizeof user, "%lld", r->ses.user_id);
    hoshi_err err = hoshi_store_outbox_retry(r->s->store, id, (long long)time(NULL));
    srv_log(r, err == HOSHI_OK ? "info" : "warn", "operator_mail_retry", "operator", user, "message", ids + 8,
            "result", err == HOSHI_OK ? "queued" : err == HOSHI_ERR_NOTFOUND ? "not_found" : "store_error",
            (const char *)NULL);
    if (err == HOSHI_ERR_NOTFOUND) {
        srv_page_message(r, p, 404, "not_found");
        return;
    }
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "outbox_retry", true);
        return;
    }
    srv_audit(r, "mail_retry", "", 0, ids);
    srv_mailwake_signal(r->s->mailwake);
    srv_redirect(p, "/operator/outbox?done=1");
}
