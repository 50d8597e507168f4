/*
 * page_members.c — the members of an organisation (issue 11 part 3):
 * /members lists them and the pending invitations; its owner invites by
 * e-mail (a one-time link valid for seven days, mail [member_invite]),
 * revokes an invitation, removes a member and hands the owner role over.
 * Members see the list only: every action checks the owner role here,
 * whatever the page showed.
 */
#include "server.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define INVITE_TTL (7L * 86400)
#define MEMBERS_MAX 50            /* members and pending invitations together */

static void row_button(hoshi_buf *b, srv_req *r, const char *action, const char *field, long long id,
                       const char *label)
{
    hoshi_buf_printf(b, "<form method=\"post\" action=\"%s\" class=\"inline\">", action);
    srv_csrf_input(b, r);
    hoshi_buf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"%lld\"><button type=\"submit\" class=\"secondary\">",
                     field, id);
    hoshi_buf_html(b, label);
    hoshi_buf_puts(b, "</button></form>");
}

static void member_rows(hoshi_buf *b, srv_req *r, const hoshi_member *m, size_t n, bool owner)
{
    for (size_t i = 0; i < n; i++) {
        hoshi_buf_puts(b, "<tr><td>");
        hoshi_buf_html(b, m[i].email);
        hoshi_buf_puts(b, "</td><td>");
        hoshi_buf_html(b, srv_text(r, "members", m[i].role == HOSHI_ROLE_OWNER ? "owner" : "member"));
        hoshi_buf_puts(b, "</td><td>");
        if (owner && m[i].role != HOSHI_ROLE_OWNER) {
            row_button(b, r, "/members/owner", "user", m[i].id, srv_text(r, "members", "make_owner"));
            row_button(b, r, "/members/remove", "user", m[i].id, srv_text(r, "members", "remove"));
        }
        hoshi_buf_puts(b, "</td></tr>\n");
    }
}

/* The day an invitation expires, as the visitor's language writes dates. */
static const char *expiry_text(srv_req *r, long long expires, char *buf, size_t size)
{
    char iso[16];
    time_t when = (time_t)expires;
    struct tm tm;
    localtime_r(&when, &tm);
    strftime(iso, sizeof iso, "%Y-%m-%d", &tm);
    return srv_fmt_date(r, iso, buf, size);
}

static void invite_rows(hoshi_buf *b, srv_req *r, const hoshi_acct_token *t, size_t n, bool owner)
{
    if (n == 0)
        return;
    hoshi_buf_puts(b, "<h2>");
    hoshi_buf_html(b, srv_text(r, "members", "pending"));
    hoshi_buf_puts(b, "</h2><ul class=\"invites\">");
    for (size_t i = 0; i < n; i++) {
        char shown[64];
        const char *subst[] = {"email", t[i].email, "date", expiry_text(r, t[i].expires, shown, sizeof shown), NULL};
        hoshi_buf_puts(b, "<li>");
        hoshi_buf_subst(b, srv_text(r, "members", "pending_row"), subst, hoshi_buf_html);
        if (owner)
            row_button(b, r, "/members/revoke", "invite", t[i].id, srv_text(r, "members", "revoke"));
        hoshi_buf_puts(b, "</li>");
    }
    hoshi_buf_puts(b, "</ul>");
}

static void invite_form(hoshi_buf *b, srv_req *r, const char *email, const char *err)
{
    hoshi_buf_puts(b, "<h2>");
    hoshi_buf_html(b, srv_text(r, "members", "invite"));
    hoshi_buf_puts(b, "</h2><form method=\"post\" action=\"/members/invite\" novalidate>");
    srv_csrf_input(b, r);
    hoshi_buf_puts(b, "<div class=\"field\"><label for=\"invite-email\">");
    hoshi_buf_html(b, srv_text(r, "members", "invite_email"));
    hoshi_buf_puts(b, "</label><input id=\"invite-email\" name=\"email\" type=\"email\" maxlength=\"254\"");
    if (err != NULL)
        hoshi_buf_puts(b, " aria-invalid=\"true\" aria-describedby=\"invite-err\"");
    hoshi_buf_puts(b, " value=\"");
    hoshi_buf_html(b, email);
    hoshi_buf_puts(b, "\" required><p class=\"hint\">");
    hoshi_buf_html(b, srv_text(r, "members", "invite_hint"));
    hoshi_buf_puts(b, "</p>");
    if (err != NULL) {
        hoshi_buf_puts(b, "<p class=\"field-error\" id=\"invite-err\" role=\"alert\">");
        hoshi_buf_html(b, srv_text(r, "members", err));
        hoshi_buf_puts(b, "</p>");
    }
    hoshi_buf_puts(b, "</div><p><button type=\"submit\">");
    hoshi_buf_html(b, srv_text(r, "members", "invite_submit"));
    hoshi_buf_puts(b, "</button></p></form>");
}

