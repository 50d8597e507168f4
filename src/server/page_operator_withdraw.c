/*
 * page_operator_withdraw.c — the operator's withdrawal of a declaration
 * (issue 11 part 6), in three steps: a form (GET /operator/withdraw?id=)
 * asking for a reason from the fixed list (withdraw_reasons.c) and a
 * note for the record; a confirmation page showing what will happen; and
 * the withdrawal itself, which the store writes together with its row in
 * the audit log.  Then the owner is mailed (the reason's public label,
 * never the note).  A missing reason or note sends the form back with the
 * errors (400) and changes nothing; anyone but an operator gets the 404
 * of srv_need_operator.  Every withdrawal and refusal is a security event
 * in the log.
 */
#include "server.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define NOTE_MAX HOSHI_AUDIT_NOTE_CHARS

/* What the operator typed, checked. */
typedef struct withdraw_form {
    const char *reason;           /* a listed key, or NULL */
    char note[HOSHI_AUDIT_NOTE];
    const char *note_shown;       /* the note as typed, to show again */
    hoshi_text_problem why;       /* the note's fault (HOSHI_TEXT_OK: none) */
    bool ok;
} withdraw_form;

static void decl_vars(srv_vars *v, srv_req *r, const hoshi_decl *d)
{
    srv_var_text(v, "id", d->id);
    srv_var_shown(v, "org", d->org_name);
    hoshi_buf_puts(srv_var(v, "stars"), srv_level_stars(d->level));
    srv_csrf_input(srv_var(v, "csrf"), r);
}

static void reason_radios(hoshi_buf *b, srv_req *r, const char *chosen, bool invalid)
{
    const srv *s = r->s;
    for (size_t i = 0; i < srv_reasons_count(s); i++) {
        const char *k = srv_reason_key(s, i);
        hoshi_buf_printf(b, "<label class=\"check\"><input type=\"radio\" name=\"reason\" value=\"%s\"%s%s%s> ", k,
                         chosen != NULL && strcmp(chosen, k) == 0 ? " checked" : "", i == 0 ? " required" : "",
                         invalid ? " aria-invalid=\"true\" aria-describedby=\"err_reason\"" : "");
        hoshi_buf_html(b, srv_reason_label(s, k, r->lang));
        hoshi_buf_puts(b, "</label>");
    }
}

