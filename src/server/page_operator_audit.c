/*
 * page_operator_audit.c — the operator's audit log (issue 11 part 6):
 * srv_audit(), which the operator pages call after an action that
 * changes a declaration, an organisation or a message (withdrawals write
 * their row in the store's own transaction instead), and the page
 * /operator/audit listing the log newest first, 50 rows a page,
 * filterable by declaration number.  The notes are the operators' own
 * words: shown here, to operators only, and nowhere else.
 */
#include "server.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define AUDIT_ROWS 50
#define PAGE_MAX 100000L

bool srv_audit(srv_req *r, const char *action, const char *decl_id, long long org_id, const char *note)
{
    hoshi_audit_new a = {r->ses.user_id, action, decl_id, org_id, NULL, note};
    hoshi_err err = hoshi_store_audit_add(r->s->store, &a, (long long)time(NULL), NULL);
    if (err != HOSHI_OK)
        srv_log(r, "error", "store_error", "op", "audit_add", "action", action, "detail", hoshi_error_detail(),
                (const char *)NULL);
    return err == HOSHI_OK;
}

static void action_label(hoshi_buf *b, srv_req *r, const char *action)
{
    static const char *const known[] = {"withdraw", "dispute_uphold", "dispute_reject", "mail_retry"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(action, known[i]) == 0) {
            hoshi_buf_html(b, srv_text(r, "operator_audit", action));
            return;
        }
    hoshi_buf_html(b, action);  /* an action of a later version */
}

static void audit_row(hoshi_buf *b, srv_req *r, const hoshi_audit_entry *e)
{
    char when[32] = "";
    time_t t = (time_t)e->at;
    struct tm tm;
    if (localtime_r(&t, &tm) != NULL)
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    hoshi_buf_puts(b, "<tr><td>");
    hoshi_buf_html(b, when);
    hoshi_buf_puts(b, "</td><td>");
    if (e->operator_email[0])
        hoshi_buf_html(b, e->operator_email);
    else
        hoshi_buf_printf(b, "#%lld", e->operator_id);
    hoshi_buf_puts(b, "</td><td>");
    action_label(b, r, e->action);
    hoshi_buf_puts(b, "</td><td>");
    if (e->decl_id[0])
        hoshi_buf_printf(b, "<a class=\"declid\" href=\"/verify/%s\">%s</a> ", e->decl_id, e->decl_id);
    if (e->org_id > 0) {
        char id[24];
        snprintf(id, sizeof id, "%lld", e->org_id);
        const char *vl[] = {"id", id, NULL};
        hoshi_buf_subst(b, srv_text(r, "operator_audit", "org"), vl, hoshi_buf_html);
    }
    hoshi_buf_puts(b, "</td><td>");
    if (e->reason[0])
        hoshi_buf_html(b, srv_reason_label(r->s, e->reason, r->lang));
    hoshi_buf_puts(b, "</td><td class=\"prewrap\">");
    srv_html_shown(b, e->note);
    hoshi_buf_puts(b, "</td></tr>");
}

static void pager(hoshi_buf *b, srv_req *r, const char *decl, long page, long long total)
{
    long last = total > 0 ? (long)((total - 1) / AUDIT_ROWS) : 0;
    if (page > 0) {
        hoshi_buf_printf(b, "<a href=\"/operator/audit?page=%ld%s%s\" rel=\"prev\">", page - 1,
                         decl[0] ? "&amp;decl=" : "", decl);
        hoshi_buf_html(b, srv_text(r, "operator_audit", "prev"));
        hoshi_buf_puts(b, "</a> ");
    }
    if (page < last) {
        hoshi_buf_printf(b, "<a href=\"/operator/audit?page=%ld%s%s\" rel=\"next\">", page + 1,
                         decl[0] ? "&amp;decl=" : "", decl);
        hoshi_buf_html(b, srv_text(r, "operator_audit", "next"));
        hoshi_buf_puts(b, "</a>");
    }
}

void srv_page_operator_audit(srv_req *r, srv_resp *p)
{
    if (!srv_need_operator(r, p))
        return;
    srv_vars v = {0};
    /* A declaration number, checked before it goes anywhere near a link. */
    const char *decl = srv_req_query(r, "decl");
    const char *page_s = srv_req_query(r, "page");
    long page = 0;
    if (page_s != NULL && !hoshi_parse_long(page_s, 0, PAGE_MAX, &page)) {
        srv_vars_free(&v);
        srv_page_message(r, p, 404, "not_found");
        return;
    }
    if (decl != NULL && decl[0] != '\0' && !hoshi_decl_id_is_valid(decl)) {
        srv_var_shown(&v, "decl", decl);
        srv_var_error(&v, r, "err_decl", "operator_audit", "err_decl");
        hoshi_buf_puts(srv_var(&v, "decl_invalid"), " aria-invalid=\"true\"");
        p->status = 400;
        decl = NULL;
    } else {
        decl = decl != NULL ? decl : "";
        srv_var_text(&v, "decl", decl);
    }
    static _Thread_local hoshi_audit_entry rows[AUDIT_ROWS];
    size_t n = 0;
    long long total = 0;
    if (decl != NULL && hoshi_store_audit_list(r->s->store, decl, (long long)page * AUDIT_ROWS, rows, AUDIT_ROWS,
                                               &n, &total) != HOSHI_OK) {
        srv_vars_free(&v);
        srv_page_store_error(r, p, "audit_list", false);
        return;
    }
    hoshi_buf *lb = srv_var(&v, "rows");
    for (size_t i = 0; i < n; i++)
        audit_row(lb, r, &rows[i]);
    if (n == 0) {
        srv_none_row(lb, r, "operator_audit", 6);
    } else {
        char from[24], to[24], all[24];
        snprintf(from, sizeof from, "%lld", (long long)page * AUDIT_ROWS + 1);
        snprintf(to, sizeof to, "%lld", (long long)page * AUDIT_ROWS + (long long)n);
        snprintf(all, sizeof all, "%lld", total);
        const char *vl[] = {"from", from, "to", to, "total", all, NULL};
        hoshi_buf_subst(srv_var(&v, "range"), srv_text(r, "operator_audit", "page"), vl, hoshi_buf_html);
    }
    pager(srv_var(&v, "pager"), r, decl ? decl : "", page, total);
    srv_page_render(r, p, "operator_audit", &v);
}