static const char *const notices[] = {"invited", "revoked", "removed", "handed_over", NULL};

/* The page; email and err refill the invitation form after a refusal. */
static void members_page(srv_req *r, srv_resp *p, const hoshi_member *me, const char *email, const char *err)
{
    hoshi_member m[MEMBERS_MAX];
    hoshi_acct_token t[MEMBERS_MAX];
    size_t nm = 0, nt = 0;
    if (hoshi_store_member_list(r->s->store, me->org_id, m, MEMBERS_MAX, &nm) != HOSHI_OK ||
        hoshi_store_invite_list(r->s->store, me->org_id, (long long)time(NULL), t, MEMBERS_MAX, &nt) != HOSHI_OK) {
        srv_page_store_error(r, p, "member_list", false);
        return;
    }
    bool owner = me->role == HOSHI_ROLE_OWNER;
    srv_vars v = {0};
    member_rows(srv_var(&v, "rows"), r, m, nm, owner);
    invite_rows(srv_var(&v, "invites"), r, t, nt, owner);
    if (owner)
        invite_form(srv_var(&v, "invite_form"), r, email, err);
    else {
        hoshi_buf *n = srv_var(&v, "invite_form");
        hoshi_buf_puts(n, "<p class=\"muted\">");
        hoshi_buf_html(n, srv_text(r, "members", "member_note"));
        hoshi_buf_puts(n, "</p>");
    }
    for (size_t i = 0; !r->is_post && notices[i] != NULL; i++) {
        const char *q = srv_req_query(r, "done");
        if (q != NULL && strcmp(q, notices[i]) == 0) {
            hoshi_buf *n = srv_var(&v, "notice");
            hoshi_buf_puts(n, "<p class=\"notice\" role=\"status\">");
            hoshi_buf_html(n, srv_text(r, "members", notices[i]));
            hoshi_buf_puts(n, "</p>");
        }
    }
    if (err != NULL)
        p->status = 422;
    srv_page_render(r, p, "members", &v);
}

void srv_page_members(srv_req *r, srv_resp *p)
{
    hoshi_member me;
    if (srv_member_load(r, p, &me))
        members_page(r, p, &me, "", NULL);
}

/* A positive id from form field `name`, or 0. */
static long long form_id(srv_req *r, const char *name)
{
    long v = 0;
    const char *s = srv_req_form(r, name);
    if (strspn(s, "0123456789") != strlen(s) || !hoshi_parse_long(s, 1, 999999999999L, &v))
        return 0;
    return v;
}