static void form_page(srv_req *r, srv_resp *p, const hoshi_decl *d, const withdraw_form *f)
{
    srv_vars v = {0};
    decl_vars(&v, r, d);
    bool bad_reason = f != NULL && f->reason == NULL;
    bool bad_note = f != NULL && f->why.fault != HOSHI_TEXT_OK;
    reason_radios(srv_var(&v, "reasons"), r, f ? f->reason : NULL, bad_reason);
    if (f != NULL)
        srv_var_shown(&v, "note", f->note_shown);
    if (bad_reason || bad_note) {
        p->status = 400;
        hoshi_buf *sb = srv_var(&v, "summary");
        hoshi_buf_puts(sb, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><p>");
        hoshi_buf_html(sb, srv_text(r, "operator_withdraw", "err_summary"));
        hoshi_buf_puts(sb, "</p></div>");
    }
    if (bad_reason) {
        hoshi_buf *eb = srv_var(&v, "err_reason");
        hoshi_buf_puts(eb, "<p class=\"field-error\" id=\"err_reason\">");
        hoshi_buf_html(eb, srv_text(r, "operator_withdraw", "err_reason"));
        hoshi_buf_puts(eb, "</p>");
    }
    if (bad_note) {
        hoshi_buf *eb = srv_var(&v, "err_note");
        hoshi_buf_puts(eb, "<div id=\"err_note\">");
        if (f->why.fault == HOSHI_TEXT_EMPTY)
            srv_field_error(eb, r, "operator_withdraw", "err_note");
        else
            srv_text_error(eb, r, srv_text(r, "operator_withdraw", "note"), &f->why, NOTE_MAX);
        hoshi_buf_puts(eb, "</div>");
        hoshi_buf_puts(srv_var(&v, "note_err_id"), " err_note");
        hoshi_buf_puts(srv_var(&v, "note_invalid"), " aria-invalid=\"true\"");
    }
    srv_page_render(r, p, "operator_withdraw", &v);
}

static void confirm_page(srv_req *r, srv_resp *p, const hoshi_decl *d, const withdraw_form *f)
{
    srv_vars v = {0};
    decl_vars(&v, r, d);
    srv_var_text(&v, "reason", f->reason);
    srv_var_text(&v, "reason_label", srv_reason_label(r->s, f->reason, r->lang));
    srv_var_shown(&v, "note", f->note);
    hoshi_buf body = HOSHI_BUF_INIT;
    srv_tpl_render(&body, r, "operator_withdraw_confirm", "operator_withdraw", srv_vars_list(&v));
    srv_vars_free(&v);
    srv_page_finish(r, p, srv_text(r, "operator_withdraw", "confirm_title"), &body);
}

static void log_withdraw(srv_req *r, const char *level, const char *id, const char *result, const char *reason)
{
    char user[24];
    snprintf(user, sizeof user, "%lld", r->ses.user_id);
    srv_log(r, level, "operator_withdraw", "operator", user, "declaration", id, "result", result, "reason",
            reason != NULL && reason[0] ? reason : "(none)", (const char *)NULL);
}

/* The owner's notice: to the address of the organisation's account, in
 * Japanese (the registry's language), once per declaration.  Also sent
 * when an upheld dispute withdraws a declaration (page_operator_disputes.c). */
void srv_withdrawal_notify(srv_req *r, const hoshi_decl *d)
{
    srv *s = r->s;
    srv_supplier_withdrawn(r, d->org_id); /* and the clients that list it (issue 13 part 5) */
    char email[HOSHI_STORE_EMAIL], key[64], date[40];
    hoshi_err err = hoshi_store_org_email(s->store, d->org_id, email);
    if (err == HOSHI_ERR_NOTFOUND) {
        srv_log(r, "warn", "withdrawal_notice", "declaration", d->id, "result", "no account", (const char *)NULL);
        return;
    }
    hoshi_date day;
    if (hoshi_date_parse(d->withdrawn_on, &day) == HOSHI_OK)
        hoshi_date_format(day, HOSHI_LANG_JA, date, sizeof date);
    else
        snprintf(date, sizeof date, "%s", d->withdrawn_on);
    hoshi_buf url = HOSHI_BUF_INIT;
    hoshi_buf_printf(&url, "%s/verify/%s", s->base, d->id);
    const char *vars[] = {"org", d->org_name, "id", d->id, "stars", srv_level_stars(d->level), "date", date,
                          "reason", srv_reason_label(s, d->withdraw_reason, HOSHI_LANG_JA), "url",
                          url.data ? url.data : "", "contact", s->cfg.mail_from, NULL};
    snprintf(key, sizeof key, "withdrawal:%s", d->id);
    if (err == HOSHI_OK)
        err = srv_mail_send(s, "withdrawal_notice", HOSHI_LANG_JA, email, vars, key, NULL);
    hoshi_buf_free(&url);
    srv_log(r, err == HOSHI_OK ? "info" : "error", "withdrawal_notice", "declaration", d->id, "result",
            err == HOSHI_OK ? "queued" : hoshi_error_detail(), (const char *)NULL);
}

static void withdraw(srv_req *r, srv_resp *p, const hoshi_decl *d, const withdraw_form *f)
{
    char today[16];
    hoshi_date_iso(hoshi_date_today(), today, sizeof today);
    hoshi_audit_new a = {r->ses.user_id, "withdraw", d->id, d->org_id, f->reason, f->note};
    hoshi_decl after;
    hoshi_err err = hoshi_store_decl_withdraw_programme(r->s->store, &a, today, (long long)time(NULL), &after);
    log_withdraw(r, err == HOSHI_OK ? "info" : "warn", d->id,
                 err == HOSHI_OK ? "withdrawn" : err == HOSHI_ERR_NOTFOUND ? "not_found" : "store_error", f->reason);
    if (err == HOSHI_ERR_NOTFOUND) {
        srv_page_message(r, p, 404, "decl_not_found");  /* withdrawn meanwhile */
        return;
    }
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "decl_withdraw_programme", true);
        return;
    }
    srv_withdrawal_notify(r, &after);
    srv_redirect(p, "/operator?done=1");
}

void srv_page_operator_withdraw(srv_req *r, srv_resp *p)
{
    if (!srv_need_operator(r, p))
        return;
    const char *id = r->is_post ? srv_req_form(r, "id") : srv_req_query(r, "id");
    bool valid = id != NULL && hoshi_decl_id_is_valid(id);
    hoshi_decl d;
    hoshi_err err = valid ? hoshi_store_decl_get(r->s->store, id, &d) : HOSHI_ERR_NOTFOUND;
    if (err != HOSHI_OK && err != HOSHI_ERR_NOTFOUND) {
        srv_page_store_error(r, p, "decl_get", false);
        return;
    }
    if (err == HOSHI_ERR_NOTFOUND || d.status != HOSHI_DECL_ACTIVE) {
        /* No such declaration, or already withdrawn. */
        if (r->is_post)
            log_withdraw(r, "warn", valid ? id : "(invalid)", "not_found", NULL);
        srv_page_message(r, p, 404, "decl_not_found");
        return;
    }
    if (!r->is_post) {
        form_page(r, p, &d, NULL);
        return;
    }
    withdraw_form f = {0};
    const char *reason = srv_req_form(r, "reason");
    f.reason = srv_reason_ok(r->s, reason) ? reason : NULL;
    f.note_shown = srv_req_form(r, "note");
    bool note_ok = srv_form_text(f.note_shown, NOTE_MAX, HOSHI_TEXT_MULTILINE | HOSHI_TEXT_REQUIRED, f.note,
                                 sizeof f.note, &f.why);
    if (!note_ok && f.why.fault == HOSHI_TEXT_OK) {
        srv_page_message(r, p, 500, "internal");
        return;
    }
    if (f.reason == NULL || !note_ok) {
        log_withdraw(r, "warn", d.id, "refused", f.reason);
        form_page(r, p, &d, &f);
        return;
    }
    if (strcmp(srv_req_form(r, "confirm"), "1") != 0) {
        confirm_page(r, p, &d, &f);
        return;
    }
    withdraw(r, p, &d, &f);
}