static void send_invite(srv_req *r, srv_resp *p, const hoshi_member *me, const char *email)
{
    hoshi_org org;
    if (hoshi_store_org_get(r->s->store, me->org_id, &org) != HOSHI_OK) {
        srv_page_store_error(r, p, "org_get", false);
        return;
    }
    char token[SRV_ACCT_TOKEN_LEN + 1], digest[HOSHI_STORE_TOKEN];
    srv_acct_token_new(token, digest);
    hoshi_acct_token t = {.kind = HOSHI_TOKEN_INVITE, .org_id = me->org_id,
                          .expires = (long long)time(NULL) + INVITE_TTL};
    snprintf(t.email, sizeof t.email, "%s", email);
    hoshi_err err = hoshi_store_token_add(r->s->store, digest, &t);
    if (err == HOSHI_ERR_INPUT) {
        sodium_memzero(token, sizeof token);
        members_page(r, p, me, email, "err_taken");
        return;
    }
    if (err != HOSHI_OK) {
        sodium_memzero(token, sizeof token);
        srv_page_store_error(r, p, "token_add", true);
        return;
    }
    char shown[64];
    const char *vars[] = {"org", org.name, "inviter", me->email, "expires",
                          expiry_text(r, t.expires, shown, sizeof shown), NULL};
    srv_acct_mail(r, "member_invite", email, "/invite/", token, vars);
    sodium_memzero(token, sizeof token);
    char id[24];
    snprintf(id, sizeof id, "%lld", t.id);
    srv_log(r, "info", "member_invited", "invite", id, (const char *)NULL);
    srv_redirect(p, "/members?done=invited");
}

void srv_page_members_invite(srv_req *r, srv_resp *p)
{
    hoshi_member me;
    if (!srv_need_owner(r, p, &me))
        return;
    char email[SRV_EMAIL_MAX + 1];
    if (!srv_acct_email(srv_req_form(r, "email"), email)) {
        members_page(r, p, &me, email, "err_email");
        return;
    }
    hoshi_member m[MEMBERS_MAX];
    hoshi_acct_token t[MEMBERS_MAX];
    size_t nm = 0, nt = 0;
    if (hoshi_store_member_list(r->s->store, me.org_id, m, MEMBERS_MAX, &nm) != HOSHI_OK ||
        hoshi_store_invite_list(r->s->store, me.org_id, (long long)time(NULL), t, MEMBERS_MAX, &nt) != HOSHI_OK) {
        srv_page_store_error(r, p, "member_list", false);
        return;
    }
    if (nm + nt >= MEMBERS_MAX) {
        members_page(r, p, &me, email, "err_full");
        return;
    }
    send_invite(r, p, &me, email);
}

void srv_page_members_revoke(srv_req *r, srv_resp *p)
{
    hoshi_member me;
    if (!srv_need_owner(r, p, &me))
        return;
    hoshi_err err = hoshi_store_invite_revoke(r->s->store, me.org_id, form_id(r, "invite"));
    if (err == HOSHI_ERR_NOTFOUND)
        srv_page_message(r, p, 404, "not_found");
    else if (err != HOSHI_OK)
        srv_page_store_error(r, p, "invite_revoke", true);
    else
        srv_redirect(p, "/members?done=revoked");
}

void srv_page_members_remove(srv_req *r, srv_resp *p)
{
    hoshi_member me;
    if (!srv_need_owner(r, p, &me))
        return;
    long long uid = form_id(r, "user");
    hoshi_err err = hoshi_store_member_remove(r->s->store, me.org_id, uid);
    if (err == HOSHI_ERR_NOTFOUND) {
        srv_page_message(r, p, 404, "not_found");
        return;
    }
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "member_remove", true);
        return;
    }
    char id[24];
    snprintf(id, sizeof id, "%lld", uid);
    srv_log(r, "info", "member_removed", "user", id, (const char *)NULL);
    srv_redirect(p, "/members?done=removed");
}

void srv_page_members_owner(srv_req *r, srv_resp *p)
{
    hoshi_member me;
    if (!srv_need_owner(r, p, &me))
        return;
    long long uid = form_id(r, "user");
    hoshi_err err = uid == me.id ? hoshi_error_set(HOSHI_ERR_NOTFOUND, "hand-over to oneself")
                                 : hoshi_store_owner_transfer(r->s->store, me.org_id, me.id, uid);
    if (err == HOSHI_ERR_NOTFOUND) {
        srv_page_message(r, p, 404, "not_found");
        return;
    }
    if (err != HOSHI_OK) {
        srv_page_store_error(r, p, "owner_transfer", true);
        return;
    }
    char id[24];
    snprintf(id, sizeof id, "%lld", uid);
    srv_log(r, "info", "owner_handed_over", "user", id, (const char *)NULL);
    srv_redirect(p, "/members?done=handed_over");
}
